"""How ``deskterm batch`` reads its input: lines split on ``\\n`` only, bytes checked as UTF-8.

A note pasted from a web page carries U+2028 or U+0085, which JSON writes as they are; the
batch must not break its line there. Bytes that are not UTF-8 are a one-line error naming the
file (or standard input) and the line, exit 2, and nothing changes.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from clitools import SQLITE_ONLY, ok, one_error_line

from conftest import Run
from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets.read import count, detail

PASTED = "Line one\u2028line two\u2029next paragraph\u0085after NEL\x0bvt\x0cff\x1cfs end"


@pytest.fixture
def run_bytes(cli_inproc_bytes):
    """``run_bytes(args, data)``: the command with raw bytes on standard input (in-process:
    the command reads the bytes of its stdin, as ``test_bytes_from_outside.py`` shows the
    installed script does)."""

    def run(args: list[str], data: bytes) -> subprocess.CompletedProcess[str]:
        done = cli_inproc_bytes(*args, input=data)
        return subprocess.CompletedProcess(
            done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
        )

    return run


def test_a_body_with_unicode_line_separators_is_one_line_of_the_batch(
    desk: Desk, run_bytes
) -> None:
    ticket = tickets.create(desk, subject="Pasted text")
    ops = [
        {"op": "note", "id": ticket.id, "body": PASTED},
        {"op": "update", "id": ticket.id, "set": {"priority": "high"}},
    ]
    data = "".join(json.dumps(op, ensure_ascii=False) + "\n" for op in ops).encode()
    assert "\u2028".encode() in data
    result = run_bytes(["batch", "-"], data)
    rows = [json.loads(line) for line in ok(result).splitlines()]
    assert [(r["line"], r["op"]) for r in rows] == [(1, "note"), (2, "update")]
    shown = detail(desk, ticket.id)
    assert shown.messages[-1].body == PASTED
    assert shown.ticket.priority == "high"


@SQLITE_ONLY
def test_a_file_saved_with_crlf_and_a_byte_order_mark_still_reads(
    desk: Desk, cli_inproc: Run, tmp_path: Path
) -> None:
    path = tmp_path / "ops.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"op":"create","subject":"From Notepad"}\r\n'
        b'{"op":"create","subject":"Second"}\r\n'
    )
    ok(cli_inproc("batch", str(path)))
    assert count(desk) == 2


@SQLITE_ONLY
def test_a_file_that_is_not_utf8_names_the_file_and_line_and_changes_nothing(
    desk: Desk, cli_inproc: Run, tmp_path: Path
) -> None:
    path = tmp_path / "ops.jsonl"
    path.write_bytes(
        b'{"op":"create","subject":"fine"}\n{"op":"create","subject":"caf\xe9 latin-1"}\n'
    )
    line = one_error_line(cli_inproc("batch", str(path)), 2)
    assert line == (
        f"error: {path}: line 2 is not UTF-8 text (byte 0xe9 at position 30) "
        "(save the file as UTF-8)"
    )
    assert count(desk) == 0


@SQLITE_ONLY
@pytest.mark.parametrize(
    "data", [b"\xff\xfe{}\n", b'{"op":"create","subject":"ok"}\n{"op":"create","subject":"\x80"}\n']
)
def test_standard_input_that_is_not_utf8_names_the_line(desk: Desk, run_bytes, data: bytes) -> None:
    line = one_error_line(run_bytes(["batch", "-"], data), 2)
    number = data.count(b"\n")
    assert line.startswith(f"error: standard input: line {number} is not UTF-8 text (byte 0x")
    assert count(desk) == 0
