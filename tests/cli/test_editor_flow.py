"""``ticket reply`` / ``ticket note`` in ``$EDITOR``: every line written is kept (``#`` lines
too), the ticket is shown below a cut line, and a write that fails keeps the text as a draft.

The editor is a small script: it saves what it was opened on (to check what deskterm showed)
and writes the "typed" text above it, as a user does.
"""

from __future__ import annotations

import os
import pty
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import SQLITE_ONLY

from deskterm.cli.body import CUT_LINE, above_cut, edit_text, send_message
from deskterm.cli.context import CliContext
from deskterm.config import Setting, Settings
from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.drafts import Drafts
from deskterm.errors import Conflict, StaleVersion

TYPED = "Hello Dana,\n\n# run this, then reboot:\n#   sudo systemctl restart gpd\nSee #123.\n"

EDITOR = """
import os, sys
path = sys.argv[-1]
shown = open(path, encoding="utf-8").read()
with open(os.environ["SHOWN"], "w", encoding="utf-8") as f:
    f.write(shown)
typed = open(os.environ["TYPED"], encoding="utf-8").read()
keep = shown if os.environ.get("KEEP_DRAFT") else shown[shown.index("\\n# -----"):]
open(path, "w", encoding="utf-8").write(typed + keep)
"""


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``$EDITOR`` that types :data:`TYPED`; returns the file holding what it was shown."""
    script = tmp_path / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    (tmp_path / "typed.txt").write_text(TYPED, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("TYPED", str(tmp_path / "typed.txt"))
    monkeypatch.setenv("SHOWN", str(tmp_path / "shown.txt"))
    return tmp_path / "shown.txt"


@pytest.fixture
def from_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """As when the command runs on a terminal: no body given, so $EDITOR opens."""
    monkeypatch.setattr("deskterm.cli.body._stdin_is_terminal", lambda: True)


def cli_for(desk: Desk) -> CliContext:
    settings = Settings(
        db_url=Setting(desk.store.url, "flag"),
        agent=Setting(desk.handle, "flag"),
        config_file=Setting(None, "default"),
        color=Setting(False, "default"),
    )
    cli = CliContext(settings)
    cli._desk = desk
    return cli


def test_every_line_written_is_kept_hash_lines_too(editor: Path) -> None:
    assert edit_text("reply") == TYPED.strip("\n")


def test_the_cut_line_drops_what_is_below_it_and_keeps_what_is_above() -> None:
    text = f"\n\nKeep me\n# and me\n\n{CUT_LINE}\n# Do not modify\nLast message: drop me\n"
    assert above_cut(text) == "Keep me\n# and me"
    assert above_cut("No cut line at all\n# kept") == "No cut line at all\n# kept"


def test_reply_in_editor_shows_the_ticket_below_the_cut_and_sends_what_is_above(
    desk: Desk, editor: Path, from_terminal: None
) -> None:
    ticket = tickets.create(
        desk, subject="VPN drops every hour", body="It drops at :15.", requester="dana@x.io"
    )
    sent = send_message(cli_for(desk), ticket.id, "reply", None)
    shown = editor.read_text(encoding="utf-8")
    below = shown[shown.index(CUT_LINE) :]
    assert f"#{ticket.id}: VPN drops every hour" in below
    assert "> It drops at :15." in below and "dana@x.io" in below
    assert ticket_read.detail(desk, ticket.id).messages[-1].body == TYPED.strip("\n")
    assert sent.version == ticket.version + 1


def test_a_write_that_fails_keeps_the_text_as_a_private_draft_and_says_where(
    desk: Desk, editor: Path, from_terminal: None
) -> None:
    ticket = tickets.create(desk, subject="Printer", requester="erin@x.io")
    bob = Desk(desk.store, "bob", clock=desk.clock)
    tickets.update(bob, ticket.id, tickets.Changes(status="pending"))
    with pytest.raises(StaleVersion) as caught:
        send_message(cli_for(desk), ticket.id, "reply", None, if_version=ticket.version)
    drafts = Drafts.for_desk(desk.store.url, desk.handle)
    path = drafts.path(ticket.id, "reply")
    assert str(path) in (caught.value.hint or "")
    assert drafts.load(ticket.id, "reply") == TYPED.strip("\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(ticket_read.detail(desk, ticket.id).messages) == 0


def test_a_reply_that_arrives_while_the_editor_is_open_is_not_answered_blindly(
    desk: Desk, from_terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = tickets.create(desk, subject="VPN", requester="erin@x.io")
    bob = Desk(desk.store, "bob", clock=desk.clock)

    def colleague_answers_meanwhile(what: str, initial: str = "", *, context: str = "") -> str:
        tickets.reply(bob, ticket.id, "Bob was faster")
        return "My answer"

    monkeypatch.setattr("deskterm.cli.body.edit_text", colleague_answers_meanwhile)
    with pytest.raises(StaleVersion, match="bob changed a reply"):
        send_message(cli_for(desk), ticket.id, "reply", None)
    drafts = Drafts.for_desk(desk.store.url, desk.handle)
    assert drafts.load(ticket.id, "reply") == "My answer"
    bodies = [m.body for m in ticket_read.detail(desk, ticket.id).messages]
    assert bodies == ["Bob was faster"]


def test_the_next_reply_starts_from_the_kept_draft_and_sending_removes_it(
    desk: Desk, editor: Path, from_terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = tickets.create(desk, subject="Printer", requester="erin@x.io")
    drafts = Drafts.for_desk(desk.store.url, desk.handle)
    drafts.save(ticket.id, "reply", "Started in the console.")
    monkeypatch.setenv("KEEP_DRAFT", "1")  # the user adds to what is there
    send_message(cli_for(desk), ticket.id, "reply", None)
    assert editor.read_text(encoding="utf-8").startswith("Started in the console.\n")
    assert ticket_read.detail(desk, ticket.id).messages[-1].body == (
        TYPED + "Started in the console."
    )
    assert drafts.load(ticket.id, "reply") is None


def test_a_closed_ticket_says_so_before_the_editor_opens(
    desk: Desk, editor: Path, from_terminal: None
) -> None:
    ticket = tickets.create(desk, subject="Old")
    tickets.update(desk, ticket.id, tickets.Changes(status="solved"))
    tickets.close(desk, ticket.id)
    with pytest.raises(Conflict, match="closed"):
        send_message(cli_for(desk), ticket.id, "reply", None)
    assert not editor.exists()


@SQLITE_ONLY
def test_installed_command_keeps_hash_lines_from_the_editor(
    cli_env: dict[str, str], desk: Desk, editor: Path
) -> None:
    """The real ``deskterm ticket note`` on a terminal (a pty), with the editor above."""
    ticket = tickets.create(desk, subject="Shell commands")
    main, child = pty.openpty()
    try:
        result = subprocess.run(
            [str(Path(sys.executable).with_name("deskterm")), "ticket", "note", str(ticket.id)],
            stdin=child,
            capture_output=True,
            text=True,
            env={**os.environ, **cli_env},
            timeout=60,
            check=False,
        )
    finally:
        os.close(child)
        os.close(main)
    assert result.returncode == 0, result.stderr
    assert ticket_read.detail(desk, ticket.id).messages[-1].body == TYPED.strip("\n")


@pytest.fixture
def cli_env(backend_url: str) -> dict[str, str]:
    return {"DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}


LOOKING_EDITOR = """
import os, sys
from deskterm.domain.setup import open_desk
from deskterm.domain import tickets
path = sys.argv[-1]
shown = open(path, encoding="utf-8").read()
bob = open_desk(os.environ["DESK_URL"], "bob", initialize=False)
seen = "; ".join(p.phrase for p in tickets.present(bob))
open(os.environ["SHOWN"], "w", encoding="utf-8").write(seen + "\\n" + shown)
cut = shown.index("\\n# -----")
open(path, "w", encoding="utf-8").write("Restarted the gateway." + shown[cut:])
"""


def test_others_see_the_agent_replying_in_the_editor_and_the_editor_says_who_else_is_there(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, from_terminal: None
) -> None:
    script = tmp_path / "editor.py"
    script.write_text(LOOKING_EDITOR, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("SHOWN", str(tmp_path / "shown.txt"))
    monkeypatch.setenv("DESK_URL", desk.store.url)
    ticket = tickets.create(desk, subject="VPN drops every hour", requester="dana@x.io")
    tickets.beat(Desk(desk.store, "carol", clock=desk.clock), ticket.id, "viewing")

    send_message(cli_for(desk), ticket.id, "reply", None)

    seen_by_bob, shown = (tmp_path / "shown.txt").read_text(encoding="utf-8").split("\n", 1)
    assert seen_by_bob == "alice is replying; carol is viewing"
    assert "Also on this ticket now: carol is viewing" in shown[shown.index(CUT_LINE) :]
    # Sent and closed: alice is no longer there for anyone.
    assert [p.agent for p in tickets.present(Desk(desk.store, "bob"))] == ["carol"]
    assert ticket_read.detail(desk, ticket.id).messages[-1].body == "Restarted the gateway."
