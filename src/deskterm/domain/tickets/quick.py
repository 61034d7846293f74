"""The console's first page without SQLAlchemy (see ``store/light.py`` for why)."""

from __future__ import annotations

from datetime import UTC, datetime

from deskterm.domain.models import Cursor, Page
from deskterm.domain.tickets.convert import ticket_from_row
from deskterm.domain.tickets.fields import TIME_POSITIONS, list_sql
from deskterm.store.light import first_page_rows, sqlite_path

#: The default list (newest update first), as ``read.list_page`` orders it.
FIRST_PAGE_SQL = f"{list_sql()} ORDER BY t.updated_at DESC, t.id DESC LIMIT ?"


def first_page(url: str, handle: str, *, limit: int) -> Page | None:
    """The first ``limit`` tickets of the default list (no filter, newest update first), the
    same Page ``read.list_page(desk, "", limit=limit)`` gives; None when this quick
    path does not apply (not a plain SQLite file, another schema revision, unknown agent)."""
    path = sqlite_path(url)
    if path is None:
        return None
    rows = first_page_rows(path, handle, limit + 1, FIRST_PAGE_SQL, TIME_POSITIONS)
    if rows is None:
        return None
    now = datetime.now(UTC).replace(microsecond=0)
    items = tuple(ticket_from_row(row, now) for row in rows[:limit])
    if len(rows) > limit and items:
        last = items[-1]
        return Page(items, Cursor((last.updated_at, last.id)), None)
    return Page(items, None, None)
