"""Triage: the desk's rules applied to a new ticket, in the transaction that creates it, and
previewed against the tickets there are (``rule test``). Rules are stored by
``domain/rules``; docs/rules.md has the rules of rules.

* **Which rules match** is decided once, on the ticket as it arrived (its fields, tags,
  requester and text), in one query that asks every enabled rule's condition at once: rules
  do not set each other off, and their order decides only what applies and what wins.
* **In order**, each matching rule's actions become one request of the one workflow (its
  fields, with an internal note; an automatic reply as a second step), planned and stored
  like any change, with an audit entry ``rule`` naming it. A rule with ``stop`` ends the run.
* **A rule that cannot apply** (its condition no longer compiles, a queue or agent it names
  is gone, the workflow refuses the move) is skipped whole: everything is checked before
  anything of it is written. The skip is an audit entry ``rule_skipped`` (the rule, why) and
  a notice for the caller to show.

Speed (bench/bench_rules.py): the matching statement is built once per transaction and set of
rules (``_Matcher``), so a batch of 10,000 creates parses and compiles each condition once,
and it asks the search index about the new ticket only (``where_clause(within=...)``), never
for every ticket a word is in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Final
from weakref import WeakKeyDictionary

from sqlalchemy import BindParameter, Select, bindparam, case, false, func, insert, select
from sqlalchemy.engine import Connection

from deskterm.domain import lookup
from deskterm.domain.desk import Desk
from deskterm.domain.models import FieldChange
from deskterm.domain.query import NOW_PARAM, where_clause
from deskterm.domain.query import parse as parse_query
from deskterm.domain.rules import Rule, get_rule, load_rules
from deskterm.domain.sla import CLOCK_COLUMNS, ClockState
from deskterm.domain.tickets import write
from deskterm.domain.tickets.plan import UNSET, Current, Names, NewMessage, Plan, Request, plan
from deskterm.domain.tickets.write import Context
from deskterm.errors import DeskError
from deskterm.store import schema

T = schema.tickets


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """What one matching rule did to a ticket: its changes, or why it was skipped."""

    rule: str
    ticket_id: int
    changes: tuple[FieldChange, ...] = ()
    skipped: str | None = None

    @property
    def applied(self) -> bool:
        return self.skipped is None


def apply_rules(ctx: Context, ticket_id: int) -> list[RuleOutcome]:
    """Run the enabled rules on the new ticket ``ticket_id`` (module docstring)."""
    conn = ctx.conn
    rules = ctx.once("rules", lambda: load_rules(conn, enabled_only=True))
    if not rules:
        return []
    outcomes: list[RuleOutcome] = []
    names: Names | None = None
    #: The ticket as the rules so far left it (read once; each stored step moves it on).
    current: Current | None = None
    for rule, broken in _matching(ctx.desk, conn, rules, [ticket_id])[ticket_id]:
        try:
            if broken is not None:
                raise broken
            steps = _requests(ctx, rule, ticket_id)
            names = names or ctx.once("names", lambda: write.names(conn))
            state = current or write.read_one(conn, ticket_id)
            plans: list[Plan] = []
            for request in steps:
                planned = plan(state, request, ctx.now, names)
                plans.append(planned)
                state = _after(state, planned)
        except DeskError as exc:
            reason = str(exc)
            _record_skip(ctx, ticket_id, rule.name, reason)
            outcomes.append(RuleOutcome(rule.name, ticket_id, skipped=reason))
            continue
        changes: list[FieldChange] = []
        for planned in plans:
            written = write.store(ctx, [planned])
            changes.extend(written.get(ticket_id, ()))
        current = state
        outcomes.append(RuleOutcome(rule.name, ticket_id, tuple(changes)))
        if rule.stop:
            break
    return outcomes


def acknowledge(ctx: Context, ticket_id: int, replied: bool) -> str | None:
    """The automatic first response of the queue the new ticket ended up in, unless a rule
    replied already (``replied``): sent, marked automatic, with the audit entry
    ``queue_reply``. Returns why it could not be sent (a value the ticket lacks), or None."""
    if replied:
        return None
    conn = ctx.conn
    Q = schema.queues
    row = conn.execute(
        select(Q.c.name, Q.c.auto_reply)
        .select_from(T.join(Q, Q.c.id == T.c.queue_id))
        .where(T.c.id == ticket_id)
    ).one()
    if not row.auto_reply:
        return None
    held = _reply_held(ctx, ticket_id)
    if held is not None:
        _record(ctx, ticket_id, "auto_reply_held", None, held)
        return None
    from deskterm.domain.templates import render
    from deskterm.domain.tickets.read import load_ticket

    try:
        text = render(
            row.auto_reply,
            load_ticket(conn, ctx.desk, ticket_id),
            ctx.actor,
            source=f'the automatic reply of queue "{row.name}"',
        )
    except DeskError as exc:
        _record_skip(ctx, ticket_id, f"queue {row.name}", str(exc))
        return str(exc)
    request = Request(
        message=NewMessage("reply", text, ctx.actor.id, automatic=True),
        events=(FieldChange("queue_reply", None, row.name),),
    )
    current = write.read_one(conn, ticket_id)
    names = ctx.once("names", lambda: write.names(conn))
    write.store(ctx, [plan(current, request, ctx.now, names)])
    return None


def _requests(ctx: Context, rule: Rule, ticket_id: int) -> list[Request]:
    """The rule's actions as workflow requests, every name resolved and every text rendered
    for the ticket (NotFound/InvalidInput when a name is gone or a value is missing): the
    fields and the note, then the automatic reply."""
    conn, actions = ctx.conn, rule.actions
    note, reply = _texts(ctx, rule, ticket_id)
    held = _reply_held(ctx, ticket_id) if reply else None
    if held is not None:
        reply = None
    assignee: Any = UNSET
    if actions.assignee:
        assignee = lookup.agent_id(conn, ctx.actor, actions.assignee)
    named: tuple[FieldChange, ...] = (FieldChange("rule", None, rule.name),)
    if held is not None:
        named += (FieldChange("auto_reply_held", None, held),)
    fields = Request(
        queue_id=lookup.queue_id(conn, actions.queue) if actions.queue else None,
        priority=actions.priority,
        type=actions.type,
        add_tags=actions.add_tags,
        assignee_id=assignee,
        message=NewMessage("note", note, ctx.actor.id, automatic=True) if note else None,
    )
    if not reply:
        return [replace(fields, events=named)]
    answer = Request(message=NewMessage("reply", reply, ctx.actor.id, automatic=True))
    if fields == Request():  # only a reply: the rule's name goes with it
        return [replace(answer, events=named)]
    return [replace(fields, events=named), answer]


def _texts(ctx: Context, rule: Rule, ticket_id: int) -> tuple[str | None, str | None]:
    """The rule's note and reply rendered for the ticket as it arrived (templates: the
    variables of docs/macros.md; a value the ticket lacks refuses the rule, never a blank)."""
    actions = rule.actions
    if not actions.note and not actions.reply:
        return None, None
    from deskterm.domain.templates import render
    from deskterm.domain.tickets.read import load_ticket

    ticket = load_ticket(ctx.conn, ctx.desk, ticket_id)
    source = f'rule "{rule.name}"'
    return (
        render(actions.note, ticket, ctx.actor, source=source) if actions.note else None,
        render(actions.reply, ticket, ctx.actor, source=source) if actions.reply else None,
    )


def _after(current: Current, planned: Plan) -> Current:
    """The ticket as ``planned`` leaves it, for planning the rule's next step."""
    values = planned.values
    fields = {k: v for k, v in values.items() if k in Current.__dataclass_fields__}
    clocks = {k: values[k] for k in values if k in CLOCK_COLUMNS}
    state = current.clocks
    if clocks:
        state = ClockState.from_columns({**state.columns(), **clocks})
    tags = tuple(sorted((set(current.tags) | set(planned.add_tags)) - set(planned.remove_tags)))
    return replace(current, **fields, tags=tags, clocks=state, version=current.version + 1)


