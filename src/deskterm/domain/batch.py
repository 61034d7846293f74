"""``batch``: JSON-lines operations, checked first, then applied in one transaction.

Each line is one operation (``create``, ``update``, ``reply``, ``note``, ``close``,
``reopen``, ``assign``). Every line is parsed and its values validated before anything is
written, so a typo on line 900 costs nothing; then all of them run in ONE write transaction
with the same rules as the single-ticket calls (workflow, versions, audit events). The first
failing line rolls everything back, and the error names it: ``line 700: ...``.

The op logic works on the open connection with the helpers of ``tickets.py`` (the public
calls there each open their own transaction, which would break all-or-nothing).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy.engine import Connection

from deskterm.domain import tickets as tk
from deskterm.domain import validate, workflow
from deskterm.domain.desk import Desk
from deskterm.domain.models import Agent
from deskterm.domain.ticket_read import load_ticket
from deskterm.domain.vocab import UNSOLVED
from deskterm.errors import Conflict, DeskError, InvalidInput
from deskterm.store import schema

T = schema.tickets
MAX_LINES: Final = 100_000
MAX_VERSION: Final = 2**31 - 1

# key -> (accepted JSON types, human name); None is accepted only where listed.
_STR = ((str,), "a string")
_OPT_STR = ((str, type(None)), "a string or null")
_INT = ((int,), "an integer")
_TAGS = ((list,), "a list of strings")

_KEYS: Final[dict[str, dict[str, tuple[tuple[type, ...], str]]]] = {
    "create": {
        "subject": _STR,
        "body": _OPT_STR,
        "requester": _OPT_STR,
        "priority": _STR,
        "type": _STR,
        "queue": _OPT_STR,
        "tags": _TAGS,
        "channel": _STR,
        "assignee": _OPT_STR,
    },
    "update": {"id": _INT, "set": ((dict,), "an object"), "if_version": _INT},
    "reply": {"id": _INT, "body": _STR, "status": _STR, "if_version": _INT},
    "note": {"id": _INT, "body": _STR, "status": _STR, "if_version": _INT},
    "close": {"id": _INT, "if_version": _INT},
    "reopen": {"id": _INT, "if_version": _INT},
    "assign": {"id": _INT, "assignee": _OPT_STR, "if_version": _INT},
}
_REQUIRED: Final = {
    "create": ("subject",),
    "update": ("id", "set"),
    "reply": ("id", "body"),
    "note": ("id", "body"),
    "close": ("id",),
    "reopen": ("id",),
    "assign": ("id", "assignee"),
}
_SET_KEYS: Final = {
    "status": _STR,
    "priority": _STR,
    "type": _STR,
    "queue": _STR,
    "subject": _STR,
    "assignee": _OPT_STR,
    "add_tags": _TAGS,
    "remove_tags": _TAGS,
}
OPS: Final = tuple(_KEYS)


@dataclass(frozen=True)
class Operation:
    """One checked line of a batch."""

    line: int
    op: str
    ticket_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    if_version: int | None = None


@dataclass(frozen=True)
class BatchResult:
    line: int
    op: str
    id: int
    version: int


def _fail(line: int, message: str) -> InvalidInput:
    return InvalidInput(f"line {line}: {message}")


def _check_type(line: int, where: str, value: Any, spec: tuple[tuple[type, ...], str]) -> None:
    types, name = spec
    # bool is an int in Python, not in JSON.
    if isinstance(value, bool) or not isinstance(value, types):
        raise _fail(line, f'"{where}" must be {name}, not {json.dumps(value)[:60]}')
    if isinstance(value, list) and not all(isinstance(item, str) for item in value):
        raise _fail(line, f'"{where}" must be a list of strings')


def parse_line(line: int, text: str) -> Operation | None:
    """Check one line (structure and values); None for a blank line."""
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(line, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise _fail(line, 'each line must be a JSON object with an "op"')
    op = data.get("op")
    if not isinstance(op, str) or op not in _KEYS:
        raise _fail(line, f'"op" must be one of {", ".join(OPS)}, not {json.dumps(op)[:60]}')
    allowed = _KEYS[op]
    for key, value in data.items():
        if key == "op":
            continue
        if key not in allowed:
            raise _fail(line, f'unknown key "{key}" for {op}; allowed: {", ".join(allowed)}')
        _check_type(line, key, value, allowed[key])
    for key in _REQUIRED[op]:
        if key not in data:
            raise _fail(line, f'{op} needs "{key}"')
    try:
        return _checked(line, op, data)
    except InvalidInput as exc:
        field_name = getattr(exc, "batch_field", None)
        prefix = f'"{field_name}": ' if field_name else ""
        raise _fail(line, prefix + exc.message) from None


def _field(name: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a validator; an InvalidInput it raises remembers the field it was about."""
    try:
        return func(*args, **kwargs)
    except InvalidInput as exc:
        exc.batch_field = name  # type: ignore[attr-defined]
        raise


