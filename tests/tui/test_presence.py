"""Presence and collisions (issue 15): who has a ticket open and who is writing on it shows
in the list and the detail of another agent's console, and stops showing when the beats stop
(the clock is moved, nothing sleeps); a reply sent after someone else's public reply that came
in since the ticket was opened asks first, showing that reply. Nothing is ever locked."""

from __future__ import annotations

from datetime import datetime, timedelta

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import PRESENCE_SECONDS
from deskterm.tui.screens.compose_screen import ComposeScreen
from deskterm.tui.screens.confirm import ConfirmScreen
from deskterm.tui.screens.detail_screen import DetailScreen
from deskterm.tui.widgets.ticket_table import TicketTable
from deskterm.tui.widgets.ticket_view import TicketView

from .conftest import NOW, app_for, fixed, screen_text, settle


class Clock:
    """A desk clock a test moves."""

    def __init__(self, at: datetime = NOW) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


async def look(pilot) -> None:  # type: ignore[no-untyped-def]
    pilot.app.live.poll()
    await settle(pilot)


def id_cell(table: TicketTable, ticket_id: int) -> str:
    row = next(i for i, t in enumerate(table.tickets) if t.id == ticket_id)
    return str(table.get_cell_at((row, 1)))


def presence_line(app) -> str:  # type: ignore[no-untyped-def]
    lines = app.screen.query_one(TicketView).query(".presence")
    line = lines.first() if lines else None
    return str(line.render()) if line is not None and line.display else ""


async def test_an_agent_viewing_and_replying_shows_in_the_other_console_then_expires(
    seeded: Desk,
) -> None:
    clock = Clock()
    alice = app_for(Desk(seeded.store, "alice", clock=clock))
    bob = app_for(fixed(Desk(seeded.store, "bob")))
    # Bob at 80x24: no detail pane, so he has no ticket open until he presses enter.
    async with alice.run_test(size=(120, 40)) as at_alice, bob.run_test(size=(80, 24)) as at_bob:
        await settle(at_alice)
        await settle(at_bob)
        table = alice.screen.query_one(TicketTable)
        first = table.current
        assert first is not None
        await look(at_alice)
        assert id_cell(table, first.id).strip() == str(first.id)  # nobody there yet

        await at_bob.press("enter")  # bob opens the first ticket of his list: the same one
        await settle(at_bob)
        assert isinstance(bob.screen, DetailScreen) and bob.screen.ticket.id == first.id
        await look(at_alice)
        assert id_cell(table, first.id).strip() == f"◉{first.id}"
        assert presence_line(alice) == "◉ bob is viewing"

        await at_bob.press("r", *"On it")  # bob starts a reply
        await settle(at_bob)
        await look(at_alice)
        assert id_cell(table, first.id).strip() == f"✐{first.id}"
        assert presence_line(alice) == "◉ bob is replying"

        # Alice opens the same ticket to reply too: her editor says bob is replying.
        await at_alice.press("r")
        await settle(at_alice)
        await look(at_alice)
        assert isinstance(alice.screen, ComposeScreen)
        assert "◉ bob is replying" in screen_text(alice)
        await at_alice.press("escape")
        await settle(at_alice)

        # Bob's console stops beating (gone without a word): his presence counts for
        # PRESENCE_SECONDS after the last beat, then no longer shows.
        clock.at = NOW + timedelta(seconds=PRESENCE_SECONDS - 1)
        await look(at_alice)
        assert presence_line(alice) == "◉ bob is replying"
        clock.at = NOW + timedelta(seconds=PRESENCE_SECONDS + 1)
        await look(at_alice)
        assert id_cell(table, first.id).strip() == str(first.id)
        assert presence_line(alice) == ""


async def test_leaving_the_ticket_removes_the_presence_at_once(seeded: Desk) -> None:
    alice = app_for(seeded)
    bob = app_for(fixed(Desk(seeded.store, "bob")))
    async with alice.run_test(size=(120, 40)) as at_alice, bob.run_test(size=(80, 24)) as at_bob:
        await settle(at_alice)
        await settle(at_bob)
        await at_bob.press("enter")
        await settle(at_bob)
        await look(at_alice)
        assert presence_line(alice) == "◉ bob is viewing"
        await at_bob.press("escape")  # back to the list
        await settle(at_bob)
        await look(at_alice)
        assert presence_line(alice) == ""
        assert tickets.present(seeded) == ()


