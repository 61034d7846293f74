"""Fixtures for the command-line tests: the command in this process, or the REAL script.

Most tests run ``deskterm`` in-process: ``cli_inproc`` calls the console script's function
(``deskterm.cli.entry.run(argv)``, so the same exit codes and one-line errors) inside Typer's
``CliRunner`` isolation and returns the ``CompletedProcess`` a subprocess would, on the
test's desk database (acting as alice, ``COLUMNS=100``); ``deskterm_inproc`` does the same
without a database. ``tests/cli/test_inproc_runner.py`` runs the same commands both ways
and checks that the answers are identical, and that a run leaves nothing behind.

``cli`` and ``deskterm`` run the installed ``.venv/bin/deskterm`` as a subprocess (~0.4 s
each): keep them for what only a real process shows (the console-script entry point, exit
codes as a shell sees them, pipes and a closed stdout, signals, encodings of the standard
streams, what ``--help`` imports, shell completion). ``invoke`` is ``CliRunner.invoke`` on
the Typer app, for paths that succeed.

Tests arrange their data through the domain (``desk``) and run only the commands they are
about. Every test that uses ``cli`` or ``cli_inproc`` runs on SQLite and PostgreSQL; a test
decorated with ``SQLITE_ONLY`` (``pytest.mark.parametrize("backend", ["sqlite"])``, which
overrides the ``backend`` fixture) runs on SQLite only.
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

from inproc import run_inproc as _run_inproc
from inproc import run_inproc_bytes as _run_inproc_bytes

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


@pytest.fixture
def deskterm_inproc() -> Run:
    """Like ``deskterm`` (no database set) but in this process."""

    def run(
        *args: str,
        input: str | None = None,
        env: Mapping[str, str | None] | None = None,
        columns: int = 100,
    ) -> subprocess.CompletedProcess[str]:
        return _run_inproc(args, env=env or {}, input=input, columns=columns)

    return run


@pytest.fixture
def cli_inproc(backend_url: str) -> Run:
    """``cli_inproc(*args, input=None, env=None, columns=100)``: like ``cli``, in this process."""

    def run(
        *args: str,
        input: str | None = None,
        env: Mapping[str, str | None] | None = None,
        columns: int = 100,
    ) -> subprocess.CompletedProcess[str]:
        base: dict[str, str | None] = {"DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}
        return _run_inproc(args, env={**base, **(env or {})}, input=input, columns=columns)

    return run


@pytest.fixture
def cli_inproc_bytes(backend_url: str) -> Callable[..., subprocess.CompletedProcess[bytes]]:
    """``cli_inproc_bytes(*args, input=None, env=None, columns=100, encoding="utf-8")``: like
    ``cli_inproc`` with the standard streams in ``encoding`` (as ``PYTHONIOENCODING`` or the
    locale sets them for a process) and stdout and stderr as bytes; ``input`` may be bytes."""

    def run(
        *args: str,
        input: str | bytes | None = None,
        env: Mapping[str, str | None] | None = None,
        columns: int = 100,
        encoding: str = "utf-8",
    ) -> subprocess.CompletedProcess[bytes]:
        base: dict[str, str | None] = {"DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}
        return _run_inproc_bytes(
            args, env={**base, **(env or {})}, input=input, columns=columns, encoding=encoding
        )

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
