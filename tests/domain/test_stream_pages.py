"""``ticket_read.stream_pages`` (``ticket list --all``): every matching ticket once, in the
sort's order, one bounded page at a time; and the capped count behind the ``--limit`` note."""

from __future__ import annotations

import pytest
from test_paging import COUNT, QUERIES, SORTS, expected_order, many  # noqa: F401 (fixture)

from deskterm.domain.tickets import read as ticket_read
from deskterm.errors import InvalidInput


def test_streamed_pages_hold_every_match_once_in_order_for_each_sort(many) -> None:  # noqa: F811
    wrong = []
    for query in QUERIES:
        everything = list(ticket_read.list_page(many, query, limit=1000).items)
        for sort in SORTS:
            pages = [
                [t.id for t in page]
                for page in ticket_read.stream_pages(many, query, sort=sort, page_size=4)
            ]
            if [i for page in pages for i in page] != expected_order(everything, sort):
                wrong.append(f"{query!r} sorted {sort}: {pages}")
            if any(len(page) > 4 for page in pages) or any(not page for page in pages):
                wrong.append(f"{query!r} sorted {sort}: page sizes {[len(p) for p in pages]}")
    assert wrong == []


def test_a_stream_of_nothing_yields_no_page(many) -> None:  # noqa: F811
    assert list(ticket_read.stream_pages(many, "tag:nosuchtag")) == []


def test_a_stream_reads_one_page_at_a_time(many) -> None:  # noqa: F811
    stream = ticket_read.stream_pages(many, "", sort="id:asc", page_size=10)
    first = next(stream)
    assert [t.id for t in first] == list(range(1, 11))
    assert [t.id for t in next(stream)] == list(range(11, 21))
    assert [t.id for t in next(stream)] == list(range(21, COUNT + 1))
    assert next(stream, None) is None


@pytest.mark.parametrize(("query", "sort"), [("status:opne", None), ("", "size")])
def test_a_bad_query_or_sort_is_refused_before_any_page(desk, query, sort) -> None:
    with pytest.raises(InvalidInput):
        next(ticket_read.stream_pages(desk, query, sort=sort))


def test_a_capped_count_stops_after_cap_plus_one(many) -> None:  # noqa: F811
    assert ticket_read.count(many, "") == COUNT
    assert ticket_read.count(many, "", cap=5) == 6
    assert ticket_read.count(many, "", cap=COUNT) == COUNT
    solved = ticket_read.count(many, "status:solved")
    assert ticket_read.count(many, "status:solved", cap=100) == solved
