"""CLI output formats (SPEC section 5): what scripts parse and what people read."""

from __future__ import annotations

import csv
import enum
import io
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from deskterm.cli.output import (
    FORMATS,
    NO_ROWS,
    Column,
    emit_list,
    emit_object,
    emit_pages,
    fit_widths,
    resolve_format,
    to_jsonable,
)
from deskterm.domain.sla import human_duration
from deskterm.domain.text import long_time
from deskterm.errors import InvalidInput


class FakeTerminal(io.StringIO):
    """A stream that says it is a terminal, as stdout does in an interactive shell."""

    def isatty(self) -> bool:
        return True


class Status(enum.Enum):
    OPEN = "open"


@dataclass
class Person:
    handle: str
    joined: datetime


WHEN = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)

COLUMNS = [
    Column("id", "ID", justify="right"),
    Column("subject", "SUBJECT", ratio=3, min_width=10),
    Column("status", "STATUS"),
    Column("assignee", "ASSIGNEE", ratio=1),
    Column("tags", "TAGS"),
]


def ticket(id_: int = 1, subject: str = "Printer on fire", **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": id_,
        "subject": subject,
        "status": "open",
        "assignee": None,
        "tags": ["hardware", "urgent"],
        "created_at": WHEN,
    }
    row.update(extra)
    return row


def render(rows: list[dict[str, object]], fmt: str, *, width: int | None = None) -> str:
    out = io.StringIO()
    emit_list(rows, columns=COLUMNS, fmt=fmt, out=out, width=width)
    return out.getvalue()


