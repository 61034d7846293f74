"""Business time: when a policy's clocks run, and the arithmetic on it.

A :class:`Calendar` is a time zone, working intervals per weekday (wall-clock times, several a
day), holidays as dates and optionally a country's public holidays (the ``holidays`` package,
imported only when such a calendar first needs a date). ``add(start, seconds)`` is the instant
a number of business seconds after ``start``; ``between(start, end)`` the business seconds from
one instant to another. Both take and give aware datetimes and return UTC.

Business time is real elapsed time inside working intervals: on the days Europe/Berlin changes
its clocks a 09:00-17:00 day is 8 business hours, and a 00:00-24:00 day 23 or 25. Time is
counted in whole microseconds, so ``between(a, add(a, s)) == s`` holds exactly for whole
seconds. Days are worked one at a time from a cache of each day's intervals (never minute by
minute): adding 10,000 business hours walks about 1,800 days, about 10 ms the first time and
under a millisecond once the days are cached.

The short text form (``Europe/Berlin mon-fri 09:00-12:00,13:00-17:00 country=DE-BY
holidays=2026-12-24``), the JSON form (:meth:`Calendar.to_dict`) and the pieces the ``sla``
commands take (:meth:`Calendar.from_options`) are described in ``docs/sla.md``; the hours
and dates are read and written by ``hours.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deskterm.domain.sla.hours import (
    ALWAYS_HOURS,
    DAY_NAMES,
    DAYS,
    MINUTES_PER_DAY,
    OFFICE_HOURS,
    Interval,
    WeekHours,
    check_hours,
    format_hours,
    is_day_word,
    merge_hours,
    parse_dates,
    parse_hours,
    parse_ranges,
    span_text,
    split_country,
)
from deskterm.errors import InvalidInput

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_US: Final = timedelta(microseconds=1)
_ONE_DAY: Final = timedelta(days=1)
#: add() gives up after this many days in a row without business time (holidays everywhere).
_MAX_IDLE_DAYS: Final = 3700
#: Calendars whose days are cached (equal calendars share one cache), and days per calendar.
_MAX_CACHED_CALENDARS: Final = 256
_MAX_CACHED_DAYS: Final = 40_000

#: One day of a calendar: its business microseconds and its intervals as flat
#: (start, end, start, end...) microseconds since the epoch.
_Day = tuple[int, tuple[int, ...]]
_CACHES: dict[tuple[object, ...], dict[int, _Day]] = {}
_COUNTRIES: dict[tuple[str, str | None], Any] = {}
_COUNTRY_LOCK = threading.Lock()


def _to_us(moment: datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"business time needs an aware datetime, not {moment!r}")
    return (moment - _EPOCH) // _US


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


@dataclass(frozen=True)
class Calendar:
    """When business time runs. Equal calendars compare and hash equal and share a cache.

    ``hours`` holds seven tuples (Monday first) of ``(start, end)`` minutes after local
    midnight, sorted and apart; ``end`` may be 1440 (24:00). Raises InvalidInput (``field``
    ``zone`` or ``hours``) for an unknown zone or a week without working time. The country is
    checked by :meth:`from_options`, :meth:`parse` and :meth:`checked`, not here, so that
    building a calendar from stored data never imports the holiday tables.
    """

    zone: str = "UTC"
    hours: WeekHours = OFFICE_HOURS
    holidays: frozenset[date] = frozenset()
    #: ISO 3166 country code whose public holidays are added (``holidays`` package).
    country: str | None = None
    subdivision: str | None = None
    _tz: ZoneInfo = field(init=False, repr=False, compare=False, hash=False)
    _days: dict[int, _Day] = field(init=False, repr=False, compare=False, hash=False)
    _always: bool = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_tz", _zone(self.zone))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        check_hours(self.hours)
        if self.subdivision is not None and self.country is None:
            raise InvalidInput("a subdivision needs a country", field="country")
        key = (self.zone, self.hours, self.holidays, self.country, self.subdivision)
        days = _CACHES.get(key)
        if days is None:
            if len(_CACHES) >= _MAX_CACHED_CALENDARS:
                _CACHES.clear()
            days = _CACHES.setdefault(key, {})
        object.__setattr__(self, "_days", days)
        always = self.hours == ALWAYS_HOURS and not self.holidays and self.country is None
        object.__setattr__(self, "_always", always)

    # ------------------------------------------------------------------ constructors

    @classmethod
    def always(cls, zone: str = "UTC") -> Calendar:
        """The 24x7 calendar: business time is elapsed time."""
        return cls(zone=zone, hours=ALWAYS_HOURS)

    @classmethod
    def from_options(
        cls,
        *,
        zone: str | None = None,
        hours: Sequence[str] = (),
        holidays: Sequence[str] = (),
        country: str | None = None,
    ) -> Calendar:
        """A calendar from the ``sla add``/``sla edit`` options, checked.

        ``hours``: each item ``DAYS HOURS`` (``mon-fri 09:00-12:00,13:00-17:00``) or ``24x7``;
        a day may be named once. ``holidays``: dates ``YYYY-MM-DD``, lists ``a,b`` and ranges
        ``a..b``. ``country``: ``DE`` or ``DE-BY``. Defaults: UTC, Monday to Friday
        09:00-17:00, no holidays. Raises InvalidInput naming the option (``field``).
        """
        week = merge_hours([parse_hours(text) for text in hours]) if hours else OFFICE_HOURS
        code, sub = split_country(country) if country else (None, None)
        if code is not None and sub is not None:
            sub = _canonical_subdivision(code, sub)
        calendar = cls(
            zone=zone or "UTC",
            hours=week,
            holidays=frozenset(parse_dates(holidays)),
            country=code,
            subdivision=sub,
        )
        return calendar.checked()

    @classmethod
    def parse(cls, text: str) -> Calendar:
        """A calendar from its one-line text form (see :attr:`text`), checked.

        ``[ZONE] [HOURS] [country=CC[-SUB]] [holidays=DATES]``: the zone is the first word when
        it is not a day; HOURS is as for ``--hours`` (groups one after another, ``;`` or
        spaces between them); missing hours are Monday to Friday 09:00-17:00.
        """
        words = text.split()
        zone: str | None = None
        if words and "=" not in words[0] and not is_day_word(words[0]):
            zone = words.pop(0)
        hours: list[str] = []
        holidays: list[str] = []
        country: str | None = None
        for word in words:
            key, sep, value = word.partition("=")
            if sep and key.lower() in ("holidays", "holiday"):
                holidays.append(value)
            elif sep and key.lower() == "country":
                country = value
            else:
                hours.append(word)
        return cls.from_options(
            zone=zone,
            hours=[" ".join(hours)] if hours else (),
            holidays=holidays,
            country=country,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Calendar:
        """A calendar from :meth:`to_dict`'s form (as stored with a policy). Not checked
        against the holiday tables (see :meth:`checked`). Raises InvalidInput."""
        unknown = set(data) - {"zone", "hours", "holidays", "country", "subdivision"}
        if unknown:
            raise InvalidInput(f"unknown calendar key {sorted(unknown)[0]!r}", field="calendar")
        raw = data.get("hours")
        week: WeekHours
        if raw is None:
            week = OFFICE_HOURS
        elif isinstance(raw, str):
            week = parse_hours(raw)
        elif isinstance(raw, Mapping):
            days: list[tuple[Interval, ...]] = [()] * 7
            for name, spans in raw.items():
                index = DAY_NAMES.get(str(name).lower())
                if index is None:
                    raise InvalidInput(f"unknown day {name!r}", field="hours")
                # A text, a list of "HH:MM-HH:MM", or the stored [start, end] pairs.
                text = (
                    spans
                    if isinstance(spans, str)
                    else ",".join(s if isinstance(s, str) else "-".join(s) for s in spans)
                )
                days[index] = parse_ranges(text, 0, str(text)) if text else ()
            week = tuple(days)
        else:
            raise InvalidInput("calendar hours must be a text or a mapping of days", field="hours")
        return cls(
            zone=str(data.get("zone") or "UTC"),
            hours=week,
            holidays=frozenset(parse_dates(data.get("holidays") or ())),
            country=data.get("country") or None,
            subdivision=data.get("subdivision") or None,
        )

    def checked(self) -> Calendar:
        """This calendar, after checking that the holiday tables know its country and
        subdivision (imports ``holidays``). Raises InvalidInput (``field="country"``)."""
        if self.country is not None:
            _country_holidays(self.country, self.subdivision)
        return self

    # ------------------------------------------------------------------ forms

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"zone", "hours": {"mon": ["09:00-17:00"], ...}, "holidays":
        ["2026-12-24"], "country", "subdivision"}``; days without hours are left out."""
        return {
            "zone": self.zone,
            "hours": {
                DAYS[i]: [span_text(span) for span in spans]
                for i, spans in enumerate(self.hours)
                if spans
            },
            "holidays": [day.isoformat() for day in sorted(self.holidays)],
            "country": self.country,
            "subdivision": self.subdivision,
        }

    @property
    def text(self) -> str:
        """The one-line form :meth:`parse` reads back: ``Europe/Berlin mon-fri 09:00-17:00
        country=DE-BY holidays=2026-12-24,2026-12-31``."""
        words = [self.zone, format_hours(self.hours)]
        if self.country is not None:
            sub = f"-{self.subdivision}" if self.subdivision else ""
            words.append(f"country={self.country}{sub}")
        if self.holidays:
            words.append("holidays=" + ",".join(d.isoformat() for d in sorted(self.holidays)))
        return " ".join(words)

    # ------------------------------------------------------------------ arithmetic

    def add(self, start: datetime, seconds: float) -> datetime:
        """The earliest instant (UTC) at which ``seconds`` business seconds have passed since
        ``start``. A start outside business hours counts from the next opening; ``seconds``
        0 gives ``start``. Raises ValueError for negative seconds or a naive datetime."""
        if seconds < 0:
            raise ValueError(f"cannot add negative business time ({seconds})")
        t = _to_us(start)
        rest = round(seconds * 1_000_000)
        if rest == 0 or self._always:
            return _from_us(t + rest)
        return _from_us(self._add_us(t, self._ordinal(start), rest))

    def between(self, start: datetime, end: datetime) -> float:
        """Business seconds from ``start`` to ``end``; negative when ``end`` is earlier."""
        t0, t1 = _to_us(start), _to_us(end)
        if t1 < t0:
            return -self.between(end, start)
        if self._always:
            return (t1 - t0) / 1_000_000
        return self._between_us(t0, self._ordinal(start), t1, self._ordinal(end)) / 1_000_000

    def next_open(self, at: datetime) -> datetime:
        """``at`` if business time runs then, else the next opening (UTC)."""
        t = _to_us(at)
        if self._always:
            return _from_us(t)
        ordinal = self._ordinal(at)
        for _ in range(_MAX_IDLE_DAYS):
            bounds = self._day(ordinal)[1]
            for i in range(0, len(bounds), 2):
                if bounds[i + 1] > t:
                    return _from_us(max(bounds[i], t))
            ordinal += 1
        raise ValueError(f"no business time within {_MAX_IDLE_DAYS} days of {at}")

    def _ordinal(self, moment: datetime) -> int:
        return moment.astimezone(self._tz).toordinal()

    def _add_us(self, t: int, ordinal: int, rest: int) -> int:
        bounds = self._day(ordinal)[1]
        for i in range(0, len(bounds), 2):
            a, b = bounds[i], bounds[i + 1]
            if b <= t:
                continue
            if a < t:
                a = t
            if rest <= b - a:
                return a + rest
            rest -= b - a
        idle = 0
        days = self._days
        while True:
            ordinal += 1
            day = days.get(ordinal) or self._day(ordinal)
            total = day[0]
            if rest > total:
                rest -= total
                idle = 0 if total else idle + 1
                if idle > _MAX_IDLE_DAYS:
                    raise ValueError(f"no business time within {_MAX_IDLE_DAYS} days")
                continue
            bounds = day[1]
            for i in range(0, len(bounds), 2):
                span = bounds[i + 1] - bounds[i]
                if rest <= span:
                    return bounds[i] + rest
                rest -= span

    def _between_us(self, t0: int, o0: int, t1: int, o1: int) -> int:
        total = 0
        for ordinal in range(o0, o1 + 1):
            day = self._day(ordinal)
            if o0 < ordinal < o1:
                total += day[0]
                continue
            bounds = day[1]
            for i in range(0, len(bounds), 2):
                a, b = max(bounds[i], t0), min(bounds[i + 1], t1)
                if b > a:
                    total += b - a
        return total

    def _day(self, ordinal: int) -> _Day:
        day = self._days.get(ordinal)
        if day is None:
            day = self._build_day(ordinal)
            if len(self._days) >= _MAX_CACHED_DAYS:
                self._days.clear()
            self._days[ordinal] = day
        return day

    def _build_day(self, ordinal: int) -> _Day:
        day = date.fromordinal(ordinal)
        spans = self.hours[day.weekday()]
        if not spans or self._closed(day):
            return 0, ()
        bounds: list[int] = []
        total = 0
        midnight = datetime(day.year, day.month, day.day, tzinfo=self._tz)
        following = day + _ONE_DAY
        offset = midnight.utcoffset()
        if offset == self._tz.utcoffset(datetime(following.year, following.month, following.day)):
            # No change of clocks today (the usual day): one offset for every boundary.
            base = _to_us(midnight)
            for start, end in spans:
                bounds += (base + start * 60_000_000, base + end * 60_000_000)
                total += (end - start) * 60_000_000
            return total, tuple(bounds)
        last = None
        for start, end in spans:
            a, b = self._wall(day, start), self._wall(day, end)
            if last is not None and a < last:
                # A boundary in the hour skipped in spring reads on the clock before the change
                # (02:30 is 03:30 summer time) and may overtake the previous interval's end.
                a = last
            if b > a:
                bounds += (a, b)
                total += b - a
                last = b
        return total, tuple(bounds)

    def _wall(self, day: date, minute: int) -> int:
        if minute >= MINUTES_PER_DAY:
            day += _ONE_DAY
            minute = 0
        hour, minute = divmod(minute, 60)
        return _to_us(datetime(day.year, day.month, day.day, hour, minute, tzinfo=self._tz))

    def _closed(self, day: date) -> bool:
        if day in self.holidays:
            return True
        if self.country is None:
            return False
        table = _country_holidays(self.country, self.subdivision)
        with _COUNTRY_LOCK:  # the table computes a year's holidays on first look
            return day in table


# ---------------------------------------------------------------------- zones and countries


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"unknown time zone {name!r} (use an IANA name like Europe/Berlin or UTC)",
            field="zone",
        ) from None


def _canonical_subdivision(country: str, subdivision: str) -> str:
    """The holiday tables' spelling of a subdivision typed in any case (``by`` -> ``BY``)."""
    import holidays

    for known in holidays.list_supported_countries().get(country, ()):
        if known.lower() == subdivision.lower():
            return str(known)
    return subdivision


def _country_holidays(country: str, subdivision: str | None) -> Any:
    key = (country, subdivision)
    table = _COUNTRIES.get(key)
    if table is None:
        import holidays  # ~100 ms to import: only for calendars that name a country

        try:
            table = holidays.country_holidays(country, subdiv=subdivision)
        except NotImplementedError:
            where = f"{country}-{subdivision}" if subdivision else country
            raise InvalidInput(
                f"no public holidays are known for {where!r} (use an ISO code like DE or DE-BY)",
                field="country",
            ) from None
        _COUNTRIES[key] = table
    return table
