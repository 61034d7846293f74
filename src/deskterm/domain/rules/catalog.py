"""Triage rules as stored: what each matches and does, in order (docs/rules.md).

A rule is a query-language ``condition`` on a new ticket and its :class:`Actions`. Rules run
in ``position`` order (1 first); a matching rule with ``stop`` ends the run (first match
wins), one without lets the later rules apply too. Leads and admins manage them; every agent
may list and show them. Saving checks everything a rule names (the query, the queue, the
assignee, the values), so a rule is never saved broken; what goes away later (a queue
deleted since) is caught when the rule runs, and the rule is skipped (tickets/triage.py).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any, Final

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row

from deskterm.domain import validate
from deskterm.domain.desk import Desk
from deskterm.domain.lookup import agent_id, queue_id
from deskterm.domain.query import parse as parse_query
from deskterm.domain.query import where_clause
from deskterm.errors import Conflict, InvalidInput, NotFound
from deskterm.store import schema
from deskterm.store.engine import new_id

R = schema.rules
MANAGERS: Final = ("lead", "admin")
MAX_NAME: Final = 100
MAX_TEXT: Final = 20_000


@dataclass(frozen=True)
class Actions:
    """What a matching rule does to the new ticket; None/empty: leave it."""

    queue: str | None = None
    priority: str | None = None
    type: str | None = None
    add_tags: tuple[str, ...] = ()
    assignee: str | None = None
    #: An internal note added to the thread.
    note: str | None = None
    #: A public reply the desk sends by itself (marked automatic: never a first response).
    reply: str | None = None

    def is_empty(self) -> bool:
        return self == Actions()

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v not in (None, ())}
        data["add_tags"] = list(self.add_tags) if self.add_tags else None
        return json.dumps({k: v for k, v in data.items() if v is not None}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Actions:
        data = json.loads(text)
        return cls(**{**data, "add_tags": tuple(data.get("add_tags") or ())})

    def describe(self) -> list[str]:
        """The actions in words, in the order they apply."""
        said = []
        if self.queue:
            said.append(f"queue {self.queue}")
        if self.priority:
            said.append(f"priority {self.priority}")
        if self.type:
            said.append(f"type {self.type}")
        if self.add_tags:
            said.append("tags +" + " +".join(self.add_tags))
        if self.assignee:
            said.append(f"assign {self.assignee}")
        if self.note:
            said.append("internal note")
        if self.reply:
            said.append("automatic reply")
        return said


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    position: int
    enabled: bool
    condition: str
    actions: Actions
    #: A match ends the run (first match wins); False: later rules may apply too.
    stop: bool
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True)
class RuleChanges:
    """What ``edit_rule`` sets; None: unchanged. ``actions`` replaces the rule's actions."""

    name: str | None = None
    condition: str | None = None
    actions: Actions | None = None
    stop: bool | None = None
    enabled: bool | None = None


# ----------------------------------------------------------------------------- reading


def list_rules(desk: Desk) -> list[Rule]:
    """Every rule, in the order they run."""
    with desk.store.read() as conn:
        desk.actor(conn)
        return load_rules(conn)


def load_rules(conn: Connection, *, enabled_only: bool = False) -> list[Rule]:
    stmt = select(R).order_by(R.c.position, R.c.id)
    if enabled_only:
        stmt = stmt.where(R.c.enabled)
    return [_from_row(row) for row in conn.execute(stmt)]


def get_rule(desk: Desk, name: str) -> Rule:
    """The rule called ``name`` (any case) or numbered ``#3``; NotFound lists the rules."""
    with desk.store.read() as conn:
        desk.actor(conn)
        return _find(conn, name)