def _record_skip(ctx: Context, ticket_id: int, rule: str, reason: str) -> None:
    _record(ctx, ticket_id, "rule_skipped", rule, reason[:1000])


def _record(ctx: Context, ticket_id: int, field: str, old: str | None, new: str) -> None:
    """An audit entry that changes nothing on the ticket (its version stays)."""
    version = ctx.conn.execute(select(T.c.version).where(T.c.id == ticket_id)).scalar_one()
    ctx.conn.execute(
        insert(schema.audit_events).values(
            ticket_id=ticket_id,
            actor_id=ctx.actor.id,
            field=field,
            old_value=old,
            new_value=new,
            version=version,
            at=ctx.now,
        )
    )


#: At most this many automatic replies go to one requester within :data:`AUTO_REPLY_WINDOW`;
#: beyond that a new ticket gets none (an auto-responder answering the desk's
#: acknowledgements, or a script writing in a loop, would otherwise be answered each time).
AUTO_REPLY_LIMIT: Final = 3
AUTO_REPLY_WINDOW: Final = timedelta(hours=1)


def _reply_held(ctx: Context, ticket_id: int) -> str | None:
    """Why the new ticket gets no automatic reply (the requester had enough of them lately),
    or None."""
    conn = ctx.conn
    M = schema.messages
    requester = conn.execute(select(T.c.requester_id).where(T.c.id == ticket_id)).scalar()
    if requester is None:
        return None
    sent = conn.execute(
        select(func.count())
        .select_from(M.join(T, T.c.id == M.c.ticket_id))
        .where(
            T.c.requester_id == requester,
            M.c.kind == "reply",
            M.c.automatic,
            M.c.created_at > ctx.now - AUTO_REPLY_WINDOW,
        )
    ).scalar_one()
    if sent < AUTO_REPLY_LIMIT:
        return None
    return f"{sent} automatic replies went to this requester in the last hour"