def render_table(rows: list[dict[str, object]], width: int = 80) -> list[str]:
    return render(rows, "table", width=width).splitlines()


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's shell must not change the output: no NO_COLOR, COLUMNS or FORCE_COLOR."""
    for name in ("NO_COLOR", "COLUMNS", "FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)


# -- start-up cost ----------------------------------------------------------------------------


def run_python(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_importing_output_does_not_import_rich() -> None:
    run_python("import deskterm.cli.output, sys; assert 'rich' not in sys.modules")


def test_machine_formats_never_import_rich() -> None:
    run_python(
        "import io, sys\n"
        "from deskterm.cli.output import emit_list, emit_object\n"
        "for fmt in ('json', 'jsonl', 'csv', 'ids'):\n"
        "    emit_list([{'id': 1}], columns=[], fmt=fmt, out=io.StringIO())\n"
        "    emit_object({'id': 1}, fmt=fmt, out=io.StringIO())\n"
        "assert 'rich' not in sys.modules\n"
    )


# -- choosing a format ------------------------------------------------------------------------


def test_default_format_on_a_terminal_is_table_for_lists_and_objects() -> None:
    assert resolve_format(None, many=True, stream=FakeTerminal()) == "table"
    assert resolve_format(None, many=False, stream=FakeTerminal()) == "table"


def test_default_format_in_a_pipe_is_jsonl_for_lists_and_json_for_one_object() -> None:
    assert resolve_format(None, many=True, stream=io.StringIO()) == "jsonl"
    assert resolve_format(None, many=False, stream=io.StringIO()) == "json"


@pytest.mark.parametrize("fmt", FORMATS)
def test_explicit_format_wins_over_the_terminal_default(fmt: str) -> None:
    assert resolve_format(fmt, many=True, stream=FakeTerminal()) == fmt
    assert resolve_format(fmt.upper(), many=False, stream=io.StringIO()) == fmt


def test_unknown_format_is_invalid_input_naming_the_allowed_formats() -> None:
    with pytest.raises(InvalidInput) as caught:
        resolve_format("xml", many=True, stream=io.StringIO())
    assert caught.value.exit_code == 2
    assert "'xml'" in str(caught.value)
    for fmt in FORMATS:
        assert fmt in str(caught.value)


def test_emitting_an_unknown_format_is_refused_before_writing() -> None:
    out = io.StringIO()
    with pytest.raises(InvalidInput):
        emit_list([ticket()], columns=COLUMNS, fmt="yaml", out=out)
    assert out.getvalue() == ""


# -- json and jsonl ---------------------------------------------------------------------------


def test_json_list_is_one_indented_array_of_full_rows_in_key_order() -> None:
    text = render([ticket(1), ticket(2)], "json")
    data = json.loads(text)
    assert [row["id"] for row in data] == [1, 2]
    # Every key, not only the table columns, in the caller's order.
    assert list(data[0]) == ["id", "subject", "status", "assignee", "tags", "created_at"]
    assert data[0]["created_at"] == "2026-11-23T19:00:00Z"
    assert text.startswith('[\n  {\n    "id": 1,')
    assert text.endswith("]\n")


def test_json_of_an_empty_list_is_an_empty_array() -> None:
    assert json.loads(render([], "json")) == []


def test_jsonl_writes_one_compact_object_per_line() -> None:
    text = render([ticket(1), ticket(2, assignee="ann")], "jsonl")
    lines = text.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith('{"id":1,"subject":"Printer on fire","status":"open"')
    assert json.loads(lines[1])["assignee"] == "ann"
    assert text.endswith("\n")


def test_jsonl_of_an_empty_list_writes_nothing() -> None:
    assert render([], "jsonl") == ""


def test_json_escapes_control_characters_and_keeps_the_data_exact() -> None:
    subject = "\x1b[31mred [bold]x[/bold] café 🔥"
    text = render([ticket(subject=subject)], "json")
    assert "\x1b" not in text
    assert "\\u001b[31m" in text
    assert "café 🔥" in text  # ensure_ascii=False: readable, not \u escapes
    assert json.loads(text)[0]["subject"] == subject


def test_json_writes_a_lone_surrogate_as_an_escape_instead_of_failing() -> None:
    text = render([ticket(subject="bad \udcff byte")], "jsonl")
    text.encode("utf-8")  # must not raise
    assert json.loads(text)["subject"] == "bad \udcff byte"


def test_json_object_is_indented_and_jsonl_object_is_one_line() -> None:
    obj = ticket(thread=[{"kind": "reply", "at": WHEN}])
    out = io.StringIO()
    emit_object(obj, fmt="json", out=out)
    assert out.getvalue().startswith('{\n  "id": 1,')
    assert json.loads(out.getvalue())["thread"] == [{"kind": "reply", "at": "2026-11-23T19:00:00Z"}]
    out = io.StringIO()
    emit_object(obj, fmt="jsonl", out=out)
    assert out.getvalue().count("\n") == 1
    assert json.loads(out.getvalue())["id"] == 1


# -- to_jsonable ------------------------------------------------------------------------------


def test_aware_datetime_in_another_zone_is_converted_to_utc_with_z() -> None:
    new_york = timezone(timedelta(hours=-5))
    assert to_jsonable(datetime(2026, 11, 23, 14, 0, tzinfo=new_york)) == "2026-11-23T19:00:00Z"


def test_naive_datetime_is_taken_as_utc() -> None:
    assert to_jsonable(datetime(2026, 11, 23, 19, 0)) == "2026-11-23T19:00:00Z"


def test_microseconds_appear_only_when_not_zero() -> None:
    assert (
        to_jsonable(datetime(2026, 1, 2, 3, 4, 5, 60, tzinfo=UTC)) == "2026-01-02T03:04:05.000060Z"
    )


def test_plain_values_become_json_types() -> None:
    value = {
        "day": date(2026, 11, 23),
        "status": Status.OPEN,
        "pair": (1, 2),
        "tags": {"b", "a"},
        "agent": Person("ann", WHEN),
        "waited": timedelta(minutes=90),
        "score": float("nan"),
    }
    assert to_jsonable(value) == {
        "day": "2026-11-23",
        "status": "open",
        "pair": [1, 2],
        "tags": ["a", "b"],
        "agent": {"handle": "ann", "joined": "2026-11-23T19:00:00Z"},
        "waited": 5400,
        "score": None,
    }


def test_unknown_types_are_a_type_error_not_a_guess() -> None:
    with pytest.raises(TypeError, match="object"):
        to_jsonable(object())


# -- csv --------------------------------------------------------------------------------------


def parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_has_a_header_of_all_row_keys_then_one_line_per_row() -> None:
    text = render([ticket(1), ticket(2, assignee="ann", tags=[])], "csv")
    assert text.splitlines() == [
        "id,subject,status,assignee,tags,created_at",
        '1,Printer on fire,open,,"hardware,urgent",2026-11-23T19:00:00Z',
        "2,Printer on fire,open,ann,,2026-11-23T19:00:00Z",
    ]


def test_csv_quotes_commas_newlines_quotes_and_carriage_returns() -> None:
    subjects = ["Printer, 3rd floor", "line one\nline two", 'say "hi"', "old\rmac", "=1+1"]
    rows = [ticket(i, subject=s) for i, s in enumerate(subjects)]
    parsed = parse_csv(render(rows, "csv"))
    assert [row[1] for row in parsed[1:]] == subjects


def test_csv_writes_booleans_nested_objects_and_missing_keys_plainly() -> None:
    rows: list[dict[str, object]] = [
        {"id": 1, "vip": True, "meta": {"a": 1}},
        {"id": 2, "vip": False, "extra": "x"},
    ]
    parsed = parse_csv(render(rows, "csv"))
    assert parsed == [
        ["id", "vip", "meta", "extra"],
        ["1", "true", '{"a":1}', ""],
        ["2", "false", "", "x"],
    ]


def test_csv_of_an_empty_list_writes_nothing() -> None:
    assert render([], "csv") == ""


def test_csv_object_is_a_header_and_one_row_with_nested_data_as_json() -> None:
    out = io.StringIO()
    emit_object(ticket(thread=[{"kind": "note"}]), fmt="csv", out=out)
    header, row = parse_csv(out.getvalue())
    assert header[-1] == "thread"
    assert row[-1] == '[{"kind":"note"}]'
    assert row[header.index("tags")] == "hardware,urgent"


# -- ids --------------------------------------------------------------------------------------


def test_ids_writes_one_id_per_line() -> None:
    assert render([ticket(3), ticket(14)], "ids") == "3\n14\n"


def test_ids_uses_the_given_id_key() -> None:
    out = io.StringIO()
    emit_list([{"slug": "vpn-setup"}], columns=[], fmt="ids", out=out, id_key="slug")
    assert out.getvalue() == "vpn-setup\n"


def test_ids_of_rows_without_an_id_is_refused() -> None:
    with pytest.raises(InvalidInput, match="ids"):
        render([{"queue": "L1", "open": 3}], "ids")


def test_ids_of_an_object_is_its_id() -> None:
    out = io.StringIO()
    emit_object(ticket(42), fmt="ids", out=out)
    assert out.getvalue() == "42\n"


# -- tables -----------------------------------------------------------------------------------


def test_table_shows_headers_and_values_on_lines_without_trailing_spaces() -> None:
    lines = render_table([ticket(1), ticket(1234, assignee="ann")])
    assert lines[0].split() == ["ID", "SUBJECT", "STATUS", "ASSIGNEE", "TAGS"]
    assert lines[1].split()[0] == "1"
    assert "hardware, urgent" in lines[1]
    assert "ann" in lines[2]
    assert all(line == line.rstrip() for line in lines)


def test_table_shows_escape_sequences_as_visible_symbols() -> None:
    text = "\n".join(render_table([ticket(subject="\x1b[31mred\x1b[0m")]))
    assert "\x1b" not in text
    assert "␛[31mred␛[0m" in text


@pytest.mark.parametrize("subject", ["[@click=app.quit]", "[bold]x[/bold]", "[link=http://x]y"])
def test_table_shows_markup_literally(subject: str) -> None:
    assert subject in "\n".join(render_table([ticket(subject=subject)], width=120))


def test_table_replaces_bidi_overrides() -> None:
    text = "\n".join(render_table([ticket(subject="invoice\u202egpj.exe")]))
    assert "\u202e" not in text
    assert "invoice\ufffdgpj.exe" in text


@pytest.mark.parametrize("width", [80, 40])
def test_long_subjects_are_cut_with_an_ellipsis_to_fit_the_width(width: int) -> None:
    long = "The printer on the third floor is on fire again " * 4
    lines = render_table([ticket(1234, subject=long)], width=width)
    assert all(len(line) <= width for line in lines)
    assert "…" in lines[1]
    assert lines[1].split()[0] == "1234"  # ids are never what gets cut


def test_subject_gets_the_space_left_by_the_fixed_columns() -> None:
    long = "x" * 200
    lines = render_table([ticket(1, subject=long, assignee="ann")], width=80)
    assert max(len(line) for line in lines) == 80
    assert "x" * 30 in lines[1]


def test_wide_characters_are_measured_in_terminal_cells() -> None:
    from rich.cells import cell_len

    lines = render_table([ticket(1, subject="打印机着火了" * 20)], width=60)
    assert all(cell_len(line) <= 60 for line in lines)
    assert "…" in lines[1]


def test_width_defaults_to_columns_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    out = io.StringIO()
    emit_list([ticket(subject="y" * 200)], columns=COLUMNS, fmt="table", out=out)
    assert max(len(line) for line in out.getvalue().splitlines()) == 50


def test_width_defaults_to_80_without_a_terminal_or_columns() -> None:
    out = io.StringIO()
    emit_list([ticket(subject="y" * 200)], columns=COLUMNS, fmt="table", out=out)
    assert max(len(line) for line in out.getvalue().splitlines()) == 80


def test_a_table_that_cannot_fit_is_cropped_at_the_right_edge() -> None:
    lines = render_table([ticket(1234)], width=24)
    assert all(len(line) <= 24 for line in lines)
    assert lines[1].split()[0] == "1234"


def test_empty_table_says_no_matching_rows() -> None:
    assert render([], "table") == NO_ROWS + "\n"


def test_table_is_coloured_on_a_terminal() -> None:
    out = FakeTerminal()
    emit_list([ticket()], columns=COLUMNS, fmt="table", out=out, width=80)
    assert "\x1b[" in out.getvalue()


def test_no_color_environment_turns_colour_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    out = FakeTerminal()
    emit_list([ticket()], columns=COLUMNS, fmt="table", out=out, width=80)
    assert "\x1b" not in out.getvalue()
    assert "Printer on fire" in out.getvalue()


def test_color_false_turns_colour_off_on_a_terminal() -> None:
    out = FakeTerminal()
    emit_list([ticket()], columns=COLUMNS, fmt="table", out=out, width=80, color=False)
    assert "\x1b" not in out.getvalue()


def test_no_colour_when_not_a_terminal_even_with_force_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b" not in render([ticket()], "table", width=80)


def test_table_shows_times_in_local_time_and_none_as_blank() -> None:
    columns = [Column("id", "ID"), Column("created_at", "CREATED"), Column("assignee", "WHO")]
    out = io.StringIO()
    emit_list([ticket()], columns=columns, fmt="table", out=out, width=80)
    assert long_time(WHEN) in out.getvalue()


def test_column_formatter_output_is_sanitized_too() -> None:
    columns = [Column("id", "ID"), Column("due", "DUE", formatter=lambda v: f"[red]{v}\x1b")]
    out = io.StringIO()
    emit_list([{"id": 1, "due": 5}], columns=columns, fmt="table", out=out, width=80)
    assert "[red]5␛" in out.getvalue()


def test_fit_widths_leaves_a_table_that_fits_alone() -> None:
    assert fit_widths([4, 20, 6], COLUMNS[:3], 80) == [4, 20, 6]


def test_fit_widths_shrinks_flexible_columns_in_ratio_before_fixed_ones() -> None:
    columns = [Column("id", "ID"), Column("s", "S", ratio=3), Column("a", "A", ratio=1)]
    assert fit_widths([5, 100, 100], columns, 45) == [5, 30, 10]


def test_fit_widths_gives_a_narrow_flexible_column_only_what_it_needs() -> None:
    columns = [Column("id", "ID"), Column("s", "S", ratio=3), Column("a", "A", ratio=1)]
    assert fit_widths([5, 100, 6], columns, 45) == [5, 34, 6]


# -- object tables ----------------------------------------------------------------------------


def render_object(obj: dict[str, object], fields: list[tuple[str, str]] | None = None) -> str:
    out = io.StringIO()
    emit_object(obj, fmt="table", out=out, width=60, fields=fields)
    return out.getvalue()


def test_object_table_lists_scalar_fields_with_labels_and_skips_nested_ones() -> None:
    text = render_object(ticket(thread=[{"kind": "reply"}], sla={"state": "ok"}))
    lines = text.splitlines()
    assert lines[0].split() == ["Id", "1"]
    assert "Created at" in text
    assert "Tags" in text and "hardware, urgent" in text
    assert "reply" not in text and "Thread" not in text and "Sla" not in text


def test_object_table_uses_the_given_fields_and_labels() -> None:
    text = render_object(ticket(), fields=[("subject", "Subject"), ("status", "State")])
    assert text.splitlines() == ["Subject  Printer on fire", "State    open"]


def test_object_table_sanitizes_and_shows_markup_literally_and_keeps_line_breaks() -> None:
    body = "[@click=app.quit] hi\n\x1b[2Jsecond line"
    text = render_object({"id": 1, "body": body})
    assert "[@click=app.quit] hi" in text
    assert "␛[2Jsecond line" in text
    assert "\x1b" not in text


def test_object_table_wraps_long_values_instead_of_cutting_them() -> None:
    text = render_object({"subject": "word " * 30})
    assert text.count("word") == 30
    assert all(len(line) <= 60 for line in text.splitlines())


# -- human times ------------------------------------------------------------------------------


def test_long_time_of_none_is_blank() -> None:
    assert long_time(None) == ""


def test_long_time_shows_minutes_in_the_zone_given() -> None:
    berlin_winter = timezone(timedelta(hours=1))
    assert (
        long_time(datetime(2026, 11, 23, 19, 5, 59, tzinfo=UTC), zone=berlin_winter)
        == "2026-11-23 20:05"
    )


def test_long_time_uses_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert long_time(datetime(2026, 11, 23, 19, 5, tzinfo=UTC)) == "2026-11-23 14:05"
        assert long_time(datetime(2026, 7, 1, 19, 5)) == "2026-07-01 15:05"  # naive is UTC
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0s"),
        (45, "45s"),
        (59.9, "59s"),
        (60, "1m"),
        (45 * 60, "45m"),
        (2 * 3600 + 15 * 60 + 30, "2h 15m"),
        (2 * 3600, "2h"),
        (3 * 86400 + 4 * 3600 + 59 * 60, "3d 4h"),
        (86400 + 30 * 60, "1d"),
        (-(3600 + 10 * 60), "-1h 10m"),
        (-30, "-30s"),
        (-0.4, "0s"),
        (400 * 86400, "400d"),
    ],
)
def test_human_duration(seconds: float, shown: str) -> None:
    assert human_duration(seconds) == shown


