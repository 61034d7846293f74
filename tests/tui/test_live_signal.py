"""Two consoles on one desk (issue 15): a change made in one shows in the other without a
keypress, woken by the desk's change signal (PostgreSQL LISTEN/NOTIFY, on
SQLite ``PRAGMA data_version``), not by the timer, which is set far out here; and a listening
connection killed mid-session (``pg_terminate_backend``) is said, opened again, and the
console catches up with what changed meanwhile."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import text

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import Changes
from deskterm.tui.messages import TicketsChanged
from deskterm.tui.widgets.ticket_table import TicketTable

from .conftest import app_for, notified, settle

#: The consoles' fallback look: far beyond what the tests wait, so only the signal can wake.
FALLBACK = 600.0


def _three(desk: Desk) -> None:
    for subject in ("VPN drops", "Printer jams", "Laptop slow"):
        tickets.create(desk, subject=subject, priority="normal")


async def _listening(pilot) -> None:  # type: ignore[no-untyped-def]
    """The first look starts the listener; wait until it has its connection."""
    pilot.app.live.poll()
    await settle(pilot)
    assert await asyncio.to_thread(pilot.app.live.listening.wait, 10)


class Heard:
    """When a console showed a change: its own (``mine``) or one it found by itself
    (``theirs``, another agent's), by the monotonic clock."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.mine: float | None = None
        self.theirs: float | None = None
        self.found = asyncio.Event()
        app.ticket_changes.subscribe(app.screen, self._changed)

    def _changed(self, change: TicketsChanged) -> None:
        if change.by_others:
            self.theirs = time.monotonic()
            self.found.set()
        else:
            self.mine = time.monotonic()


async def test_a_change_in_one_console_shows_in_the_other_woken_by_the_signal(desk: Desk) -> None:
    _three(desk)
    alice = app_for(desk, live=FALLBACK)
    bob = app_for(Desk(desk.store, "bob"))
    async with alice.run_test(size=(120, 40)) as at_alice, bob.run_test(size=(120, 40)) as at_bob:
        await settle(at_alice)
        await settle(at_bob)
        await _listening(at_alice)
        alice_saw, bob_saw = Heard(alice), Heard(bob)
        table = alice.screen.query_one(TicketTable)
        target = bob.screen.query_one(TicketTable).current
        assert target is not None

        await at_bob.press("a")  # bob takes the ticket under his cursor: a keypress in his
        await settle(at_bob)  # console, none in alice's
        # Alice's console shows bob's change with no key pressed in it, woken by the desk's
        # signal: its timer is 600 s out and the wait gives it 5. How soon it hears (45 ms on
        # SQLite, under a millisecond on PostgreSQL) is bench/bench_live.py's to measure; a
        # timed "< 1 s" here failed at 1.4 s when the whole suite loaded the two cores.
        await asyncio.wait_for(alice_saw.found.wait(), 5.0)
        assert bob_saw.mine is not None and alice_saw.theirs is not None
        await settle(at_alice)
        row = next(t for t in table.tickets if t.id == target.id)
        assert row.assignee == "bob"
        assert any(n.startswith("Changed by others: bob changed") for n in notified(alice))


@pytest.mark.parametrize("backend", ["postgres"])
async def test_a_killed_listening_connection_comes_back_and_the_console_catches_up(
    desk: Desk,
) -> None:
    _three(desk)
    alice = app_for(desk, live=FALLBACK)
    async with alice.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _listening(pilot)
        signal = alice.live.signal
        assert signal is not None and signal.pid
        with desk.store.engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": signal.pid})
        # Changed while the listener is gone: no notification reaches the console for it.
        tickets.update(Desk(desk.store, "bob"), 2, Changes(priority="urgent"))

        for _ in range(200):  # the console says so, opens a new connection and catches up
            await pilot.pause(0.05)
            if "Live: Live updates are back" in notified(alice):
                break
        await settle(pilot)
        said = notified(alice)
        assert any(
            n.startswith("Live: Live updates paused: lost the live connection") for n in said
        )
        assert "Live: Live updates are back" in said
        assert alice.live.signal is not None and alice.live.signal.pid != signal.pid
        row = next(t for t in alice.screen.query_one(TicketTable).tickets if t.id == 2)
        assert row.priority == "urgent"
