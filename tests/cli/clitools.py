"""Assertions shared by the command-line tests (imported by the test modules)."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest

#: Runs a test on SQLite only (overrides the ``backend`` fixture of tests/conftest.py).
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")

TICKET_KEYS = (
    "id",
    "subject",
    "type",
    "status",
    "priority",
    "queue",
    "assignee",
    "requester",
    "tags",
    "channel",
    "created_at",
    "updated_at",
    "first_response_due",
    "resolution_due",
    "sla_state",
    "version",
)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """Assert the command succeeded without a traceback; return its stdout."""
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stdout


def ok_json(result: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(ok(result))


def fails(result: subprocess.CompletedProcess[str], code: int) -> str:
    """Assert exit ``code``, no traceback, and an ``error:`` line first; return that line."""
    assert result.returncode == code, (
        f"expected exit {code}, got {result.returncode}\n"
        f"stdout: {result.stdout}\nstderr: {result.stderr}"
    )
    assert "Traceback" not in result.stderr
    assert "Usage:" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines, "no error message on stderr"
    assert lines[0].startswith("error: "), result.stderr
    return lines[0]


def one_error_line(result: subprocess.CompletedProcess[str], code: int) -> str:
    """Like :func:`fails`, and stderr is exactly that one line."""
    line = fails(result, code)
    assert result.stderr.splitlines() == [line], result.stderr
    return line


def assert_ticket_json(data: dict[str, Any]) -> None:
    """The stable ticket object of SPEC section 5."""
    missing = [key for key in TICKET_KEYS if key not in data]
    assert not missing, f"ticket JSON lacks {missing}"
    assert type(data["id"]) is int
    assert type(data["version"]) is int
    assert isinstance(data["tags"], list)
    for key in ("created_at", "updated_at"):
        assert ISO_UTC.match(data[key]), f"{key}={data[key]!r} is not ISO 8601 UTC with Z"


def cases(*, both: list[Any], sqlite: list[Any], via: bool = False) -> list[Any]:
    """Parameters for a test whose first argument is ``backend``: the ``both`` cases on
    SQLite and PostgreSQL, the ``sqlite`` ones (backend-independent input handling) on SQLite
    only. Each case is a ``pytest.param`` with an id.

    With ``via=True`` a second value names the fixture to run the command with: ``"cli"``
    (the installed script) for the ``both`` cases, ``"cli_inproc"`` for the SQLite-only ones.
    """
    out = []
    for backends, group, runner in (
        (("sqlite", "postgres"), both, "cli"),
        (("sqlite",), sqlite, "cli_inproc"),
    ):
        for case in group:
            for backend in backends:
                values = (backend, runner, *case.values) if via else (backend, *case.values)
                out.append(pytest.param(*values, id=f"{backend}-{case.id}"))
    return out


#: Standard streams that cannot carry Unicode, as a user's environment gives them to a process:
#: ``LC_ALL=C`` with UTF-8 mode off, ``PYTHONIOENCODING=ascii`` and a Latin-1 stream (this
#: machine has no Latin-1 locale; ``PYTHONIOENCODING=latin-1`` gives Python exactly the stdout
#: a Latin-1 locale gives it). ``None`` removes the variable.
LOCALES: dict[str, dict[str, str | None]] = {
    "C": {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": None},
    "ascii": {"PYTHONIOENCODING": "ascii", "PYTHONUTF8": None},
    "latin-1": {"PYTHONIOENCODING": "latin-1", "PYTHONUTF8": None},
}
#: The encoding of a process's standard streams under each of them (what they can carry).
CARRIES = {"C": "ascii", "ascii": "ascii", "latin-1": "latin-1"}
