"""Time spent on a ticket: what an agent types (``15m``, ``1h30m``) and how it reads.

An entry is written with the reply, note or update it came with, by the one workflow
(``plan.Request.time_spent`` -> ``write.store``), so it shares their transaction, version and
audit (field ``time``, new value the duration as typed canonically: ``1h30m``). The grammar
is the SLA targets' (``sla.parse_duration``): whole minutes, ``90`` meaning 90 minutes.
Pure: the console checks what was typed with it before sending. The totals are read by
``read.time_totals``.
"""

from __future__ import annotations

from typing import Final

from deskterm.domain.sla import parse_duration
from deskterm.errors import InvalidInput

#: The longest single entry: longer work is logged as several entries (and a typo such as
#: ``1500`` for 15 minutes stays out of the totals).
MAX_TIME_SPENT: Final = 24 * 3600
HINT: Final = "use minutes or hours: 15m, 1h30m, 2h, or 90 for 90 minutes"


def parse_time_spent(text: str) -> int:
    """Seconds from what an agent typed (``15m``, ``1h30m``, ``2h``, ``90``); InvalidInput
    (field ``time``) for anything else, for nothing (``0m``) and for more than 24 hours."""
    minutes = parse_duration(text, what="time spent", hint=HINT)
    if minutes == 0:
        raise InvalidInput(f'time spent "{text}" is nothing; {HINT}', field="time")
    if minutes * 60 > MAX_TIME_SPENT:
        raise InvalidInput(
            f'time spent "{text}" is more than 24h; log longer work as several entries',
            field="time",
        )
    return minutes * 60


def time_text(seconds: int) -> str:
    """A duration in the grammar :func:`parse_time_spent` reads: ``45m``, ``2h``, ``1h30m``
    (seconds under a minute are dropped; ``0m`` for none)."""
    hours, minutes = divmod(seconds // 60, 60)
    if hours and minutes:
        return f"{hours}h{minutes}m"
    return f"{hours}h" if hours else f"{minutes}m"
