"""Saved views: the sidebar's built-in filters and one per queue, on keys 1..9."""

from __future__ import annotations

from dataclasses import dataclass

from deskterm.domain.models import Queue, SavedView


@dataclass(frozen=True)
class View:
    label: str
    query: str


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
    """Built-in views, then the agent's saved views (``deskterm view``), then one per queue."""
    mine = [View(v.name, v.query) for v in saved or ()]
    return [*BUILT_IN, *mine, *(View(q.name, queue_query(q.name)) for q in queues)]
