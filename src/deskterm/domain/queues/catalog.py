"""Queues: the teams' inboxes, their support tiers and where each escalates to.

Anyone may look, except at a confidential queue they are not a member of (admins see all):
to them it is not there. Leads add queues, and edit or delete the queues they manage: those
they are members of, and those nobody is a member of yet; admins manage every queue. A lead
who adds a confidential queue becomes its first member.

* A queue has a unique name (any case), a description, a tier (``L1``..``L3``) and optionally
  the queue it escalates to. The escalates-to links form chains (L1 -> L2 -> L3) that
  ``ticket escalate`` follows; a link that would close a loop is refused, so every chain
  ends. Tiers are labels for people: the chain, not the tier, decides where a ticket may go.
* A queue that holds tickets (closed ones too: every ticket is in a queue) is deleted only
  with ``move_to``, which moves them, with their audit entries, in the same transaction. A
  queue that other queues escalate to is not deleted until they point elsewhere, and the
  desk's last queue is kept.
* ``queue list`` counts each queue's members, unsolved tickets and the escalations out of
  it: the audit entries ``escalated`` whose old value is the queue's name (a renamed queue's
  earlier escalations stay under the name it had).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row

from deskterm.domain import tickets, validate
from deskterm.domain.desk import Desk
from deskterm.domain.models import Agent, Member, Queue, QueueDeleted, QueueDetail, QueueStats
from deskterm.domain.vocab import UNSOLVED
from deskterm.errors import Conflict, InvalidInput, NotFound, PermissionDenied, QueueInUse
from deskterm.store import schema
from deskterm.store.engine import new_id

Q = schema.queues
M = schema.queue_members
MAX_NAME: Final = 100
MAX_DESCRIPTION: Final = 2000
#: At most this many names are listed in an error.
LISTED: Final = 12
#: Who manages queues and membership.
MANAGERS: Final = ("lead", "admin")


class _Unset:
    def __repr__(self) -> str:
        return "UNCHANGED"


#: "Leave as it is" for ``escalates_to``, where None means "escalates nowhere".
UNCHANGED: Final = _Unset()


# ------------------------------------------------------------------------------ values


def queue_name(value: str) -> str:
    """A queue's name: 1 to 100 characters on one line, not the word ``none``."""
    clean = validate.storable(" ".join(value.split()))
    if not clean or len(clean) > MAX_NAME:
        raise InvalidInput(f"a queue name is 1 to {MAX_NAME} characters", field="name")
    if clean.lower() == "none":
        raise InvalidInput('a queue cannot be called "none": the word means no queue', field="name")
    return clean


def _description(value: str) -> str:
    clean = validate.storable(value.strip())
    if len(clean) > MAX_DESCRIPTION:
        raise InvalidInput(
            f"a queue description is at most {MAX_DESCRIPTION} characters", field="description"
        )
    return clean


def _tier(value: str) -> str:
    try:
        return validate.tier(value)
    except InvalidInput as exc:
        raise exc.about("tier") from None


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(sorted(names)[:LISTED])
    return shown + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")


# ------------------------------------------------------------------------------ reading


def rows_of(conn: Connection, *, lock: bool = False) -> dict[int, Row[Any]]:
    """Every queue by id; with ``lock``, locked for this transaction (in id order), so two
    leads editing links at once cannot make a loop between them. The lock is PostgreSQL's
    ``FOR NO KEY UPDATE``: tickets being written meanwhile (which lock the queue they
    reference with ``KEY SHARE``) do not wait for it."""
    stmt = select(Q).order_by(Q.c.id)
    if lock:
        stmt = stmt.with_for_update(key_share=True)
    return {int(row.id): row for row in conn.execute(stmt)}


def find(rows: Mapping[int, Row[Any]], name: str) -> Row[Any]:
    """The queue called ``name`` (any case); NotFound lists the queues there are."""
    wanted = " ".join(name.split()).lower()
    for row in rows.values():
        if row.name.lower() == wanted:
            return row
    raise NotFound(
        f'unknown queue "{name}"; queues: {_listing([r.name for r in rows.values()])}',
        what="queue",
    )


def _chain(rows: Mapping[int, Row[Any]], queue_id: int) -> list[str]:
    """The names of the queues above ``queue_id``, nearest first (stops at a loop)."""
    names: list[str] = []
    seen = {queue_id}
    current = rows[queue_id].escalates_to_id
    while current is not None and current not in seen and current in rows:
        seen.add(current)
        names.append(rows[current].name)
        current = rows[current].escalates_to_id
    return names


