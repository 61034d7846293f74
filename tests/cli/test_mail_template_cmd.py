"""``deskterm mail template ...`` as an admin runs it (docs/mail.md, "Notifications"): list,
show, edit by --body, --body-file, standard input or $EDITOR, reset; a text that would fail
a requester is one error line and changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from clitools import SQLITE_ONLY, ok, ok_json, one_error_line

Run = Callable[..., subprocess.CompletedProcess[str]]


@SQLITE_ONLY
def test_an_admin_lists_shows_edits_and_resets_the_texts(cli_inproc: Run, tmp_path: Path) -> None:
    listed = [json.loads(line) for line in ok(cli_inproc("mail", "template", "list")).splitlines()]
    assert [(t["kind"], t["changed"]) for t in listed] == [
        ("received", False),
        ("replied", False),
        ("solved", False),
    ]
    table = ok(cli_inproc("mail", "template", "list", "--format", "table"))
    assert "built-in" in table and "an agent's public reply" in table
    shown = ok(cli_inproc("mail", "template", "show", "solved", "--format", "table"))
    assert "within {{ mail.reopen_days }} days" in shown

    text = tmp_path / "received.txt"
    text.write_text("We got it: {{ ticket.subject }}.\n")
    edited = ok_json(cli_inproc("mail", "template", "edit", "received", "--body-file", str(text)))
    assert (edited["body"], edited["changed"]) == ("We got it: {{ ticket.subject }}.", True)
    piped = cli_inproc(
        "mail",
        "template",
        "edit",
        "replied",
        "--body",
        "-",
        "--format",
        "table",
        input="{{ reply.text }}\n\n{{ agent.name }}\n",
    )
    assert ok(piped) == "replied template changed\n"
    # $EDITOR opens on the current text, with the variables below the cut line.
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\n"
        "path = sys.argv[1]\n"
        "text = open(path).read()\n"
        "assert 'mail.reopen_days' in text and 'reply.text' not in text, text\n"
        "assert 'ticket.status: its status\\n' in text, text\n"
        "cut = text.index('\\n# ---')\n"
        "open(path, 'w').write('Solved: {{ ticket.subject }}.\\n' + text[cut:])\n"
    )
    env = {"EDITOR": f"{sys.executable} {editor}"}
    ok(cli_inproc("mail", "template", "edit", "solved", "--format", "table", env=env))
    solved = ok_json(cli_inproc("mail", "template", "show", "solved", "--format", "json"))
    assert (solved["body"], solved["changed"], solved["updated_by"]) == (
        "Solved: {{ ticket.subject }}.",
        True,
        "alice",
    )
    default = ok_json(cli_inproc("mail", "template", "show", "solved", "--default", "-f", "json"))
    assert "rate good" in default["body"] and default["changed"] is False

    reset = cli_inproc("mail", "template", "reset", "solved", "--format", "table")
    assert ok(reset) == "solved template reset to the built-in text\n"
    listed = [json.loads(line) for line in ok(cli_inproc("mail", "template", "list")).splitlines()]
    assert [t["changed"] for t in listed] == [True, True, False]


@SQLITE_ONLY
def test_bad_texts_and_kinds_are_one_error_line_and_change_nothing(cli_inproc: Run) -> None:
    cases = [
        (
            ("edit", "received", "--body", "{{ ticket.subjet }}"),
            2,
            'unknown variable "ticket.subjet"',
        ),
        (("edit", "solved", "--body", "Dear {{ requester.name }}"), 2, "| default('...')"),
        (("edit", "replied", "--body", "Thanks."), 2, "must hold {{ reply.text }}"),
        (("edit", "closed", "--body", "x"), 2, 'unknown notification "closed"'),
        (("show", "nope"), 2, "allowed: received, replied, solved"),
        (("edit", "solved", "--body", "x", "--body-file", "y"), 2, "not both"),
        (("edit", "solved", "--body-file", "/nonexistent/t.txt"), 2, "cannot read"),
    ]
    for args, code, needle in cases:
        line = one_error_line(cli_inproc("mail", "template", *args), code)
        assert needle in line, (args, line)
    refused = cli_inproc("--as", "bob", "mail", "template", "reset", "solved")
    assert "this needs admin" in one_error_line(refused, 5)
    listed = [json.loads(line) for line in ok(cli_inproc("mail", "template", "list")).splitlines()]
    assert not any(t["changed"] for t in listed)
