"""Key bindings shared by the screens that act on tickets, and how help and the palette
read a screen's bindings (so the three never disagree)."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.screen import Screen

#: Ticket actions, on every screen that shows tickets (SPEC section 7).
TICKET_BINDINGS = [
    Binding("r", "reply", "Reply"),
    Binding("n", "note", "Note"),
    Binding("a", "assign_me", "Assign to me"),
    Binding("A", "pick_assignee", "Assign to…"),
    Binding("s", "pick_status", "Status"),
    Binding("p", "pick_priority", "Priority"),
    Binding("t", "pick_tags", "Tags"),
    Binding("m", "pick_queue", "Move to queue"),
    Binding("e", "escalate", "Escalate"),
    Binding("T", "take_next", "Take next"),
    Binding("M", "apply_macro", "Apply macro", show=False),
    Binding("C", "clocks", "SLA clocks", show=False),
    Binding("K", "kb_search", "Knowledge base"),
    Binding("R", "refresh", "Refresh"),
]


def screen_bindings(screen: Screen[Any]) -> list[Binding]:
    """The bindings declared on ``screen``'s class and its bases, first declaration wins."""
    seen: set[str] = set()
    found: list[Binding] = []
    for cls in type(screen).__mro__:
        if not cls.__module__.startswith("deskterm."):
            continue  # Textual's own (tab, ctrl+c) are not deskterm keys
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            if binding.description and binding.key not in seen and binding.action:
                seen.add(binding.key)
                found.append(binding)
    return found


def key_label(key: str) -> str:
    return {"question_mark": "?", "slash": "/", "space": "space", "escape": "esc"}.get(key, key)
