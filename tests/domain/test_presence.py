"""Presence rows (issue 15): a beat says who is on a ticket doing what; it counts for
PRESENCE_SECONDS, is replaced by the next beat, removed by leaving, and never shown to the
agent who wrote it. On both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import PRESENCE_SECONDS
from deskterm.errors import InvalidInput

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def at(desk: Desk, handle: str, seconds: float = 0) -> Desk:
    return Desk(desk.store, handle, clock=lambda: NOW + timedelta(seconds=seconds))


def test_a_beat_shows_to_others_until_it_is_old_or_left(desk: Desk) -> None:
    one = tickets.create(desk, subject="Printer jams").id
    two = tickets.create(desk, subject="VPN drops").id
    tickets.beat(at(desk, "bob"), one, "viewing")
    tickets.beat(at(desk, "carol"), one, "replying")
    tickets.beat(at(desk, "bob", 10), one, "noting")  # the next beat replaces the first
    tickets.beat(at(desk, "carol"), two)

    seen = tickets.present(at(desk, "alice", 10))
    assert [(p.ticket_id, p.agent, p.activity) for p in seen] == [
        (one, "carol", "replying"),
        (one, "bob", "noting"),
        (two, "carol", "viewing"),
    ]
    assert seen[0].phrase == "carol is replying"
    assert [p.agent for p in tickets.present(at(desk, "bob", 10), [one])] == ["carol"]

    # Carol's beats (at 0 s) stop counting PRESENCE_SECONDS later; bob's (at 10 s) still do.
    later = tickets.present(at(desk, "alice", PRESENCE_SECONDS + 1))
    assert [(p.agent, p.activity) for p in later] == [("bob", "noting")]

    tickets.leave(at(desk, "bob"), one)
    assert tickets.present(at(desk, "alice", PRESENCE_SECONDS + 1)) == ()


def test_an_old_row_is_removed_by_the_next_beat_and_a_bad_activity_refused(desk: Desk) -> None:
    from sqlalchemy import func, select

    from deskterm.store import schema

    ticket = tickets.create(desk, subject="Disk full").id
    tickets.beat(at(desk, "bob"), ticket)
    tickets.beat(at(desk, "carol", PRESENCE_SECONDS + 5), ticket)
    with desk.store.read() as conn:
        rows = conn.execute(select(func.count()).select_from(schema.presence)).scalar_one()
    assert rows == 1
    with pytest.raises(InvalidInput, match="unknown activity"):
        tickets.beat(desk, ticket, "sleeping")


def test_presence_on_a_confidential_ticket_shows_only_to_those_who_may_see_it(desk: Desk) -> None:
    from deskterm.domain import queues

    queues.add_queue(desk, "Security", tier="L2", confidential=True)
    queues.join_queue(desk, "Security", ["carol"])
    secret = tickets.create(desk, subject="Breach", queue="Security").id
    open_one = tickets.create(desk, subject="Printer jam").id
    tickets.beat(at(desk, "carol"), secret, "replying")
    tickets.beat(at(desk, "carol"), open_one)

    assert [p.ticket_id for p in tickets.present(at(desk, "alice"))] == [secret, open_one]
    assert [p.ticket_id for p in tickets.present(at(desk, "bob"))] == [open_one]
