"""SQLite's plans for list pages: walk an index in sort order and stop after a page.

A plan that sorts every match in a temporary B-tree is fast on a demo desk and seconds long on
a million tickets, so it would pass every other test; this one reads the plan itself.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import read as ticket_read

#: Any filter, in the default order (newest update first): the lists agents live in.
QUERIES = [
    "",
    "is:unsolved",
    "status:open,pending priority:>=high",
    "status:solved,closed priority:>=high",
    "status:new",
    "priority:urgent",
    "priority:<=normal",
    "type:incident,problem",
    'queue:"Network L2"',
    "assignee:me is:unsolved",
    "assignee:none",
    "updated:>7d",
]
#: The unsolved views (the backlog), in every order a user picks: partial indexes serve each
#: sort (``id`` order is left to a sort of the backlog: nobody works a queue by number).
UNSOLVED = ["", "is:unsolved", "status:open,pending priority:>=high", "assignee:me is:unsolved"]
SORTS = ["created", "created:asc", "priority", "priority:asc", "due", "due:desc"]
#: Every order ``ticket list --sort`` names.
SORTS_ALL = list(ticket_read.SORT_NAMES)


def list_statements(desk: Desk, query: str, sort: str | None) -> list[str]:
    """The SQL a list page (and the page after it) sends, with its values filled in."""
    seen: list[str] = []

    def trace(dbapi: sqlite3.Connection, record: object) -> None:
        dbapi.set_trace_callback(seen.append)

    engine = desk.store.engine
    engine.dispose()  # every connection from here on is a new one, traced
    event.listen(engine, "connect", trace)
    try:
        page = ticket_read.list_page(desk, query, sort=sort, limit=2)
        if page.next_cursor is not None:
            ticket_read.list_page(desk, query, sort=sort, limit=2, after=page.next_cursor)
    finally:
        event.remove(engine, "connect", trace)
        engine.dispose()
    return [sql for sql in seen if "ORDER BY" in sql and "LIMIT" in sql]


CASES = [(query, None) for query in QUERIES] + [(q, sort) for q in UNSOLVED for sort in SORTS]


@pytest.mark.parametrize(("query", "sort"), CASES)
def test_list_pages_never_sort_every_match(sqlite_desk: Desk, query: str, sort: str | None) -> None:
    for n in range(6):
        tickets.create(sqlite_desk, subject=f"Printer {n}", priority=("high", "low")[n % 2])
    statements = list_statements(sqlite_desk, query, sort)
    assert statements, "the list page sent no ORDER BY ... LIMIT statement"
    path = sqlite_desk.store.sqlite_path
    assert path is not None
    raw = sqlite3.connect(path)
    try:
        for sql in statements:
            plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + sql)]
            assert not any("TEMP B-TREE FOR ORDER BY" in step for step in plan), (query, plan)
    finally:
        raw.close()


@pytest.mark.parametrize("sort", [f"{n}:{way}" for n in SORTS_ALL for way in ("asc", "desc")])
def test_list_all_ids_walks_an_index_in_every_chunk(sqlite_desk: Desk, sort: str) -> None:
    """``ticket list --all --format ids`` on SQLite reads a chunk of ids a statement
    (``quick._id_parts``): each must be a range of an index walked in order. A statement
    that sorts every match would sort a million tickets again for each chunk."""
    from deskterm.domain.tickets import quick as light
    from deskterm.domain.tickets import statements

    parsed = statements.parse_sort(sort)
    assert parsed is not None
    path = sqlite_desk.store.sqlite_path
    assert path is not None
    raw = sqlite3.connect(path)
    values = {"n": 2, "k0": 1, "k1": 1, "k2": 1}
    try:
        for walk in light._id_walks(parsed[1]):
            for part, sql in enumerate(light._id_parts(walk, None)):
                plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + sql, values)]
                assert not any("TEMP B-TREE" in step for step in plan), (sort, plan)
                walked = [step for step in plan if step.startswith(("SCAN t", "SEARCH t"))]
                assert len(walked) == 1, (sort, plan)
                if part or walk.condition:  # after a key, or one side of NULL: a range
                    assert walked[0].startswith("SEARCH t"), (sort, part, plan)
                if walk.columns != ("id",):
                    assert "USING COVERING INDEX" in walked[0], (sort, part, plan)
    finally:
        raw.close()
