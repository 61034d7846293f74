"""What a ticket's history says, in words: one wording for ``ticket show`` and the console.

An audit event records a field and its old and new values; for a thread entry the value is
the message's id, which means nothing to a reader. :func:`describe` turns an event into what
happened ("replied: Please restart the client", "status: open → pending", "assigned to bob"),
quoting a message's first line from the thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from deskterm.domain.models import AuditEvent, FieldChange, Message
from deskterm.domain.text import one_line
from deskterm.glyphs import to_ascii

#: How much of a message's first line, or of a value, the history quotes.
QUOTE = 60
_VERBS = {"reply": "replied", "note": "noted", "requester_reply": "requester replied"}


def messages_by_id(messages: Iterable[Message]) -> dict[int, Message]:
    return {m.id: m for m in messages}


def describe(
    event: AuditEvent, messages: Mapping[int, Message] | None = None, *, ascii: bool = False
) -> str:
    """One line, sanitized, naming what ``event`` changed.

    ``messages`` (id -> message, see :func:`messages_by_id`) lets a reply or note be quoted
    by its first line; ``ascii`` uses ASCII stand-ins for the arrow and dashes.
    """
    text = _describe(event.field, event.old, event.new, messages or {})
    return to_ascii(text) if ascii else text


def describe_change(change: FieldChange) -> str:
    """A change not yet made (a dry run, a macro's preview), in the history's words."""
    return _describe(change.field, change.old, change.new, {})


def _describe(field: str, old: str | None, new: str | None, messages: Mapping[int, Message]) -> str:
    arrow = "→"
    if field in _VERBS:
        message = _message(new, messages)
        first = first_line(message.body) if message is not None else ""
        return f"{_VERBS[field]}: {first}" if first else _VERBS[field]
    if field == "created":
        return f"created: {_quote(new)}" if new else "created"
    if field == "assignee":
        if old is None and new is not None:
            return f"assigned to {_quote(new)}"
        if new is None and old is not None:
            return f"unassigned (was {_quote(old)})"
    if field == "tags":
        return _tags(old, new)
    if field == "time":
        return f"time spent: {_quote(new)}"
    if field == "rating" and old is None:
        return f"rated {_quote(new)}"
    if field == "macro":
        return f"applied macro {_quote(new)}"
    if field == "escalated":
        return f"escalated: {_quote(old)} {arrow} {_quote(new)}"
    if field == "rule":
        return f"rule {_quote(new)} applied"
    if field == "queue_reply":
        return f"automatic reply of queue {_quote(new)}"
    if field == "auto_reply_held":
        return f"no automatic reply: {_quote(new)}"
    if field == "rule_skipped":
        return f"rule {_quote(old)} skipped: {_quote(new)}"
    if field == "merged_from":
        return f"merged #{_quote(new)} into this ticket"
    if field == "merged_into":
        return f"merged into #{_quote(new)}"
    if field == "problem":
        if new is None:
            return f"unlinked from problem #{_quote(old)}"
        return f"linked to problem #{_quote(new)}"
    if old is None and new is None:
        return one_line(field, QUOTE)
    return f"{one_line(field, QUOTE)}: {_quote(old)} {arrow} {_quote(new)}"


def first_line(body: str | None, width: int = QUOTE) -> str:
    """The first line of a message that has text, made safe for one line."""
    for line in (body or "").splitlines():
        if line.strip():
            return one_line(line.strip(), width)
    return ""


def _message(value: str | None, messages: Mapping[int, Message]) -> Message | None:
    if value is None or not value.isdigit():
        return None
    return messages.get(int(value))


def _quote(value: str | None) -> str:
    return one_line(value, QUOTE) if value else "–"


def _tags(old: str | None, new: str | None) -> str:
    before = [t for t in (old or "").split(",") if t]
    after = [t for t in (new or "").split(",") if t]
    added = [t for t in after if t not in before]
    removed = [t for t in before if t not in after]
    parts = [f"+{one_line(t, QUOTE)}" for t in added] + [f"-{one_line(t, QUOTE)}" for t in removed]
    return "tags: " + (" ".join(parts) if parts else "unchanged")