def _checked(line: int, op: str, data: dict[str, Any]) -> Operation:
    ticket_id = None
    if "id" in data:
        ticket_id = _field("id", validate.ticket_id, data["id"])
    if_version = data.get("if_version")
    if if_version is not None and not 1 <= if_version <= MAX_VERSION:
        raise InvalidInput(f'"if_version" must be a positive integer up to {MAX_VERSION}')
    values: dict[str, Any] = {}
    if op == "create":
        values["subject"] = _field("subject", validate.subject, data["subject"])
        body = data.get("body")
        values["body"] = _field("body", validate.body, body) if body and body.strip() else None
        requester = data.get("requester")
        values["requester"] = _field("requester", validate.email, requester) if requester else None
        values["type"] = _field("type", validate.ticket_type, data.get("type", "incident"))
        values["priority"] = _field("priority", validate.priority, data.get("priority", "normal"))
        values["channel"] = _field("channel", validate.channel, data.get("channel", "api"))
        values["tags"] = _field("tags", validate.tags, data.get("tags", []))
        values["queue"] = data.get("queue") or None
        values["assignee"] = data.get("assignee") or None
    elif op == "update":
        values = _checked_set(line, data["set"])
    elif op in ("reply", "note"):
        values["body"] = _field("body", validate.body, data["body"], what=op)
        if "status" in data:
            values["status"] = _field("status", workflow.check_status, data["status"])
    elif op == "assign":
        handle = data["assignee"]
        values["assignee"] = None if handle is None or handle.lower() == "none" else handle
    return Operation(line, op, ticket_id, values, if_version)


def _checked_set(line: int, changes: dict[str, Any]) -> dict[str, Any]:
    if not changes:
        raise _fail(line, '"set" is empty; give at least one field to change')
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in _SET_KEYS:
            raise _fail(line, f'unknown key "set.{key}"; allowed: {", ".join(_SET_KEYS)}')
        _check_type(line, f"set.{key}", value, _SET_KEYS[key])
        name = f"set.{key}"
        if key == "status":
            out[key] = _field(name, workflow.check_status, value)
        elif key == "priority":
            out[key] = _field(name, validate.priority, value)
        elif key == "type":
            out[key] = _field(name, validate.ticket_type, value)
        elif key == "subject":
            out[key] = _field(name, validate.subject, value)
        elif key in ("add_tags", "remove_tags"):
            out[key] = _field(name, validate.tags, value)
        elif key == "assignee":
            out[key] = None if value is None or value.lower() == "none" else value
        else:
            out[key] = value
    return out


def parse(lines: Iterable[str]) -> list[Operation]:
    """Check every line; InvalidInput naming the first bad line and field."""
    ops: list[Operation] = []
    for number, text in enumerate(lines, start=1):
        if number > MAX_LINES:
            raise InvalidInput(f"a batch holds at most {MAX_LINES} lines; split the file")
        parsed = parse_line(number, text)
        if parsed is not None:
            ops.append(parsed)
    if not ops:
        raise InvalidInput("the batch is empty; nothing was changed")
    return ops


# -------------------------------------------------------------------------------- apply


def apply(desk: Desk, operations: Sequence[Operation]) -> list[BatchResult]:
    """Apply checked operations in one transaction; all or nothing.

    The first failing line raises the same error class as the single-ticket call would
    (NotFound, Conflict, ...) with ``line N:`` in front, and nothing is changed.
    """
    results: list[BatchResult] = []
    now = desk.now()
    with desk.store.write() as conn:
        actor = desk.actor(conn)
        for operation in operations:
            try:
                results.append(_apply_one(conn, desk, actor, operation, now))
            except DeskError as exc:
                raise _at_line(exc, operation.line) from None
    return results


def run(desk: Desk, lines: Iterable[str]) -> list[BatchResult]:
    """Check, then apply: the whole of ``deskterm batch``."""
    return apply(desk, parse(lines))


def _at_line(exc: DeskError, line: int) -> DeskError:
    error = type(exc)(f"line {line}: {exc.message}")
    error.hint = exc.hint
    return error


def _apply_one(
    conn: Connection, desk: Desk, actor: Agent, operation: Operation, now: datetime
) -> BatchResult:
    """One line, through the same transaction-free bodies the single-ticket calls use."""
    op, v = operation.op, operation.values
    if op == "create":
        new_id = tk.create_in(conn, desk, actor, tk.NewTicket(**v), now)
        return BatchResult(operation.line, op, new_id, 1)
    if operation.ticket_id is None:  # pragma: no cover - parse() requires an id for these ops
        raise InvalidInput(f"line {operation.line}: missing id")
    ticket_id = operation.ticket_id
    if op in ("reply", "note"):
        ticket, _ = tk.add_message_in(
            conn, desk, actor, ticket_id, op, v["body"], v.get("status"), operation.if_version, now
        )
        return BatchResult(operation.line, op, ticket_id, ticket.version)
    changes = dict(v)
    if op == "close":
        changes = {"status": "closed"}
    elif op == "reopen":
        status = load_ticket(conn, desk, ticket_id).status
        if status in UNSOLVED:
            raise Conflict(f"ticket #{ticket_id} is {status}, not solved; nothing to reopen")
        changes = {"status": "open"}
    valid = tk.checked(tk.Changes(**changes))
    result = tk.update_in(conn, desk, actor, ticket_id, valid, operation.if_version, now)
    return BatchResult(operation.line, op, ticket_id, result.ticket.version)