#: The ticket ids the rules are asked about, bound when the matching statement runs.
_IDS: BindParameter[list[int]] = bindparam("triage_ids", expanding=True)


@dataclass(frozen=True, slots=True)
class _Matcher:
    """Every rule's condition as one statement (a 0/1 column per rule), for the rules whose
    ids and versions are ``key``; ``broken``: the rules whose condition no longer compiles."""

    key: tuple[tuple[int, int], ...]
    statement: Select[Any]
    broken: dict[int, DeskError]


#: One matcher per open write transaction (its connection): what a condition compiles to
#: (queue names to ids) cannot change under it, the rules can (then the key differs).
_MATCHERS: WeakKeyDictionary[Connection, _Matcher] = WeakKeyDictionary()


def _matcher(desk: Desk, conn: Connection, rules: Sequence[Rule]) -> _Matcher:
    key = tuple((rule.id, rule.version) for rule in rules)
    cached = _MATCHERS.get(conn)
    if cached is not None and cached.key == key:
        return cached
    cases: list[Any] = []
    broken: dict[int, DeskError] = {}
    for index, rule in enumerate(rules):
        try:
            clause = where_clause(
                desk, conn, parse_query(rule.condition), within=_IDS, confined=False
            )
        except DeskError as exc:
            broken[rule.id] = exc
            clause = false()
        cases.append(case((clause, 1), else_=0).label(f"r{index}"))
    matcher = _Matcher(key, select(T.c.id, *cases).where(T.c.id.in_(_IDS)), broken)
    _MATCHERS[conn] = matcher
    return matcher


def _matching(
    desk: Desk, conn: Connection, rules: Sequence[Rule], ticket_ids: Sequence[int]
) -> dict[int, list[tuple[Rule, DeskError | None]]]:
    """Per ticket, the rules whose condition it meets, in order; a rule whose condition no
    longer compiles comes with the error (it is reported and skipped, never silently)."""
    matcher = _matcher(desk, conn, rules)
    broken = matcher.broken
    found: dict[int, list[tuple[Rule, DeskError | None]]] = {i: [] for i in ticket_ids}
    # "now" as the rules run (a ``due:`` condition), not as the statement was built.
    rows = conn.execute(matcher.statement, {"triage_ids": list(ticket_ids), NOW_PARAM: desk.now()})
    for row in rows:
        for index, rule in enumerate(rules):
            if rule.id in broken:
                found[row.id].append((rule, broken[rule.id]))
            elif row[index + 1]:
                found[row.id].append((rule, None))
    return found


# ------------------------------------------------------------------------------ preview


@dataclass(frozen=True, slots=True)
class RulePreview:
    """``rule test``: a ticket the rule's condition matches now, and what the rule would
    change on it (or why it could not apply)."""

    ticket_id: int
    subject: str
    changes: tuple[FieldChange, ...]
    problem: str | None = None


def preview_rule(desk: Desk, name: str, *, limit: int = 50) -> tuple[Rule, list[RulePreview]]:
    """The existing tickets ``name``'s condition matches (newest first, at most ``limit``)
    and the changes the rule would make on each. Reads only: nothing is written."""
    from deskterm.domain.tickets.read import list_page

    rule = get_rule(desk, name)
    page = list_page(desk, rule.condition, limit=limit, sort="created")
    shown: list[RulePreview] = []
    with desk.store.read() as conn:
        actor = desk.actor(conn)
        ctx = Context(conn, desk, actor, desk.now())
        names: Names = write.names(conn)
        current_by_id = _read(conn, [t.id for t in page.items])
        for ticket in page.items:
            try:
                current = current_by_id[ticket.id]
                changes: list[FieldChange] = []
                for request in _requests(ctx, rule, ticket.id):
                    planned = plan(current, request, ctx.now, names)
                    changes.extend(c for c in planned.changes if c.field != "rule")
                    if planned.message is not None:
                        changes.append(FieldChange(_message_word(planned.message), None, None))
                    current = _after(current, planned)
                shown.append(RulePreview(ticket.id, ticket.subject, tuple(changes)))
            except DeskError as exc:
                shown.append(RulePreview(ticket.id, ticket.subject, (), str(exc)))
    return rule, shown


def _message_word(message: NewMessage) -> str:
    return "automatic reply" if message.kind == "reply" else "internal note"


def _read(conn: Connection, ids: Sequence[int]) -> dict[int, Current]:
    """The tickets as a write would read them, without the lock (a preview only reads)."""
    return write.read(conn, ids, lock=False) if ids else {}
