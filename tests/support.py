"""Plain helpers shared by test modules (fixtures live in conftest.py files)."""

from __future__ import annotations

from deskterm.domain.desk import Desk


def as_agent(desk: Desk, handle: str) -> Desk:
    """The same store, acting as another agent (what a second person at a terminal is)."""
    return Desk(desk.store, handle, clock=desk.clock)
