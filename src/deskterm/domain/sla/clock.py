"""SLA state of a ticket. Policies and business hours arrive with the SLA issue; until a
ticket has due times its state is ``none``. All SLA arithmetic lives in this module."""

from __future__ import annotations

import math
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


def human_duration(seconds: float) -> str:
    """A short duration for SLA countdowns: ``3d 4h``, ``2h 15m``, ``45m``, ``30s``.

    The two largest units from days, hours and minutes (a zero second unit is left out:
    ``2h``), truncated toward zero; seconds only under a minute. Negative (overdue) values
    get a leading ``-``: ``-1h 10m``.
    """
    if not math.isfinite(seconds):
        raise ValueError("a duration must be a finite number of seconds")
    total = int(abs(seconds))
    sign = "-" if seconds < 0 and total > 0 else ""
    if total < 60:
        return f"{sign}{total}s"
    days, rest = divmod(total // 60, 24 * 60)
    hours, minutes = divmod(rest, 60)
    units = [(days, "d"), (hours, "h"), (minutes, "m")]
    first = next(i for i, (amount, _) in enumerate(units) if amount)
    shown = [f"{amount}{unit}" for amount, unit in units[first : first + 2] if amount]
    return sign + " ".join(shown)
