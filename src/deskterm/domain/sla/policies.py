"""SLA policies in the database: list, add, edit, delete, and which policy a ticket runs under.

Anyone may read the policies; adding, editing and deleting them, and setting a queue's
default policy, needs a lead or an admin. Every value is checked (``policy_shape``) before
it is stored, so the SLA engine can rely on what it reads. An edit bumps the policy's
version, and an edit or delete given the version the caller read (``if_version``) is
refused with :class:`PolicyChanged` when the policy moved on since.

Which policy applies (docs/sla.md "What a policy is"): among the policies whose every named
narrowing (queue, type, organization) matches the ticket, the one naming the most wins; ties
go to the one naming a queue, then an organization, then a type, then the lowest id. When no
policy naming anything matches, the ticket's queue's default policy is tried, then the
desk-wide defaults (naming nothing), lowest id first. None: the ticket has no clocks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Final

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from deskterm.domain import validate
from deskterm.domain.desk import Desk
from deskterm.domain.lookup import queue_id
from deskterm.domain.sla.clocks import Facts, Policy, recompute
from deskterm.domain.sla.policy_shape import (
    DEFAULT_PAUSE,
    DEFAULT_WARNING,
    Calendar,
    TargetChanges,
    check_calendar,
    check_country,
    check_description,
    check_name,
    check_pause,
    check_warning,
    default_calendar,
    has_target,
    merge_targets,
)
from deskterm.domain.sla.state import CLOCK_COLUMNS, ClockState
from deskterm.domain.sla.stored import PolicyBook, SlaPolicy, engine_policy, stored_policy
from deskterm.domain.vocab import PRIORITIES, UNSOLVED
from deskterm.errors import Conflict, InvalidInput, NotFound, PolicyChanged, PolicyInUse
from deskterm.store import schema
from deskterm.store.engine import new_id

P = schema.sla_policies
Q = schema.queues
O = schema.organizations  # noqa: E741 - the organizations table, as the other aliases
T = schema.tickets
V = schema.sla_policy_versions
#: Who may change policies.
MANAGERS: Final = ("lead", "admin")
#: At most this many names are listed in an "unknown ..." error.
LISTED: Final = 12

#: Told how many more tickets were recomputed (as ``transfer.Progress``: a progress bar's
#: ``advance``).
Progress = Callable[[int], None]


class Keep(Enum):
    """The value of a :class:`PolicyChanges` field that is not changed."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


@dataclass(frozen=True)
class PolicyChanges:
    """What to set on a policy; fields left at KEEP are unchanged (for a new policy: the
    defaults). ``targets`` is merged into the current targets (see policy_shape.TargetChanges);
    ``country`` is ``DE``, ``DE-BY`` or None; ``queue``, ``type``, ``organization`` None
    remove that narrowing."""

    name: str | Keep = KEEP
    description: str | Keep = KEEP
    queue: str | Keep | None = KEEP
    type: str | Keep | None = KEEP
    organization: str | Keep | None = KEEP
    targets: TargetChanges = field(default_factory=dict)
    zone: str | Keep = KEEP
    hours: Mapping[str, Sequence[Sequence[str]]] | Keep = KEEP
    holidays: Sequence[str] | Keep = KEEP
    country: str | Keep | None = KEEP
    pause_statuses: Sequence[str] | Keep = KEEP
    warning_percent: int | Keep = KEEP
    escalate_on_breach: bool | Keep = KEEP


@dataclass(frozen=True)
class DeletedPolicy:
    """A deleted policy, with what was left without it (``force``)."""

    policy: SlaPolicy
    tickets: int
    queues: tuple[str, ...]


# ---------------------------------------------------------------------------- reading


def list_policies(desk: Desk) -> list[SlaPolicy]:
    """Every policy, by name."""
    with desk.store.read() as conn:
        desk.actor(conn)
        return _load(conn, order_by_name=True)


def get_policy(desk: Desk, name: str) -> SlaPolicy:
    """The policy called ``name`` (any case), or with that id (``#3``); NotFound lists them."""
    with desk.store.read() as conn:
        desk.actor(conn)
        return _find(conn, name)


