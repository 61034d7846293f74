"""Shared fixtures: a desk on a real SQLite file and on a real PostgreSQL database.

``backend_url`` is parametrized over ``sqlite`` and ``postgres``; every test that uses it (or
``desk``) runs on both. PostgreSQL is found at ``DESKTERM_TEST_PG`` (default: the local
server, user postgres). Every test starts from the same migrated desk: on SQLite a copy of a
template file, on PostgreSQL this process's working database, put back to the template's
state after each test (``tests/support_pg.py`` says how, and when it is replaced instead).
When no server answers the PostgreSQL runs are skipped with the reason, except with
``CI=true``, where that is a failure: CI has a server and must test against it.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import forked
import strays
import support_pg
from deskterm.domain.desk import Desk
from deskterm.domain.setup import open_desk
from support_pg import PG_URL, ReusedDatabase

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# A suite started in the background by a non-interactive shell (`make test &`, nohup, some CI
# runners) inherits SIGINT ignored, and so would every deskterm process a test starts: the tests
# that press Ctrl-C on `watch` then waited 15 s for nothing. Give the processes SIGINT as a
# terminal's foreground job has it (a Python handler is reset to the default at exec).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
strays.mark_children()
ADMIN = "alice"
EXTRA_AGENTS = (("bob", "Bob Stone", "agent"), ("carol", "Carol Diaz", "lead"))


#: Fixtures that reach PostgreSQL (``--sqlite-only`` leaves out every test that uses one).
PG_FIXTURES = frozenset({"pg_available", "pg_template", "pg_desk_database", "pg_empty_database"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--sqlite-only",
        action="store_true",
        help="leave out the PostgreSQL runs (the fast loop, make test-fast; make test runs all)",
    )


TESTS = Path(__file__).parent
#: Fixtures that run the installed ``deskterm`` as a real process (tests/cli/conftest.py).
SUBPROCESS_FIXTURES = frozenset({"cli", "deskterm", "forked_commands"})
#: Modules whose tests start real processes of their own (workers, shells, the command with
#: bytes or a locale of its own): ``process`` tests, run by make test, not make test-fast.
PROCESS_MODULES = frozenset(
    {
        "cli/test_inproc_runner.py",
        "cli/test_completion_shells.py",
        "cli/test_encodings.py",
        "cli/test_bytes_from_outside.py",
        "cli/test_db_backup.py",
        "cli/test_store_errors.py",
        "store/test_read_only.py",
        "store/test_first_use.py",
        "demo/test_package_data.py",
        "concurrency/test_comment_race.py",
        "concurrency/test_many_writers.py",
        "concurrency/test_mixed_writers.py",
        "concurrency/test_take_race.py",
        "concurrency/test_tick_race.py",
    }
)


def _uses_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("backend") == "postgres":
        return True
    return bool(PG_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--sqlite-only"):
        postgres = [item for item in items if _uses_postgres(item)]
        if postgres:
            config.hook.pytest_deselected(items=postgres)
            items[:] = [item for item in items if not _uses_postgres(item)]
    tui = Path(__file__).with_name("tui")
    for item in items:
        if tui in item.path.parents:
            item.add_marker(pytest.mark.console)
        module = item.path.relative_to(TESTS).as_posix() if TESTS in item.path.parents else ""
        if module in PROCESS_MODULES or SUBPROCESS_FIXTURES & set(
            getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.process)
    # Slow tests first: with ``-n 2`` each worker starts on them at once, so the longest
    # tests run beside the short ones instead of being the tail of the run.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


_BEFORE = pytest.StashKey[frozenset[int]]()


def _starts_processes(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(name) for name in ("process", "console"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    if _starts_processes(item):
        item.stash[_BEFORE] = strays.running()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """A test that starts processes (``process``, ``console``) must leave none running; what
    its fixtures had started before it ran (a server for the module) is theirs to stop."""
    if _BEFORE in item.stash:
        left = strays.stop_strays(keep=item.stash[_BEFORE])
        if left:
            pytest.fail("left running (now killed): " + "; ".join(left), pytrace=False)


_STRAYS: list[str] = []


class _WorkerStrays:
    @staticmethod
    def pytest_testnodedown(node: Any, error: object) -> None:
        """An xdist worker's leftovers (it found and killed them at its end) reach the report."""
        _STRAYS.extend(getattr(node, "workeroutput", {}).get("deskterm_strays", []))


def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_WorkerStrays())


