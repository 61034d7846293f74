"""Triage: the desk's rules applied to a new ticket, in the transaction that creates it, and
previewed against the tickets there are (``rule test``). Rules are stored by
``domain/rules``; docs/rules.md has the rules of rules.

* **Which rules match** is decided once, on the ticket as it arrived (its fields, tags,
  requester and text), in one query that asks every enabled rule's condition at once: rules
  do not set each other off, and their order decides only what applies and what wins.
* **In order**, each matching rule's actions become one request of the one workflow (its
  fields, with an internal note; an automatic reply as a second step), planned with an audit
  entry ``rule`` naming it on the ticket as the rules before it left it. A rule with
  ``stop`` ends the run. Then the queue's automatic reply, unless a rule replied.
* **Stored together**: a ticket's steps are one versioned write (``write.store``), each
  step keeping its version and audit entries, so the history reads as if each had been
  stored on its own; the new tickets of a batch are stored together (one ``executemany``
  per kind of row).
* **A rule that cannot apply** (its condition no longer compiles, a queue or agent it names
  is gone, the workflow refuses the move) is skipped whole: everything is checked before
  anything of it is written. The skip is an audit entry ``rule_skipped`` (the rule, why),
  stored after what was planned before it, and a notice for the caller to show.

Speed (bench/bench_rules.py): the matching statement is built once per transaction and set of
rules (``_Matcher``), so a batch of 10,000 creates parses and compiles each condition once;
it runs once for a group of new tickets (a batch's consecutive creates, up to
``write.CHUNK``); and on SQLite it asks their words of a scratch index holding just them
(``search.fill_scratch``), not the desk's index, where a common word's list of tickets is
long. The desk's names, queues and agents a rule names, and each requester's count of recent
automatic replies, are read once per transaction or group.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Final
from weakref import WeakKeyDictionary

from sqlalchemy import BindParameter, Select, bindparam, case, false, func, insert, select
from sqlalchemy.engine import Connection

from deskterm.domain import lookup
from deskterm.domain.desk import Desk
from deskterm.domain.models import FieldChange, Ticket
from deskterm.domain.query import NOW_PARAM, where_clause
from deskterm.domain.query import parse as parse_query
from deskterm.domain.rules import Rule, get_rule, load_rules
from deskterm.domain.sla import CLOCK_COLUMNS, ClockState
from deskterm.domain.tickets import outbox, write
from deskterm.domain.tickets.plan import UNSET, Current, Names, NewMessage, Plan, Request, plan
from deskterm.domain.tickets.write import Context
from deskterm.domain.vocab import PRIORITIES
from deskterm.errors import DeskError
from deskterm.store import schema
from deskterm.store.search import fill_scratch

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


@dataclass(frozen=True, slots=True)
class Arrival:
    """A new ticket as its creation wrote it (the rules need not read it back)."""

    ticket: Current
    requester_id: int | None
    #: It came by mail: the requester is told it was received (docs/mail.md,
    #: "Notifications"), unless a rule or its queue replied automatically.
    by_mail: bool = False


@dataclass(frozen=True, slots=True)
class Triaged:
    """What the rules and the queue's acknowledgement did to one new ticket."""

    ticket_id: int
    outcomes: tuple[RuleOutcome, ...]
    #: Why the queue's automatic reply could not be filled in (a value the ticket lacks).
    missing: str | None = None

    def notices(self) -> list[str]:
        """What to tell whoever created the ticket: skipped rules, a reply not sent."""
        told = [
            f'rule "{o.rule}" skipped for #{self.ticket_id}: {o.skipped}'
            for o in self.outcomes
            if o.skipped is not None
        ]
        if self.missing is not None:
            told.append(f"no automatic reply for #{self.ticket_id}: {self.missing}")
        return told


