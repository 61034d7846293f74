"""Time values of the query language (see :mod:`deskterm.domain.query.language` for the semantics).

:func:`parse_time` turns one raw value into a :class:`TimeSpan` of aware UTC datetimes:

* relative ``30m``, ``4h``, ``7d``, ``2w`` -> a point (``start == end``) that far before
  ``now`` (or after it when ``future`` is true, as for ``due``);
* ``2026-11-01`` -> that day, midnight to midnight in ``tz`` (None = the local zone);
* ``2026-11-01T08:30`` / ``...T08:30:15`` -> that minute / second, in ``tz`` unless the value
  ends in ``Z`` or an offset (``+02:00``, ``-0500``). A space may replace the ``T``.

Stdlib only; any failure is a :class:`TimeValueError` whose message completes the sentence
'time "x" for created ...'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

__all__ = ["TIME_FORMS", "TimeSpan", "TimeValueError", "parse_time"]

TIME_FORMS = (
    "a date (2026-11-01), a date-time (2026-11-01T08:30) or a relative time (30m, 4h, 7d, 2w)"
)

_RELATIVE = re.compile(r"([0-9]+)([mhdw])", re.ASCII)
_ABSOLUTE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2}))?)?",
    re.ASCII,
)
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class TimeValueError(ValueError):
    """A time value that is malformed or out of range."""


@dataclass(frozen=True)
class TimeSpan:
    """``[start, end)`` in UTC; a relative value is a point, ``start == end``."""

    start: datetime
    end: datetime
    relative: bool


def parse_time(raw: str, *, now: datetime, tz: tzinfo | None, future: bool = False) -> TimeSpan:
    """Parse one time value; ``now`` must be aware."""
    try:
        rel = _RELATIVE.fullmatch(raw)
        if rel is not None:
            if len(rel.group(1)) > 12:  # keeps int() cheap; far beyond any datetime anyway
                raise OverflowError
            delta = timedelta(seconds=int(rel.group(1)) * _UNIT_SECONDS[rel.group(2)])
            point = (now + delta if future else now - delta).astimezone(UTC)
            return TimeSpan(point, point, relative=True)
        return _absolute(raw, tz)
    except TimeValueError:
        raise
    except (OverflowError, OSError, ValueError) as exc:
        raise TimeValueError("is out of range") from exc


def _absolute(raw: str, tz: tzinfo | None) -> TimeSpan:
    m = _ABSOLUTE.fullmatch(raw)
    if m is None:
        raise TimeValueError(f"is not a time; use {TIME_FORMS}")
    year, month, day, hour, minute, second, zulu, sign, off_h, off_m = m.groups()
    try:
        if hour is None:
            first = date(int(year), int(month), int(day))
            start = _localize(datetime(first.year, first.month, first.day), tz)
            after = first + timedelta(days=1)
            return TimeSpan(
                start, _localize(datetime(after.year, after.month, after.day), tz), False
            )
        wall = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError as exc:
        raise TimeValueError("is not a real date or time") from exc
    step = timedelta(seconds=1) if second is not None else timedelta(minutes=1)
    if zulu is not None:
        zone: tzinfo | None = UTC
    elif sign is not None:
        if int(off_h) > 23 or int(off_m) > 59:
            raise TimeValueError("has an impossible UTC offset")
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        zone = timezone(-offset if sign == "-" else offset)
    else:
        zone = tz
    return TimeSpan(_localize(wall, zone), _localize(wall + step, zone), False)


def _localize(wall: datetime, zone: tzinfo | None) -> datetime:
    """A naive wall-clock time read in ``zone`` (None = the local zone), as aware UTC."""
    if zone is None:
        return wall.astimezone(UTC)  # a naive datetime is taken as local time
    return wall.replace(tzinfo=zone).astimezone(UTC)