async def test_a_reply_after_someone_else_s_reply_asks_first_and_shows_it(seeded: Desk) -> None:
    alice = app_for(seeded)
    async with alice.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await look(pilot)
        await pilot.press("enter", "r", *"Please restart the VPN client")
        await settle(pilot)
        ticket_id = alice.screen.ticket.id
        bob = fixed(Desk(seeded.store, "bob"), NOW + timedelta(minutes=1))
        tickets.reply(bob, ticket_id, "Rolled back the VPN gateway; try again now.")
        await look(pilot)  # the console hears of it, and the editor stays as it was
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(alice.screen, ConfirmScreen)
        question = screen_text(alice)
        assert "Since you opened this ticket:" in question
        assert "Bob Stone replied" in question
        assert "Rolled back the VPN gateway; try again now." in question
        await pilot.press("n")  # keep editing: nothing sent, the text still there
        await settle(pilot)
        assert isinstance(alice.screen, ComposeScreen)
        assert alice.screen.text == "Please restart the VPN client"
        assert [m.body for m in tickets.detail(seeded, ticket_id).messages][-1].startswith(
            "Rolled back"
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(alice.screen, ConfirmScreen)
        await pilot.press("y")  # send anyway: after bob's
        await settle(pilot)
        bodies = [m.body for m in tickets.detail(seeded, ticket_id).messages]
        assert bodies[-2:] == [
            "Rolled back the VPN gateway; try again now.",
            "Please restart the VPN client",
        ]


async def test_a_note_from_someone_else_does_not_stop_a_reply(seeded: Desk) -> None:
    alice = app_for(seeded)
    async with alice.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "r", *"Restarted it for you")
        await settle(pilot)
        ticket_id = alice.screen.ticket.id
        tickets.note(fixed(Desk(seeded.store, "bob")), ticket_id, "Gateway looks fine")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(alice.screen, (ConfirmScreen, ComposeScreen))
        assert tickets.detail(seeded, ticket_id).messages[-1].body == "Restarted it for you"


async def test_the_wide_detail_pane_counts_as_viewing_and_moving_on_stops_it(
    seeded: Desk,
) -> None:
    alice = app_for(seeded)
    bob = app_for(fixed(Desk(seeded.store, "bob")))
    async with alice.run_test(size=(120, 40)) as at_alice, bob.run_test(size=(120, 40)) as at_bob:
        await settle(at_alice)
        await settle(at_bob)  # bob's pane shows the first ticket of his list: he has it open
        table = alice.screen.query_one(TicketTable)
        first = bob.screen.query_one(TicketTable).current
        assert first is not None
        await look(at_alice)
        assert id_cell(table, first.id).strip() == f"◉{first.id}"
        assert presence_line(alice) == "◉ bob is viewing"

        await at_bob.press("j")  # the pane moves on to the next ticket, and so does bob
        await settle(at_bob)
        second = bob.screen.query_one(TicketTable).current
        assert second is not None and second.id != first.id
        await look(at_alice)
        assert id_cell(table, first.id).strip() == str(first.id)
        assert id_cell(table, second.id).strip() == f"◉{second.id}"
        assert [(p.ticket_id, p.agent) for p in tickets.present(seeded)] == [(second.id, "bob")]
        assert set(bob.here.held) == {second.id}  # only that one is beaten again

        await at_bob.resize_terminal(80, 24)  # the pane folds away: nothing open any more
        await settle(at_bob)
        await look(at_alice)
        assert id_cell(table, second.id).strip() == str(second.id)
        assert tickets.present(seeded) == () and bob.here.held == {}

        await at_bob.resize_terminal(120, 40)  # back: the pane shows it again
        await settle(at_bob)
        assert [(p.ticket_id, p.agent) for p in tickets.present(seeded)] == [(second.id, "bob")]
