"""The query language (SPEC section 6): parsing, time semantics, errors, completion."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskterm.domain.query.language import (
    FIELDS,
    FieldTerm,
    Query,
    TextTerm,
    complete,
    completion_start,
    field_names,
    parse,
)
from deskterm.domain.vocab import CHANNELS, PRIORITIES, STATUSES, TYPES
from deskterm.errors import InvalidInput

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


def q(text: str) -> Query:
    return parse(text, now=NOW, tz=UTC)


def only_field(text: str) -> FieldTerm:
    query = q(text)
    assert len(query.terms) == 1
    term = query.terms[0]
    assert isinstance(term, FieldTerm)
    return term


def error(text: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        q(text)
    assert info.value.text == text
    return info.value


def caret_under(exc: InvalidInput) -> str:
    """The character the caret points at ("" when it points past the end)."""
    caret = exc.caret()
    assert caret is not None
    source, marks = caret.split("\n")
    column = marks.index("^")
    assert source[:2] == "  "
    return source[column : column + 1]


# --- fields, operators, lists ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "op", "values"),
    [
        ("status:open", "status", "=", ("open",)),
        ("status:open,pending", "status", "=", ("open", "pending")),
        ("status:OPEN", "status", "=", ("open",)),
        ("status:on-hold", "status", "=", ("on_hold",)),
        ("Status:open", "status", "=", ("open",)),
        ("status:open,open", "status", "=", ("open",)),
        ("type:incident", "type", "=", ("incident",)),
        ("type:service_request,change", "type", "=", ("service_request", "change")),
        ("channel:email,walk_in", "channel", "=", ("email", "walk_in")),
        ("priority:high", "priority", "=", ("high",)),
        ("priority:low,normal", "priority", "=", ("low", "normal")),
        ("priority:>=high", "priority", ">=", ("high",)),
        ("priority:<urgent", "priority", "<", ("urgent",)),
        ("priority:>Low", "priority", ">", ("low",)),
        ("priority:<=normal", "priority", "<=", ("normal",)),
        ("queue:Network", "queue", "=", ("Network",)),
        ('queue:"Network L2"', "queue", "=", ("Network L2",)),
        ('queue:"Network L2","Service Desk"', "queue", "=", ("Network L2", "Service Desk")),
        ('queue:L1,"Service Desk"', "queue", "=", ("L1", "Service Desk")),
        ("assignee:me", "assignee", "=", ("me",)),
        ("assignee:ME", "assignee", "=", ("me",)),
        ("assignee:none", "assignee", "=", ("none",)),
        ("assignee:Alice", "assignee", "=", ("Alice",)),
        ("assignee:me,bob", "assignee", "=", ("me", "bob")),
        ("tag:vpn", "tag", "=", ("vpn",)),
        ("tag:vpn,wifi", "tag", "=", ("vpn", "wifi")),
        ("requester:bob@example.com", "requester", "=", ("bob@example.com",)),
        ('requester:"Bob Smith"', "requester", "=", ("Bob Smith",)),
        ("org:acme", "org", "=", ("acme",)),
        ("is:unassigned", "is", "=", ("unassigned",)),
        ("is:assigned", "is", "=", ("assigned",)),
        ("is:mine", "is", "=", ("mine",)),
        ("is:Breached", "is", "=", ("breached",)),
        ("is:unsolved", "is", "=", ("unsolved",)),
        ("is:mine,breached", "is", "=", ("mine", "breached")),
        ("id:42", "id", "=", (42,)),
        ("id:12,13", "id", "=", (12, 13)),
        ("id:>100", "id", ">", (100,)),
        ("id:<=7", "id", "<=", (7,)),
        ("id:0", "id", "=", (0,)),
        ("id:9223372036854775807", "id", "=", (2**63 - 1,)),
    ],
)
def test_field_terms_parse_to_canonical_field_op_and_values(
    text: str, field: str, op: str, values: tuple[object, ...]
) -> None:
    term = only_field(text)
    assert (term.field, term.op, term.values, term.negated, term.position) == (
        field,
        op,
        values,
        False,
        0,
    )


@pytest.mark.parametrize(
    ("field", "allowed"),
    [("status", STATUSES), ("type", TYPES), ("channel", CHANNELS), ("priority", PRIORITIES)],
)
def test_every_vocab_value_is_accepted(field: str, allowed: tuple[str, ...]) -> None:
    for value in allowed:
        assert only_field(f"{field}:{value.upper()}").values == (value,)


def test_leading_minus_negates_field_and_text_terms() -> None:
    query = q('-status:closed -vpn -"drops every" -priority:>=high')
    assert [t.negated for t in query.terms] == [True, True, True, True]
    assert query.terms[0] == FieldTerm("status", "=", ("closed",), True, 0)
    assert query.terms[1] == TextTerm("vpn", False, True, 15)
    assert query.terms[2] == TextTerm("drops every", True, True, 20)
    assert query.terms[3] == FieldTerm("priority", ">=", ("high",), True, 35)


def test_terms_are_anded_in_order_with_source_positions() -> None:
    text = 'status:open,pending  vpn\t"drops every"\nassignee:me'
    query = q(text)
    assert query.source == text
    assert [t.position for t in query.terms] == [0, 21, 25, 39]
    assert query.field_terms == (query.terms[0], query.terms[3])
    assert query.text_terms == (
        TextTerm("vpn", False, False, 21),
        TextTerm("drops every", True, False, 25),
    )
    assert not query.is_empty


@pytest.mark.parametrize("text", ["", "   ", "\t\n ", "-", " - ", '""', '-""', '"" -'])
def test_empty_queries_lone_minus_and_empty_phrase_give_no_terms(text: str) -> None:
    query = q(text)
    assert query.terms == ()
    assert query.is_empty


@pytest.mark.parametrize(
    ("text", "word", "phrase"),
    [
        ("vpn", "vpn", False),
        ('"drops every"', "drops every", True),
        ('"error:500"', "error:500", True),
        ("10:30", "10:30", False),
        ("http://example.com/x", "http://example.com/x", False),
        ("https://example.com", "https://example.com", False),
        (":x", ":x", False),
        ("v2:x", "v2:x", False),
        ('5"', '5"', False),
        ("e-mail", "e-mail", False),
        ("foo,bar", "foo,bar", False),
        (r'"say \"hi\""', 'say "hi"', True),
        (r'"back\\slash"', "back\\slash", True),
        (r'"a\nb"', "a\\nb", True),
        ("café", "café", False),
        ("🙂", "🙂", False),
        ("a\x00b", "a\x00b", False),
        ("\ud800", "\ud800", False),
    ],
)
def test_bare_words_and_quoted_phrases_become_text_terms(
    text: str, word: str, phrase: bool
) -> None:
    assert q(text).terms == (TextTerm(word, phrase, False, 0),)


def test_quoted_values_support_escaped_quotes_and_backslashes() -> None:
    term = only_field(r'queue:"say \"hi\"","a\\b"')
    assert term.values == ('say "hi"', "a\\b")


def test_quoted_value_protects_operator_characters_on_text_fields() -> None:
    assert only_field('tag:"<3"').values == ("<3",)


def test_quoted_phrase_followed_by_a_term_without_space_is_rejected() -> None:
    exc = error('"drops"every')
    assert exc.position == 7
    assert caret_under(exc) == "e"


# --- times ----------------------------------------------------------------------------------


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, sec, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "op", "values"),
    [
        # relative: a point that long before now (created/updated) ...
        ("created:>7d", ">", (NOW - timedelta(days=7),)),
        ("created:<30m", "<", (NOW - timedelta(minutes=30),)),
        ("updated:>=4h", ">=", (NOW - timedelta(hours=4),)),
        ("updated:<=2w", "<=", (NOW - timedelta(weeks=2),)),
        ("created:7d", ">=", (NOW - timedelta(days=7),)),
        ("updated:0m", ">=", (NOW,)),
        # ... or after now (due), without an operator it means "within"
        ("due:<4h", "<", (NOW + timedelta(hours=4),)),
        ("due:>1d", ">", (NOW + timedelta(days=1),)),
        ("due:4h", "<=", (NOW + timedelta(hours=4),)),
        # an absolute date is the whole day, in tz
        ("created:2026-11-01", "=", (utc(2026, 11, 1), utc(2026, 11, 2))),
        ("updated:<2026-11-01", "<", (utc(2026, 11, 1),)),
        ("updated:<=2026-11-01", "<", (utc(2026, 11, 2),)),
        ("created:>2026-11-01", ">=", (utc(2026, 11, 2),)),
        ("created:>=2026-11-01", ">=", (utc(2026, 11, 1),)),
        ("due:<2026-12-31", "<", (utc(2026, 12, 31),)),
        # a date-time is its minute or second; Z or an offset overrides tz
        ("created:2026-11-01T08:30", "=", (utc(2026, 11, 1, 8, 30), utc(2026, 11, 1, 8, 31))),
        (
            "created:2026-11-01T08:30:15",
            "=",
            (utc(2026, 11, 1, 8, 30, 15), utc(2026, 11, 1, 8, 30, 16)),
        ),
        ("created:>=2026-11-01T08:30Z", ">=", (utc(2026, 11, 1, 8, 30),)),
        ("created:>2026-11-01T08:30Z", ">=", (utc(2026, 11, 1, 8, 31),)),
        ("created:<2026-11-01T08:30+02:00", "<", (utc(2026, 11, 1, 6, 30),)),
        ("created:<2026-11-01T08:30-0500", "<", (utc(2026, 11, 1, 13, 30),)),
        ('created:<"2026-11-01 08:30"', "<", (utc(2026, 11, 1, 8, 30),)),
    ],
)
def test_time_values_follow_the_documented_semantics(
    text: str, op: str, values: tuple[datetime, ...]
) -> None:
    term = only_field(text)
    assert (term.op, term.values) == (op, values)
    for value in term.values:
        assert isinstance(value, datetime)
        assert value.utcoffset() == timedelta(0)


def test_absolute_dates_are_midnight_in_the_given_zone_converted_to_utc() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    term = parse("created:2026-10-25", now=NOW, tz=berlin).terms[0]
    assert isinstance(term, FieldTerm)
    # the day summer time ends in Berlin is 25 hours long
    assert term.values == (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23))
    fixed = timezone(timedelta(hours=-3))
    term = parse("updated:<2026-11-01T10:00", now=NOW, tz=fixed).terms[0]
    assert isinstance(term, FieldTerm)
    assert term.values == (utc(2026, 11, 1, 13),)


def test_absolute_dates_default_to_the_local_zone() -> None:
    term = parse("created:<2026-11-01", now=NOW).terms[0]
    assert isinstance(term, FieldTerm)
    assert term.values == (datetime(2026, 11, 1).astimezone(UTC),)


def test_relative_times_default_to_the_current_time_and_accept_naive_now() -> None:
    before = datetime.now(UTC)
    term = parse("created:>1h").terms[0]
    assert isinstance(term, FieldTerm)
    point = term.values[0]
    assert isinstance(point, datetime)
    assert before - timedelta(hours=1) <= point <= datetime.now(UTC) - timedelta(hours=1)
    naive = parse("due:<1h", now=datetime(2026, 11, 10, 12)).terms[0]
    assert isinstance(naive, FieldTerm)
    assert naive.values == (utc(2026, 11, 10, 13),)


# --- errors and their positions -----------------------------------------------------------


def test_unknown_status_names_allowed_values_and_points_at_value() -> None:
    exc = error("status:opne")
    assert str(exc) == (
        'unknown status "opne" at column 8; allowed: new, open, pending, on_hold, solved, closed'
    )
    assert exc.position == 7
    assert exc.caret() == "  status:opne\n         ^"


def test_unknown_value_in_a_list_points_at_that_value() -> None:
    exc = error("vpn type:incident,bug")
    assert exc.position == 18
    assert caret_under(exc) == "b"
    assert "allowed: incident, service_request, question, problem, change" in str(exc)


@pytest.mark.parametrize(
    ("text", "under"),
    [("priority:hgih", "h"), ("channel:fax", "f"), ("is:fun", "f"), ("-status:x", "x")],
)
def test_unknown_enum_values_name_the_allowed_ones(text: str, under: str) -> None:
    exc = error(text)
    assert "allowed:" in str(exc)
    assert caret_under(exc) == under


def test_unknown_field_suggests_the_closest_and_lists_fields() -> None:
    exc = error("vpn -stauts:open")
    assert 'unknown field "stauts"' in str(exc)
    assert 'did you mean "status"?' in str(exc)
    assert "fields: " + ", ".join(field_names()) in str(exc)
    assert exc.position == 5
    assert caret_under(exc) == "s"


def test_unknown_field_without_a_close_match_still_lists_fields() -> None:
    exc = error("xyzzy:1")
    assert "did you mean" not in str(exc)
    assert "fields: status" in str(exc)


@pytest.mark.parametrize(
    ("text", "position", "needle"),
    [
        ("status:", 7, "empty value for status"),
        ("status: open", 7, "empty value for status"),
        ("status:open,", 12, "empty value for status"),
        ("status:,open", 7, "empty value for status"),
        ('queue:""', 6, "empty value for queue"),
        ("tag:<3", 4, "ordered field"),
        ("status:>=open", 7, "ordered field"),
        ("priority:>=high,urgent", 15, "takes one value"),
        ("id:>1,2", 5, "takes one value"),
        ("created:2026-11-01,2026-11-02", 18, "one time"),
        ('queue:"Network L2', 6, "unclosed quote"),
        ('vpn "drops every', 4, "unclosed quote"),
        ('-"x', 1, "unclosed quote"),
        ('"ends in backslash\\"', 0, "unclosed quote"),
        ('queue:"a"b', 9, 'expected a space or ","'),
        ("id:abc", 3, "bad id"),
        ("id:-1", 3, "bad id"),
        ("id:99999999999999999999999", 3, "bad id"),
        ("id:9223372036854775808", 3, "bad id"),
        ("created:>999999999d", 9, "out of range"),
        ("created:>9999999999999d", 9, "out of range"),
        ("created:9999-12-31", 8, "out of range"),
        ("due:<-4h", 5, "is not a time"),
        ("due:<4x", 5, "is not a time"),
        ("due:<tomorrow", 5, "is not a time"),
        ("created:2026-13-01", 8, "not a real date"),
        ("created:2026-02-30", 8, "not a real date"),
        ("created:2026-11-01T25:00", 8, "not a real date"),
        ("created:2026-11-01T08:30+24:00", 8, "impossible UTC offset"),
        ("created:٢٠٢٦-11-01", 8, "is not a time"),
    ],
)
def test_errors_point_at_the_problem(text: str, position: int, needle: str) -> None:
    exc = error(text)
    assert needle in str(exc)
    assert exc.position == position
    assert f"column {position + 1}" in str(exc)
    assert "\n" not in str(exc)


def test_error_messages_escape_control_characters_and_cut_long_values() -> None:
    exc = error("status:\x1b[31m")
    assert "\x1b" not in str(exc)
    assert "\\x1b" in str(exc)
    long = error("status:" + "x" * 500)
    assert len(str(long)) < 200


def test_relative_time_beyond_the_calendar_is_invalid_input_not_overflow() -> None:
    for text in ("created:>999999999w", "due:<999999999999w", "updated:999999999999m"):
        assert "out of range" in str(error(text))


# --- metadata and completion --------------------------------------------------------------


def test_fields_describe_kind_values_and_help() -> None:
    assert field_names() == list(FIELDS)
    assert set(field_names()) == {
        "status", "type", "priority", "channel", "queue", "assignee", "tag",
        "requester", "org", "is", "created", "updated", "due", "id",
    }  # fmt: skip
    kinds = {"enum", "text", "ordered_enum", "time", "int", "is"}
    for name, spec in FIELDS.items():
        assert spec.name == name
        assert spec.kind in kinds
        assert spec.description and "\n" not in spec.description
    assert FIELDS["status"].values == STATUSES
    assert FIELDS["priority"].values == PRIORITIES
    assert FIELDS["is"].values == ("unassigned", "assigned", "mine", "breached", "unsolved")
    assert [n for n, s in FIELDS.items() if s.ordered] == [
        "priority",
        "created",
        "updated",
        "due",
        "id",
    ]


VOCAB = {
    "queue": ["Network L2", "Service Desk", "Network"],
    "assignee": ["alice", "bob"],
    "tag": ["vpn", "wifi", 'say "hi"'],
}


@pytest.mark.parametrize(
    ("text", "cursor", "expected", "start"),
    [
        ("sta", 3, ["status:"], 0),
        ("STA", 3, ["status:"], 0),
        ("vpn -sta", 8, ["status:"], 5),
        ("vpn sta", 6, ["status:"], 4),
        ("stat vpn", 2, ["status:"], 0),
        ("re", 2, ["requester:"], 0),
        ("xyz", 3, [], 0),
        ("status:o", 8, ["open", "on_hold"], 7),
        ("status:", 7, list(STATUSES), 7),
        ("status:open,", 12, ["new", "pending", "on_hold", "solved", "closed"], 12),
        ("status:open,p", 13, ["pending"], 12),
        ("priority:>=h", 12, ["high"], 11),
        ("is:", 3, ["unassigned", "assigned", "mine", "breached", "unsolved"], 3),
        ("assignee:", 9, ["me", "none", "alice", "bob"], 9),
        ("assignee:A", 10, ["alice"], 9),
        ("queue:net", 9, ['"Network L2"', "Network"], 6),
        ('queue:"Net', 10, ['"Network L2"', "Network"], 6),
        ('queue:"Network L2",', 19, ['"Service Desk"', "Network"], 19),
        ("tag:s", 5, [r'"say \"hi\""'], 4),
        ("requester:", 10, [], 10),
        ("created:", 8, [], 8),
        ("nope:", 5, [], 5),
        ("10:3", 4, [], 4),
    ],
)
def test_completion_offers_field_names_and_values(
    text: str, cursor: int, expected: list[str], start: int
) -> None:
    assert complete(text, cursor, vocab=VOCAB) == expected
    assert completion_start(text, cursor) == start


def test_completion_without_vocab_offers_only_fixed_values_and_clamps_cursor() -> None:
    assert complete("queue:N", 7) == []
    assert complete("assignee:", 99) == ["me", "none"]
    assert complete("", 0) == [f"{name}:" for name in field_names()]
    assert complete("sta", -5) == [f"{name}:" for name in field_names()]


def test_completion_ignores_spaces_inside_quotes() -> None:
    text = 'queue:"Network L'
    assert complete(text, len(text), vocab=VOCAB) == ['"Network L2"']
    assert completion_start(text, len(text)) == 6


# --- robustness -----------------------------------------------------------------------------


def parses_or_rejects(text: str) -> None:
    try:
        query = parse(text, now=NOW, tz=UTC)
    except InvalidInput as exc:
        assert exc.text == text
        assert exc.position is not None and 0 <= exc.position <= len(text)
        assert "\n" not in str(exc)
    else:
        assert query.source == text
        for term in query.terms:
            assert 0 <= term.position < len(text)


@given(st.text())
@settings(max_examples=500)
def test_any_string_parses_or_raises_invalid_input(text: str) -> None:
    parses_or_rejects(text)


_names = st.sampled_from([*FIELDS, "Status", "stauts", "foo", "http", "_", "a1"])
_ops = st.sampled_from(["", "", "<", "<=", ">", ">=", "=", "<<", "><"])
_atoms = st.one_of(
    st.sampled_from(
        [
            *(STATUSES + TYPES + CHANNELS + PRIORITIES),
            *("me", "none", "unassigned", "mine", "7d", "30m", "4h", "2w", "-4h"),
            *("999999999d", "99999999999999999999999999w", "12", "0", "99999999999999999999"),
            *("2026-11-01", "2026-11-01T08:30", "2026-11-01T08:30:15Z", "2026-02-30"),
            *("2026-11-01T08:30+02:00", "9999-12-31", "0001-01-01T00:00+01:00"),
            *("", "-", ",", '"', '\\"', "\\", ":", "//", "🙂", "\x00", "\ud800"),
        ]
    ),
    st.text(max_size=6),
)
_values = st.builds(
    lambda parts, quote: ",".join('"' + p.replace('"', '\\"') + '"' if quote else p for p in parts),
    st.lists(_atoms, min_size=1, max_size=3),
    st.booleans(),
)
_field_terms = st.builds(
    lambda neg, name, op, value: f"{neg}{name}:{op}{value}",
    st.sampled_from(["", "-", "--"]),
    _names,
    _ops,
    _values,
)
_terms = st.one_of(_field_terms, _atoms, st.builds(lambda a: f'"{a}"', _atoms))
_queries = st.builds(
    lambda terms, seps: "".join(t + s for t, s in zip(terms, seps, strict=False)),
    st.lists(_terms, max_size=6),
    st.lists(st.sampled_from([" ", "  ", "\t", "\n", "", ","]), min_size=6, max_size=6),
)


@pytest.mark.slow
@given(_queries)
@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
def test_near_valid_queries_parse_or_raise_invalid_input(text: str) -> None:
    parses_or_rejects(text)


@given(_queries, st.integers(min_value=-2, max_value=200))
@settings(max_examples=300)
def test_completion_never_crashes(text: str, cursor: int) -> None:
    for candidate in complete(text, cursor, vocab=VOCAB):
        assert isinstance(candidate, str)
    assert 0 <= completion_start(text, cursor) <= len(text)


def test_huge_inputs_are_handled_quickly() -> None:
    assert len(q("vpn " * 20_000).terms) == 20_000
    assert "unclosed quote" in str(error('"' + "x" * 200_000))
    assert "bad id" in str(error("id:" + "9" * 100_000))


def test_module_imports_without_sql_or_ui_libraries() -> None:
    code = (
        "import sys, deskterm.domain.query.language as q\n"
        "bad = {'sqlalchemy', 'textual', 'rich'} & {m.split('.')[0] for m in sys.modules}\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
