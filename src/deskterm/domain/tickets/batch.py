"""``batch``: JSON-lines operations, checked first, then applied in one transaction.

Each line is one operation (``create``, ``update``, ``reply``, ``note``, ``close``,
``reopen``, ``assign``, ``rate``); ``reply``, ``note`` and ``update``'s ``set`` take a
``time`` spent (``"15m"``). Every line is parsed and its values validated before anything is
written, so a typo on line 900 costs nothing; then all of them run in ONE write transaction
with the same rules as the single-ticket calls (workflow, versions, audit events). The first
failing line rolls everything back, and the error names it: ``line 700: ...``.

Each line is checked by the same functions the single-ticket calls use (``new_ticket``,
``checked``), and applied through their ``*_in`` bodies inside the one transaction (the
public calls each open their own, which would break all-or-nothing).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from deskterm.domain import validate
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import change, write
from deskterm.domain.tickets import workflow as workflow
from deskterm.domain.tickets.new import checked_field, insert_new, new_ticket, triage_new
from deskterm.domain.tickets.plan import UNSET
from deskterm.domain.tickets.rating import rate_in
from deskterm.domain.tickets.time_spent import parse_time_spent
from deskterm.domain.tickets.triage import Arrival
from deskterm.domain.tickets.write import Context, transact
from deskterm.errors import DeskError, InvalidInput

MAX_LINES: Final = 100_000

# key -> (accepted JSON types, human name); None is accepted only where listed.
_STR = ((str,), "a string")
_OPT_STR = ((str, type(None)), "a string or null")
_INT = ((int,), "an integer")
_TAGS = ((list,), "a list of strings")
_BOOL = ((bool,), "true or false")

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
    "reply": {"id": _INT, "body": _STR, "status": _STR, "time": _STR, "if_version": _INT},
    "note": {"id": _INT, "body": _STR, "status": _STR, "time": _STR, "if_version": _INT},
    "close": {"id": _INT, "if_version": _INT},
    "reopen": {"id": _INT, "if_version": _INT},
    "assign": {"id": _INT, "assignee": _OPT_STR, "if_version": _INT},
    "rate": {"id": _INT, "rating": _STR, "comment": _OPT_STR, "replace": _BOOL},
}
_REQUIRED: Final = {
    "create": ("subject",),
    "update": ("id", "set"),
    "reply": ("id", "body"),
    "note": ("id", "body"),
    "close": ("id",),
    "reopen": ("id",),
    "assign": ("id", "assignee"),
    "rate": ("id", "rating"),
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
    "time": _STR,
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
        prefix = f'"{exc.field}": ' if exc.field else ""
        raise _fail(line, prefix + exc.message) from None


def _checked(line: int, op: str, data: dict[str, Any]) -> Operation:
    """The line's values, checked by the same functions the single-ticket calls use."""
    ticket_id = None
    if "id" in data:
        ticket_id = checked_field("id", validate.ticket_id, data["id"])
    if_version = data.get("if_version")
    if if_version is not None:
        if_version = checked_field("if_version", validate.version, if_version)
    values: dict[str, Any] = {}
    if op == "create":
        values["new"] = new_ticket(**{k: v for k, v in data.items() if k != "op"})
    elif op == "update":
        values["changes"] = _checked_set(line, data["set"])
    elif op in ("reply", "note"):
        values["body"] = checked_field("body", validate.body, data["body"], what=op)
        if "status" in data:
            values["status"] = checked_field("status", workflow.check_status, data["status"])
        if "time" in data:
            values["time"] = checked_field("time", parse_time_spent, data["time"])
    elif op == "rate":
        values["rating"] = checked_field("rating", validate.rating, data["rating"])
        values["comment"] = checked_field("comment", validate.comment, data.get("comment"))
        values["replace"] = bool(data.get("replace", False))
    elif op == "assign":
        values["changes"] = change.Changes(assignee=_handle(data["assignee"]))
    elif op == "close":
        values["changes"] = change.Changes(status="closed")
    elif op == "reopen":
        values["changes"] = change.Changes(status="open")
    return Operation(line, op, ticket_id, values, if_version)


def _handle(value: str | None) -> str | None:
    return None if value is None or value.lower() == "none" else value


