"""The thread: the requester's messages, agents' public replies and internal notes look
different from each other, in colour and without it; the history says what changed."""

from __future__ import annotations

import pytest
from rich.style import Style

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.tui.app import DeskApp

from .conftest import app_for, rendered, screen_text, settle

LABELS = ("REQUESTER WROTE", "↩ PUBLIC REPLY", "■ INTERNAL NOTE")


def entry_looks(app: DeskApp, *, color: bool) -> dict[str, tuple[str, ...]]:
    """For each kind of entry: the rule drawn left of its label and how the label is styled
    (colours only when ``color``)."""

    def look(style: Style | None) -> tuple[str, ...]:
        style = style or Style()
        attrs = tuple(a for a in ("bold", "reverse", "underline", "italic") if getattr(style, a))
        colours = (str(style.color), str(style.bgcolor)) if color else ()
        return attrs + colours

    found: dict[str, tuple[str, ...]] = {}
    for line in rendered(app):
        text = "".join(s.text for s in line)
        for label in LABELS:
            if label in text and label not in found:
                at = text.index(label)
                rule = text[:at].rstrip()[-1:]
                rule_seg = next(s for s in line if s.text.strip() == rule or rule in s.text)
                label_seg = next(s for s in line if label.split()[-1] in s.text)
                found[label] = (rule, *look(rule_seg.style), "|", *look(label_seg.style))
    return found


@pytest.mark.parametrize("color", [True, False], ids=["colour", "no-colour"])
async def test_requester_replies_and_notes_each_look_different(seeded: Desk, color: bool) -> None:
    tickets.reply(seeded, 6, "We are on it.")
    tickets.note(seeded, 6, "Share ACL looks wrong.")
    app = app_for(seeded, "id:6", color=color)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        looks = entry_looks(app, color=color)
    assert set(looks) == set(LABELS)
    assert len(set(looks.values())) == 3, looks


async def test_history_says_what_changed_in_words(seeded: Desk) -> None:
    tickets.reply(seeded, 6, "We are on it.\nMore later.")
    tickets.update(seeded, 6, tickets.Changes(status="pending"))
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "G")
        await settle(pilot)
        text = screen_text(app)
    assert "replied: We are on it." in text
    assert "status: open → pending" in text


async def test_a_public_reply_shows_what_became_of_its_mail(seeded: Desk) -> None:
    from deskterm.domain.mail import OutSettings, SmtpSettings, send
    from smtp_server import free_port

    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r", *"We are on it", "ctrl+s")
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert "✉ mail queued" in screen_text(app)
    # The mail server is away: the reply says so, and why.
    nowhere = SmtpSettings(host="127.0.0.1", port=free_port(), security="plain", timeout=2)
    send(seeded, nowhere, OutSettings(address="help@desk.example"))
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        text = screen_text(app)
    assert "✉ mail retrying: cannot reach the SMTP server 127.0.0.1:" in text
