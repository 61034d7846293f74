"""Business calendars: business-time arithmetic across weekends, holidays (listed and a
country's), the clock changes of Europe/Berlin, lunch breaks and starts outside business
hours; the text and JSON forms the ``sla`` commands and the policy store use."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskterm.domain.sla import Calendar
from deskterm.errors import InvalidInput

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600.0


def berlin(*parts: int) -> datetime:
    """A wall-clock time in Berlin, as the aware UTC instant the calendar works in."""
    return datetime(*parts, tzinfo=BERLIN).astimezone(UTC)  # type: ignore[misc]


def local(moment: datetime) -> tuple[int, ...]:
    wall = moment.astimezone(BERLIN)
    return (wall.year, wall.month, wall.day, wall.hour, wall.minute)


OFFICE = Calendar.parse("Europe/Berlin mon-fri 09:00-17:00")
LUNCH = Calendar.parse("Europe/Berlin mon-fri 09:00-12:00,13:00-17:00")
EVERY_DAY = Calendar.parse("Europe/Berlin mon-sun 09:00-17:00")


# ---------------------------------------------------------------------- arithmetic


def test_adding_within_a_day_and_over_a_weekend() -> None:
    thursday = berlin(2026, 11, 26, 10, 0)
    assert local(OFFICE.add(thursday, 2 * HOUR)) == (2026, 11, 26, 12, 0)
    friday = berlin(2026, 11, 27, 16, 0)
    assert local(OFFICE.add(friday, 2 * HOUR)) == (2026, 11, 30, 10, 0)
    assert OFFICE.between(friday, berlin(2026, 11, 30, 10, 0)) == 2 * HOUR


def test_a_start_outside_business_hours_counts_from_the_next_opening() -> None:
    friday_evening = berlin(2026, 11, 27, 18, 0)
    assert local(OFFICE.add(friday_evening, 1 * HOUR)) == (2026, 11, 30, 10, 0)
    assert local(OFFICE.next_open(friday_evening)) == (2026, 11, 30, 9, 0)
    saturday = berlin(2026, 11, 28, 12, 0)
    assert local(OFFICE.add(saturday, 30 * 60)) == (2026, 11, 30, 9, 30)
    early = berlin(2026, 11, 26, 7, 15)
    assert local(OFFICE.add(early, 8 * HOUR)) == (2026, 11, 26, 17, 0)
    assert OFFICE.between(friday_evening, berlin(2026, 11, 30, 9, 0)) == 0


def test_the_earliest_instant_is_the_end_of_the_day_not_the_next_opening() -> None:
    thursday = berlin(2026, 11, 26, 9, 0)
    assert local(OFFICE.add(thursday, 8 * HOUR)) == (2026, 11, 26, 17, 0)
    assert local(OFFICE.add(thursday, 8 * HOUR + 1)) == (2026, 11, 27, 9, 0)


def test_the_lunch_break_does_not_count() -> None:
    morning = berlin(2026, 11, 26, 11, 30)
    assert local(LUNCH.add(morning, 1 * HOUR)) == (2026, 11, 26, 13, 30)
    assert LUNCH.between(berlin(2026, 11, 26, 0, 0), berlin(2026, 11, 27, 0, 0)) == 7 * HOUR
    assert LUNCH.between(berlin(2026, 11, 26, 12, 10), berlin(2026, 11, 26, 12, 50)) == 0


def test_listed_holidays_have_no_business_time() -> None:
    calendar = Calendar.parse("Europe/Berlin mon-fri 09:00-17:00 holidays=2026-12-24..2026-12-25")
    wednesday = berlin(2026, 12, 23, 16, 0)
    assert local(calendar.add(wednesday, 2 * HOUR)) == (2026, 12, 28, 10, 0)
    assert local(OFFICE.add(wednesday, 2 * HOUR)) == (2026, 12, 24, 10, 0)


def test_a_countrys_public_holidays_and_its_subdivisions() -> None:
    bavaria = Calendar.parse("Europe/Berlin mon-fri 09:00-17:00 country=DE-BY")
    berlin_state = Calendar.parse("Europe/Berlin mon-fri 09:00-17:00 country=DE-BE")
    monday = berlin(2026, 1, 5, 16, 0)  # Tuesday 6 January is Epiphany in Bavaria only
    assert local(bavaria.add(monday, 2 * HOUR)) == (2026, 1, 7, 10, 0)
    assert local(berlin_state.add(monday, 2 * HOUR)) == (2026, 1, 6, 10, 0)
    thursday = berlin(2026, 4, 2, 16, 0)  # Good Friday and Easter Monday, everywhere in DE
    assert local(berlin_state.add(thursday, 2 * HOUR)) == (2026, 4, 7, 10, 0)


@pytest.mark.parametrize(
    ("day", "hours"),
    [((2026, 3, 29), 8), ((2026, 10, 25), 8), ((2026, 3, 28), 8), ((2026, 10, 26), 8)],
)
def test_a_nine_to_five_day_is_eight_hours_on_the_days_the_clocks_change(
    day: tuple[int, int, int], hours: int
) -> None:
    start = berlin(*day, 0, 0)
    end = berlin(*(date(*day) + timedelta(days=1)).timetuple()[:3], 0, 0)
    assert EVERY_DAY.between(start, end) == hours * HOUR
    assert local(EVERY_DAY.add(start, 8 * HOUR)) == (*day, 17, 0)


def test_whole_days_are_23_and_25_hours_when_the_clocks_change() -> None:
    always = Calendar.always("Europe/Berlin")
    weekdays = Calendar.parse("Europe/Berlin mon-sun 00:00-24:00 holidays=2000-01-01")
    for calendar in (always, weekdays):
        assert calendar.between(berlin(2026, 3, 29, 0, 0), berlin(2026, 3, 30, 0, 0)) == 23 * HOUR
        assert calendar.between(berlin(2026, 10, 25, 0, 0), berlin(2026, 10, 26, 0, 0)) == 25 * HOUR
    night = Calendar.parse("Europe/Berlin mon-sun 00:00-06:00")
    assert night.between(berlin(2026, 3, 29, 0, 0), berlin(2026, 3, 29, 12, 0)) == 5 * HOUR
    assert night.between(berlin(2026, 10, 25, 0, 0), berlin(2026, 10, 25, 12, 0)) == 7 * HOUR


def test_a_weekend_with_a_clock_change_keeps_opening_at_nine_local() -> None:
    friday = berlin(2026, 3, 27, 16, 0)
    monday = OFFICE.add(friday, 2 * HOUR)
    assert local(monday) == (2026, 3, 30, 10, 0)
    assert monday == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # summer time: UTC+2
    friday = berlin(2026, 10, 23, 16, 0)
    monday = OFFICE.add(friday, 2 * HOUR)
    assert local(monday) == (2026, 10, 26, 10, 0)
    assert monday == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # winter time: UTC+1


def test_between_is_negative_backwards_and_adds_up() -> None:
    a, b = berlin(2026, 11, 26, 10, 0), berlin(2026, 12, 8, 15, 0)
    assert OFFICE.between(b, a) == -OFFICE.between(a, b)
    assert OFFICE.between(a, b) == (7 + 7 * 8 + 6) * HOUR  # Thu 10-17, 7 whole days, Tue 9-15
    assert OFFICE.between(a, a) == 0


def test_ten_thousand_business_hours_are_counted_day_by_day_not_minute_by_minute() -> None:
    start = berlin(2026, 1, 5, 9, 0)  # a Monday
    due = OFFICE.add(start, 10_000 * HOUR)
    # 1,250 working days of 8 hours: 250 weeks exactly, ending on a Friday at 17:00.
    last = date(2026, 1, 5) + timedelta(weeks=249, days=4)
    assert local(due) == (last.year, last.month, last.day, 17, 0)
    assert OFFICE.between(start, due) == 10_000 * HOUR


def test_the_24x7_calendar_is_elapsed_time() -> None:
    always = Calendar.always()
    start = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    assert always.add(start, 90 * HOUR) == start + timedelta(hours=90)
    assert always.between(start, start + timedelta(days=3)) == 72 * HOUR


def test_times_must_be_aware_and_added_time_not_negative() -> None:
    with pytest.raises(ValueError, match="aware"):
        OFFICE.add(datetime(2026, 11, 27, 10, 0), HOUR)
    with pytest.raises(ValueError, match="negative"):
        OFFICE.add(berlin(2026, 11, 27, 10, 0), -1)


def test_results_are_utc_and_whole_microseconds_are_exact() -> None:
    start = datetime(2026, 11, 26, 10, 0, tzinfo=BERLIN)
    due = LUNCH.add(start, 0.000001)
    assert due.tzinfo is UTC
    assert LUNCH.between(start, due) == 0.000001


# ---------------------------------------------------------------------- forms


def test_text_form_round_trips() -> None:
    text = (
        "Europe/Berlin mon-fri 09:00-12:00,13:00-17:00 sat 10:00-14:00 country=DE-BY "
        "holidays=2026-12-24,2026-12-31"
    )
    calendar = Calendar.parse(text)
    assert calendar.text == text
    assert Calendar.parse(calendar.text) == calendar
    assert calendar.country == "DE" and calendar.subdivision == "BY"
    assert calendar.hours[5] == ((600, 840),)
    assert calendar.hours[6] == ()


def test_json_form_round_trips() -> None:
    calendar = Calendar.parse("America/New_York mon,wed,fri 08:00-16:00 holidays=2026-07-03")
    data = calendar.to_dict()
    assert data == {
        "zone": "America/New_York",
        "hours": {"mon": ["08:00-16:00"], "wed": ["08:00-16:00"], "fri": ["08:00-16:00"]},
        "holidays": ["2026-07-03"],
        "country": None,
        "subdivision": None,
    }
    assert Calendar.from_dict(data) == calendar
    assert Calendar.from_dict({"zone": "UTC", "hours": "24x7"}) == Calendar.always()
    assert Calendar.from_dict({}) == Calendar()


@pytest.mark.parametrize(
    ("hours", "shown"),
    [
        ("24x7", "24x7"),
        ("24/7", "24x7"),
        ("mon-fri=9-17", "mon-fri 09:00-17:00"),
        ("mon-fri 09:00-12:00,12:00-17:00", "mon-fri 09:00-17:00"),
        ("sat,sun 10:00-14:00; mon-fri 08:00-18:00", "mon-fri 08:00-18:00 sat-sun 10:00-14:00"),
        ("fri-mon 00:00-24:00", "mon,fri-sun 00:00-24:00"),
        ("wed 09:00-17:00 tue 10:00-11:00 mon 09:00-17:00", "mon,wed 09:00-17:00 tue 10:00-11:00"),
        ("Monday 09:00-17:00", "mon 09:00-17:00"),
    ],
)
def test_hours_as_the_sla_commands_take_them(hours: str, shown: str) -> None:
    calendar = Calendar.from_options(hours=[hours])
    assert calendar.text == f"UTC {shown}"


def test_options_build_a_calendar_and_default_to_office_hours_in_utc() -> None:
    calendar = Calendar.from_options(
        zone="Europe/Berlin",
        hours=["mon-fri 09:00-12:00,13:00-17:00", "sat 10:00-12:00"],
        holidays=["2026-12-24", "2026-12-31,2027-01-02..2027-01-03"],
        country="de-by",
    )
    assert calendar.text == (
        "Europe/Berlin mon-fri 09:00-12:00,13:00-17:00 sat 10:00-12:00 country=DE-BY "
        "holidays=2026-12-24,2026-12-31,2027-01-02,2027-01-03"
    )
    assert Calendar.from_options().text == "UTC mon-fri 09:00-17:00"


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        ({"zone": "Mars/Olympus"}, "zone", "unknown time zone 'Mars/Olympus'"),
        ({"hours": ["mon-fri"]}, "hours", "'mon-fri' needs its hours"),
        ({"hours": ["mon-fry 09:00-17:00"]}, "hours", "'mon-fry' is not a day"),
        ({"hours": ["mon 9am-5pm"]}, "hours", "'9am-5pm' is not a time range"),
        ({"hours": ["mon 17:00-09:00"]}, "hours", "ends before it starts"),
        ({"hours": ["mon 09:00-13:00,12:00-17:00"]}, "hours", "overlapping"),
        ({"hours": ["mon 09:00-25:00"]}, "hours", "not on the clock"),
        ({"hours": ["mon-fri 09:00-17:00", "fri 10:00-12:00"]}, "hours", "fri is given twice"),
        ({"holidays": ["24.12.2026"]}, "holiday", "'24.12.2026' is not a date"),
        ({"holidays": ["2026-12-26..2026-12-24"]}, "holiday", "ends before it starts"),
        ({"country": "XX"}, "country", "no public holidays are known for 'XX'"),
        ({"country": "DE-XX"}, "country", "no public holidays are known for 'DE-XX'"),
    ],
)
def test_bad_options_name_the_option_and_what_is_allowed(
    options: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        Calendar.from_options(**options)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_a_bad_hours_text_points_at_the_problem() -> None:
    with pytest.raises(InvalidInput) as caught:
        Calendar.parse("Europe/Berlin mon-fri 09:00-17:00 sat 10-1")
    assert caught.value.caret() == (
        "  mon-fri 09:00-17:00 sat 10-1\n" + "  " + " " * len("mon-fri 09:00-17:00 sat ") + "^"
    )


def test_a_week_without_working_time_is_refused() -> None:
    with pytest.raises(InvalidInput, match="needs some working hours"):
        Calendar(hours=((),) * 7)


def test_equal_calendars_are_equal_and_hash_alike() -> None:
    assert Calendar.parse("UTC mon-fri 9-17") == Calendar()
    assert hash(Calendar.parse("UTC mon-fri 9-17")) == hash(Calendar())
    assert Calendar.parse("UTC mon-fri 9-18") != Calendar()


def test_the_holiday_tables_are_imported_only_for_a_calendar_with_a_country() -> None:
    code = (
        "import sys\n"
        "from datetime import datetime, UTC\n"
        "import deskterm.domain.sla as sla\n"
        "calendar = sla.Calendar.parse('Europe/Berlin mon-fri 09:00-17:00 holidays=2026-12-24')\n"
        "calendar.add(datetime(2026, 12, 1, tzinfo=UTC), 1e6)\n"
        "stored = sla.Calendar.from_dict({'zone': 'UTC', 'country': 'DE'})\n"
        "assert 'holidays' not in sys.modules, 'imported early'\n"
        "stored.add(datetime(2026, 12, 1, tzinfo=UTC), 3600)\n"
        "assert 'holidays' in sys.modules, 'never imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------- properties

CALENDARS = [
    OFFICE,
    LUNCH,
    EVERY_DAY,
    Calendar.always("Europe/Berlin"),
    Calendar.parse("America/New_York mon-fri 08:30-12:00,12:30-17:30 sat 10-14"),
    Calendar.parse("Europe/Berlin mon-sun 00:00-02:30,03:00-24:00 holidays=2026-03-29"),
    Calendar.parse("Australia/Lord_Howe tue-sat 01:30-02:30,09:00-17:00 holidays=2026-04-03"),
    Calendar.parse("Europe/Berlin mon-fri 09:00-17:00 country=DE"),
]
instants = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 1, 31), timezones=st.just(UTC)
)
business = st.integers(min_value=0, max_value=4000 * 3600)


@settings(max_examples=200, deadline=None)
@given(calendar=st.sampled_from(CALENDARS), start=instants, seconds=business)
def test_between_undoes_add(calendar: Calendar, start: datetime, seconds: int) -> None:
    assert calendar.between(start, calendar.add(start, seconds)) == seconds


@settings(max_examples=200, deadline=None)
@given(calendar=st.sampled_from(CALENDARS), start=instants, a=business, b=business)
def test_add_is_monotone_and_adds_up(calendar: Calendar, start: datetime, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert calendar.add(start, low) <= calendar.add(start, high)
    assert calendar.add(calendar.add(start, low), high - low) == calendar.add(start, high)


@settings(max_examples=200, deadline=None)
@given(calendar=st.sampled_from(CALENDARS), a=instants, b=instants, c=instants)
def test_between_adds_up_and_never_exceeds_elapsed_time(
    calendar: Calendar, a: datetime, b: datetime, c: datetime
) -> None:
    first, middle, last = sorted((a, b, c))
    whole = calendar.between(first, last)
    assert whole == pytest.approx(calendar.between(first, middle) + calendar.between(middle, last))
    assert 0 <= whole <= (last - first).total_seconds()
