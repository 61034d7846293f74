"""The status workflow of SPEC section 2.

new -> open -> pending / on_hold -> solved -> closed. A solved ticket can be reopened; a
closed one is read-only. Moving to the same status is not a change.
"""

from __future__ import annotations

from typing import Final

from deskterm.domain.vocab import STATUSES
from deskterm.errors import Conflict, InvalidInput

TRANSITIONS: Final[dict[str, tuple[str, ...]]] = {
    "new": ("open", "pending", "on_hold", "solved"),
    "open": ("pending", "on_hold", "solved"),
    "pending": ("open", "on_hold", "solved"),
    "on_hold": ("open", "pending", "solved"),
    "solved": ("open", "closed"),
    "closed": (),
}


def check_status(value: str) -> str:
    status = value.strip().lower()
    if status not in STATUSES:
        raise InvalidInput(f'unknown status "{value}"; allowed: {", ".join(STATUSES)}')
    return status


def check_transition(ticket_id: int, current: str, target: str) -> None:
    """Raise Conflict naming the allowed statuses if ``current -> target`` is not allowed."""
    if current == target:
        return
    if current == "closed":
        raise Conflict(
            f"ticket #{ticket_id} is closed and cannot be changed; "
            "open a new ticket that refers to it"
        )
    allowed = TRANSITIONS[current]
    if target not in allowed:
        raise Conflict(
            f"ticket #{ticket_id} cannot go from {current} to {target}; "
            f"allowed from {current}: {', '.join(allowed)}"
        )


def ensure_editable(ticket_id: int, status: str) -> None:
    if status == "closed":
        raise Conflict(
            f"ticket #{ticket_id} is closed and cannot be changed; "
            "open a new ticket that refers to it"
        )
