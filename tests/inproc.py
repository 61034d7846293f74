"""The console script's function run in the test process as a shell would see a process
(``cli_inproc`` and ``deskterm_inproc`` in tests/cli/conftest.py, and the tests elsewhere that
run a command where a real process is not the point)."""

from __future__ import annotations

import os
import subprocess
import sys
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from typer.testing import CliRunner

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


def run_inproc(
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
    result = run_inproc_bytes(args, env=env, input=input, columns=columns)
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def run_inproc_bytes(
    args: Sequence[str],
    *,
    env: Mapping[str, str | None],
    input: str | bytes | None,
    columns: int = 100,
    encoding: str = "utf-8",
) -> subprocess.CompletedProcess[bytes]:
    """:func:`run_inproc` with the standard streams in ``encoding`` and the output as bytes.

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
