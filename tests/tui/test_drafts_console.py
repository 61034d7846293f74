"""Drafts in the console: kept on disk as the agent types and on leaving, marked in the list,
offered again after ``q``, a crash or a restart, removed once sent or discarded."""

from __future__ import annotations

import asyncio

import pytest

from deskterm.domain.desk import Desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.tui.screens.compose_screen import ComposeScreen
from deskterm.tui.screens.confirm import ConfirmScreen
from deskterm.tui.screens.main_screen import MainScreen
from deskterm.tui.widgets.ticket_table import TicketTable

from .conftest import app_for, screen_text, settle


async def wait_until(pilot, check, what: str, limit: float = 30.0) -> None:
    """Let the app run until ``check()`` holds (a timer of the app's, not a guess)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        assert loop.time() < deadline, f"gave up waiting for {what}"
        await pilot.pause(0.05)


async def test_the_draft_is_written_to_disk_while_the_agent_types(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r", *"Still typing this")
        drafts = app.drafts
        await wait_until(pilot, lambda: drafts.load(6, "reply") == "Still typing this", "draft")
        assert isinstance(app.screen, ComposeScreen)


async def test_q_with_unsent_drafts_names_them_and_asks(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r", *"For later", "escape", "n")  # keep the draft
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one(TicketTable).drafts == {6}
        assert "●✎" not in screen_text(app) and " ✎" in screen_text(app)
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        assert "1 unsent draft: #6 reply" in app.screen.question.plain
        await pilot.press("n")
        assert app.is_running and isinstance(app.screen, MainScreen)
        await pilot.press("q", "y")
        await pilot.pause()
    assert not app.is_running


async def test_a_draft_survives_quitting_and_comes_back_and_sending_removes_it(
    seeded: Desk,
) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"Checked the share ACLs", "escape", "n", "q", "y")
        await pilot.pause()
    again = app_for(seeded, "id:6")
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = again.screen.query_one(TicketTable)
        assert table.drafts == {6}
        await pilot.press("n")
        assert isinstance(again.screen, ComposeScreen)
        assert again.screen.text == "Checked the share ACLs"
        assert "Your unsent draft is back" in screen_text(again)
        await pilot.press(*"; all fine", "ctrl+s")
        await settle(pilot)
        assert isinstance(again.screen, MainScreen)
        assert table.drafts == frozenset()
        assert again.drafts.all() == []
    note = ticket_read.detail(seeded, 6).messages[-1]
    assert (note.kind, note.body) == ("note", "Checked the share ACLs; all fine")


async def test_a_crash_keeps_what_was_being_typed(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    with pytest.raises(RuntimeError, match="a bug in the console"):
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("r", *"Typed just before the crash")

            def crash() -> None:
                raise RuntimeError("a bug in the console")

            app.call_later(crash)
            await pilot.pause()
    assert app.drafts.load(6, "reply") == "Typed just before the crash"


async def test_a_discarded_draft_is_gone(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r", *"Never mind", "escape", "n")
        await settle(pilot)
        assert app.drafts.load(6, "reply") == "Never mind"
        await pilot.press("r", "escape", "y")
        await settle(pilot)
        assert app.drafts.all() == []
        assert app.screen.query_one(TicketTable).drafts == frozenset()
