"""What "a consistent desk" means, checked on an SQLite file with plain ``sqlite3``.

Used after kills and on backups: SQLite's own integrity and foreign-key checks pass, the
ticket search index holds exactly the tickets with their subjects and thread text, and every
ticket's version is the version of its latest audit event (no change without its audit row).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

_THREAD = """coalesce((SELECT group_concat(body, char(10)) FROM (
    SELECT body FROM messages m WHERE m.ticket_id = t.id AND m.kind != 'event' ORDER BY m.id
)), '')"""


def desk_problems(path: Path) -> list[str]:
    """Every way the desk at ``path`` is inconsistent (empty when it is consistent)."""
    conn = sqlite3.connect(path)
    try:
        return _problems(conn)
    finally:
        conn.close()


def _problems(conn: sqlite3.Connection) -> list[str]:
    problems: list[str] = []
    integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        problems.append(f"integrity_check: {integrity[:3]}")
    if conn.execute("PRAGMA foreign_key_check").fetchall():
        problems.append("foreign_key_check found dangling references")
    tickets = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    indexed = conn.execute("SELECT count(*) FROM ticket_fts").fetchone()[0]
    if indexed != tickets:
        problems.append(f"search index holds {indexed} rows for {tickets} tickets")
    stale = conn.execute(
        f"""SELECT count(*) FROM tickets t LEFT JOIN ticket_fts f ON f.rowid = t.id
        WHERE f.rowid IS NULL OR f.subject IS NOT t.subject OR f.body IS NOT {_THREAD}"""
    ).fetchone()[0]
    if stale:
        problems.append(f"search index disagrees with {stale} tickets")
    try:
        conn.execute("INSERT INTO ticket_fts(ticket_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        problems.append(f"ticket_fts integrity-check: {exc}")
    unaudited = conn.execute(
        """SELECT count(*) FROM tickets t WHERE t.version IS NOT
        (SELECT max(a.version) FROM audit_events a WHERE a.ticket_id = t.id)"""
    ).fetchone()[0]
    if unaudited:
        problems.append(f"{unaudited} tickets whose version is not their latest audit event's")
    return problems