def test_human_duration_refuses_infinity() -> None:
    with pytest.raises(ValueError, match="finite"):
        human_duration(float("inf"))


# -- streaming (ticket list --all) ----------------------------------------------------------------


PAGES = [
    [ticket(1), ticket(2, subject="Line\u2028separator and \u0085 next-line")],
    [],
    [ticket(3, subject="Third", assignee="bob")],
]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "ids"])
def test_pages_written_as_they_come_equal_one_list(fmt) -> None:
    streamed = io.StringIO()
    written = emit_pages(iter(PAGES), columns=COLUMNS, fmt=fmt, out=streamed)
    assert written == 3
    assert streamed.getvalue() == render([row for page in PAGES for row in page], fmt)


def test_a_streamed_json_array_keeps_unicode_line_separators_inside_strings() -> None:
    out = io.StringIO()
    emit_pages(iter(PAGES), columns=COLUMNS, fmt="json", out=out)
    assert [row["subject"] for row in json.loads(out.getvalue())][1] == PAGES[0][1]["subject"]


def test_a_streamed_table_takes_its_widths_from_the_first_page() -> None:
    out = io.StringIO()
    later = [ticket(4, subject="A much longer subject than any on the first page, by far")]
    emit_pages(iter([[ticket(1)], later]), columns=COLUMNS, fmt="table", out=out, width=80)
    header, first, second = out.getvalue().splitlines()
    assert header.split() == ["ID", "SUBJECT", "STATUS", "ASSIGNEE", "TAGS"]
    assert len(second) == len(first)
    assert "…" in second