def pytest_sessionfinish(session: pytest.Session) -> None:
    """At the end of the run, any process the tests left running fails it (and is killed)."""
    left = strays.stop_strays()
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller reports
        workeroutput["deskterm_strays"] = left
        return
    left += _STRAYS
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write("\n")
            reporter.write_line(
                "deskterm tests left processes running (now killed): " + "; ".join(left),
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may read the developer's own config, database or colour settings."""
    for name in ("DESKTERM_DB", "DESKTERM_AGENT", "DESKTERM_CONFIG", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


_worker = support_pg.worker
_pg_admin_url = support_pg.admin_url
_pg_execute = support_pg.execute


@pytest.fixture(scope="session")
def pg_available() -> str | None:
    """None when PostgreSQL answers, otherwise the reason it does not."""
    try:
        _pg_execute("SELECT 1")
    except Exception as exc:  # any failure to connect means: no server for these tests
        return f"PostgreSQL not reachable at {PG_URL}: {str(exc).strip().splitlines()[0]}"
    return None


def require_pg(pg_available: str | None) -> None:
    if pg_available is None:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {pg_available}; the PostgreSQL tests must run in CI")
    pytest.skip(pg_available)


def _seed_template(url: str) -> None:
    from deskterm.domain.people.agents import add_agent

    desk = open_desk(url, ADMIN, create=True)
    try:
        for handle, name, role in EXTRA_AGENTS:
            add_agent(desk, handle, name=name, role=role, email=f"{handle}@corp.example")
        _add_queues(desk)
    finally:
        desk.close()


def _add_queues(desk: Desk) -> None:
    """Service Desk (L1) -> Network L2 -> Infrastructure L3, as a real desk has."""
    from sqlalchemy import insert, select, update

    from deskterm.store import schema

    q = schema.queues
    now = desk.now()
    with desk.store.write() as conn:
        conn.execute(
            insert(q),
            [
                {"name": "Network L2", "tier": "L2", "description": "", "created_at": now},
                {"name": "Infrastructure L3", "tier": "L3", "description": "", "created_at": now},
            ],
        )
        ids = dict(conn.execute(select(q.c.name, q.c.id)).all())
        conn.execute(
            update(q).where(q.c.name == "Service Desk").values(escalates_to_id=ids["Network L2"])
        )
        conn.execute(
            update(q)
            .where(q.c.name == "Network L2")
            .values(escalates_to_id=ids["Infrastructure L3"])
        )


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    _seed_template(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_available: str | None) -> Iterator[str]:
    require_pg(pg_available)
    name = support_pg.new_name("tpl")
    _pg_execute(f'CREATE DATABASE "{name}"')
    _seed_template(_pg_admin_url(name))
    yield name
    _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_desk_database(pg_template: str) -> Iterator[ReusedDatabase]:
    """This process's working desk database on PostgreSQL (cloned from the template)."""
    database = ReusedDatabase("t", pg_template)
    yield database
    database.drop()


@pytest.fixture
def pg_server(pg_available: str | None) -> None:
    """For a test of the server itself: skips (fails with CI=true) when PostgreSQL is not there."""
    require_pg(pg_available)


@pytest.fixture(scope="session")
def pg_empty_database(pg_available: str | None) -> Iterator[ReusedDatabase]:
    """This process's working empty database on PostgreSQL."""
    require_pg(pg_available)
    database = ReusedDatabase("e", None)
    yield database
    database.drop()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def backend_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, initialized desk database (admin alice, agents bob and carol, three queues)."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "desk.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    database: ReusedDatabase = request.getfixturevalue("pg_desk_database")
    try:
        yield database.url()
    finally:
        database.reset()


@pytest.fixture
def empty_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it yet, on either backend (on SQLite an empty file, as an
    empty PostgreSQL database exists: a desk named explicitly must exist to be used)."""
    if backend == "sqlite":
        path = tmp_path / "empty.db"
        path.touch(mode=0o600)
        yield f"sqlite:///{path}"
        return
    database: ReusedDatabase = request.getfixturevalue("pg_empty_database")
    try:
        yield database.url()
    finally:
        database.reset()


@pytest.fixture
def desk(backend_url: str) -> Iterator[Desk]:
    desk = open_desk(backend_url, ADMIN)
    yield desk
    desk.close()


@pytest.fixture
def sqlite_desk(tmp_path: Path, sqlite_template: Path) -> Iterator[Desk]:
    """A desk on SQLite only, for tests about SQLite itself."""
    target = tmp_path / "desk.db"
    shutil.copyfile(sqlite_template, target)
    desk = open_desk(f"sqlite:///{target}", ADMIN)
    yield desk
    desk.close()


@pytest.fixture(scope="module")
def forked_commands() -> Iterator[forked.Commands]:
    """Real processes of ``deskterm`` forked from a server that has imported it (``forked.py``:
    the console script's function, its own pid, pipes and exit code). One server for a
    module's tests, stopped after them; each test waits for the processes it started."""
    with forked.commands() as commands:
        yield commands