def _select() -> Any:
    return select(P, Q.c.name.label("queue_name"), O.c.name.label("organization_name")).select_from(
        P.outerjoin(Q, P.c.queue_id == Q.c.id).outerjoin(O, P.c.organization_id == O.c.id)
    )


def _load(conn: Connection, *, order_by_name: bool = False) -> list[SlaPolicy]:
    stmt = _select().order_by(P.c.name if order_by_name else P.c.id)
    policies = [_from_row(row) for row in conn.execute(stmt)]
    if order_by_name:
        policies.sort(key=lambda p: (p.name.lower(), p.id))
    return policies


_from_row = stored_policy


def _find(conn: Connection, name: str, *, lock: bool = False) -> SlaPolicy:
    policies = _load(conn)
    wanted = " ".join(name.split()).lower()
    found = next((p for p in policies if p.name.lower() == wanted), None)
    number = wanted.lstrip("#")
    if found is None and number.isascii() and number.isdigit():
        found = next((p for p in policies if p.id == int(number)), None)
    if found is None:
        names = sorted(p.name for p in policies)
        listed = ", ".join(names[:LISTED]) + (
            f" and {len(names) - LISTED} more" if len(names) > LISTED else ""
        )
        raise NotFound(
            f'no SLA policy "{name}"; policies: {listed or "none yet"}', what="sla policy"
        )
    if lock and conn.dialect.name == "postgresql":
        conn.execute(select(P.c.id).where(P.c.id == found.id).with_for_update())
        found = _from_row(conn.execute(_select().where(P.c.id == found.id)).one())
    return found


# --------------------------------------------------------------------------- matching


def book_statements() -> tuple[Any, Any]:
    """What :func:`load_policies` reads: every policy (by id) and the queues' defaults
    (``tickets.write_sql`` keeps both as text for the light writer; a test compares)."""
    return (
        _select().order_by(P.c.id),
        select(Q.c.id, Q.c.default_sla_policy_id).where(Q.c.default_sla_policy_id.is_not(None)),
    )


def load_policies(conn: Connection) -> PolicyBook:
    """The policies and queue defaults as of ``conn``'s transaction (for the workflow)."""
    policies, defaults = book_statements()
    return PolicyBook(
        tuple(stored_policy(row) for row in conn.execute(policies)),
        {int(qid): int(pid) for qid, pid in conn.execute(defaults)},
    )


def policy_for(
    conn_or_desk: Connection | Desk,
    queue_id: int | None,
    ticket_type: str | None,
    organization_id: int | None,
) -> SlaPolicy | None:
    """The policy a ticket in ``queue_id`` of ``ticket_type`` whose requester belongs to
    ``organization_id`` runs under, or None (no clocks). Inside a transaction pass its
    connection; to match many tickets, :func:`load_policies` once and ``match`` each."""
    if isinstance(conn_or_desk, Desk):
        with conn_or_desk.store.read() as conn:
            return load_policies(conn).match(queue_id, ticket_type, organization_id)
    return load_policies(conn_or_desk).match(queue_id, ticket_type, organization_id)


# ---------------------------------------------------------------------------- writing


def add_policy(desk: Desk, name: str, changes: PolicyChanges | None = None) -> SlaPolicy:
    """Add a policy (leads and admins; PermissionDenied otherwise). InvalidInput for a bad
    value or a policy without any target; Conflict when the name is taken; NotFound for an
    unknown queue or organization. Unset values: no narrowing, a 24x7 UTC calendar, paused
    while pending, warning at 80%."""
    wanted = PolicyChanges() if changes is None else changes
    clean_name = check_name(name)
    with desk.store.write() as conn:
        desk.require_role(conn, *MANAGERS)
        values = _values(conn, wanted, base=None)
        values["name"] = clean_name
        _ensure_free(conn, clean_name, None)
        now = desk.now()
        policy_id = new_id(
            conn.execute(insert(P).values(**values, created_at=now, updated_at=now, version=1))
        )
        added = _from_row(conn.execute(_select().where(P.c.id == policy_id)).one())
        record_version(conn, added, now)
        return added


