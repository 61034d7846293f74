"""The sidebar's views on keys 1..9: the built-in filters, one per queue, then the agent's
saved views in the order they were saved (so saving a view never moves a number key)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskterm.domain.models import Queue, SavedView


@dataclass(frozen=True)
class View:
    label: str
    query: str
    #: The queue this view shows (``T`` takes from it), for a queue's own view.
    queue: str | None = None
    #: A saved view (``S``, ``deskterm view save``), not a built-in or a queue.
    saved: bool = False


BUILT_IN = (
    View("All tickets", ""),
    View("My tickets", "is:mine is:unsolved"),
    View("Unassigned", "is:unassigned is:unsolved"),
    View("All unsolved", "is:unsolved"),
    View("Breached", "is:breached"),
)


def queue_query(name: str) -> str:
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'queue:"{escaped}" is:unsolved'


def all_views(queues: list[Queue], saved: list[SavedView] | None = None) -> list[View]:
    """Built-in views, then one per queue, then the saved views (oldest first)."""
    by_queue = [View(q.name, queue_query(q.name), queue=q.name) for q in queues]
    mine = [View(v.name, v.query, saved=True) for v in saved or ()]
    return [*BUILT_IN, *by_queue, *mine]


#: Which query terms a change of each history field can move a ticket into or out of. Every
#: write also changes ``updated``; a field not listed here may change any view.
MOVES_TERMS: dict[str, frozenset[str]] = {
    "status": frozenset({"status", "is:unsolved", "is:breached", "due"}),
    "priority": frozenset({"priority", "is:breached", "due"}),
    "assignee": frozenset({"assignee", "is:mine", "is:unassigned", "is:assigned"}),
    "queue": frozenset({"queue"}),
    "escalated": frozenset({"queue"}),
    "type": frozenset({"type"}),
    "tags": frozenset({"tag"}),
    "subject": frozenset({"text"}),
    "reply": frozenset({"text", "is:breached", "due"}),
    "note": frozenset({"text"}),
}


def query_terms(query: str) -> frozenset[str] | None:
    """The terms ``query`` filters on (``status``, ``is:mine``, ``text``...); None if it does
    not parse."""
    from deskterm.domain.query import FieldTerm, parse
    from deskterm.errors import InvalidInput

    try:
        parsed = parse(query)
    except InvalidInput:
        return None
    terms: set[str] = set()
    for term in parsed.terms:
        if not isinstance(term, FieldTerm):
            terms.add("text")
        elif term.field == "is":
            terms.update(f"is:{value}" for value in term.values)
        else:
            terms.add(term.field)
    return frozenset(terms)


def count_may_change(query: str, fields: frozenset[str]) -> bool:
    """Whether a write that changed ``fields`` (history names; empty: unknown) can change
    how many tickets ``query`` matches."""
    terms = query_terms(query)
    if terms is None or not fields or not fields <= MOVES_TERMS.keys():
        return True
    moved = frozenset({"updated"}).union(*(MOVES_TERMS[f] for f in fields))
    return bool(terms & moved)
