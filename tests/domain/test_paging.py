"""Keyset pages (ARCHITECTURE "Lists of any size"): walking a list page by page, forwards or
backwards, shows every matching ticket exactly once, in the sort's order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.models import Ticket
from deskterm.domain.tickets import Changes
from deskterm.domain.tickets import read as ticket_read
from deskterm.domain.vocab import PRIORITIES
from deskterm.errors import InvalidInput
from deskterm.store import schema

START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
COUNT = 23
PAGE = 5
PRIORITY_CYCLE = ("low", "normal", "high", "urgent", "normal", "high", "normal")


def at(desk: Desk, when: datetime) -> Desk:
    return Desk(desk.store, desk.handle, clock=lambda: when)


@pytest.fixture
def many(desk) -> Desk:
    """23 tickets with ties in every sort key, some closed, some with no due time."""
    for n in range(COUNT):
        created = START + timedelta(hours=n // 3)  # three tickets share each creation time
        ticket = tickets.create(
            at(desk, created),
            subject=f"Ticket {n}",
            priority=PRIORITY_CYCLE[n % len(PRIORITY_CYCLE)],
        )
        if n % 4 == 0:  # updated later, in an order unlike creation, with ties
            touched = START + timedelta(days=3, hours=(COUNT - n) // 5)
            tickets.update(at(desk, touched), ticket.id, Changes(add_tags=("touched",)))
        if n % 6 == 5:
            tickets.update(at(desk, created), ticket.id, Changes(status="solved"))
    t = schema.tickets
    with desk.store.write() as conn:
        for ticket_id in range(1, COUNT + 1):
            if ticket_id % 3 != 0:  # a third have no due time; the rest tie in pairs
                due = START + timedelta(days=5, hours=(ticket_id * 7 % 11) // 2)
                conn.execute(
                    update(t).where(t.c.id == ticket_id).values(resolution_due=due, sla_due=due)
                )
    return at(desk, START + timedelta(days=10))


def expected_order(items: list[Ticket], sort: str) -> list[int]:
    name, _, direction = sort.partition(":")
    rank = PRIORITIES.index

    if name == "due":  # soonest first; tickets without a due time last either way
        with_due = sorted((t for t in items if t.sla_due), key=lambda t: (t.sla_due, t.id))
        without = sorted((t for t in items if t.sla_due is None), key=lambda t: t.id)
        if direction == "desc":
            with_due.reverse()
            without.reverse()
        return [t.id for t in [*with_due, *without]]
    keys = {
        "updated": lambda t: (t.updated_at, t.id),
        "created": lambda t: (t.created_at, t.id),
        "priority": lambda t: (rank(t.priority), t.updated_at, t.id),
        "id": lambda t: (t.id,),
    }
    descending = direction != "asc"
    return [t.id for t in sorted(items, key=keys[name], reverse=descending)]


def walk_forward(desk: Desk, query: str, sort: str) -> list[list[int]]:
    pages: list[list[int]] = []
    page = ticket_read.list_page(desk, query, sort=sort, limit=PAGE)
    assert page.prev_cursor is None
    while True:
        pages.append([t.id for t in page.items])
        if page.next_cursor is None:
            return pages
        assert len(page.items) == PAGE
        page = ticket_read.list_page(desk, query, sort=sort, limit=PAGE, after=page.next_cursor)
        assert page.prev_cursor is not None
        assert len(pages) <= COUNT


def walk_backward(desk: Desk, query: str, sort: str) -> list[list[int]]:
    pages: list[list[int]] = []
    page = ticket_read.list_page(desk, query, sort=sort, limit=PAGE, from_end=True)
    assert page.next_cursor is None
    while True:
        pages.append([t.id for t in page.items])
        if page.prev_cursor is None:
            return pages
        page = ticket_read.list_page(desk, query, sort=sort, limit=PAGE, before=page.prev_cursor)
        assert page.next_cursor is not None
        assert len(pages) <= COUNT


SORTS = [
    "updated",
    "updated:asc",
    "created",
    "created:asc",
    "priority",
    "priority:asc",
    "id",
    "id:asc",
    "due",
    "due:desc",
]
# Lists of values (``a,b``, ``is:unsolved``) compile to IN, which SQLAlchemy expands late:
# the statement for a next page must still take the cursor's values.
QUERIES = [
    "",
    "-status:solved",
    "priority:>=normal",
    "status:new,open",
    "is:unsolved",
    "priority:low,urgent",
]


def test_pages_walk_every_matching_ticket_once_in_order_for_each_sort(many):
    wrong = []
    for query in QUERIES:
        everything = list(ticket_read.list_page(many, query, limit=1000).items)
        assert ticket_read.count(many, query) == len(everything)
        for sort in SORTS:
            pages = walk_forward(many, query, sort)
            walked = [i for page in pages for i in page]
            if walked != expected_order(everything, sort):
                wrong.append(f"{query!r} sorted {sort}: {pages}")
            if len(walked) != ticket_read.count(many, query):
                wrong.append(f"{query!r} sorted {sort}: walked {len(walked)}, count differs")
    assert wrong == []


def test_walking_back_from_the_last_page_sees_the_same_order(many):
    wrong = []
    for query in QUERIES:
        for sort in SORTS:
            forward = [i for page in walk_forward(many, query, sort) for i in page]
            backward_pages = walk_backward(many, query, sort)
            backward = [i for page in reversed(backward_pages) for i in page]
            if backward != forward:
                wrong.append(f"{query!r} sorted {sort}: {backward_pages}")
    assert wrong == []


def test_last_page_holds_the_last_tickets(many):
    for sort in SORTS:
        forward = [i for page in walk_forward(many, "", sort) for i in page]
        last = ticket_read.list_page(many, sort=sort, limit=PAGE, from_end=True)
        assert [t.id for t in last.items] == forward[-PAGE:], sort
        assert last.next_cursor is None
        assert last.prev_cursor is not None


def test_previous_page_cursor_returns_to_the_page_before(many):
    for sort in SORTS:
        first = ticket_read.list_page(many, sort=sort, limit=PAGE)
        second = ticket_read.list_page(many, sort=sort, limit=PAGE, after=first.next_cursor)
        third = ticket_read.list_page(many, sort=sort, limit=PAGE, after=second.next_cursor)
        back = ticket_read.list_page(many, sort=sort, limit=PAGE, before=third.prev_cursor)
        assert back.items == second.items, sort
        back_again = ticket_read.list_page(many, sort=sort, limit=PAGE, before=back.prev_cursor)
        assert back_again.items == first.items, sort
        assert back_again.prev_cursor is None, sort


def test_a_list_that_fits_on_one_page_has_no_cursors(many):
    page = ticket_read.list_page(many, "status:solved", limit=PAGE)
    assert len(page.items) == 3
    assert page.next_cursor is None and page.prev_cursor is None
    empty = ticket_read.list_page(many, "tag:nosuchtag", limit=PAGE)
    assert empty.items == () and empty.next_cursor is None and empty.prev_cursor is None
    assert ticket_read.count(many, "tag:nosuchtag") == 0


def test_unknown_sort_or_page_size_is_invalid_input(desk):
    for sort in ("name", "updated:sideways", "due:asc:desc"):
        with pytest.raises(InvalidInput, match="allowed: updated, created, priority, due, id"):
            ticket_read.list_page(desk, sort=sort)
    for limit in (0, -1, 10_001):
        with pytest.raises(InvalidInput, match="limit"):
            ticket_read.list_page(desk, limit=limit)


def test_breached_list_follows_the_clock_between_pages(sqlite_desk) -> None:
    """The compiled list statement is reused; the time it compares with must not be."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from deskterm.domain import tickets
    from deskterm.domain.desk import Desk
    from deskterm.domain.tickets import read as ticket_read
    from deskterm.store import schema

    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    now = [start]
    desk = Desk(sqlite_desk.store, "alice", clock=lambda: now[0])
    ticket = tickets.create(desk, subject="Payroll app 502")
    with desk.store.write() as conn:
        conn.execute(
            update(schema.tickets)
            .where(schema.tickets.c.id == ticket.id)
            .values(
                status="open",
                resolution_due=start + timedelta(hours=1),
                sla_due=start + timedelta(hours=1),
            )
        )
    assert ticket_read.list_page(desk, "is:breached").items == ()
    now[0] = start + timedelta(hours=2)
    assert [t.id for t in ticket_read.list_page(desk, "is:breached").items] == [ticket.id]
