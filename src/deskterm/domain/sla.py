"""SLA state of a ticket. Policies and business hours arrive with the SLA issue; until a
ticket has due times its state is ``none``. All SLA arithmetic lives in this module."""

from __future__ import annotations

from datetime import datetime, timedelta

#: Within this share of the time left before a due time, the state is ``warning``.
WARNING_WINDOW = timedelta(hours=1)


def sla_state(
    *,
    status: str,
    first_responded_at: datetime | None,
    first_response_due: datetime | None,
    resolution_due: datetime | None,
    now: datetime,
) -> str:
    """One of none, ok, warning, breached, paused, met (see ``vocab.SLA_STATES``)."""
    if first_response_due is None and resolution_due is None:
        return "none"
    if status in ("solved", "closed"):
        return "met"
    if status == "pending":
        return "paused"
    next_due = resolution_due
    if first_responded_at is None and first_response_due is not None:
        next_due = first_response_due
    if next_due is None:
        return "ok"
    if next_due <= now:
        return "breached"
    if next_due - now <= WARNING_WINDOW:
        return "warning"
    return "ok"
