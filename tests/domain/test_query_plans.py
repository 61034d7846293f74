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
