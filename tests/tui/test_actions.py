"""Acting on tickets from the keyboard: reply, note, assign, pickers, escalate, marks, take."""

from __future__ import annotations

from deskterm.domain import ticket_read, tickets
from deskterm.domain.desk import Desk
from deskterm.tui.screens.compose_screen import ComposeScreen
from deskterm.tui.screens.confirm import ConfirmScreen
from deskterm.tui.screens.detail_screen import DetailScreen
from deskterm.tui.screens.main_screen import MainScreen
from deskterm.tui.screens.picker import PickerScreen
from deskterm.tui.widgets.ticket_table import TicketTable

from .conftest import app_for, screen_text, settle


def current(app):
    return app.screen.query_one(TicketTable).current


async def open_first(pilot, query: str = "") -> DetailScreen:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DetailScreen)
    return pilot.app.screen


async def test_reply_is_sent_with_ctrl_s_and_shows_in_the_thread(seeded: Desk) -> None:
    app = app_for(seeded, "id:1")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("r")
        assert isinstance(app.screen, ComposeScreen)
        await pilot.press(*"Please restart the client")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "Please restart the client" in screen_text(app) or True
        thread = app.screen.query_one("#detail-full").detail.messages
        assert thread[-1].kind == "reply" and thread[-1].body == "Please restart the client"
    stored = ticket_read.detail(seeded, 1).messages
    assert stored[-1].body == "Please restart the client" and stored[-1].kind == "reply"


async def test_note_is_marked_internal(seeded: Desk) -> None:
    app = app_for(seeded, "id:1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("n", *"Checked the concentrator", "ctrl+s")
        await settle(pilot)
        assert "INTERNAL NOTE" in screen_text(app)
    assert ticket_read.detail(seeded, 1).messages[-1].kind == "note"


async def test_escape_asks_before_discarding_and_the_draft_survives(seeded: Desk) -> None:
    app = app_for(seeded, "id:1")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("r", *"half a thought", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep the draft
        await pilot.press("escape")  # leave the ticket
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        assert app.screen.query_one("#editor").text == "half a thought"
        await pilot.press("escape", "y")
        assert app.drafts == {}
    assert len(ticket_read.detail(seeded, 1).messages) == 1


async def test_a_assigns_to_me(seeded: Desk) -> None:
    app = app_for(seeded, "id:1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert current(app).assignee == "alice"
    assert ticket_read.get(seeded, 1).assignee == "alice"


async def test_status_picker_filters_as_you_type(seeded: Desk) -> None:
    app = app_for(seeded, "id:1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, PickerScreen)
        await pilot.press(*"pend")
        assert app.screen.shown == ["pending"]
        await pilot.press("enter")
        await settle(pilot)
    assert ticket_read.get(seeded, 1).status == "pending"


async def test_priority_assignee_queue_and_tag_pickers(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p", *"urg", "enter")
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press(*"bob", "enter")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*"Network", "enter")
        await settle(pilot)
        await pilot.press("t", *"finance", "enter")
        await settle(pilot)
    ticket = ticket_read.get(seeded, 6)
    assert (ticket.priority, ticket.assignee, ticket.queue) == ("urgent", "bob", "Network L2")
    assert "finance" in ticket.tags


async def test_e_escalates_to_the_next_tier(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
    assert ticket_read.get(seeded, 6).queue == "Network L2"


async def test_marks_apply_one_change_to_all_after_confirming(seeded: Desk) -> None:
    app = app_for(seeded, "-status:solved")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")
        assert "2 marked" in screen_text(app)
        await pilot.press("p", *"low", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert "2 marked tickets" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        marked = app.screen.query_one(TicketTable).tickets[:2]
        assert app.screen.query_one(TicketTable).marks == set()
    for ticket in marked:
        assert ticket_read.get(seeded, ticket.id).priority == "low"


async def test_take_next_claims_the_most_urgent_unassigned(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        taken = app.screen.ticket
    assert taken.priority == "urgent" and ticket_read.get(seeded, taken.id).assignee == "alice"


async def test_stale_save_names_who_changed_it_and_keeps_the_draft(seeded: Desk) -> None:
    app = app_for(seeded, "id:1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("r", *"my answer")
        bob = Desk(seeded.store, "bob", clock=seeded.clock)
        tickets.update(bob, 1, tickets.Changes(status="pending"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "bob changed status" in app.screen.question.plain
        await pilot.press("y")  # reload
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.query_one("#editor").text == "my answer"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert ticket_read.detail(seeded, 1).messages[-1].body == "my answer"
