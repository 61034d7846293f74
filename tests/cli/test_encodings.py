"""Streams that cannot carry Unicode: ``LC_ALL=C`` with UTF-8 mode off, ``PYTHONIOENCODING=ascii``
and a Latin-1 stream (this machine has no Latin-1 locale; ``PYTHONIOENCODING=latin-1`` gives
Python exactly the stdout a Latin-1 locale gives it).

No command crashes; tables, errors, help and progress bars fall back to ASCII stand-ins
(``glyphs.py``); requester text the stream cannot carry is replaced. Machine formats stay
exact: JSON and JSON lines escape (``\\u00e9``) what is not ASCII when the stream is not UTF-8,
csv is UTF-8 whatever the locale, ids are digits. Each case runs the command with the
environment a user would have and standard streams in the encoding that environment gives a
process (``cli_inproc_bytes``), and reads its output as bytes. That the installed script gets
exactly those streams, and decodes its arguments under ``LC_ALL=C`` as these runs do, is
proved by ``test_inproc_runner.py``, which runs commands both ways in each of these locales;
the progress bar, which draws only on a real terminal, runs the installed script on a
pseudo-terminal.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import CARRIES, LOCALES, SQLITE_ONLY

from deskterm.domain import tickets

pytestmark = SQLITE_ONLY

DESKTERM = Path(sys.executable).with_name("deskterm")

SUBJECT = "Café ☕ déjà vu – 日本 \x1b[31mred\x1b[0m"
BODY = "Grüße,\nline\u2028separated — “quoted”"


@pytest.fixture
def run(cli_inproc_bytes):
    """``run(locale, *args, stdin=None, columns=100)``: the command on this test's desk with
    the environment and standard streams of ``locale``."""

    def run_(
        locale: str, *args: str, stdin: bytes | None = None, columns: int = 100
    ) -> subprocess.CompletedProcess[bytes]:
        return cli_inproc_bytes(
            *args,
            input=stdin if stdin is not None else b"",
            env=LOCALES[locale],
            columns=columns,
            encoding=CARRIES[locale],
        )

    return run_


def _ok(result: subprocess.CompletedProcess[bytes]) -> bytes:
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr
    assert b"unexpected failure" not in result.stderr
    return result.stdout


@pytest.fixture
def ticket_id(desk) -> int:
    ticket = tickets.create(desk, subject=SUBJECT, body=BODY, requester="jose@acme.example")
    return ticket.id


@pytest.mark.parametrize("locale", list(LOCALES))
def test_a_table_falls_back_to_ascii_stand_ins(run, ticket_id, locale) -> None:
    out = _ok(run(locale, "ticket", "list", "--format", "table", columns=60))
    text = out.decode(CARRIES[locale])  # nothing the stream cannot carry came out
    row = next(line for line in text.splitlines() if line.lstrip().startswith(str(ticket_id)))
    assert "..." in row  # the cut subject ends in the ASCII stand-in of …
    assert "^[" in text or "..." in row  # the escape character shows as ^[ when it fits
    assert "\x1b" not in text
    if locale == "latin-1":
        assert "Café" in row
    else:
        assert "Cafe" in row  # é without its accent, not ?
    widths = {len(line.rstrip()) for line in text.splitlines()[:2]}
    assert max(widths) <= 60


@pytest.mark.parametrize("locale", list(LOCALES))
def test_ticket_show_as_a_table_replaces_what_the_stream_cannot_carry(
    run, ticket_id, locale
) -> None:
    out = _ok(run(locale, "ticket", "show", str(ticket_id), "--format", "table"))
    text = out.decode(CARRIES[locale])
    assert "^[[31mred^[[0m" in text
    assert "Thread (1)" in text
    assert "Gr" in text and "line" in text


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@pytest.mark.parametrize("locale", list(LOCALES))
def test_json_escapes_what_the_stream_cannot_carry_and_keeps_the_data(
    run, ticket_id, locale, fmt
) -> None:
    out = _ok(run(locale, "ticket", "list", "--format", fmt))
    assert out.isascii(), out[:200]
    data = json.loads(out) if fmt == "json" else [json.loads(line) for line in out.splitlines()]
    assert [row["subject"] for row in data] == [SUBJECT]
    shown = json.loads(_ok(run(locale, "ticket", "show", str(ticket_id))))
    assert shown["messages"][0]["body"] == BODY


@pytest.mark.parametrize("locale", list(LOCALES))
def test_csv_is_utf8_whatever_the_locale(run, ticket_id, locale) -> None:
    out = _ok(run(locale, "ticket", "list", "--format", "csv"))
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8"), newline="")))
    assert [row["subject"] for row in rows] == [SUBJECT]
    one = _ok(run(locale, "ticket", "show", str(ticket_id), "--format", "csv"))
    assert SUBJECT.encode("utf-8") in one


@pytest.mark.parametrize("locale", list(LOCALES))
def test_ids_are_digits(run, ticket_id, locale) -> None:
    out = _ok(run(locale, "ticket", "list", "--format", "ids"))
    assert out == f"{ticket_id}\n".encode()


@pytest.mark.parametrize("locale", list(LOCALES))
def test_an_error_naming_unicode_input_is_one_escaped_line(run, locale) -> None:
    result = run(locale, "ticket", "list", "status:☕…")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    first = result.stderr.decode(CARRIES[locale]).splitlines()[0]
    assert first.startswith('error: unknown status "\\u2615...')


@pytest.mark.parametrize("locale", list(LOCALES))
def test_help_and_the_stderr_note_read_in_ascii(run, desk, locale) -> None:
    for args in (("--help",), ("ticket", "list", "--help"), ("kb", "--help")):
        out = _ok(run(locale, *args))
        assert b"Usage" in out
    for n in range(3):
        tickets.create(desk, subject=f"Numéro {n}")
    result = run(locale, "ticket", "list", "--limit", "1", "--format", "table")
    _ok(result)
    assert result.stderr == b"1 of 3 shown; --limit N or --all\n"


@pytest.mark.parametrize("locale", list(LOCALES))
def test_text_piped_in_is_read_as_utf8_whatever_the_locale(run, ticket_id, locale) -> None:
    _ok(
        run(
            locale,
            "ticket",
            "note",
            str(ticket_id),
            "--body",
            "-",
            stdin="Grüße ☕\n".encode(),
        )
    )
    shown = json.loads(_ok(run("C", "ticket", "show", str(ticket_id))))
    assert shown["messages"][-1]["body"].strip() == "Grüße ☕"


def _on_a_terminal(url: str, locale: str, *args: str, tmp_path: Path) -> tuple[int, bytes, bytes]:
    """Run with stderr on a pseudo-terminal (progress bars draw only there); stdout a file."""
    env = {**os.environ, "DESKTERM_DB": url, "DESKTERM_AGENT": "alice", "COLUMNS": "80"}
    env.update({k: v for k, v in LOCALES[locale].items() if v is not None})
    for key in [k for k, v in LOCALES[locale].items() if v is None]:
        env.pop(key, None)
    controller, terminal = pty.openpty()
    out_path = tmp_path / "stdout"
    with open(out_path, "wb") as out:
        process = subprocess.Popen(
            [str(DESKTERM), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=terminal,
        )
        os.close(terminal)
        seen = b""
        while True:
            ready, _, _ = select.select([controller], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        code = process.wait(timeout=60)
    os.close(controller)
    return code, out_path.read_bytes(), seen


@pytest.mark.parametrize("locale", list(LOCALES))
def test_a_progress_bar_on_a_terminal_does_not_crash(backend_url, desk, locale, tmp_path) -> None:
    ids = [tickets.create(desk, subject=f"Bulk ☕ {n}").id for n in range(30)]
    code, out, terminal = _on_a_terminal(
        backend_url,
        locale,
        "ticket",
        "update",
        "--query",
        "Bulk",
        "--add-tag",
        "bulk",
        "--yes",
        "--format",
        "ids",
        tmp_path=tmp_path,
    )
    assert code == 0, terminal.decode("utf-8", "replace")
    assert b"Traceback" not in terminal
    terminal.decode(CARRIES[locale])  # only what the stream carries
    assert sorted(int(line) for line in out.split()) == ids


@pytest.mark.parametrize("locale", list(LOCALES))
def test_json_lines_from_any_command_stay_exact_on_stdout(run, ticket_id, locale) -> None:
    """A command that writes its own JSON (export) is not cut down to ASCII stand-ins:
    standard output escapes what it cannot carry the JSON way."""
    out = _ok(run(locale, "export"))
    assert out.isascii() or locale == "latin-1"
    subjects = [
        value
        for line in out.decode(CARRIES[locale]).splitlines()
        for value in json.loads(line).values()
        if value == SUBJECT
    ]
    assert subjects  # the ticket and its audit trail, each exactly as created


def test_mail_import_on_a_terminal_moves_its_bar_as_chunks_commit(
    backend_url, desk, tmp_path
) -> None:
    """The import commits by the chunk (half a second's worth at most) and the bar moves
    at each commit: a long import shows counts between none and all, then the summary."""
    count = 1500
    with (tmp_path / "big.mbox").open("wb") as box:
        for n in range(count):
            box.write(
                b"From kim@probe.example Mon Nov  2 09:00:00 2026\n"
                + f"From: Kim <kim{n % 50}@probe.example>\nSubject: Printer {n}\n"
                f"Message-ID: <bar-{n}@probe.example>\n\nThe printer {n} is jammed.\n\n".encode()
            )
    code, out, terminal = _on_a_terminal(
        backend_url, "C", "mail", "import", str(tmp_path / "big.mbox"), tmp_path=tmp_path
    )
    assert code == 0, terminal.decode("ascii", "replace")
    made = f"made {count} new tickets, 0 replies, 0 duplicates, 0 held, 0 not mail"
    assert out == f"{count} messages: {made}\n".encode()
    assert b"Importing mail" in terminal
    shown = {int(done) for done in re.findall(rb"(\d+)/%d" % count, terminal)}
    assert any(0 < done < count for done in shown), shown