def _check_no_loop(rows: Mapping[int, Row[Any]], queue_id: int, target_id: int) -> None:
    """InvalidInput when ``queue_id`` escalating to ``target_id`` closes a loop."""
    path = [rows[queue_id].name]
    current: int | None = target_id
    seen: set[int] = set()
    while current is not None and current in rows and current not in seen:
        path.append(rows[current].name)
        if current == queue_id:
            raise InvalidInput(
                f"that would make an escalation loop: {' -> '.join(path)}; "
                "a chain of queues must end",
                field="escalates_to",
            )
        seen.add(current)
        current = rows[current].escalates_to_id


def _queue(rows: Mapping[int, Row[Any]], row: Row[Any]) -> Queue:
    above = rows.get(row.escalates_to_id) if row.escalates_to_id is not None else None
    return Queue(
        row.id,
        row.name,
        row.tier,
        above.name if above else None,
        row.description,
        bool(row.confidential),
    )


def seen_rows(desk: Desk, conn: Connection) -> dict[int, Row[Any]]:
    """The queues the acting agent may see (all but confidential ones they are not in)."""
    hidden = desk.hidden_queues(conn)
    return {i: row for i, row in rows_of(conn).items() if i not in hidden}


def manage(desk: Desk, conn: Connection, row: Row[Any]) -> Agent:
    """The acting agent, if they may manage queue ``row`` (admins: all; leads: the queues
    they are members of, and those without members). NotFound for a confidential queue
    they may not see, PermissionDenied otherwise."""
    me = desk.require_role(conn, *MANAGERS)
    if me.role == "admin":
        return me
    if row.id in desk.hidden_queues(conn):
        raise NotFound(f'unknown queue "{row.name}"', what="queue")
    members = set(conn.execute(select(M.c.agent_id).where(M.c.queue_id == row.id)).scalars())
    if members and me.id not in members:
        raise PermissionDenied(
            f'{me.handle} is a lead but not a member of queue "{row.name}"; its own leads '
            "and admins manage it"
        )
    return me


def list_queues(desk: Desk) -> list[Queue]:
    """Every queue the agent may see, lowest tier first, then by name."""
    with desk.store.read() as conn:
        desk.actor(conn)
        rows = seen_rows(desk, conn)
        return sorted((_queue(rows, r) for r in rows.values()), key=lambda q: (q.tier, q.name))


def queue_stats(desk: Desk, *, since: datetime | None = None) -> list[QueueStats]:
    """Every queue the agent may see with its member count, unsolved tickets and the
    escalations out of it (since ``since``, else ever); lowest tier first, then by name."""
    with desk.store.read() as conn:
        desk.actor(conn)
        rows = seen_rows(desk, conn)
        members, open_tickets, escalations = _counts(conn, since)
        return sorted(
            (_stats(rows, row, members, open_tickets, escalations) for row in rows.values()),
            key=lambda q: (q.tier, q.name),
        )


def _counts(
    conn: Connection, since: datetime | None
) -> tuple[dict[int, int], dict[int, int], dict[str, int]]:
    T, E = schema.tickets, schema.audit_events
    members: dict[int, int] = dict(
        conn.execute(select(M.c.queue_id, func.count()).group_by(M.c.queue_id)).all()
    )
    open_tickets: dict[int, int] = dict(
        conn.execute(
            select(T.c.queue_id, func.count())
            .where(T.c.status.in_(UNSOLVED))
            .group_by(T.c.queue_id)
        ).all()
    )
    escalated = select(E.c.old_value, func.count()).where(E.c.field == "escalated")
    if since is not None:
        escalated = escalated.where(E.c.at >= since)
    escalations: dict[str, int] = dict(conn.execute(escalated.group_by(E.c.old_value)).all())
    return members, open_tickets, escalations


def _stats(
    rows: Mapping[int, Row[Any]],
    row: Row[Any],
    members: Mapping[int, int],
    open_tickets: Mapping[int, int],
    escalations: Mapping[str, int],
) -> QueueStats:
    queue = _queue(rows, row)
    return QueueStats(
        id=queue.id,
        name=queue.name,
        tier=queue.tier,
        escalates_to=queue.escalates_to,
        description=queue.description,
        member_count=int(members.get(queue.id, 0)),
        open_tickets=int(open_tickets.get(queue.id, 0)),
        escalations=int(escalations.get(queue.name, 0)),
        confidential=queue.confidential,
    )