def triage(ctx: Context, arrivals: Sequence[Arrival]) -> list[Triaged]:
    """Run the enabled rules (module docstring), then the queue's automatic reply, on new
    tickets of this transaction, in order; store what they do with ONE versioned write per
    ticket, the tickets together (``write.store``: one ``executemany`` per kind of row).

    Which rules match is asked of all the tickets at once; each ticket's rules are planned
    on the ticket as the rules before left it, in memory; every step keeps its version and
    audit entries (the history reads as if each were stored on its own)."""
    if not arrivals:
        return []
    conn = ctx.conn
    rules = ctx.once("rules", lambda: load_rules(conn, enabled_only=True))
    ids = [arrival.ticket.id for arrival in arrivals]
    matched = _matching(ctx.desk, conn, rules, ids) if rules else {}
    run = _Run(ctx)
    for arrival in arrivals:
        run.ticket(arrival, matched.get(arrival.ticket.id, []))
    run.flush()
    return [Triaged(i, tuple(run.outcomes.get(i, ())), run.missing.get(i)) for i in ids]


class _Run:
    """The rules' plans for a group of new tickets, stored together (:meth:`flush`)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.names: Names = ctx.once("names", lambda: write.names(ctx.conn))
        self.outcomes: dict[int, list[RuleOutcome]] = {}
        self.missing: dict[int, str] = {}
        #: Planned, not yet stored, in order: (ticket, index of its rule's outcome or None
        #: for the queue's reply, the plans).
        self.pending: list[tuple[int, int | None, list[Plan]]] = []
        #: Per requester: automatic replies stored lately (read once) and planned since.
        self.sent: dict[int, int] = {}
        self.planned: dict[int, int] = {}
        #: "received" notifications to enqueue with the pending plans.
        self.mail: list[outbox.Outgoing] = []

    def ticket(self, arrival: Arrival, matches: Sequence[tuple[Rule, DeskError | None]]) -> None:
        ctx, names = self.ctx, self.names
        state = arrival.ticket
        ticket_id = state.id
        outcomes = self.outcomes.setdefault(ticket_id, [])
        as_now = _As_now(ctx, ticket_id, names)
        replied = False
        for rule, broken in matches:
            try:
                if broken is not None:
                    raise broken
                held = self.held(arrival.requester_id) if rule.actions.reply else None
                step = state
                plans: list[Plan] = []
                for request in _requests(ctx, rule, as_now.of(state), held):
                    planned = plan(step, request, ctx.now, names)
                    plans.append(planned)
                    step = _after(step, planned)
            except DeskError as exc:
                self.skip(ticket_id, rule.name, str(exc))
                outcomes.append(RuleOutcome(rule.name, ticket_id, skipped=str(exc)))
                continue
            state = step
            self.pending.append((ticket_id, len(outcomes), plans))
            outcomes.append(RuleOutcome(rule.name, ticket_id))
            replies = sum(_auto_reply(p) for p in plans)
            self.count(arrival.requester_id, replies)
            # A rule replied, or would have but the requester had enough replies lately:
            # either way the queue's acknowledgement is not sent on top.
            replied = replied or any(
                _auto_reply(p) or any(c.field == "auto_reply_held" for c in p.changes)
                for p in plans
            )
            if rule.stop:
                break
        if not replied:
            replied = self.acknowledge(arrival, state, as_now)
        if not replied and arrival.by_mail:
            self.received(arrival)

    def acknowledge(self, arrival: Arrival, state: Current, as_now: _As_now) -> bool:
        """The automatic first response of the queue the ticket ended up in (``queue_reply``),
        unless the requester had enough lately (``auto_reply_held``). Whether it was planned
        or held."""
        ctx = self.ctx
        queue = _queue_replies(ctx).get(state.queue_id)
        if queue is None:
            return False
        name, template = queue
        ticket_id = state.id
        held = self.held(arrival.requester_id)
        if held is not None:
            self.flush()  # the entry follows the rules' in the history
            _record(ctx, ticket_id, "auto_reply_held", None, held)
            return True
        from deskterm.domain.templates import render

        try:
            text = render(
                template,
                as_now.of(state)(),
                ctx.actor,
                source=f'the automatic reply of queue "{name}"',
            )
        except DeskError as exc:
            self.skip(ticket_id, f"queue {name}", str(exc))
            self.missing[ticket_id] = str(exc)
            return False
        request = Request(
            message=NewMessage("reply", text, ctx.actor.id, automatic=True),
            events=(FieldChange("queue_reply", None, name),),
        )
        self.pending.append((ticket_id, None, [plan(state, request, ctx.now, self.names)]))
        self.count(arrival.requester_id, 1)
        return True

    def received(self, arrival: Arrival) -> None:
        """The "received" notification by mail (an automatic reply too: the same limit)."""
        ticket_id = arrival.ticket.id
        held = self.held(arrival.requester_id)
        if held is not None:
            self.flush()
            _record(self.ctx, ticket_id, "auto_reply_held", None, held)
            return
        self.mail.append(outbox.Outgoing(ticket_id, outbox.RECEIVED, automatic=True))
        self.count(arrival.requester_id, 1)

    def held(self, requester_id: int | None) -> str | None:
        """Why the requester gets no automatic reply now (enough went to them in the last
        hour, counting those planned and not yet stored), or None."""
        if requester_id is None:
            return None
        if requester_id not in self.sent:
            self.sent[requester_id] = _sent_lately(self.ctx, requester_id)
        sent = self.sent[requester_id] + self.planned.get(requester_id, 0)
        if sent < AUTO_REPLY_LIMIT:
            return None
        return f"{sent} automatic replies went to this requester in the last hour"

    def count(self, requester_id: int | None, replies: int) -> None:
        if requester_id is not None and replies:
            self.planned[requester_id] = self.planned.get(requester_id, 0) + replies

    def skip(self, ticket_id: int, rule: str, reason: str) -> None:
        """Record a skip, after what was planned before it (stored first: the history keeps
        the order things happened in)."""
        self.flush()
        _record_skip(self.ctx, ticket_id, rule, reason)

    def flush(self) -> None:
        """Store every pending plan (``write.store``: each ticket's steps as one versioned
        write) and fill in the outcomes' changes."""
        if self.mail:
            outbox.enqueue(self.ctx.conn, self.mail, self.ctx.now)
            self.mail.clear()
            self.sent.clear()
            self.planned.clear()
        if not self.pending:
            return
        written = write.store(
            self.ctx, [p for _, _, plans in self.pending for p in plans], new_tickets=True
        )
        entries = {ticket_id: iter(changes) for ticket_id, changes in written.items()}
        for ticket_id, index, plans in self.pending:
            count = sum(len(p.changes) + (p.message is not None) for p in plans if p.writes)
            changes = tuple(next(entries[ticket_id]) for _ in range(count))
            if index is not None:
                outcomes = self.outcomes[ticket_id]
                outcomes[index] = replace(outcomes[index], changes=changes)
        self.pending.clear()
        self.sent.clear()
        self.planned.clear()