def edit_policy(
    desk: Desk,
    name: str,
    changes: PolicyChanges,
    *,
    if_version: int | None = None,
    progress: Progress | None = None,
) -> SlaPolicy:
    """Change a policy (leads and admins) and bump its version. PolicyChanged when
    ``if_version`` is not its version; InvalidInput when nothing is to change; the other
    refusals as :func:`add_policy`.

    The clocks of every ticket running under it are recomputed in the same transaction
    (:func:`recompute_running`; docs/sla.md); ``progress`` is told of each chunk, up to
    :func:`running_tickets`."""
    if changes == PolicyChanges():
        raise InvalidInput(f'nothing to change in SLA policy "{name}"; nothing was changed')
    with desk.store.write() as conn:
        desk.require_role(conn, *MANAGERS)
        current = _find(conn, name, lock=True)
        if if_version is not None and if_version != current.version:
            raise PolicyChanged(current.name, seen=if_version, now=current.version)
        values = _values(conn, changes, base=current)
        if not isinstance(changes.name, Keep):
            values["name"] = check_name(changes.name)
            _ensure_free(conn, values["name"], current.id)
        done = conn.execute(
            update(P)
            .where(P.c.id == current.id, P.c.version == current.version)
            .values(**values, updated_at=desk.now(), version=current.version + 1)
        ).rowcount
        if done != 1:  # pragma: no cover - the row is locked (PG) or the writer is alone (SQLite)
            now = conn.execute(select(P.c.version).where(P.c.id == current.id)).scalar_one()
            raise PolicyChanged(current.name, seen=current.version, now=now)
        edited = _from_row(conn.execute(_select().where(P.c.id == current.id)).one())
        record_version(conn, edited, edited.updated_at)
        recompute_running(conn, edited, edited.updated_at, progress=progress)
        return edited


def delete_policy(
    desk: Desk, name: str, *, force: bool = False, if_version: int | None = None
) -> DeletedPolicy:
    """Delete a policy (leads and admins). A policy tickets run under, or that a queue falls
    back on, is refused with PolicyInUse, unless ``force``: then the queues lose it as their
    default and its tickets are left without policy (unsolved ones lose their clocks: due
    times cleared, ``sla_state`` none; solved and closed ones keep their record)."""
    with desk.store.write() as conn:
        desk.require_role(conn, *MANAGERS)
        current = _find(conn, name, lock=True)
        if if_version is not None and if_version != current.version:
            raise PolicyChanged(current.name, seen=if_version, now=current.version)
        count = conn.execute(
            select(func.count()).select_from(T).where(T.c.sla_policy_id == current.id)
        ).scalar_one()
        queues = tuple(
            conn.execute(
                select(Q.c.name).where(Q.c.default_sla_policy_id == current.id).order_by(Q.c.name)
            ).scalars()
        )
        if (count or queues) and not force:
            raise PolicyInUse(current.name, tickets=count, queues=queues)
        if queues:
            conn.execute(
                update(Q)
                .where(Q.c.default_sla_policy_id == current.id)
                .values(default_sla_policy_id=None)
            )
        if count:
            _release_tickets(conn, current.id)
        conn.execute(delete(V).where(V.c.policy_id == current.id))
        conn.execute(delete(P).where(P.c.id == current.id))
        return DeletedPolicy(current, int(count), queues)


def _release_tickets(conn: Connection, policy_id: int) -> None:
    running = T.c.sla_policy_id == policy_id
    conn.execute(
        update(T)
        .where(running, T.c.status.in_(UNSOLVED))
        .values(
            sla_policy_id=None,
            first_response_due=None,
            resolution_due=None,
            next_response_due=None,
            next_response_started_at=None,
            sla_paused_at=None,
            sla_due=None,
            sla_warn_at=None,
        )
    )
    conn.execute(update(T).where(running).values(sla_policy_id=None))


