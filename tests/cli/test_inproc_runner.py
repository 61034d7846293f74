"""The in-process runner (``cli_inproc``) answers exactly as the installed command does.

Most command-line tests run ``deskterm`` in this process because a subprocess costs ~0.4 s.
That is only sound while the two cannot be told apart: the same exit code, the same stdout
and the same stderr, for successes, each class of error, stdin, help text at the terminal's
width, tables and local times; and a run leaves the test process as it found it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clitools import CARRIES, LOCALES, SQLITE_ONLY

from deskterm.domain import tickets
from deskterm.domain.desk import Desk


@pytest.fixture
def two_tickets(desk: Desk) -> None:
    tickets.create(desk, subject="VPN drops", body="every hour", tags=["vpn"], priority="high")
    tickets.create(desk, subject="Printer jam ☃", requester="dana@acme.example")


CASES = [
    pytest.param(("ticket", "list", "--format", "json"), {}, None, id="list-json"),
    pytest.param(("ticket", "list"), {}, None, id="list-piped-default"),
    pytest.param(("ticket", "list", "--format", "table"), {"COLUMNS": "80"}, None, id="table"),
    pytest.param(
        ("ticket", "show", "1", "--format", "table"), {"TZ": "Asia/Tokyo"}, None, id="local-time"
    ),
    pytest.param(
        ("ticket", "update", "-", "--priority", "low", "--dry-run", "-f", "json"),
        {},
        "1\n2\n",
        id="ids-on-stdin",
    ),
    pytest.param(("ticket", "note", "1"), {}, "", id="empty-stdin"),
    pytest.param(("ticket", "show", "999"), {}, None, id="not-found-3"),
    pytest.param(("ticket", "list", "status:bogus"), {}, None, id="bad-query-caret-2"),
    pytest.param(("ticket", "list", "--bogus"), {}, None, id="usage-2"),
    pytest.param(("--as", "nobody", "ticket", "list"), {}, None, id="permission-5"),
    pytest.param(("ticket", "close", "1"), {}, None, id="conflict-4"),
    pytest.param(("ticket",), {}, None, id="group-without-command"),
    pytest.param(("ticket", "update", "--help"), {}, None, id="help-at-100-columns"),
    pytest.param(("--help",), {"COLUMNS": "60"}, None, id="root-help-at-60-columns"),
    pytest.param(("--version",), {}, None, id="version"),
    pytest.param(("db", "status", "--format", "json"), {}, None, id="db-status"),
]


@SQLITE_ONLY
@pytest.mark.parametrize(("args", "env", "stdin"), CASES)
def test_in_process_and_subprocess_answer_the_same(
    cli, cli_inproc, two_tickets, args: tuple[str, ...], env: dict[str, str], stdin: str | None
) -> None:
    columns = int(env.get("COLUMNS", "100"))
    extra = {k: v for k, v in env.items() if k != "COLUMNS"}
    real = cli(*args, input=stdin, env=extra, columns=columns)

    ours = cli_inproc(*args, input=stdin, env=extra, columns=columns)

    assert (ours.returncode, ours.stdout, ours.stderr) == (
        real.returncode,
        real.stdout,
        real.stderr,
    )


ENCODING_CASES = [
    pytest.param(("ticket", "list", "--format", "table"), id="table-stand-ins"),
    pytest.param(("ticket", "list", "--format", "json"), id="json-escapes"),
    pytest.param(("ticket", "list", "status:☕…"), id="unicode-argument-error"),
]


@SQLITE_ONLY
@pytest.mark.parametrize("args", ENCODING_CASES)
@pytest.mark.parametrize("locale", list(LOCALES))
def test_in_process_streams_of_a_locale_answer_as_a_process_in_that_locale(
    backend_url, cli_inproc_bytes, desk, two_tickets, locale: str, args: tuple[str, ...]
) -> None:
    """``cli_inproc_bytes`` with the streams' encoding (test_encodings.py runs that way) gives
    the same bytes as the installed script started in the locale: the same encoding and
    stand-ins on stdout, the same escapes on stderr, and under ``LC_ALL=C`` the same reading
    of an argument that is not ASCII."""
    tickets.create(desk, subject="Café ☕ déjà vu – 日本 \x1b[31mred\x1b[0m")
    env = {**os.environ, "DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice", "COLUMNS": "60"}
    for key, value in LOCALES[locale].items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    real = subprocess.run(
        [str(Path(sys.executable).with_name("deskterm")), *args],
        env=env,
        input=b"",
        capture_output=True,
        timeout=60,
        check=False,
    )

    ours = cli_inproc_bytes(*args, env=LOCALES[locale], columns=60, encoding=CARRIES[locale])

    assert real.stdout or real.stderr
    assert (ours.returncode, ours.stdout, ours.stderr) == (
        real.returncode,
        real.stdout,
        real.stderr,
    )


@SQLITE_ONLY
def test_an_uncaught_exception_is_exit_1_with_the_traceback_as_python_prints_it(
    cli, cli_inproc, two_tickets
) -> None:
    real = cli("--debug", "ticket", "show", "999")

    ours = cli_inproc("--debug", "ticket", "show", "999")

    assert ours.returncode == real.returncode == 1
    assert ours.stdout == real.stdout == ""
    for result in (real, ours):
        assert result.stderr.startswith("Traceback (most recent call last):")
    assert ours.stderr.splitlines()[-1] == real.stderr.splitlines()[-1]
    assert "NotFound" in ours.stderr.splitlines()[-1]


@SQLITE_ONLY
def test_a_run_leaves_the_environment_directory_and_time_zone_as_they_were(
    cli_inproc, two_tickets, tmp_path: Path
) -> None:
    environ = dict(os.environ)
    cwd = os.getcwd()
    zone = (time.tzname, time.timezone)

    result = cli_inproc(
        "ticket", "list", env={"TZ": "Asia/Tokyo", "DESKTERM_AGENT": "bob", "EXTRA": "1"}
    )

    assert result.returncode == 0, result.stderr
    assert dict(os.environ) == environ
    assert os.getcwd() == cwd
    assert (time.tzname, time.timezone) == zone


@SQLITE_ONLY
def test_runs_share_nothing_one_run_after_another(cli_inproc, desk: Desk) -> None:
    """Each run opens and closes its own desk: a second desk, an agent and a setting changed
    between runs are all seen, as by two processes."""
    first = cli_inproc("agent", "whoami", "--format", "json")
    assert '"handle": "alice"' in first.stdout

    second = cli_inproc("agent", "whoami", "--format", "json", env={"DESKTERM_AGENT": "bob"})
    assert '"handle": "bob"' in second.stdout

    tickets.create(desk, subject="Made between two runs")
    listed = cli_inproc("ticket", "list", "--format", "ids")
    assert listed.stdout == "1\n"