def _auto_reply(planned: Plan) -> bool:
    message = planned.message
    return message is not None and message.kind == "reply" and message.automatic


def _queue_replies(ctx: Context) -> dict[int, tuple[str, str]]:
    """The queues with an automatic first response: id -> (name, template); read once."""
    Q = schema.queues

    def read() -> dict[int, tuple[str, str]]:
        rows = ctx.conn.execute(
            select(Q.c.id, Q.c.name, Q.c.auto_reply).where(Q.c.auto_reply.is_not(None))
        )
        return {row.id: (row.name, row.auto_reply) for row in rows if row.auto_reply}

    return ctx.once("queue replies", read)


class _As_now:
    """The ticket for a note or reply template, as the rules so far left it: read once
    (``load_ticket``), the fields a rule can change taken from the planned state."""

    def __init__(self, ctx: Context, ticket_id: int, names: Names) -> None:
        self.ctx, self.ticket_id, self.names = ctx, ticket_id, names
        self.loaded: Ticket | None = None

    def of(self, state: Current) -> Callable[[], Ticket]:
        def ticket() -> Ticket:
            if self.loaded is None:
                from deskterm.domain.tickets.read import load_ticket

                self.loaded = load_ticket(self.ctx.conn, self.ctx.desk, self.ticket_id)
            return self.loaded._replace(
                status=state.status,
                priority=PRIORITIES[state.priority],
                type=state.type,
                queue=self.names.queues.get(state.queue_id, self.loaded.queue),
            )

        return ticket