def set_queue_policy(desk: Desk, queue: str, policy: str | None) -> str | None:
    """Make ``policy`` (None: none) the default of ``queue`` (leads and admins); returns the
    policy's name. NotFound for an unknown queue or policy."""
    with desk.store.write() as conn:
        desk.require_role(conn, *MANAGERS)
        found = queue_id(conn, queue)
        chosen = None if policy is None else _find(conn, policy)
        conn.execute(
            update(Q)
            .where(Q.c.id == found)
            .values(default_sla_policy_id=None if chosen is None else chosen.id)
        )
        return None if chosen is None else chosen.name


# ----------------------------------------------------------------------------- values


def _values(conn: Connection, changes: PolicyChanges, *, base: SlaPolicy | None) -> dict[str, Any]:
    """The columns to write: ``changes`` over ``base`` (None: a new policy), all checked."""
    values: dict[str, Any] = {}
    if not isinstance(changes.description, Keep) or base is None:
        text = "" if isinstance(changes.description, Keep) else changes.description
        values["description"] = check_description(validate.storable(text))
    if not isinstance(changes.queue, Keep):
        values["queue_id"] = None if changes.queue is None else queue_id(conn, changes.queue)
    if not isinstance(changes.type, Keep):
        values["type"] = None if changes.type is None else validate.ticket_type(changes.type)
    if not isinstance(changes.organization, Keep):
        org = changes.organization
        values["organization_id"] = None if org is None else _organization_id(conn, org)
    targets = merge_targets(base.targets if base else {}, changes.targets)
    if not has_target(targets):
        raise InvalidInput(
            "a policy needs at least one target, e.g. --target urgent=first:30m,resolve:4h"
        )
    values["targets"] = _json(targets)
    values["calendar"] = _json(_calendar(changes, base.calendar if base else default_calendar()))
    if not isinstance(changes.pause_statuses, Keep):
        values["pause_statuses"] = ",".join(check_pause(changes.pause_statuses))
    elif base is None:
        values["pause_statuses"] = ",".join(DEFAULT_PAUSE)
    if not isinstance(changes.warning_percent, Keep):
        values["warning_percent"] = check_warning(changes.warning_percent)
    elif base is None:
        values["warning_percent"] = DEFAULT_WARNING
    if not isinstance(changes.escalate_on_breach, Keep):
        values["escalate_on_breach"] = changes.escalate_on_breach
    return values


def _calendar(changes: PolicyChanges, current: Calendar) -> Calendar:
    calendar = dict(current)
    if not isinstance(changes.zone, Keep):
        calendar["zone"] = changes.zone
    if not isinstance(changes.hours, Keep):
        calendar["hours"] = {
            day: [list(pair) for pair in spans] for day, spans in changes.hours.items()
        }
    if not isinstance(changes.holidays, Keep):
        calendar["holidays"] = list(changes.holidays)
    if not isinstance(changes.country, Keep):
        calendar["country"], calendar["subdivision"] = check_country(changes.country)
    return check_calendar(calendar)


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=False)


def _ensure_free(conn: Connection, name: str, own_id: int | None) -> None:
    taken = conn.execute(select(P.c.id).where(func.lower(P.c.name) == name.lower())).scalar()
    if taken is not None and taken != own_id:
        raise Conflict(f'an SLA policy named "{name}" exists already')


def _listing(names: Iterable[str]) -> str:
    shown = sorted(names)
    more = f" and {len(shown) - LISTED} more" if len(shown) > LISTED else ""
    return ", ".join(shown[:LISTED]) + more


def _organization_id(conn: Connection, name: str) -> int:
    wanted = " ".join(name.split()).lower()
    found = conn.execute(
        select(O.c.id).where((func.lower(O.c.name) == wanted) | (func.lower(O.c.domain) == wanted))
    ).first()
    if found is not None:
        return int(found.id)
    total = conn.execute(select(func.count()).select_from(O)).scalar_one()
    names = list(conn.execute(select(O.c.name).order_by(O.c.name).limit(LISTED)).scalars())
    more = f" and {total - len(names)} more" if total > len(names) else ""
    listed = ", ".join(names) + more
    raise NotFound(
        f'unknown organization "{name}"; organizations: {listed or "none yet"}',
        what="organization",
    )


# ------------------------------------------------------------------------------ versions


