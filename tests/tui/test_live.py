"""Other agents' changes reach the console without a keypress (issue 15, live updates):
the row is redrawn in place with the selection kept, a note says who changed what, and a
lost desk is said once, retried, and caught up with when it is back."""

from __future__ import annotations

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import Changes
from deskterm.errors import StoreUnavailable
from deskterm.tui.widgets.ticket_table import TicketTable

from .conftest import app_for, fixed, notified, settle


async def look(pilot) -> None:  # type: ignore[no-untyped-def]
    pilot.app.live.poll()
    await settle(pilot)


async def test_a_colleague_s_change_shows_in_place_and_is_named(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await look(pilot)  # where "now" is
        await pilot.press("j", "j")
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        chosen = table.current
        assert chosen is not None
        bob = fixed(Desk(seeded.store, "bob"))
        tickets.update(bob, chosen.id, Changes(priority="urgent", status="pending"))
        await look(pilot)
        shown = table.current
        assert shown is not None and shown.id == chosen.id  # the selection stayed
        assert (shown.priority, shown.status) == ("urgent", "pending")
        assert any(
            n.startswith("Changed by others: bob changed") and f"#{chosen.id}" in n
            for n in notified(app)
        )


async def test_the_console_s_own_changes_are_not_announced(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await look(pilot)
        tickets.note(seeded, 3, "written by alice elsewhere")
        await look(pilot)
        assert not [n for n in notified(app) if n.startswith("Changed by others")]


async def test_a_lost_desk_is_said_once_and_caught_up_with(
    seeded: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    import deskterm.domain.tickets as surface

    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await look(pilot)
        real = surface.changes_since

        def down(*_args: object, **_kwargs: object) -> object:
            raise StoreUnavailable("cannot reach the database: connection refused")

        monkeypatch.setattr(surface, "changes_since", down)
        await look(pilot)
        app.live._next_try = 0.0  # no waiting out the back-off in a test
        await look(pilot)
        lost = [n for n in notified(app) if n.startswith("Offline")]
        assert len(lost) == 1 and "connection refused" in lost[0]
        bob = fixed(Desk(seeded.store, "bob"))
        tickets.update(bob, 1, Changes(priority="low"))  # while the console is offline
        monkeypatch.setattr(surface, "changes_since", real)
        app.live._next_try = 0.0
        await look(pilot)
        assert "Back: Connected to the desk again" in notified(app)
        row = next(t for t in app.screen.query_one(TicketTable).tickets if t.id == 1)
        assert row.priority == "low"


async def test_a_colleague_s_new_ticket_appears_and_the_selection_stays(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await look(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        chosen = table.current
        assert chosen is not None
        before = [t.id for t in table.tickets]
        bob = fixed(Desk(seeded.store, "bob"))
        new = tickets.create(bob, subject="Wi-Fi down in the east wing", priority="urgent")
        await look(pilot)
        assert new.id in [t.id for t in table.tickets]
        assert set(before) <= {t.id for t in table.tickets}
        assert table.current is not None and table.current.id == chosen.id
        assert any("1 new ticket" in n for n in notified(app))
