"""``--format table``: for people, so hostile text is made inert and lines fit the terminal."""

from __future__ import annotations

from clitools import SQLITE_ONLY, ok
from rich.cells import cell_len

from deskterm.domain import tickets

HOSTILE = "Invoice \x1b[31mOVERDUE [@click=app.quit] pay\u202eevil"


@SQLITE_ONLY
def test_a_hostile_subject_shows_as_inert_text_in_list_and_show(cli_inproc, desk) -> None:
    ticket = tickets.create(desk, subject=HOSTILE)

    listed = ok(cli_inproc("ticket", "list", "--format", "table", columns=200))
    shown = ok(cli_inproc("ticket", "show", str(ticket.id), "--format", "table", columns=200))

    for out in (listed, shown):
        assert "\x1b" not in out
        assert "\u202e" not in out
        assert "␛[31mOVERDUE" in out
        assert "[@click=app.quit]" in out
        assert "pay\ufffdevil" in out


@SQLITE_ONLY
def test_json_keeps_a_hostile_subject_exact(cli_inproc, desk) -> None:
    ticket = tickets.create(desk, subject=HOSTILE)

    out = ok(cli_inproc("ticket", "show", str(ticket.id), "--format", "json"))

    assert "\x1b" not in out  # JSON escapes it ...
    assert '"subject": "Invoice \\u001b[31mOVERDUE [@click=app.quit] pay\u202eevil"' in out


@SQLITE_ONLY
def test_long_subjects_are_cut_with_an_ellipsis_to_fit_80_columns(cli_inproc, desk) -> None:
    long_subject = "Outlook keeps asking for the password after the mailbox migration " * 3
    tickets.create(desk, subject=long_subject, requester="someone.with.a.long.name@corp.example")
    tickets.create(desk, subject="Short one")

    out = ok(cli_inproc("ticket", "list", "--format", "table", columns=80))

    lines = out.splitlines()
    assert len(lines) == 3  # header and two rows, one line each
    assert lines[0].split()[:3] == ["ID", "PRIO", "STATUS"]
    assert all(cell_len(line) <= 80 for line in lines), [cell_len(line) for line in lines]
    assert "…" in out
    assert long_subject not in out
    assert "Short one" in out
    assert all(line == line.rstrip() for line in lines)
