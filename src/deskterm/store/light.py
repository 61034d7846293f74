"""The console's first page on SQLite, read with the standard ``sqlite3`` module alone.

Importing SQLAlchemy costs about as much as starting Textual, and an agent waits for the
first screen. So before anything else is imported, a bare ``deskterm`` on an SQLite desk reads
its first page here: the same rows ``tickets.list_page(desk, "", limit=n)`` returns (the SQL
comes from the one declaration of a ticket's fields, ``domain/tickets/fields.py``; a test
compares both readers), in a read-only connection that checks the schema revision and the agent
first. Anything unusual (no file, another revision, an unknown agent, any error) answers
None, and the caller takes the ordinary path, which explains the problem properly.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from deskterm.store.migrations import HEAD


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL, or None for anything else."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix) :]
    return Path(path) if path and path != ":memory:" else None


def first_page_rows(
    path: Path, handle: str, limit: int, sql: str, time_columns: tuple[int, ...]
) -> list[tuple[Any, ...]] | None:
    """Up to ``limit`` rows of ``sql`` (which ends with ``LIMIT ?``), or None when the ordinary
    path must decide; the values at ``time_columns`` become UTC datetimes."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return None
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision is None or revision[0] != HEAD:
            return None
        agent = conn.execute("SELECT active FROM agents WHERE handle = ?", (handle,)).fetchone()
        if agent is None or not agent[0]:
            return None
        rows = conn.execute(sql, (limit,)).fetchall()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return [_convert(row, time_columns) for row in rows]


def _convert(row: tuple[Any, ...], time_columns: tuple[int, ...]) -> tuple[Any, ...]:
    from datetime import datetime

    values = list(row)
    for i in time_columns:
        if values[i] is not None:
            values[i] = datetime.fromisoformat(values[i] + "+00:00")
    return tuple(values)