def _checked_set(line: int, changes: dict[str, Any]) -> change.Changes:
    if not changes:
        raise _fail(line, '"set" is empty; give at least one field to change')
    for key, value in changes.items():
        if key not in _SET_KEYS:
            raise _fail(line, f'unknown key "set.{key}"; allowed: {", ".join(_SET_KEYS)}')
        _check_type(line, f"set.{key}", value, _SET_KEYS[key])
    try:
        return change.checked(
            change.Changes(
                status=changes.get("status"),
                priority=changes.get("priority"),
                type=changes.get("type"),
                queue=changes.get("queue"),
                subject=changes.get("subject"),
                assignee=_handle(changes["assignee"]) if "assignee" in changes else UNSET,
                add_tags=tuple(changes.get("add_tags", ())),
                remove_tags=tuple(changes.get("remove_tags", ())),
                time=changes.get("time"),
            )
        )
    except InvalidInput as exc:
        if exc.field is not None:
            exc.field = f"set.{exc.field}"
        raise


def parse_batch(lines: Iterable[str]) -> list[Operation]:
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


def apply_batch(desk: Desk, operations: Sequence[Operation]) -> list[BatchResult]:
    """Apply checked operations in one transaction; all or nothing.

    The first failing line raises the same error class as the single-ticket call would
    (NotFound, Conflict, ...) with ``line N:`` in front, and nothing is changed.
    """

    def work(ctx: Context) -> list[BatchResult]:
        write.lock(ctx.conn, [op.ticket_id for op in operations if op.ticket_id is not None])
        results: list[BatchResult] = []
        #: Consecutive creates, inserted, whose rules run together (``triage_new``) before
        #: any other line runs, or every ``write.CHUNK`` tickets.
        created: list[tuple[int, Arrival]] = []

        def triage() -> None:
            if not created:
                return
            try:
                triage_new(ctx, [arrival for _, arrival in created])
            except DeskError as exc:
                raise _at_line(exc, created[0][0]) from None
            created.clear()

        for operation in operations:
            if operation.op != "create":
                triage()
            try:
                if operation.op == "create":
                    arrival = insert_new(ctx, operation.values["new"])
                    created.append((operation.line, arrival))
                    results.append(BatchResult(operation.line, "create", arrival.ticket.id, 1))
                else:
                    results.append(_apply_one(ctx, operation))
            except DeskError as exc:
                raise _at_line(exc, operation.line) from None
            if len(created) >= write.CHUNK:
                triage()
        triage()
        return results

    return transact(desk, work)


def run_batch(desk: Desk, lines: Iterable[str]) -> list[BatchResult]:
    """Check, then apply: the whole of ``deskterm batch``."""
    return apply_batch(desk, parse_batch(lines))


def _at_line(exc: DeskError, line: int) -> DeskError:
    """The same error (its class and data kept), its message naming the batch line."""
    exc.message = f"line {line}: {exc.message}"
    exc.args = (exc.message,)
    return exc


def _apply_one(ctx: Context, operation: Operation) -> BatchResult:
    """One line, through the same transaction-free bodies the single-ticket calls use."""
    op, v = operation.op, operation.values
    if operation.ticket_id is None:  # pragma: no cover - parse() requires an id for these ops
        raise InvalidInput(f"line {operation.line}: missing id")
    ticket_id = operation.ticket_id
    seen = {ticket_id: operation.if_version} if operation.if_version is not None else {}
    if op in ("reply", "note"):
        ticket, _ = change.add_message_in(
            ctx, ticket_id, op, v["body"], v.get("status"), operation.if_version, v.get("time")
        )
        return BatchResult(operation.line, op, ticket_id, ticket.version)
    if op == "rate":
        rate_in(ctx, ticket_id, v["rating"], v["comment"], replace=v["replace"])
        return BatchResult(
            operation.line,
            op,
            ticket_id,
            write.read_one(ctx.conn, ticket_id, hidden=ctx.hidden).version,
        )
    (result,) = change.update_in(ctx, [ticket_id], v["changes"], seen, reopen=op == "reopen")
    return BatchResult(operation.line, op, ticket_id, result.ticket.version)
