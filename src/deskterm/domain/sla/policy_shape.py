"""What a policy's targets and calendar are, as stored, and as a person types them.

Pure (no database): the stored form is checked here whether it comes from the command
line, an import file or a script, so a policy in the database is always one the SLA engine
can use. The stored forms (JSON in ``sla_policies.targets`` and ``.calendar``, documented in
docs/sla.md "How a policy is stored"):

``targets``: every priority, each with every clock, in business minutes or null (no clock)::

    {"low": {"first_response": 480, "next_response": null, "resolution": 2400},
     "normal": {...}, "high": {...}, "urgent": {...}}

``calendar``: an IANA zone, the working intervals of each weekday (all seven keys, ``[]``
for a day off; ``"HH:MM"``, start before end, ``"24:00"`` ends a day, sorted, not
overlapping), holidays as ISO dates (sorted, once each), and optionally a country whose
public holidays count too (ISO 3166 code, subdivision or null)::

    {"zone": "Europe/Berlin",
     "hours": {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], ..., "sun": []},
     "holidays": ["2026-12-24"], "country": "DE", "subdivision": "BY"}
"""

from __future__ import annotations

import importlib
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from deskterm.domain.sla.duration import parse_duration
from deskterm.domain.sla.hours import WeekHours, format_hours, merge_hours, parse_dates, span_text
from deskterm.domain.sla.hours import parse_hours as read_hours
from deskterm.domain.vocab import PRIORITIES, STATUSES
from deskterm.errors import InvalidInput

CLOCKS: Final = ("first_response", "next_response", "resolution")
#: What the command line accepts for each clock.
CLOCK_NAMES: Final = {
    "first": "first_response",
    "first_response": "first_response",
    "next": "next_response",
    "next_response": "next_response",
    "resolve": "resolution",
    "resolution": "resolution",
}
DAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: The statuses that may pause a policy's clocks: waiting on the requester or a third party.
PAUSABLE: Final = ("pending", "on_hold")
DEFAULT_PAUSE: Final = ("pending",)
DEFAULT_WARNING: Final = 80
DEFAULT_ZONE: Final = "UTC"
#: The longest target: a year of minutes (longer is a typo).
MAX_MINUTES: Final = 525_600
MAX_HOLIDAYS: Final = 1000
MAX_NAME: Final = 100
MAX_DESCRIPTION: Final = 2000

Targets = dict[str, dict[str, int | None]]
Calendar = dict[str, Any]
#: A change to targets: priority -> (clock -> minutes, or None to drop that clock), or None
#: to drop every clock of that priority.
TargetChanges = Mapping[str, Mapping[str, int | None] | None]

_TIME: Final = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")
_COUNTRY: Final = re.compile(r"^([A-Za-z]{2})(?:[-/]([A-Za-z0-9]{1,3}))?$")


# ------------------------------------------------------------------------------ targets


def empty_targets() -> Targets:
    return {p: dict.fromkeys(CLOCKS) for p in PRIORITIES}


def merge_targets(
    current: Mapping[str, Mapping[str, int | None]], changes: TargetChanges
) -> Targets:
    """``current`` with ``changes`` applied (see :data:`TargetChanges`), checked."""
    merged = check_targets(current) if current else empty_targets()
    for priority, clocks in changes.items():
        p = _priority(priority)
        if clocks is None:
            merged[p] = dict.fromkeys(CLOCKS)
            continue
        for clock, minutes in clocks.items():
            merged[p][_clock(clock)] = None if minutes is None else _minutes(minutes, p, clock)
    return merged


def check_targets(value: Any) -> Targets:
    """The stored form of targets (see the module), from any mapping of that shape."""
    if not isinstance(value, Mapping):
        raise InvalidInput("targets must be an object of priorities")
    unknown = sorted(set(value) - set(PRIORITIES))
    if unknown:
        raise InvalidInput(f'unknown priority "{unknown[0]}"; allowed: {", ".join(PRIORITIES)}')
    targets = empty_targets()
    for priority, clocks in value.items():
        if clocks is None:
            continue
        if not isinstance(clocks, Mapping):
            raise InvalidInput(f"targets of {priority} must be an object of clocks")
        for clock, minutes in clocks.items():
            if clock not in CLOCKS:
                raise InvalidInput(f'unknown clock "{clock}"; allowed: {", ".join(CLOCKS)}')
            if minutes is not None:
                targets[priority][clock] = _minutes(minutes, priority, clock)
    return targets


def has_target(targets: Targets) -> bool:
    return any(m is not None for clocks in targets.values() for m in clocks.values())


