"""Acting on tickets from the keyboard: reply, note, assign, pickers, escalate, marks, take."""

from __future__ import annotations

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.tui.screens.compose_screen import ComposeScreen
from deskterm.tui.screens.confirm import ConfirmScreen
from deskterm.tui.screens.detail_screen import DetailScreen
from deskterm.tui.screens.escalate_screen import EscalateScreen
from deskterm.tui.screens.main_screen import MainScreen
from deskterm.tui.screens.picker import PickerScreen
from deskterm.tui.widgets.ticket_table import TicketTable

from .conftest import app_for, notified, screen_text, settle


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
        await pilot.press("G")  # the thread's end: the reply is on screen, not just loaded
        await settle(pilot)
        assert "Please restart the client" in screen_text(app)
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
        assert app.drafts.all() == []
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


async def test_e_shows_the_next_tier_and_escalates_there_with_the_reason(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, EscalateScreen)
        text = screen_text(app)
        assert "Network L2  (L2)" in text and "Infrastructure L3  (L3)" in text
        assert app.screen.chosen == "Network L2"
        await pilot.press(*"needs a firewall change", "enter")
        await settle(pilot)
    assert ticket_read.get(seeded, 6).queue == "Network L2"
    note = ticket_read.detail(seeded, 6).messages[-1]
    assert (note.kind, note.body) == (
        "note",
        "Escalated from Service Desk to Network L2: needs a firewall change",
    )


async def test_e_can_choose_a_higher_tier(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("down", *"disk array", "enter")
        await settle(pilot)
    assert ticket_read.get(seeded, 6).queue == "Infrastructure L3"


async def test_e_on_the_top_tier_says_there_is_nowhere_to_go(seeded: Desk) -> None:
    app = app_for(seeded, "id:5")  # Infrastructure L3
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any(n.startswith("Not allowed now: No higher tier") for n in notified(app))
    assert ticket_read.get(seeded, 5).queue == "Infrastructure L3"


async def test_escalate_sends_the_version_it_showed(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        bob = Desk(seeded.store, "bob", clock=seeded.clock)
        tickets.update(bob, 6, tickets.Changes(queue="Network L2"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # "The ticket changed": reload?
        assert "bob changed queue" in app.screen.question.plain
    assert ticket_read.get(seeded, 6).queue == "Network L2"  # not escalated past bob's move


async def test_marks_apply_one_change_to_all_after_confirming(seeded: Desk) -> None:
    app = app_for(seeded, "-status:solved")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")
        await settle(pilot)  # the title is repainted before it is read (was flaky under load)
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


async def test_status_picker_offers_only_the_workflow_moves_and_starts_on_the_current(
    seeded: Desk,
) -> None:
    app = app_for(seeded, "id:2")  # solved: it may only be reopened or closed
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, PickerScreen)
        assert app.screen.shown == ["open", "solved", "closed"]
        assert app.screen.shown[app.screen.query_one("#picker-options").highlighted] == "solved"
        assert "solved  (now)" in screen_text(app)
        await pilot.press("escape")
    app = app_for(seeded, "id:6")  # new
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert app.screen.shown == ["new", "open", "pending", "on_hold", "solved"]


async def test_a_reply_to_a_closed_ticket_says_so_before_the_editor_opens(seeded: Desk) -> None:
    tickets.close(seeded, 2)
    app = app_for(seeded, "id:2")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert not isinstance(app.screen, PickerScreen)  # closed: no move at all
        await pilot.press("r")
        assert isinstance(app.screen, MainScreen)
        assert any("#2 is closed" in n for n in notified(app))


async def test_take_in_a_queue_view_takes_from_that_queue(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue_view = next(i for i, v in enumerate(app.screen.views) if v.queue == "Network L2")
        await pilot.press(str(queue_view + 1))
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        taken = app.screen.ticket
    assert (taken.id, ticket_read.get(seeded, taken.id).assignee) == (1, "alice")


async def test_take_when_nothing_waits_says_so(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue_view = next(i for i, v in enumerate(app.screen.views) if v.queue == "Network L2")
        await pilot.press(str(queue_view + 1), "T")
        await settle(pilot)
        await pilot.press("T")  # the only one there is taken now
        await settle(pilot)
        assert "Nothing to take: No unassigned ticket is waiting in Network L2" in notified(app)


async def test_marked_tickets_are_changed_only_as_they_were_shown(seeded: Desk) -> None:
    app = app_for(seeded, "-status:solved")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first, second = app.screen.query_one(TicketTable).tickets[:2]
        await pilot.press("space", "space")
        bob = Desk(seeded.store, "bob", clock=seeded.clock)
        tickets.update(bob, second.id, tickets.Changes(priority="urgent"))
        await pilot.press("p", *"low", "enter", "y")
        await settle(pilot)
        assert any(n.startswith("The ticket changed:") for n in notified(app))
    assert ticket_read.get(seeded, first.id).priority == first.priority  # all or nothing
    assert ticket_read.get(seeded, second.id).priority == "urgent"


async def test_errors_read_as_words_never_a_class_name(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bob = Desk(seeded.store, "bob", clock=seeded.clock)
        tickets.update(bob, 6, tickets.Changes(priority="low"))
        await pilot.press("p", *"high", "enter")
        await settle(pilot)
        said = notified(app)
        assert said and said[-1].startswith("The ticket changed: #6 changed since you opened it")
        assert "bob changed priority" in said[-1]
        assert not any("StaleVersion" in n or "Conflict" in n for n in said)


async def test_a_send_in_progress_says_so(seeded: Desk, monkeypatch) -> None:
    import threading

    from deskterm.domain import tickets as domain_tickets

    gate = threading.Event()
    real = domain_tickets.add_message

    def slow(*args, **kwargs):
        gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(domain_tickets, "add_message", slow)
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r", *"Hold on", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        assert "Sending…" in screen_text(app)
        assert app.screen.query_one("#editor").read_only
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert ticket_read.detail(seeded, 6).messages[-1].body == "Hold on"


async def test_take_hands_a_member_only_the_tickets_of_their_queues(seeded: Desk) -> None:
    """bob works Infrastructure L3 only: ``T`` in All tickets takes its ticket (#5), not the
    older urgent #1 of Network L2 that comes first for anyone in no queue; then nothing waits
    in his queues; and ``T`` in the view of a queue he does not work is refused."""
    from deskterm.domain import queues

    queues.join_queue(seeded, "Infrastructure L3", ["bob"])
    bob = Desk(seeded.store, "bob", clock=seeded.clock)
    app = app_for(bob)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.ticket.id == 5
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        assert (
            "Nothing to take: No unassigned ticket is waiting in your queues (Infrastructure L3)"
            in notified(app)
        )
        l2 = next(i for i, v in enumerate(app.screen.views) if v.queue == "Network L2")
        await pilot.press(str(l2 + 1), "T")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any(
            n.startswith('Not permitted: bob is not a member of queue "Network L2"')
            for n in notified(app)
        )
    assert ticket_read.get(seeded, 5).assignee == "bob"
    assert ticket_read.get(seeded, 1).assignee is None
    assert tickets.take(Desk(seeded.store, "carol", clock=seeded.clock)).id == 1
