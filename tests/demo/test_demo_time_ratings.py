"""The demo desk has time logged on some tickets and a share of good and bad ratings on
solved ones, each rating for the solve it names and the time by agents who wrote there."""

from __future__ import annotations

from sqlalchemy import select

from deskterm.demo import seed_desk
from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.store import schema


def test_the_demo_desk_has_time_entries_and_ratings_of_solved_tickets(desk: Desk) -> None:
    seed_desk(desk, tickets=200, articles=0, seed=3, days=30)
    with desk.store.read() as conn:
        timed = list(conn.execute(select(schema.time_entries.c.ticket_id)).scalars())
        rated = list(
            conn.execute(select(schema.ratings.c.ticket_id, schema.ratings.c.rating)).all()
        )
    assert 20 <= len(timed) <= 40
    assert 10 <= len(rated) <= 40
    assert {rating for _id, rating in rated} == {"good", "bad"}
    for ticket_id, rating in rated:
        shown = tickets.detail(desk, ticket_id)
        assert shown.ticket.status in ("solved", "closed")
        assert shown.rating is not None and shown.rating.rating == rating
        assert shown.rating.solved_at == shown.ticket.solved_at
    shown = tickets.detail(desk, timed[0])
    authors = {m.author for m in shown.messages}
    assert shown.time_spent_seconds > 0 and set(shown.time_by_agent) <= authors