def test_a_stream_of_no_rows_is_an_empty_list() -> None:
    for fmt, expected in (("json", "[]\n"), ("jsonl", ""), ("csv", ""), ("table", NO_ROWS + "\n")):
        out = io.StringIO()
        assert emit_pages(iter([[], []]), columns=COLUMNS, fmt=fmt, out=out) == 0
        assert out.getvalue() == expected


def test_json_on_a_stream_that_is_not_utf8_escapes_and_keeps_the_data() -> None:
    raw = io.BytesIO()
    latin = io.TextIOWrapper(raw, encoding="latin-1")
    row = ticket(1, subject="Café ☕")
    emit_list([row], columns=COLUMNS, fmt="jsonl", out=latin)
    latin.flush()
    assert raw.getvalue().isascii()
    assert json.loads(raw.getvalue())["subject"] == "Café ☕"


def test_csv_on_a_stream_that_is_not_utf8_is_utf8() -> None:
    raw = io.BytesIO()
    ascii_out = io.TextIOWrapper(raw, encoding="ascii")
    emit_list([ticket(1, subject="Café ☕")], columns=COLUMNS, fmt="csv", out=ascii_out)
    ascii_out.write("after\n")  # the stream is still usable afterwards
    ascii_out.flush()
    assert "Café ☕" in raw.getvalue().decode("utf-8")
    assert raw.getvalue().endswith(b"after\n")
