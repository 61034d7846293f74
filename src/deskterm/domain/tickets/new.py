"""Opening tickets: what a user typed is checked once (:func:`new_ticket`), then inserted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from deskterm.domain import lookup, validate
from deskterm.domain import tags as tag_store
from deskterm.domain.desk import Desk
from deskterm.domain.models import Ticket
from deskterm.domain.people import contact_for
from deskterm.domain.sla import ClockState
from deskterm.domain.tickets import clocks
from deskterm.domain.tickets.clocks import new_clocks
from deskterm.domain.tickets.plan import Current, opens
from deskterm.domain.tickets.read import load_ticket
from deskterm.domain.tickets.triage import Arrival, triage
from deskterm.domain.tickets.write import Context, confine, record_created, transact
from deskterm.domain.vocab import PRIORITY_RANK
from deskterm.errors import InvalidInput
from deskterm.store import schema
from deskterm.store.engine import new_id

V = TypeVar("V")


def checked_field(name: str, check: Callable[..., V], *args: Any, **kwargs: Any) -> V:
    """Run a validator; the InvalidInput it raises says which field it was about."""
    try:
        return check(*args, **kwargs)
    except InvalidInput as exc:
        raise exc.about(name) from None


@dataclass(frozen=True)
class NewTicket:
    """A ticket to create, with every value already validated (see :func:`new_ticket`)."""

    subject: str
    body: str | None = None
    requester: str | None = None
    type: str = "incident"
    priority: str = "normal"
    queue: str | None = None
    tags: tuple[str, ...] = ()
    channel: str = "api"
    assignee: str | None = None


def new_ticket(
    *,
    subject: str,
    body: str | None = None,
    requester: str | None = None,
    type: str = "incident",
    priority: str = "normal",
    queue: str | None = None,
    tags: Sequence[str] = (),
    channel: str = "api",
    assignee: str | None = None,
) -> NewTicket:
    """Check what a user typed for a new ticket; InvalidInput names the bad field."""
    return NewTicket(
        subject=checked_field("subject", validate.subject, subject),
        body=checked_field("body", validate.body, body) if body and body.strip() else None,
        requester=checked_field("requester", validate.email, requester) if requester else None,
        type=checked_field("type", validate.ticket_type, type),
        priority=checked_field("priority", validate.priority, priority),
        queue=queue or None,
        tags=checked_field("tags", validate.tags, tags),
        channel=checked_field("channel", validate.channel, channel),
        assignee=assignee or None,
    )


def create(desk: Desk, notices: list[str] | None = None, **fields: Any) -> Ticket:
    """Open a new ticket (status ``new``, or ``open`` when assigned at once).

    Takes the keyword arguments of :func:`new_ticket`. The body becomes the first message of
    the thread, written by the requester when there is one, otherwise by the acting agent.
    Unknown requesters become contacts (matched to an organization by their e-mail domain).
    Writes a ``created`` audit event. A triage rule may file it in a confidential queue the
    acting agent is not a member of: it is made and filed all the same, returned as it was
    stored (its ``queue`` that one), and ``notices`` says the agent cannot see it from now on.
    """
    new = new_ticket(**fields)

    def work(ctx: Context) -> Ticket:
        ticket = load_ticket(ctx.conn, desk, create_in(ctx, new, notices))
        if ticket.id in ctx.filing:
            queue = lookup.queue_name(ctx.conn, ctx.filing[ticket.id])
            ticket = ticket._replace(queue=queue)
            if notices is not None:
                notices.append(hidden_notice(ticket.id, queue))
        return ticket

    return transact(desk, work)


def hidden_notice(ticket_id: int, queue: str) -> str:
    """What the creator is told of a ticket a rule filed where they cannot see it."""
    return (
        f'#{ticket_id} was filed by a triage rule in queue "{queue}", which is confidential '
        "and which you are not a member of: you will not see it; its members and admins will"
    )


def create_in(ctx: Context, new: NewTicket, notices: list[str] | None = None) -> int:
    """Insert ``new`` (checked) in the open transaction and run the triage rules on it and its
    queue's automatic reply (``triage.triage``); returns its id. A rule that had to be
    skipped, or an automatic reply that could not be filled in, is also told in
    ``notices``, when given."""
    return create_many_in(ctx, [new], notices)[0]


def create_many_in(
    ctx: Context, news: Sequence[NewTicket], notices: list[str] | None = None
) -> list[int]:
    """:func:`create_in` of several tickets, the rules run over all of them together (one
    matching query, their changes stored with one ``executemany`` per kind of row)."""
    arrivals = [insert_new(ctx, new) for new in news]
    return triage_new(ctx, arrivals, notices)


def create_each_in(ctx: Context, news: Sequence[NewTicket]) -> list[tuple[int, tuple[str, ...]]]:
    """:func:`create_many_in`, telling each ticket's notices apart: (id, notices) per ticket,
    in order (a mail import's chunk of new requests, each told what became of it)."""
    done = triage(ctx, [insert_new(ctx, new) for new in news])
    return [(triaged.ticket_id, tuple(triaged.notices())) for triaged in done]


_TICKET_INSERT = insert(schema.tickets)
_MESSAGE_INSERT = insert(schema.messages)


def insert_new(ctx: Context, new: NewTicket) -> Arrival:
    """Insert ``new`` (checked) with its first message, tags and ``created`` audit entry;
    the rules are :func:`triage_new`'s."""
    conn, now = ctx.conn, ctx.now
    queue_id = (
        lookup.queue_id(conn, new.queue)
        if new.queue
        else ctx.once("default queue", lambda: lookup.default_queue_id(conn))
    )
    confine(ctx, queue_id)
    assignee_id = lookup.agent_id(conn, ctx.actor, new.assignee) if new.assignee else None
    contact_id = _requester(ctx, new.requester) if new.requester else None
    status = "open" if opens("new", assigned=assignee_id is not None) else "new"
    organization_id = ctx.once(
        f"organization of {contact_id}", lambda: _organization_of(conn, contact_id)
    )
    sla = new_clocks(
        ctx.once("policies", lambda: clocks.load(conn)),
        queue_id=queue_id,
        ticket_type=new.type,
        organization_id=organization_id,
        priority=new.priority,
        status=status,
        at=now,
    )
    # Rows as parameters of statements built once (a batch or a mail import runs these
    # for each ticket; building them was most of their cost).
    ticket_id = new_id(
        conn.execute(
            _TICKET_INSERT,
            dict(
                subject=new.subject,
                type=new.type,
                status=status,
                priority=PRIORITY_RANK[new.priority],
                queue_id=queue_id,
                assignee_id=assignee_id,
                requester_id=contact_id,
                created_by_id=ctx.actor.id,
                channel=new.channel,
                created_at=now,
                updated_at=now,
                version=1,
                **sla,
            ),
        )
    )
    if new.body:
        conn.execute(
            _MESSAGE_INSERT,
            dict(
                ticket_id=ticket_id,
                kind="reply",
                author_agent_id=None if contact_id else ctx.actor.id,
                author_contact_id=contact_id,
                body=new.body,
                created_at=now,
            ),
        )
    if new.tags:
        ids = tag_store.ids_for(conn, new.tags, create=True)
        conn.execute(
            insert(schema.ticket_tags),
            [{"ticket_id": ticket_id, "tag_id": ids[name]} for name in new.tags],
        )
    record_created(ctx, ticket_id, new.subject)
    arrived = Current(
        id=ticket_id,
        status=status,
        priority=PRIORITY_RANK[new.priority],
        type=new.type,
        subject=new.subject,
        queue_id=queue_id,
        assignee_id=assignee_id,
        first_responded_at=None,
        solved_at=None,
        merged_into_id=None,
        problem_id=None,
        version=1,
        tags=tuple(sorted(set(new.tags))),
        created_at=now,
        organization_id=organization_id,
        clocks=ClockState.from_columns({**ClockState().columns(), **sla}),
    )
    return Arrival(arrived, contact_id, by_mail=new.channel == "email")


def triage_new(
    ctx: Context, arrivals: Sequence[Arrival], notices: list[str] | None = None
) -> list[int]:
    """Run the rules and the queues' automatic replies on tickets :func:`insert_new` wrote
    in this transaction; returns their ids. Skips and replies not sent go to ``notices``."""
    done = triage(ctx, arrivals)
    if notices is not None:
        for triaged in done:
            notices += triaged.notices()
    return [triaged.ticket_id for triaged in done]


def _requester(ctx: Context, email: str) -> int:
    """The requester's contact, read (or made) once per transaction: a batch of creates or
    a chunk of mail has many tickets from one requester, and no ticket change alters a
    contact's address or organization. Mail intake finds it under the same key."""
    return ctx.once(f"contact {email}", lambda: contact_for(ctx.conn, email, ctx.now))


def _organization_of(conn: Connection, contact_id: int | None) -> int | None:
    if contact_id is None:
        return None
    C = schema.contacts
    org: int | None = conn.execute(
        select(C.c.organization_id).where(C.c.id == contact_id)
    ).scalar_one_or_none()
    return org