def _from_row(row: Row[Any]) -> Rule:
    return Rule(
        id=row.id,
        name=row.name,
        position=row.position,
        enabled=bool(row.enabled),
        condition=row.condition,
        actions=Actions.from_json(row.actions),
        stop=bool(row.stop),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _find(conn: Connection, name: str) -> Rule:
    rules = load_rules(conn)
    wanted = " ".join(name.split()).lower()
    found = next((r for r in rules if r.name.lower() == wanted), None)
    number = wanted.lstrip("#")
    if found is None and number.isascii() and number.isdigit():
        found = next((r for r in rules if r.id == int(number)), None)
    if found is None:
        listed = ", ".join(r.name for r in rules[:12]) or "none yet"
        raise NotFound(f'no rule "{name}"; rules: {listed}', what="rule")
    return found


# ----------------------------------------------------------------------------- writing


def add_rule(
    desk: Desk,
    name: str,
    condition: str,
    actions: Actions,
    *,
    stop: bool = True,
    enabled: bool = True,
    position: int | None = None,
) -> Rule:
    """Add a rule (leads and admins), last unless ``position`` (1 = first) says otherwise.
    InvalidInput for a bad name, query or value, or a rule that does nothing; NotFound for a
    queue or agent that does not exist; Conflict when the name is taken."""
    clean = _name(name)
    with desk.store.write() as conn:
        desk.require_role(conn, *MANAGERS)
        checked = check_rule(desk, conn, condition, actions)
        _ensure_free(conn, clean, None)
        now = desk.now()
        last = conn.execute(select(func.coalesce(func.max(R.c.position), 0))).scalar_one()
        rule_id = new_id(
            conn.execute(
                insert(R).values(
                    name=clean,
                    position=int(last) + 1,
                    enabled=enabled,
                    condition=condition.strip(),
                    actions=checked.to_json(),
                    stop=stop,
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
            )
        )
        if position is not None:
            _place(conn, rule_id, position)
        return _from_row(conn.execute(select(R).where(R.c.id == rule_id)).one())


def edit_rule(
    desk: Desk, name: str, changes: RuleChanges, *, if_version: int | None = None
) -> Rule:
    """Change a rule (leads and admins); checked as :func:`add_rule`. StaleVersion when
    ``if_version`` is not its version."""
    if changes == RuleChanges():
        raise InvalidInput(f'nothing to change in rule "{name}"')
    with desk.store.write() as conn:
        desk.require_role(conn, *MANAGERS)
        current = _find(conn, name)
        _check_version(current, if_version)
        condition = current.condition if changes.condition is None else changes.condition
        actions = current.actions if changes.actions is None else changes.actions
        checked = check_rule(desk, conn, condition, actions)
        values: dict[str, Any] = {
            "condition": condition.strip(),
            "actions": checked.to_json(),
            "updated_at": desk.now(),
            "version": current.version + 1,
        }
        if changes.name is not None:
            values["name"] = _name(changes.name)
            _ensure_free(conn, values["name"], current.id)
        if changes.stop is not None:
            values["stop"] = changes.stop
        if changes.enabled is not None:
            values["enabled"] = changes.enabled
        conn.execute(update(R).where(R.c.id == current.id).values(**values))
        return _from_row(conn.execute(select(R).where(R.c.id == current.id)).one())


def delete_rule(desk: Desk, name: str, *, if_version: int | None = None) -> Rule:
    """Delete a rule (leads and admins); the others keep their order."""
    with desk.store.write() as conn:
        desk.require_role(conn, *MANAGERS)
        current = _find(conn, name)
        _check_version(current, if_version)
        conn.execute(delete(R).where(R.c.id == current.id))
        _renumber(conn, [r.id for r in load_rules(conn)])
        return current


def move_rule(desk: Desk, name: str, position: int) -> Rule:
    """Move a rule to ``position`` (1 = runs first; past the end: last)."""
    with desk.store.write() as conn:
        desk.require_role(conn, *MANAGERS)
        current = _find(conn, name)
        _place(conn, current.id, position)
        return _from_row(conn.execute(select(R).where(R.c.id == current.id)).one())


def _place(conn: Connection, rule_id: int, position: int) -> None:
    if position < 1:
        raise InvalidInput(f"a position is 1 (first) or more, not {position}", field="position")
    order = [r.id for r in load_rules(conn) if r.id != rule_id]
    order.insert(min(position, len(order) + 1) - 1, rule_id)
    _renumber(conn, order)


def _renumber(conn: Connection, order: list[int]) -> None:
    for position, rule_id in enumerate(order, start=1):
        conn.execute(update(R).where(R.c.id == rule_id).values(position=position))


def _check_version(current: Rule, if_version: int | None) -> None:
    if if_version is not None and if_version != current.version:
        raise Conflict(
            f'rule "{current.name}" changed since you read it (version {if_version}, now '
            f"{current.version}); show it again and redo your change"
        )


def _name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean or len(clean) > MAX_NAME:
        raise InvalidInput(f"a rule name is 1 to {MAX_NAME} characters", field="name")
    return validate.storable(clean)


def _ensure_free(conn: Connection, name: str, own_id: int | None) -> None:
    found = conn.execute(select(R.c.id).where(func.lower(R.c.name) == name.lower())).scalar()
    if found is not None and found != own_id:
        raise Conflict(f'a rule named "{name}" exists already')


# ---------------------------------------------------------------------------- checking


def check_rule(desk: Desk, conn: Connection, condition: str, actions: Actions) -> Actions:
    """``actions`` with every value checked and normalized, after checking ``condition``
    compiles on this desk (a queue it names exists). InvalidInput or NotFound otherwise."""
    if not condition.strip():
        raise InvalidInput(
            'a rule needs a condition; "*" is not one: match every ticket with "is:unsolved"',
            field="condition",
        )
    try:
        where_clause(desk, conn, parse_query(condition))
    except InvalidInput as exc:
        raise exc.about("condition") from None
    if actions.is_empty():
        raise InvalidInput("a rule needs at least one action", field="actions")
    checked = replace(
        actions,
        priority=validate.priority(actions.priority) if actions.priority else None,
        type=validate.ticket_type(actions.type) if actions.type else None,
        add_tags=validate.tags(actions.add_tags),
        note=_text(actions.note, "note"),
        reply=_text(actions.reply, "reply"),
    )
    if checked.queue:
        queue_id(conn, checked.queue)
    if checked.assignee:
        if checked.assignee.strip().lower() == "me":
            raise InvalidInput(
                'a rule cannot assign to "me" (it runs for whoever creates the ticket); '
                "name the agent",
                field="assignee",
            )
        agent_id(conn, desk.actor(conn), checked.assignee)
    return checked


def _text(text: str | None, what: str) -> str | None:
    """A note or reply: a template (``{{ requester.first_name }}``, docs/macros.md), checked
    now so that a misspelt variable is refused here, not sent as a blank."""
    if text is None:
        return None
    clean = validate.storable(text).strip()
    if not clean:
        raise InvalidInput(f"the {what} is empty", field=what)
    if len(clean) > MAX_TEXT:
        raise InvalidInput(f"the {what} is {len(clean):,} characters; at most {MAX_TEXT:,}")
    from deskterm.domain.templates import check_template  # Jinja: only when a rule is saved

    try:
        return check_template(clean)
    except InvalidInput as exc:
        exc.field = what  # the template checker speaks of a macro's body
        raise
