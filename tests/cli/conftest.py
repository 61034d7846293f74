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
import weakref
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


#: Click commands built from Typer apps, kept across in-process runs (see _built_once).
_BUILT: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _built_once(get_command: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``typer.main.get_command`` that builds each Typer app's Click command once.

    A process of ``deskterm`` builds its commands once and exits; in-process runs would
    rebuild them on every run (Typer reads every parameter's type hints), which costs more
    than the command itself. A built Click command holds no state of a run (that lives in
    the Click context), so sharing it between runs changes nothing but the time."""

    def cached(typer_app: Any) -> Any:
        command = _BUILT.get(typer_app)
        if command is None:
            command = _BUILT[typer_app] = get_command(typer_app)
        return command

    return cached


def _run_inproc(
    args: Sequence[str],
    *,
    env: Mapping[str, str | None],
    input: str | None,
    columns: int = 100,
) -> subprocess.CompletedProcess[str]:
    """The console script's function in this process, seen as a shell would see a process:
    stdin from ``input`` (empty when None; never a terminal), stdout and stderr apart, the
    exit code of ``SystemExit`` (1 and a traceback on stderr for an uncaught exception, as
    Python prints), ``COLUMNS`` as the terminal width for help and tables alike, and nothing
    left behind: the environment (``TZ`` included), the working directory and the time zone
    are put back afterwards."""
    result = _run_inproc_bytes(args, env=env, input=input, columns=columns)
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def _run_inproc_bytes(
    args: Sequence[str],
    *,
    env: Mapping[str, str | None],
    input: str | bytes | None,
    columns: int = 100,
    encoding: str = "utf-8",
) -> subprocess.CompletedProcess[bytes]:
    """:func:`_run_inproc` with the standard streams in ``encoding`` and the output as bytes.

    A process started under ``PYTHONIOENCODING=ascii``, ``latin-1`` or ``LC_ALL=C`` (UTF-8
    mode off) gets text streams in that encoding, stdout and stdin with errors ``strict``
    (``surrogateescape`` under C) and stderr with ``backslashreplace``: the streams given
    here, except that stdin and stdout are ``strict`` under C too (deskterm reads stdin's
    bytes and sets stdout's errors itself, so that cannot show). What a process alone
    shows is how the interpreter decodes ``argv`` under C: ``test_inproc_runner.py``
    compares both ways for each of these encodings."""
    import time
    import traceback
    from unittest import mock

    import typer.main
    from typer._click import formatting

    from deskterm.cli.entry import run

    runner = CliRunner(charset=encoding)
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    code: object = 0
    try:
        with (
            mock.patch.object(typer.main, "get_command", _built_once(typer.main.get_command)),
            mock.patch.object(sys, "argv", ["deskterm", *args]),
            runner.isolation(input=input, env={"COLUMNS": str(columns), **env}) as (out, err, _),
        ):
            # CliRunner pins Click's help width to 80; a real process measures $COLUMNS.
            formatting.FORCED_WIDTH = None
            time.tzset()  # a process reads TZ when it starts
            try:
                run(list(args))
            except SystemExit as exc:
                code = exc.code
            except BaseException:
                traceback.print_exc()  # what the interpreter prints before exiting 1
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                stdout = out.getvalue()
                stderr = err.getvalue()
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        time.tzset()
    if code is None:
        returncode = 0
    elif isinstance(code, int):
        returncode = code
    else:  # SystemExit("message"): Python prints it and exits 1
        stderr += f"{code}\n".encode(encoding, "backslashreplace")
        returncode = 1
    return subprocess.CompletedProcess(["deskterm", *args], returncode, stdout, stderr)


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
