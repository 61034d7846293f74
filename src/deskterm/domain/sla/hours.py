"""Working hours and holiday dates as text: the forms the ``sla`` commands take and show.

``parse_hours("mon-fri 09:00-12:00,13:00-17:00; sat 10:00-14:00")`` gives the seven days'
intervals a :class:`~deskterm.domain.sla.calendar.Calendar` holds, ``format_hours`` writes
them back; ``parse_dates`` reads holiday dates, lists and ranges. ``docs/sla.md`` describes
the forms. Mistakes raise InvalidInput naming the option (``field``) and, for hours, the
position of the problem in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Final

from deskterm.errors import InvalidInput

#: Weekday names, Monday first (``date.weekday()`` order).
DAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES: Final = {
    **{name: i for i, name in enumerate(DAYS)},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}
MINUTES_PER_DAY: Final = 24 * 60

#: A working interval: minutes after local midnight, start inclusive, end exclusive (<= 1440).
Interval = tuple[int, int]
#: Working intervals for each weekday, Monday first.
WeekHours = tuple[tuple[Interval, ...], ...]

ALWAYS_HOURS: Final[WeekHours] = (((0, MINUTES_PER_DAY),),) * 7
#: The hours a calendar has when none are given: Monday to Friday, 09:00-17:00.
OFFICE_HOURS: Final[WeekHours] = (((9 * 60, 17 * 60),),) * 5 + ((),) * 2

_ONE_DAY: Final = timedelta(days=1)


_WORD = re.compile(r"[^\s;=]+")
_RANGE = re.compile(r"^(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?$")


def parse_hours(text: str) -> WeekHours:
    """Working hours from their text form. Raises InvalidInput (``field="hours"``) with the
    position of the problem in ``text``.

    ``24x7``, or groups of days and intervals one after another: ``mon-fri
    09:00-12:00,13:00-17:00; sat 10:00-14:00`` (``;``, spaces or ``=`` between the parts;
    days as ``mon``, ``mon-fri``, ``fri-mon``, ``mon,wed``; times ``9``, ``09:00``, ``24:00``).
    Each day may be named once; days not named have no business time.
    """
    if text.strip().lower() in ("24x7", "24/7"):
        return ALWAYS_HOURS
    week: list[tuple[Interval, ...] | None] = [None] * 7
    words = list(_WORD.finditer(text))
    if not words:
        raise InvalidInput("no working hours given", field="hours", text=text, position=0)
    if len(words) % 2:
        last = words[-1]
        raise InvalidInput(
            f"{last.group()!r} needs its hours (like 'mon-fri 09:00-17:00')",
            field="hours",
            text=text,
            position=last.start(),
        )
    for days_word, ranges_word in zip(words[::2], words[1::2], strict=True):
        spans = parse_ranges(ranges_word.group(), ranges_word.start(), text)
        for index in _parse_days(days_word.group(), days_word.start(), text):
            if week[index] is not None:
                raise InvalidInput(
                    f"{DAYS[index]} is given twice",
                    field="hours",
                    text=text,
                    position=days_word.start(),
                )
            week[index] = spans
    result = tuple(spans or () for spans in week)
    check_hours(result, text)
    return result


def format_hours(hours: WeekHours) -> str:
    """The text form :func:`parse_hours` reads back: ``24x7`` or ``mon-fri 09:00-17:00 sat
    10:00-14:00`` (days with the same hours together, in order of their first day)."""
    if hours == ALWAYS_HOURS:
        return "24x7"
    groups: dict[tuple[Interval, ...], list[int]] = {}
    for index, spans in enumerate(hours):
        if spans:
            groups.setdefault(spans, []).append(index)
    parts = []
    for spans, days in groups.items():
        parts.append(f"{_days_text(days)} {','.join(span_text(span) for span in spans)}")
    return " ".join(parts)


def _days_text(days: list[int]) -> str:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        DAYS[run[0]] if len(run) == 1 else f"{DAYS[run[0]]}-{DAYS[run[-1]]}" for run in runs
    )


def span_text(span: Interval) -> str:
    return f"{_clock(span[0])}-{_clock(span[1])}"


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def is_day_word(word: str) -> bool:
    try:
        _parse_days(word, 0, word)
    except InvalidInput:
        return word.lower() in ("24x7", "24/7")
    return True


def _parse_days(word: str, offset: int, text: str) -> list[int]:
    found: list[int] = []
    for part in word.lower().split(","):
        first, sep, last = part.partition("-")
        if first not in DAY_NAMES or (sep and last not in DAY_NAMES):
            raise InvalidInput(
                f"{word!r} is not a day or days (like mon, mon-fri, sat,sun)",
                field="hours",
                text=text,
                position=offset,
            )
        start = DAY_NAMES[first]
        end = DAY_NAMES[last] if sep else start
        found.append(start)
        day = start
        while day != end:
            day = (day + 1) % 7
            found.append(day)
    return found


def parse_ranges(word: str, offset: int, text: str) -> tuple[Interval, ...]:
    spans: list[Interval] = []
    for part in word.split(","):
        match = _RANGE.match(part)
        if match is None:
            raise InvalidInput(
                f"{part!r} is not a time range (like 09:00-17:00)",
                field="hours",
                text=text,
                position=offset,
            )
        start = _minute(match.group(1), match.group(2), part, offset, text)
        end = _minute(match.group(3), match.group(4), part, offset, text)
        if end <= start:
            raise InvalidInput(
                f"{part!r} ends before it starts (a range may not pass midnight; end at 24:00)",
                field="hours",
                text=text,
                position=offset,
            )
        spans.append((start, end))
    spans.sort()
    merged: list[Interval] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            raise InvalidInput(
                f"{word!r} has overlapping ranges", field="hours", text=text, position=offset
            )
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def _minute(hour: str, minute: str | None, part: str, offset: int, text: str) -> int:
    h, m = int(hour), int(minute or 0)
    if m >= 60 or h > 24 or (h == 24 and m):
        raise InvalidInput(
            f"{part!r} has a time that is not on the clock (00:00 to 24:00)",
            field="hours",
            text=text,
            position=offset,
        )
    return h * 60 + m


def merge_hours(weeks: Iterable[WeekHours]) -> WeekHours:
    days: list[tuple[Interval, ...] | None] = [None] * 7
    for week in weeks:
        for index, spans in enumerate(week):
            if not spans:
                continue
            if days[index] is not None:
                raise InvalidInput(f"{DAYS[index]} is given twice", field="hours")
            days[index] = spans
    return tuple(spans or () for spans in days)


def check_hours(hours: WeekHours, text: str | None = None) -> None:
    if len(hours) != 7:
        raise InvalidInput("working hours need seven days, Monday first", field="hours")
    for spans in hours:
        previous = 0
        for start, end in spans:
            if not (previous <= start < end <= MINUTES_PER_DAY):
                raise InvalidInput(
                    "working intervals must be sorted, apart, and within 00:00-24:00",
                    field="hours",
                )
            previous = end
    if not any(hours):
        raise InvalidInput("a calendar needs some working hours", field="hours", text=text)


# ---------------------------------------------------------------------- dates and countries


def parse_dates(items: Iterable[str]) -> list[date]:
    days: list[date] = []
    for item in items:
        for part in str(item).split(","):
            part = part.strip()
            if not part:
                continue
            first, sep, last = part.partition("..")
            start = _date(first, part)
            end = _date(last, part) if sep else start
            if end < start:
                raise InvalidInput(f"holiday range {part!r} ends before it starts", field="holiday")
            while start <= end:
                days.append(start)
                start += _ONE_DAY
    return days


def _date(text: str, part: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{part!r} is not a date or range (like 2026-12-24 or 2026-12-24..2026-12-26)",
            field="holiday",
        ) from None


def split_country(text: str) -> tuple[str, str | None]:
    code, _, sub = text.strip().partition("-")
    return code.upper(), (sub or None)