def record_version(conn: Connection, policy: SlaPolicy, valid_from: datetime) -> None:
    """Keep what the clocks read of this version of ``policy``, in effect from ``valid_from``."""
    conn.execute(
        insert(V).values(
            policy_id=policy.id,
            version=policy.version,
            calendar=_json(policy.calendar),
            targets=_json(policy.targets),
            pause_statuses=",".join(policy.pause_statuses),
            warning_percent=policy.warning_percent,
            valid_from=valid_from,
        )
    )


def load_versions(conn: Connection) -> dict[int, list[tuple[datetime, Policy]]]:
    """Every kept version of every policy, as the engine's :class:`Policy`, with the time it
    took effect: policy id -> versions, oldest first."""
    names = dict(conn.execute(select(P.c.id, P.c.name)).all())
    found: dict[int, list[tuple[datetime, Policy]]] = {}
    for row in conn.execute(select(V).order_by(V.c.policy_id, V.c.version)):
        if row.policy_id not in names:
            continue
        stored = SlaPolicy(
            id=row.policy_id,
            name=names[row.policy_id],
            description="",
            queue=None,
            type=None,
            organization=None,
            targets=json.loads(row.targets),
            calendar=json.loads(row.calendar),
            pause_statuses=tuple(s for s in row.pause_statuses.split(",") if s),
            warning_percent=row.warning_percent,
            created_at=row.valid_from,
            updated_at=row.valid_from,
            version=row.version,
        )
        found.setdefault(row.policy_id, []).append((row.valid_from, engine_policy(stored)))
    return found


# ------------------------------------------------------------------------------ the clocks


#: Tickets recomputed per statement when a policy changes.
RECOMPUTE_CHUNK: Final = 1000


def running_tickets(desk: Desk, name: str) -> int:
    """How many tickets an edit of the policy ``name`` recomputes (for a progress bar; leads
    and admins, as the edit)."""
    with desk.store.read() as conn:
        desk.require_role(conn, *MANAGERS)
        policy_id = _find(conn, name).id
        return int(
            conn.execute(
                select(func.count()).select_from(T).where(_running(policy_id))
            ).scalar_one()
        )


def _running(policy_id: int) -> Any:
    """The tickets a policy edit recomputes: those under it that are not closed."""
    return (T.c.sla_policy_id == policy_id) & (T.c.status != "closed")


def recompute_running(
    conn: Connection, stored: SlaPolicy, at: datetime, *, progress: Progress | None = None
) -> int:
    """Recompute the clocks of every ticket running under ``stored`` after an edit, by the
    engine's rule (docs/sla.md: each clock keeps its start, its due follows the new target;
    met and breached clocks keep their record). Closed tickets keep theirs. Versions are not
    bumped: an edit of the policy is not a change of the ticket. Returns how many changed;
    ``progress`` is told how many tickets were read after each chunk (unchanged ones too)."""
    policy = engine_policy(stored)
    advance = progress or _nothing
    rows = conn.execute(
        select(
            T.c.id,
            T.c.created_at,
            T.c.priority,
            T.c.status,
            T.c.first_responded_at,
            *(T.c[name] for name in CLOCK_COLUMNS),
        )
        .where(_running(stored.id))
        .order_by(T.c.id)
    )
    changed = 0
    for chunk in rows.partitions(RECOMPUTE_CHUNK):
        batch: list[dict[str, Any]] = []
        for row in chunk:
            fields = dict(row._mapping)
            state = ClockState.from_columns(fields)
            facts = Facts(
                fields["created_at"],
                PRIORITIES[fields["priority"]],
                fields["status"],
                fields["first_responded_at"],
            )
            after = recompute(policy, facts, state, at)
            if after != state:
                batch.append({"b_id": fields["id"], **after.stored()})
        changed += _write_clocks(conn, batch)
        advance(len(chunk))
    return changed


def _nothing(_n: int) -> None:
    return None


def _write_clocks(conn: Connection, batch: list[dict[str, Any]]) -> int:
    if batch:
        conn.execute(
            update(T)
            .where(T.c.id == bindparam("b_id"))
            .values({name: bindparam(name) for name in CLOCK_COLUMNS}),
            batch,
        )
    return len(batch)