def queue_detail(desk: Desk, name: str, *, since: datetime | None = None) -> QueueDetail:
    """One queue: its figures (:func:`queue_stats`), members, chain and the queues that
    escalate to it. NotFound (``what="queue"``) lists the queues there are."""
    with desk.store.read() as conn:
        desk.actor(conn)
        rows = seen_rows(desk, conn)
        row = find(rows, name)
        members, open_tickets, escalations = _counts(conn, since)
        return QueueDetail(
            queue=_stats(rows, row, members, open_tickets, escalations),
            members=tuple(members_of(conn, row)),
            chain=tuple(_chain(rows, row.id)),
            escalated_from=tuple(
                sorted(r.name for r in rows.values() if r.escalates_to_id == row.id)
            ),
            default_sla_policy=_policy_name(conn, row.default_sla_policy_id),
            auto_reply=row.auto_reply,
        )


def _policy_name(conn: Connection, policy_id: int | None) -> str | None:
    if policy_id is None:
        return None
    P = schema.sla_policies
    name: str | None = conn.execute(select(P.c.name).where(P.c.id == policy_id)).scalar()
    return name


def _policy_id(conn: Connection, name: str) -> int:
    """The id of the SLA policy ``name`` (any case); NotFound naming it."""
    P = schema.sla_policies
    found: int | None = conn.execute(
        select(P.c.id).where(func.lower(P.c.name) == name.strip().lower())
    ).scalar()
    if found is None:
        raise NotFound(f'unknown SLA policy "{name}"', what="sla policy")
    return found


def members_of(conn: Connection, queue: Row[Any]) -> list[Member]:
    """The agents in ``queue``, by handle."""
    A = schema.agents
    found = conn.execute(
        select(A.c.handle, A.c.name, A.c.role, M.c.added_at)
        .join(M, M.c.agent_id == A.c.id)
        .where(M.c.queue_id == queue.id)
        .order_by(A.c.handle)
    )
    return [Member(queue.name, r.handle, r.name, r.role, r.added_at) for r in found]


# ------------------------------------------------------------------------------ changing


def add_queue(
    desk: Desk,
    name: str,
    *,
    tier: str = "L1",
    description: str = "",
    escalates_to: str | None = None,
    confidential: bool = False,
) -> Queue:
    """Add a queue (leads and admins). Conflict if the name is taken (in any case);
    NotFound if ``escalates_to`` names no queue. A lead who adds a ``confidential`` queue
    is made its first member (else they could not see its tickets)."""
    clean = queue_name(name)
    clean_tier = _tier(tier)
    text = _description(description)
    with desk.store.write() as conn:
        me = desk.require_role(conn, *MANAGERS)
        rows = rows_of(conn, lock=True)
        _ensure_free(rows, clean)
        target = find(seen_rows(desk, conn), escalates_to).id if escalates_to is not None else None
        queue_id = new_id(
            conn.execute(
                insert(Q).values(
                    name=clean,
                    tier=clean_tier,
                    description=text,
                    escalates_to_id=target,
                    created_at=desk.now(),
                    confidential=confidential,
                )
            )
        )
        if confidential and me.role != "admin":
            conn.execute(insert(M).values(queue_id=queue_id, agent_id=me.id, added_at=desk.now()))
        rows = rows_of(conn)
        return _queue(rows, rows[queue_id])


def _ensure_free(rows: Mapping[int, Row[Any]], name: str, *, but: int | None = None) -> None:
    for row in rows.values():
        if row.id != but and row.name.lower() == name.lower():
            raise Conflict(f'queue "{row.name}" already exists')


def edit_queue(
    desk: Desk,
    name: str,
    *,
    new_name: str | None = None,
    tier: str | None = None,
    description: str | None = None,
    escalates_to: str | _Unset | None = UNCHANGED,
    sla_policy: str | _Unset | None = UNCHANGED,
    auto_reply: str | _Unset | None = UNCHANGED,
    confidential: bool | None = None,
) -> Queue:
    """Change a queue's name, tier, description, escalates-to queue (None: escalates
    nowhere), default SLA policy (None: none), automatic first response (a template,
    checked now; None: none) or whether it is ``confidential``; admins, and leads who
    manage it (:func:`manage`). A link that would close a loop is InvalidInput naming the
    loop. InvalidInput when nothing is given to change."""
    if (
        new_name is None
        and tier is None
        and description is None
        and escalates_to is UNCHANGED
        and sla_policy is UNCHANGED
        and auto_reply is UNCHANGED
        and confidential is None
    ):
        raise InvalidInput(
            "nothing to change; give a name, tier, description, escalation, SLA policy, "
            "automatic reply or confidentiality"
        )
    values: dict[str, Any] = {}
    if new_name is not None:
        values["name"] = queue_name(new_name)
    if tier is not None:
        values["tier"] = _tier(tier)
    if description is not None:
        values["description"] = _description(description)
    if not isinstance(auto_reply, _Unset):
        values["auto_reply"] = _auto_reply(auto_reply)
    if confidential is not None:
        values["confidential"] = confidential
    with desk.store.write() as conn:
        desk.require_role(conn, *MANAGERS)
        rows = rows_of(conn, lock=True)
        row = find(seen_rows(desk, conn), name)
        manage(desk, conn, row)
        if "name" in values:
            _ensure_free(rows, values["name"], but=row.id)
        if not isinstance(escalates_to, _Unset):
            target = (
                find(seen_rows(desk, conn), escalates_to).id if escalates_to is not None else None
            )
            if target is not None:
                _check_no_loop(rows, row.id, target)
            values["escalates_to_id"] = target
        if not isinstance(sla_policy, _Unset):
            chosen = _policy_id(conn, sla_policy) if sla_policy is not None else None
            values["default_sla_policy_id"] = chosen
        conn.execute(update(Q).where(Q.c.id == row.id).values(values))
        rows = rows_of(conn)
        return _queue(rows, rows[row.id])


