# deskterm: the two commands a user needs are `make run` and `make test`
# (`make test-fast` is the developer's inner loop; docs/TESTING.md says what each runs).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# The demo database lives inside the checkout so `make run` never touches a user's real desk.
DEMO_DB ?= $(CURDIR)/.demo/desk.db

# The tests start hundreds of Python processes (the installed command, workers): each reads
# deskterm's compiled modules and pytest's rewritten test modules from __pycache__ instead of
# compiling them again, even where the environment says PYTHONDONTWRITEBYTECODE.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest

.PHONY: run test test-fast lint types unit bench clean venv

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; set PYTHON=/path/to/python3.11" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files make the install step run again only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

venv: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/deskterm demo --path "$(DEMO_DB)"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

types: $(VENV)/.installed-dev
	$(BIN)/mypy

# Every test on SQLite and PostgreSQL (with CI=true an unreachable PostgreSQL fails the run).
# Three workers on two cores: tests often wait (PostgreSQL, subprocesses, timeouts) and the
# third uses that time; worksteal evens out the end (docs/TESTING.md, "Timings").
unit: $(VENV)/.installed-dev
	$(PYTEST) -n 3 --dist worksteal --durations=15

# The checks run beside the tests (the tests leave a core part idle while they wait).
test:
	@$(MAKE) --no-print-directory --output-sync=line -j 3 lint types unit

# The inner loop: SQLite only, no slow, console or real-process tests, stop at the first failure.
test-fast: $(VENV)/.installed-dev
	$(PYTEST) -n 2 --dist loadgroup --sqlite-only -m "not slow and not console and not process" -x -q

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache
