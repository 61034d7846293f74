"""Bytes from outside that are not UTF-8 (issue 10): on standard input, in arguments and in
files. Text a user meant is refused with one line naming where (exit 2, nothing changed);
ids piped to ``ticket update -`` are named by their line; file names pass through as the
bytes they are.

Every case gives the command real bytes. Most run it in-process: a byte argument becomes
the string the interpreter makes of it (``os.fsdecode``, undecodable bytes as lone
surrogates), and stdin is bytes read by the command. What the interpreter itself does is
checked with the installed script: a byte argument (the ``query`` case) and UTF-8 arguments
under ``LC_ALL=C``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import SQLITE_ONLY, one_error_line

from deskterm.domain import tickets
from deskterm.domain.kb import articles as kb
from deskterm.domain.tickets.read import detail, get

pytestmark = SQLITE_ONLY

DESKTERM = Path(sys.executable).with_name("deskterm")
LATIN1 = "Grüße aus Köln".encode("latin-1")


@pytest.fixture
def run(backend_url, tmp_path, cli_inproc_bytes, monkeypatch):
    """``run(*args, stdin=b"", env=None, encoding="utf-8", process=False)``: the command with
    byte arguments and input, in tmp_path; with ``process=True`` the installed script."""

    def call(
        *args: str | bytes,
        stdin: bytes = b"",
        env: dict[str, str] | None = None,
        encoding: str = "utf-8",
        process: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        if process:
            full = {
                **os.environ,
                "DESKTERM_DB": backend_url,
                "DESKTERM_AGENT": "alice",
                **(env or {}),
            }
            result = subprocess.run(
                [os.fsencode(DESKTERM), *(a if isinstance(a, bytes) else a.encode() for a in args)],
                input=stdin,
                capture_output=True,
                env=full,
                cwd=tmp_path,
                timeout=60,
                check=False,
            )
        else:
            monkeypatch.chdir(tmp_path)
            result = cli_inproc_bytes(
                *(os.fsdecode(a) for a in args), input=stdin, env=env, encoding=encoding
            )
        return subprocess.CompletedProcess(
            result.args,
            result.returncode,
            result.stdout.decode("utf-8", "replace"),
            result.stderr.decode("utf-8", "replace"),
        )

    return call


@pytest.fixture
def ticket(desk) -> int:
    return tickets.create(desk, subject="VPN drops").id


def _thread(desk, ticket_id: int) -> int:
    return len(detail(desk, ticket_id).messages)


@pytest.mark.parametrize("how", [("--body", "-"), ()])
@pytest.mark.parametrize("command", ["reply", "note"])
def test_a_body_on_stdin_that_is_not_utf8_is_refused_naming_the_line(
    desk, run, ticket, command, how
) -> None:
    before = _thread(desk, ticket)
    result = run("ticket", command, str(ticket), *how, stdin=b"Hello,\n" + LATIN1 + b"\n")
    line = one_error_line(result, 2)
    assert line == (
        "error: standard input is not valid UTF-8: byte 0xfc on line 2 "
        "(convert it first, e.g. iconv -f LATIN1 -t UTF-8)"
    )
    assert _thread(desk, ticket) == before


def test_a_description_and_an_article_on_stdin_are_checked_too(desk, run) -> None:
    created = run("ticket", "create", "-s", "Printer", "--body", "-", stdin=LATIN1)
    assert "byte 0xfc on line 1" in one_error_line(created, 2)
    article = run("kb", "add", "--title", "Printer", "--body", "-", stdin=LATIN1)
    assert "byte 0xfc on line 1" in one_error_line(article, 2)
    assert [t.subject for t in tickets_in(desk)] == []
    assert kb.list_articles(desk) == []


def tickets_in(desk):
    from deskterm.domain.tickets.read import list_page

    return list_page(desk, "", limit=100).items


def test_utf8_on_stdin_is_read_as_utf8_in_any_locale(desk, run, ticket) -> None:
    body = "Grüße ☕ — “quoted”\u2028and more"
    for env, encoding in (
        ({}, "utf-8"),
        ({"LC_ALL": "C", "PYTHONUTF8": "0"}, "ascii"),
        ({"PYTHONIOENCODING": "latin-1"}, "latin-1"),
    ):
        result = run(
            "ticket",
            "note",
            str(ticket),
            "--body",
            "-",
            stdin=body.encode(),
            env=env,
            encoding=encoding,
        )
        assert result.returncode == 0, result.stderr
    bodies = [m.body for m in detail(desk, ticket).messages if m.kind == "note"]
    assert bodies == [body] * 3


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("ticket", "note", "{id}", "--body", b"bad \xff byte"), "--body"),
        (("ticket", "create", "--subject", b"Caf\xe9"), "--subject"),
        (("ticket", "update", "{id}", "--add-tag", b"caf\xe9"), "--add-tag"),
        (("ticket", "list", b"caf\xe9"), "QUERY"),
        (("--as", b"b\xe9a", "ticket", "list"), "--as"),
        (("kb", "search", b"caf\xe9"), "QUERY"),
    ],
    ids=["body", "subject", "tag", "query", "agent", "kb-search"],
)
def test_an_argument_that_is_not_utf8_is_refused_naming_it(desk, run, ticket, args, named) -> None:
    argv = [a.replace("{id}", str(ticket)) if isinstance(a, str) else a for a in args]
    before = get(desk, ticket).version
    # The interpreter's reading of argv is the same in this process (os.fsdecode); the
    # installed script proves it for one case.
    line = one_error_line(run(*argv, process=named == "QUERY" and args[0] == "ticket"), 2)
    assert line.startswith(f"error: {named} is not valid UTF-8: byte 0x")
    assert "iconv" in line
    assert get(desk, ticket).version == before
    assert [t.id for t in tickets_in(desk)] == [ticket]


def test_utf8_arguments_are_text_even_in_the_c_locale(desk, run) -> None:
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    result = run("ticket", "create", "-s", "Café ☕", "--format", "json", env=env, process=True)
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert get(desk, created["id"]).subject == "Café ☕"
    found = run("ticket", "list", "café", "--format", "ids", env=env, process=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == [str(created["id"])]


def test_bad_ids_on_stdin_are_named_by_their_line(desk, run, ticket) -> None:
    result = run("ticket", "update", "-", "--add-tag", "x", "--yes", stdin=b"%d\n\xff12\n" % ticket)
    line = one_error_line(result, 2)
    assert line == (
        'error: standard input, line 2: invalid ticket id "\ufffd12"; '
        "expected a whole number from 1 to 9223372036854775807, like 123"
    )
    assert get(desk, ticket).tags == ()


def test_good_ids_on_stdin_in_any_layout_still_work(desk, run, ticket) -> None:
    other = tickets.create(desk, subject="Other").id
    result = run(
        "ticket", "update", "-", "--add-tag", "x", "--yes", stdin=b"%d %d\r\n\n" % (ticket, other)
    )
    assert result.returncode == 0, result.stderr
    assert get(desk, ticket).tags == ("x",)
    assert get(desk, other).tags == ("x",)


def test_kb_import_names_the_file_and_line_that_is_not_utf8(desk, run, tmp_path) -> None:
    folder = tmp_path / "runbooks"
    folder.mkdir()
    (folder / "good.md").write_text("# Good\n\nFine.\n", encoding="utf-8")
    (folder / "vpn.md").write_bytes(b"# VPN\n\nStep one.\n" + LATIN1 + b"\n")
    line = one_error_line(run("kb", "import", str(folder)), 2)
    assert line == (
        "error: vpn.md is not valid UTF-8: byte 0xfc on line 4 "
        "(convert it first, e.g. iconv -f LATIN1 -t UTF-8)"
    )
    assert kb.list_articles(desk) == []


def test_kb_import_reads_a_folder_whose_name_is_not_utf8(desk, run, tmp_path) -> None:
    folder = os.fsencode(tmp_path) + b"/Kundendienst-K\xf6ln"
    os.mkdir(folder)
    with open(folder + b"/vpn.md", "wb") as handle:
        handle.write(b"# VPN einrichten\n\nSchritt eins.\n")
    result = run("kb", "import", folder, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [a.title for a in kb.list_articles(desk)] == ["VPN einrichten"]


def test_kb_import_keeps_unicode_line_separators_inside_a_line(desk, run, tmp_path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    text = "---\ntitle: Paste\n---\nFrom the web:\u2028one\u2029two\x85three\r\nEnd.\n"
    (folder / "paste.md").write_bytes(text.encode())
    result = run("kb", "import", str(folder))
    assert result.returncode == 0, result.stderr
    (article,) = kb.list_articles(desk)
    body = kb.show(desk, article.slug).body
    assert body == "From the web:\u2028one\u2029two\x85three\nEnd."


def test_kb_edit_keeps_what_the_editor_saved_when_it_is_not_utf8(desk, run, tmp_path) -> None:
    article = kb.add(desk, title="VPN", body="Old text.")
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "# VPN\\n\\n\\374ber alles\\n" > "$1"\n')
    editor.chmod(0o700)
    result = run("kb", "edit", str(article.id), env={"EDITOR": str(editor)})
    line = one_error_line(result, 2)
    assert "the edited article is not valid UTF-8: byte 0xfc on line 3" in line
    kept = Path(line.split("your text is kept in ")[1].split(" (")[0])
    assert kept.read_bytes() == b"# VPN\n\n\xfcber alles\n"
    kept.unlink()
    assert kb.show(desk, str(article.id)).body == "Old text."