def _minutes(value: Any, priority: str, clock: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_MINUTES:
        raise InvalidInput(
            f"the {priority} {clock} target must be a whole number of minutes from 1 to "
            f"{MAX_MINUTES}, not {json.dumps(value)}"
        )
    return value


def _priority(value: str) -> str:
    name = value.strip().lower()
    if name not in PRIORITIES:
        raise InvalidInput(f'unknown priority "{value}"; allowed: {", ".join(PRIORITIES)}')
    return name


def _clock(value: str) -> str:
    name = CLOCK_NAMES.get(value.strip().lower())
    if name is None:
        raise InvalidInput(
            f'unknown clock "{value}"; allowed: first (first_response), next (next_response), '
            "resolve (resolution)"
        )
    return name


def parse_target(text: str) -> dict[str, dict[str, int | None] | None]:
    """``urgent=first:30m,next:2h,resolve:4h`` (one priority); ``high=none`` drops every
    clock of a priority and ``high=next:none`` one clock."""
    priority, sep, rest = text.partition("=")
    if not sep or not rest.strip():
        raise InvalidInput(
            f'invalid target "{text}"; expected PRIORITY=CLOCK:DURATION,..., '
            "e.g. urgent=first:30m,next:2h,resolve:4h"
        )
    p = _priority(priority)
    if rest.strip().lower() == "none":
        return {p: None}
    clocks: dict[str, int | None] = {}
    for part in rest.split(","):
        clock, colon, amount = part.partition(":")
        if not colon:
            raise InvalidInput(
                f'invalid target "{part.strip()}" in "{text}"; expected CLOCK:DURATION, '
                "e.g. first:30m"
            )
        name = _clock(clock)
        minutes = None if amount.strip().lower() == "none" else parse_duration(amount)
        clocks[name] = None if minutes is None else _minutes(minutes, p, name)
    return {p: clocks}


def parse_targets(texts: Iterable[str]) -> dict[str, dict[str, int | None] | None]:
    changes: dict[str, dict[str, int | None] | None] = {}
    for text in texts:
        for priority, clocks in parse_target(text).items():
            before = changes.get(priority)
            changes[priority] = None if clocks is None else {**(before or {}), **clocks}
    return changes


# ----------------------------------------------------------------------------- calendar


def default_calendar() -> Calendar:
    return check_calendar({"zone": DEFAULT_ZONE, "hours": always()})


def always() -> dict[str, list[list[str]]]:
    """Every hour of every day (``24x7``)."""
    return {day: [["00:00", "24:00"]] for day in DAYS}


def check_calendar(value: Any) -> Calendar:
    """The stored form of a calendar (see the module), from any mapping of that shape."""
    if not isinstance(value, Mapping):
        raise InvalidInput("a calendar must be an object with a zone and hours")
    unknown = sorted(set(value) - {"zone", "hours", "holidays", "country", "subdivision"})
    if unknown:
        raise InvalidInput(
            f'unknown calendar field "{unknown[0]}"; allowed: zone, hours, holidays, '
            "country, subdivision"
        )
    country, subdivision = check_country(value.get("country"), value.get("subdivision"))
    hours = check_hours(value.get("hours"))
    return {
        "zone": check_zone(value.get("zone")),
        "hours": hours,
        "holidays": check_holidays(value.get("holidays") or []),
        "country": country,
        "subdivision": subdivision,
    }


def check_zone(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("a calendar needs a time zone, such as Europe/Berlin or UTC")
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        near = sorted(z for z in available_timezones() if z.lower() == name.lower())
        hint = f" (did you mean {near[0]}?)" if near else "; use an IANA name such as Europe/Berlin"
        raise InvalidInput(f'unknown time zone "{name}"{hint}') from None
    return name


def check_hours(value: Any) -> dict[str, list[list[str]]]:
    if not isinstance(value, Mapping):
        raise InvalidInput("hours must be an object of weekdays (mon..sun) to intervals")
    unknown = sorted(set(value) - set(DAYS))
    if unknown:
        raise InvalidInput(f'unknown weekday "{unknown[0]}"; allowed: {", ".join(DAYS)}')
    hours: dict[str, list[list[str]]] = {}
    for day in DAYS:
        intervals = value.get(day) or []
        if not isinstance(intervals, list):
            raise InvalidInput(f"hours of {day} must be a list of [start, end] pairs")
        hours[day] = _intervals(day, intervals)
    if not any(hours.values()):
        raise InvalidInput("a calendar needs working hours on at least one day")
    return hours


def _intervals(day: str, intervals: list[Any]) -> list[list[str]]:
    clean: list[list[str]] = []
    for pair in intervals:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise InvalidInput(f"hours of {day}: each interval is [start, end]")
        start, end = (_time(day, t) for t in pair)
        if start >= end:
            raise InvalidInput(f"hours of {day}: {start}-{end} ends before it starts")
        clean.append([start, end])
    clean.sort()
    for before, after in itertools.pairwise(clean):
        if after[0] < before[1]:
            raise InvalidInput(
                f"hours of {day}: {before[0]}-{before[1]} and {after[0]}-{after[1]} overlap"
            )
    return clean


def _time(day: str, value: Any) -> str:
    if not isinstance(value, str) or not _TIME.match(value.strip()):
        raise InvalidInput(
            f"hours of {day}: {json.dumps(value)} is not a time; use HH:MM from 00:00 to 24:00"
        )
    return value.strip()


def check_holidays(value: Any) -> list[str]:
    """Holiday dates as stored (ISO, sorted, once each) from dates, comma lists and ranges
    (``2026-12-24..2026-12-26``), read as the engine reads them (``hours.parse_dates``)."""
    if not isinstance(value, list | tuple):
        raise InvalidInput("holidays must be a list of dates (YYYY-MM-DD)")
    days = {day.isoformat() for day in parse_dates(str(item) for item in value)}
    if len(days) > MAX_HOLIDAYS:
        raise InvalidInput(f"at most {MAX_HOLIDAYS} holidays per calendar, not {len(days)}")
    return sorted(days)


def check_country(country: Any, subdivision: Any = None) -> tuple[str | None, str | None]:
    """An ISO 3166 country code (``DE``) and subdivision (``BY``), or (None, None).

    When the ``holidays`` package is installed, the country (and subdivision) must be one
    it knows; without it only the form is checked.
    """
    if country is None or country == "":
        if subdivision not in (None, ""):
            raise InvalidInput("a subdivision needs a country")
        return None, None
    text = f"{country}-{subdivision}" if subdivision else str(country)
    match = _COUNTRY.match(text.strip())
    if match is None:
        raise InvalidInput(
            f'invalid country "{text}"; use an ISO 3166 code, optionally with a '
            "subdivision: DE, DE-BY, US-CA"
        )
    code = match.group(1).upper()
    sub = match.group(2).upper() if match.group(2) else None
    _known_country(code, sub)
    return code, sub


def _known_country(code: str, sub: str | None) -> None:
    try:
        holidays: Any = importlib.import_module("holidays")
    except ImportError:  # the SLA engine's dependency; without it the form is what we check
        return
    supported: Mapping[str, Sequence[str]] = holidays.list_supported_countries()
    if code not in supported:
        raise InvalidInput(f'no public holidays are known for country "{code}"')
    if sub is not None and sub not in supported[code]:
        shown = ", ".join(list(supported[code])[:30]) or "none"
        raise InvalidInput(f'unknown subdivision "{sub}" of {code}; known: {shown}')


def parse_country(text: str) -> tuple[str | None, str | None]:
    """``DE``, ``DE-BY`` (or ``DE/BY``); ``none`` for no country."""
    if text.strip().lower() in ("", "none"):
        return None, None
    return check_country(text)


def parse_hours(texts: Iterable[str]) -> dict[str, list[list[str]]]:
    """Working hours in the stored form from the ``--hours`` texts the SLA engine reads
    (``hours.parse_hours``: ``mon-fri 09:00-17:00``, ``mon=09:00-12:00,13:00-17:00``,
    ``24x7``); several texts name different days (a day given twice is an error)."""
    week = merge_hours(read_hours(text) for text in texts)
    return check_hours(stored_hours(week))


def stored_hours(week: WeekHours) -> dict[str, list[list[str]]]:
    """The engine's seven days of intervals as the stored ``hours`` object."""
    return {DAYS[i]: [span_text(span).split("-") for span in spans] for i, spans in enumerate(week)}


def week_hours(hours: Mapping[str, Sequence[Sequence[str]]]) -> WeekHours:
    """The stored ``hours`` object as the engine's seven days of intervals."""
    text = " ".join(
        f"{day} {','.join(f'{s}-{e}' for s, e in hours[day])}" for day in DAYS if hours.get(day)
    )
    return read_hours(text)


def describe_hours(hours: Mapping[str, Sequence[Sequence[str]]]) -> str:
    """Short text for a table, as the engine writes it: ``24x7``, ``mon-fri 09:00-17:00``."""
    return format_hours(week_hours(hours))


# ------------------------------------------------------------------------------- pause


def check_pause(values: Iterable[str]) -> tuple[str, ...]:
    """The statuses that pause the clocks, in workflow order: some of pending, on_hold."""
    chosen: set[str] = set()
    for value in values:
        for part in value.split(","):
            name = part.strip().lower().replace("-", "_")
            if not name or name == "none":
                continue
            if name not in PAUSABLE:
                what = "cannot pause SLA clocks" if name in STATUSES else "is not a status"
                raise InvalidInput(
                    f'"{part.strip()}" {what}; pausing statuses: {", ".join(PAUSABLE)} or none'
                )
            chosen.add(name)
    return tuple(s for s in PAUSABLE if s in chosen)


def check_warning(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 99:
        raise InvalidInput(
            f"the warning threshold is a whole percentage of the target from 1 to 99, not "
            f"{json.dumps(value)}"
        )
    return value


def check_name(value: str) -> str:
    text = " ".join(value.split())
    if not text or len(text) > MAX_NAME:
        raise InvalidInput(f"a policy name is 1 to {MAX_NAME} characters")
    return text


def check_description(value: str) -> str:
    text = value.strip()
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput(f"a description is at most {MAX_DESCRIPTION} characters")
    return text
