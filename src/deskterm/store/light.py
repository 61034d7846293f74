"""The console's first page on SQLite, read with the standard ``sqlite3`` module alone.

Importing SQLAlchemy costs about as much as starting Textual, and an agent waits for the
first screen. So before anything else is imported, a bare ``deskterm`` on an SQLite desk reads
its first page here: the same rows ``ticket_read.list_page(desk, "", limit=n)`` returns (a test
compares them), in a read-only connection that checks the schema revision and the agent
first. Anything unusual (no file, another revision, an unknown agent, any error) answers
None, and the caller takes the ordinary path, which explains the problem properly.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from deskterm.store.migrations import HEAD

# ticket_read._COLUMNS, then the tags; ordered like the default sort ("updated", newest first).
FIRST_PAGE_SQL = """
SELECT t.id, t.subject, t.type, t.status, t.priority, q.name, a.handle, c.email, c.name,
       o.name, t.channel, t.created_at, t.updated_at, t.first_responded_at, t.solved_at,
       t.closed_at, t.first_response_due, t.resolution_due, t.version,
       (SELECT group_concat(g.name, ',') FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id
        WHERE tt.ticket_id = t.id)
FROM tickets t
LEFT OUTER JOIN queues q ON t.queue_id = q.id
LEFT OUTER JOIN agents a ON t.assignee_id = a.id
LEFT OUTER JOIN contacts c ON t.requester_id = c.id
LEFT OUTER JOIN organizations o ON c.organization_id = o.id
ORDER BY t.updated_at DESC, t.id DESC
LIMIT ?
"""
#: Positions of the time columns in a FIRST_PAGE_SQL row.
TIME_COLUMNS = (11, 12, 13, 14, 15, 16, 17)


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL, or None for anything else."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix) :]
    return Path(path) if path and path != ":memory:" else None


def first_page_rows(path: Path, handle: str, limit: int) -> list[tuple[Any, ...]] | None:
    """Up to ``limit`` rows of the default list, or None when the ordinary path must decide."""
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
        rows = conn.execute(FIRST_PAGE_SQL, (limit,)).fetchall()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return [_convert(row) for row in rows]


def _convert(row: tuple[Any, ...]) -> tuple[Any, ...]:
    from datetime import datetime

    values = list(row)
    for i in TIME_COLUMNS:
        if values[i] is not None:
            values[i] = datetime.fromisoformat(values[i] + "+00:00")
    return tuple(values)
