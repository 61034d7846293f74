"""Time spent and satisfaction ratings: logged with the change they come with, totalled per
ticket and per agent; one rating per solve of a solved or closed ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import Changes
from deskterm.domain.transfer import jsonl as transfer
from deskterm.errors import AlreadyRated, Conflict, InvalidInput
from deskterm.store import schema
from exports import as_version_2, edit, rows
from support import as_agent


def _ticket(desk: Desk) -> int:
    return tickets.create(desk, subject="VPN drops every hour", body="Since Monday.").id


def _entries(desk: Desk, ticket_id: int) -> list[tuple[int, int | None]]:
    e = schema.time_entries
    with desk.store.read() as conn:
        return [
            (int(row.seconds), row.message_id)
            for row in conn.execute(
                select(e.c.seconds, e.c.message_id).where(e.c.ticket_id == ticket_id)
            )
        ]


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [("15m", 900), ("1h30m", 5400), ("2h", 7200), ("90", 5400), ("1H 5M", 3900), ("24h", 86400)],
)
def test_time_spent_reads_minutes_and_hours(typed: str, seconds: int) -> None:
    assert tickets.parse_time_spent(typed) == seconds


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("1d", 'invalid time spent "1d"'),
        ("1.5h", 'invalid time spent "1.5h"'),
        ("-15m", 'invalid time spent "-15m"'),
        ("15 min", 'invalid time spent "15 min"'),
        ("", 'invalid time spent ""'),
        ("0m", 'time spent "0m" is nothing'),
        ("24h1m", 'time spent "24h1m" is more than 24h'),
    ],
)
def test_other_durations_are_refused_in_one_line(typed: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        tickets.parse_time_spent(typed)
    assert caught.value.message.startswith(problem)
    assert "\n" not in caught.value.message


def test_time_comes_with_the_reply_in_the_same_version_and_totals_per_agent(desk: Desk) -> None:
    ticket_id = _ticket(desk)
    _ticket_after, reply = tickets.reply(desk, ticket_id, "Please restart.", time="15m")
    tickets.note(as_agent(desk, "bob"), ticket_id, "RADIUS logs checked.", time="1h30m")
    result = tickets.update(desk, ticket_id, Changes(time="45m"))[0]
    assert [c.field for c in result.changes] == ["time"]

    assert sorted(_entries(desk, ticket_id)) == sorted(
        [(900, reply.id), (5400, reply.id + 1), (2700, None)]
    )
    detail = tickets.detail(desk, ticket_id)
    assert detail.time_spent_seconds == 900 + 5400 + 2700
    assert dict(detail.time_by_agent) == {"bob": 5400, "alice": 3600}
    assert list(detail.time_by_agent) == ["bob", "alice"]  # most first
    times = [(e.version, e.new) for e in detail.history if e.field == "time"]
    replied = next(e.version for e in detail.history if e.field == "reply")
    assert times == [(replied, "15m"), (replied + 1, "1h30m"), (replied + 2, "45m")]


def test_a_refused_change_logs_no_time(desk: Desk) -> None:
    ticket_id = _ticket(desk)
    with pytest.raises(Conflict):
        tickets.update(desk, ticket_id, Changes(status="closed", time="30m"))
    with pytest.raises(InvalidInput):
        tickets.reply(desk, ticket_id, "Hello", time="half an hour")
    assert _entries(desk, ticket_id) == []
    assert tickets.detail(desk, ticket_id).time_spent_seconds == 0


def test_time_on_a_closed_ticket_is_refused(desk: Desk) -> None:
    ticket_id = _ticket(desk)
    tickets.update(desk, ticket_id, Changes(status="solved"))
    tickets.close(desk, ticket_id)
    with pytest.raises(Conflict):
        tickets.update(desk, ticket_id, Changes(time="10m"))
    assert _entries(desk, ticket_id) == []


def test_a_bulk_update_logs_the_time_on_each_ticket(desk: Desk) -> None:
    ids = [_ticket(desk) for _ in range(3)]
    tickets.update(desk, ids, Changes(priority="high", time="10m"))
    assert [tickets.detail(desk, i).time_spent_seconds for i in ids] == [600, 600, 600]


def _solved(desk: Desk) -> int:
    ticket_id = _ticket(desk)
    tickets.update(desk, ticket_id, Changes(status="solved"))
    return ticket_id


def test_a_solved_ticket_is_rated_and_shows_its_rating(desk: Desk) -> None:
    ticket_id = _solved(desk)
    rating = tickets.rate(desk, ticket_id, "Good", comment="  Quick, thanks!  ")
    assert (rating.rating, rating.comment, rating.recorded_by) == (
        "good",
        "Quick, thanks!",
        "alice",
    )
    detail = tickets.detail(desk, ticket_id)
    assert detail.rating == rating
    assert rating.solved_at == detail.ticket.solved_at
    assert [(e.field, e.old, e.new) for e in detail.history][-1] == ("rating", None, "good")
    # Recording a rating is not a response: the SLA columns stay as they were.
    assert detail.ticket.first_responded_at is None


def test_only_a_solved_or_closed_ticket_can_be_rated(desk: Desk) -> None:
    ticket_id = _ticket(desk)
    with pytest.raises(Conflict) as caught:
        tickets.rate(desk, ticket_id, "bad")
    assert "only a solved or closed ticket can be rated" in caught.value.message
    tickets.update(desk, ticket_id, Changes(status="solved"))
    tickets.close(desk, ticket_id)
    assert tickets.rate(desk, ticket_id, "bad").rating == "bad"


def test_one_rating_per_solve_unless_replaced(desk: Desk) -> None:
    ticket_id = _solved(desk)
    tickets.rate(desk, ticket_id, "good", comment="Great")
    with pytest.raises(AlreadyRated) as caught:
        tickets.rate(desk, ticket_id, "bad")
    assert caught.value.rating == "good"
    assert tickets.detail(desk, ticket_id).rating.rating == "good"  # type: ignore[union-attr]

    replaced = tickets.rate(desk, ticket_id, "bad", comment="It broke again", replace=True)
    assert (replaced.rating, replaced.comment) == ("bad", "It broke again")
    with desk.store.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.ratings)).scalar() == 1
    last = tickets.detail(desk, ticket_id).history[-1]
    assert (last.field, last.old, last.new) == ("rating", "good", "bad")


def test_a_reopened_and_solved_again_ticket_can_be_rated_again(desk: Desk) -> None:
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    at = Desk(desk.store, desk.handle, clock=lambda: start)
    ticket_id = _solved(at)
    tickets.rate(at, ticket_id, "bad", comment="Still slow")
    later = Desk(desk.store, desk.handle, clock=lambda: start + timedelta(days=1))
    tickets.reopen(later, ticket_id)
    with pytest.raises(Conflict):
        tickets.rate(later, ticket_id, "good")
    tickets.update(later, ticket_id, Changes(status="solved"))
    second = tickets.rate(later, ticket_id, "good")
    assert second.solved_at == start + timedelta(days=1)
    assert tickets.detail(later, ticket_id).rating == second
    with desk.store.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.ratings)).scalar() == 2


def test_a_bad_rating_or_comment_is_refused(desk: Desk) -> None:
    ticket_id = _solved(desk)
    with pytest.raises(InvalidInput) as caught:
        tickets.rate(desk, ticket_id, "meh")
    assert caught.value.message == 'unknown rating "meh"; allowed: good, bad'
    with pytest.raises(InvalidInput):
        tickets.rate(desk, ticket_id, "good", comment="x" * 2001)
    assert tickets.detail(desk, ticket_id).rating is None


# ------------------------------------------------------------------------ export/import


def test_time_and_ratings_round_trip_byte_identical(desk: Desk, empty_url: str) -> None:
    ticket_id = _ticket(desk)
    tickets.reply(desk, ticket_id, "Please restart.", time="15m")
    tickets.update(as_agent(desk, "bob"), ticket_id, Changes(status="solved", time="1h"))
    tickets.rate(desk, ticket_id, "good", comment="Thanks")
    first = list(transfer.export_lines(desk))
    assert [d["seconds"] for _i, d in rows(first, "time_entry")] == [900, 3600]
    assert [d["rating"] for _i, d in rows(first, "rating")] == ["good"]
    transfer.restore(empty_url, "alice", first)
    restored = open_desk(empty_url, "alice")
    try:
        assert list(transfer.export_lines(restored)) == first
        shown = tickets.detail(restored, ticket_id)
        assert dict(shown.time_by_agent) == {"bob": 3600, "alice": 900}
        assert shown.rating is not None and shown.rating.comment == "Thanks"
        # The restored desk goes on: the next rating of this solve is still refused.
        with pytest.raises(AlreadyRated):
            tickets.rate(restored, ticket_id, "bad")
    finally:
        restored.close()


@pytest.mark.parametrize(
    ("kind", "values", "problem"),
    [
        ("time_entry", {"seconds": 0}, "seconds: 0 is out of range"),
        ("time_entry", {"seconds": "15m"}, "seconds: must be an integer"),
        ("rating", {"rating": "meh"}, 'rating: unknown rating "meh"'),
    ],
)
def test_import_refuses_a_time_entry_or_rating_the_desk_would_refuse(
    desk: Desk, kind: str, values: dict[str, object], problem: str
) -> None:
    ticket_id = _solved(desk)
    tickets.update(desk, ticket_id, Changes(time="5m"))
    tickets.rate(desk, ticket_id, "good")
    lines = list(transfer.export_lines(desk))
    edited = edit(lines, kind, lambda data: data.update(values))
    line = rows(lines, kind)[0][0] + 1
    with pytest.raises(InvalidInput) as caught:
        transfer.check_lines(edited)
    assert caught.value.message.startswith(f"line {line}: {problem}"), caught.value.message


def test_a_backup_from_before_time_and_ratings_imports_without_any(
    desk: Desk, empty_url: str
) -> None:
    ticket_id = _solved(desk)
    tickets.update(desk, ticket_id, Changes(time="5m"))
    tickets.rate(desk, ticket_id, "good")
    result = transfer.restore(empty_url, "alice", as_version_2(list(transfer.export_lines(desk))))
    assert result.verified and result.counts["time_entry"] == result.counts["rating"] == 0
    restored = open_desk(empty_url, "alice")
    try:
        shown = tickets.detail(restored, ticket_id)
        assert (shown.time_spent_seconds, shown.rating) == (0, None)
    finally:
        restored.close()
