"""How a time left reads in SLA countdowns."""

from __future__ import annotations

import math


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