def _requests(
    ctx: Context, rule: Rule, ticket: Callable[[], Ticket], held: str | None
) -> list[Request]:
    """The rule's actions as workflow requests, every name resolved and every text rendered
    for the ticket (NotFound/InvalidInput when a name is gone or a value is missing): the
    fields and the note, then the automatic reply, unless ``held`` (why the requester gets
    no automatic reply now)."""
    conn, actions = ctx.conn, rule.actions
    note, reply = _texts(ctx, rule, ticket)
    if not reply:
        held = None
    if held is not None:
        reply = None
    assignee: Any = UNSET
    if actions.assignee:
        handle = actions.assignee
        assignee = ctx.once(
            f"agent {handle.strip().lower()}", lambda: lookup.agent_id(conn, ctx.actor, handle)
        )
    named: tuple[FieldChange, ...] = (FieldChange("rule", None, rule.name),)
    if held is not None:
        named += (FieldChange("auto_reply_held", None, held),)
    fields = Request(
        queue_id=_queue_id(ctx, actions.queue) if actions.queue else None,
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


def _texts(ctx: Context, rule: Rule, ticket: Callable[[], Ticket]) -> tuple[str | None, str | None]:
    """The rule's note and reply rendered for the ticket as the rules before it left it
    (templates: the variables of docs/macros.md; a value the ticket lacks refuses the rule,
    never a blank)."""
    actions = rule.actions
    if not actions.note and not actions.reply:
        return None, None
    from deskterm.domain.templates import render

    now = ticket()
    source = f'rule "{rule.name}"'
    return (
        render(actions.note, now, ctx.actor, source=source) if actions.note else None,
        render(actions.reply, now, ctx.actor, source=source) if actions.reply else None,
    )


def _queue_id(ctx: Context, name: str) -> int:
    """``lookup.queue_id``, read once per transaction and name (no queue changes under a
    batch of creates)."""
    return ctx.once(
        f"queue {' '.join(name.split()).lower()}", lambda: lookup.queue_id(ctx.conn, name)
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


def _sent_lately(ctx: Context, requester_id: int) -> int:
    """The automatic replies stored for the requester's tickets in the last hour, with the
    "received" notifications (mail only, no thread entries)."""
    since = ctx.now - AUTO_REPLY_WINDOW
    both: int = ctx.conn.execute(
        _SENT_LATELY, {"requester": requester_id, "since": since}
    ).scalar_one()
    return both


def _sent_lately_statement() -> Select[Any]:
    # One statement, built once: it runs for every ticket that arrives by mail.
    M, O = schema.messages, schema.mail_outbox  # noqa: E741
    requester: BindParameter[int] = bindparam("requester")
    since: BindParameter[datetime] = bindparam("since")
    sent = (
        select(func.count())
        .select_from(M.join(T, T.c.id == M.c.ticket_id))
        .where(
            T.c.requester_id == requester,
            M.c.kind == "reply",
            M.c.automatic,
            M.c.created_at > since,
        )
        .scalar_subquery()
    )
    notified = (
        select(func.count())
        .select_from(O.join(T, T.c.id == O.c.ticket_id))
        .where(
            T.c.requester_id == requester,
            O.c.kind == outbox.RECEIVED,
            O.c.created_at > since,
        )
        .scalar_subquery()
    )
    return select(sent + notified)


_SENT_LATELY: Final = _sent_lately_statement()


def _reply_held(ctx: Context, ticket_id: int) -> str | None:
    """Why the ticket would get no automatic reply now (``rule test``), or None."""
    requester = ctx.conn.execute(select(T.c.requester_id).where(T.c.id == ticket_id)).scalar()
    if requester is None:
        return None
    sent = _sent_lately(ctx, requester)
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
    # SQLite: words are asked of the scratch index holding just the new tickets.
    scratch = conn.dialect.name == "sqlite"
    cases: list[Any] = []
    broken: dict[int, DeskError] = {}
    for index, rule in enumerate(rules):
        try:
            parsed = parse_query(rule.condition)
            clause = where_clause(desk, conn, parsed, within=_IDS, scratch=scratch, confined=False)
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
    if conn.dialect.name == "sqlite":
        fill_scratch(conn, ticket_ids)
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
                as_now = _As_now(ctx, ticket.id, names).of(current)
                held = _reply_held(ctx, ticket.id) if rule.actions.reply else None
                for request in _requests(ctx, rule, as_now, held):
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
