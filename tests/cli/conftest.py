"""Fixtures for the command-line tests: run the REAL installed ``deskterm`` script.

``cli`` runs ``.venv/bin/deskterm`` as a subprocess on the test's desk database (acting as
alice, ``COLUMNS=100``), so the console-script entry point, the exit codes of
``deskterm.cli.main.run`` and what lands on stdout/stderr are exactly what a shell sees.
``deskterm`` does the same without a database (for ``--help``, ``--version``, settings).
A subprocess costs ~0.4 s, so tests arrange their data through the domain (``desk``) and
run only the commands they are about.

Less central paths run in-process: ``cli_inproc`` calls ``deskterm.cli.main.run(argv)`` (the
console script's function, so the same exit codes and one-line errors) inside Typer's
``CliRunner`` isolation and returns the same ``CompletedProcess``; ``invoke`` is
``CliRunner.invoke`` on the Typer app, for paths that succeed.

Every test that uses ``cli`` runs on SQLite and PostgreSQL; a test decorated with
``SQLITE_ONLY`` (``pytest.mark.parametrize("backend", ["sqlite"])``, which overrides the
``backend`` fixture) runs on SQLite only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

DESKTERM = Path(sys.executable).with_name("deskterm")

Run = Callable[..., "subprocess.CompletedProcess[str]"]


def _run(
    args: Sequence[str],
    *,
    env: Mapping[str, str | None],
    input: str | None,
    columns: int,
) -> subprocess.CompletedProcess[str]:
    full_env: dict[str, str] = {**os.environ, "COLUMNS": str(columns)}
    for key, value in env.items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    extra: dict[str, Any] = {"input": input} if input is not None else {"stdin": subprocess.DEVNULL}
    return subprocess.run(
        [str(DESKTERM), *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        **extra,
    )


@pytest.fixture
def deskterm() -> Run:
    """``deskterm(*args, input=None, env=None, columns=100)``: the command, no database set."""

    def run(
        *args: str,
        input: str | None = None,
        env: Mapping[str, str | None] | None = None,
        columns: int = 100,
    ) -> subprocess.CompletedProcess[str]:
        return _run(args, env=env or {}, input=input, columns=columns)

    return run


@pytest.fixture
def cli(backend_url: str) -> Run:
    """``cli(*args, input=None, env=None, columns=100)``: the command on this test's desk,
    acting as alice (``DESKTERM_DB`` and ``DESKTERM_AGENT`` set; ``env`` may override)."""

    def run(
        *args: str,
        input: str | None = None,
        env: Mapping[str, str | None] | None = None,
        columns: int = 100,
    ) -> subprocess.CompletedProcess[str]:
        base: dict[str, str | None] = {"DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}
        return _run(args, env={**base, **(env or {})}, input=input, columns=columns)

    return run


def _run_inproc(
    args: Sequence[str], *, env: Mapping[str, str | None], input: str | None
) -> subprocess.CompletedProcess[str]:
    from deskterm.cli.main import run

    runner = CliRunner()
    code: object = 0
    with runner.isolation(input=input, env={"COLUMNS": "100", **env}) as (out, err, _):
        try:
            run(list(args))
        except SystemExit as exc:
            code = exc.code
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            stdout = out.getvalue().decode()
            stderr = err.getvalue().decode()
    returncode = 0 if code is None else code if isinstance(code, int) else 1
    return subprocess.CompletedProcess(["deskterm", *args], returncode, stdout, stderr)


@pytest.fixture
def deskterm_inproc() -> Run:
    """Like ``deskterm`` (no database set) but in this process."""

    def run(
        *args: str,
        input: str | None = None,
        env: Mapping[str, str | None] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        return _run_inproc(args, env=env or {}, input=input)

    return run


@pytest.fixture
def cli_inproc(backend_url: str) -> Run:
    """Like ``cli`` but in this process: ``run(argv)`` under ``CliRunner`` isolation."""

    def run(
        *args: str,
        input: str | None = None,
        env: Mapping[str, str | None] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        base: dict[str, str | None] = {"DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}
        return _run_inproc(args, env={**base, **(env or {})}, input=input)

    return run


@pytest.fixture
def invoke() -> Callable[..., Result]:
    """In-process ``deskterm`` through Typer's ``CliRunner`` (for the less central paths).

    It calls the Typer app directly, so errors surface as ``result.exception`` rather than
    through ``run()``'s one-line mapping: use it for paths that succeed.
    """
    from deskterm.cli.main import app

    runner = CliRunner()

    def run(*args: str, env: Mapping[str, str | None] | None = None) -> Result:
        return runner.invoke(app, list(args), env={"COLUMNS": "100", **(env or {})})

    return run