def _auto_reply(text: str | None) -> str | None:
    """A queue's acknowledgement: a template (checked now: a misspelt variable is refused
    here, not sent as a blank); empty or None: none."""
    from deskterm.domain.templates import check_template

    clean = validate.storable(text or "").strip()
    if not clean:
        return None
    try:
        return check_template(clean)
    except InvalidInput as exc:
        exc.field = "auto_reply"
        raise


def delete_queue(desk: Desk, name: str, *, move_to: str | None = None) -> QueueDeleted:
    """Delete a queue (leads and admins), its memberships with it.

    Its tickets (closed ones too) move to ``move_to`` in the same transaction, each with a
    ``queue`` audit entry; without ``move_to`` a queue that holds tickets is refused
    (QueueInUse), as is one that other queues escalate to, and the desk's last queue
    (Conflict). Nothing is changed when it is refused.
    """

    def work(ctx: tickets.Context) -> QueueDeleted:
        conn = ctx.conn
        ctx.desk.require_role(conn, *MANAGERS)
        rows = rows_of(conn, lock=True)
        row = find(seen_rows(ctx.desk, conn), name)
        manage(ctx.desk, conn, row)
        # The queue going away, locked outright: a ticket created or moved into it meanwhile
        # waits, then finds it gone, instead of slipping in between the count and the delete.
        conn.execute(select(Q.c.id).where(Q.c.id == row.id).with_for_update())
        target = find(seen_rows(ctx.desk, conn), move_to) if move_to is not None else None
        if target is not None and target.id == row.id:
            raise InvalidInput(
                f'cannot move the tickets of "{row.name}" into itself; name another queue',
                field="move_to",
            )
        if len(rows) == 1:
            raise Conflict(f'"{row.name}" is the desk\'s only queue; add another first')
        held = _ticket_count(conn, row.id)
        above = tuple(sorted(r.name for r in rows.values() if r.escalates_to_id == row.id))
        named = _policies_naming(conn, row.id)
        if above or named or (held and target is None):
            raise _in_use(row.name, held, above, named)
        moved = tickets.move_queue_in(ctx, row.id, target.id) if target is not None else 0
        conn.execute(delete(M).where(M.c.queue_id == row.id))
        conn.execute(delete(Q).where(Q.c.id == row.id))
        return QueueDeleted(row.name, moved, target.name if target is not None else None)

    return tickets.transact(desk, work)


def _ticket_count(conn: Connection, queue_id: int) -> int:
    T = schema.tickets
    return int(
        conn.execute(
            select(func.count()).select_from(T).where(T.c.queue_id == queue_id)
        ).scalar_one()
    )


def _policies_naming(conn: Connection, queue_id: int) -> tuple[str, ...]:
    """The SLA policies narrowed to this queue (they must let go of it first)."""
    P = schema.sla_policies
    names = conn.execute(select(P.c.name).where(P.c.queue_id == queue_id).order_by(P.c.name))
    return tuple(names.scalars())


def _in_use(
    name: str, held: int, above: tuple[str, ...], policies: tuple[str, ...] = ()
) -> QueueInUse:
    reasons = []
    if held:
        reasons.append(f"it holds {held:,} ticket{'s' if held != 1 else ''}")
    if above:
        reasons.append(f"{', '.join(above)} escalate{'s' if len(above) == 1 else ''} to it")
    if policies:
        plural = "ies" if len(policies) > 1 else "y"
        reasons.append(
            f"SLA polic{plural} {', '.join(policies)} name{'s' if len(policies) == 1 else ''} it"
        )
    return QueueInUse(
        f'cannot delete queue "{name}": {" and ".join(reasons)}; nothing was changed',
        queue=name,
        tickets=held,
        escalated_from=above,
        policies=policies,
    )
