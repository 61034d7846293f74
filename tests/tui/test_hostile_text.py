"""Requester text is shown literally: escape sequences, markup with actions, bidi overrides,
NUL and a 100,000-character line do nothing but appear (ARCHITECTURE "Untrusted text")."""

from __future__ import annotations

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.tui.screens.detail_screen import DetailScreen
from deskterm.tui.screens.main_screen import MainScreen

from .conftest import app_for, fixed, screen_text, settle

SUBJECT = "Help \x1b[31mRED\x1b[0m [@click=app.quit]quit[/] \u202eevil\x00 [bold]x[/bold]"
LONG = "A" * 100_000


@pytest.fixture
def hostile(sqlite_desk: Desk) -> Desk:
    desk = fixed(sqlite_desk)
    tickets.create(
        desk,
        subject=SUBJECT,
        body="[@click=app.quit]click me[/]\n\x1b]0;title\x07\n" + LONG,
        requester="mallory@evil.example",
    )
    return desk


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_hostile_ticket_is_shown_literally_and_changes_nothing(hostile: Desk, size) -> None:
    before = ticket_read.detail(hostile, 1)
    app = app_for(hostile)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "␛[31mRED" in text
        # At 80 columns the list's subject cell ends before the markup; the detail shows it.
        assert "[@click=app.quit]" in text or size[0] < 100
        assert "\x1b" not in text and "\u202e" not in text and "\x00" not in text
        await pilot.click("#tickets", offset=(30, 1))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        text = screen_text(app)
        assert "[@click=app.quit]click me[/]" in text
        assert "[@click=app.quit]quit[/]" in text  # the subject, in the detail's header
        assert "[bold]x[/bold]" in text or size[0] < 100
        body = "".join(str(w.content) for w in app.screen.query(".msg"))
        assert "more characters not shown" in body  # the long line is cut for display
        await pilot.click("#detail-full", offset=(2, 2))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.is_running
    assert ticket_read.detail(hostile, 1) == before
