"""Satisfaction ratings: the requester's good or bad for a solve of a ticket.

Recorded by an agent for now (``ticket rate``; mail will bring them later), through the one
workflow: ``plan`` refuses a ticket that is not solved or closed and a second rating of the
same solve (unless replacing it), ``write.store`` keeps the row, and the audit says
``rating: - -> good``. The SLA clocks do not hear of it. A reopen and a new solve may be
rated again: a rating belongs to the solve (the ticket's ``solved_at`` when rated).
"""

from __future__ import annotations

from deskterm.domain import validate
from deskterm.domain.desk import Desk
from deskterm.domain.models import Rating
from deskterm.domain.tickets import write
from deskterm.domain.tickets.new import checked_field
from deskterm.domain.tickets.plan import NewRating, Request, plan
from deskterm.domain.tickets.read import latest_rating, solve_rating
from deskterm.domain.tickets.write import Context, transact


def rate(
    desk: Desk,
    ticket_id: int,
    rating: str,
    *,
    comment: str | None = None,
    replace: bool = False,
) -> Rating:
    """Record the requester's rating (``good`` or ``bad``, with an optional comment) of the
    ticket's current solve; returns it as stored.

    Conflict if the ticket is not solved or closed; AlreadyRated if this solve has a rating
    and ``replace`` is false (with ``replace``, the solve's rating is replaced and the audit
    says ``rating: good -> bad``). A closed ticket takes a rating; nothing else changes.
    """
    value = checked_field("rating", validate.rating, rating)
    text = checked_field("comment", validate.comment, comment)
    return transact(desk, lambda ctx: rate_in(ctx, ticket_id, value, text, replace=replace))


def rate_in(
    ctx: Context, ticket_id: int, rating: str, comment: str | None, *, replace: bool = False
) -> Rating:
    """The body of :func:`rate` in an open write transaction (values checked)."""
    current = write.read_one(ctx.conn, ticket_id, hidden=ctx.hidden)
    previous = (
        solve_rating(ctx.conn, ticket_id, current.solved_at)
        if current.solved_at is not None
        else None
    )
    request = Request(
        rating=NewRating(rating, comment, current.solved_at, previous=previous, replace=replace)
    )
    write.store(ctx, [plan(current, request, ctx.now, write.names(ctx.conn))])
    stored = latest_rating(ctx.conn, ticket_id)
    assert stored is not None
    return stored
