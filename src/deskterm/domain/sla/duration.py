"""Durations as people type them (``1h30m``) and as SLA countdowns show them (``2h 15m``).

One grammar for every duration a person types, SLA targets and time spent alike:
:func:`parse_duration`.
"""

from __future__ import annotations

import math
import re
from typing import Final

from deskterm.errors import InvalidInput

_DURATION: Final = re.compile(r"^(?:(\d+)h)?\s*(?:(\d+)m)?$")
#: What the SLA targets' mistakes say by default.
BUSINESS_HINT: Final = "use minutes or hours of business time: 45m, 8h, 1h30m"


def parse_duration(text: str, *, what: str = "duration", hint: str = BUSINESS_HINT) -> int:
    """Whole minutes from ``90`` (a bare number is minutes), ``90m``, ``2h``, ``1h30m`` or
    ``1h 30m``; upper case too. Anything else (``1d``, ``1.5h``, ``-15m``, ``15 min``) is
    InvalidInput naming ``what`` and saying ``hint``."""
    raw = text.strip().lower()
    if raw.isdigit():
        return int(raw)
    match = _DURATION.match(raw)
    if not raw or match is None or not any(match.groups()):
        raise InvalidInput(f'invalid {what} "{text}"; {hint}')
    hours, minutes = (int(g) if g else 0 for g in match.groups())
    return hours * 60 + minutes


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
