"""``INSERT ... ON CONFLICT DO NOTHING`` on both backends.

For rows that several processes may create at the same moment (a tag, a contact, an
article's slug): each inserts what it needs and reads the row back, and none of them fails
with a unique violation.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection


def insert_missing(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], key: str | Sequence[str]
) -> int:
    """Insert ``rows`` into ``table``, skipping those whose unique ``key`` (a column, or the
    columns of a composite key) exists already; returns how many were inserted."""
    if not rows:
        return 0
    result = conn.execute(_skip_taken(conn, table, key), list(rows))
    return max(0, result.rowcount or 0)


def _skip_taken(conn: Connection, table: Table, key: str | Sequence[str]) -> Any:
    return _skip(conn.dialect.name, table, (key,) if isinstance(key, str) else tuple(key))


def _skip(dialect: str, table: Table, columns: tuple[str, ...]) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing(index_elements=list(columns))
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing(index_elements=list(columns))


def insert_unless_taken(
    conn: Connection, table: Table, row: dict[str, Any], key: str
) -> int | None:
    """Insert ``row`` and return its id, or None (and insert nothing) when its unique ``key``
    is taken, also by another process at this very moment."""
    stmt = _returning_id(conn.dialect.name, table, key)
    found = conn.execute(stmt, row).scalar()
    return None if found is None else int(found)


@lru_cache(maxsize=64)
def _returning_id(dialect: str, table: Table, key: str) -> Any:
    """The statement of :func:`insert_unless_taken`, built once: its row goes as parameters
    (building the statement again for each row was most of the cost of taking in a mail)."""
    return _skip(dialect, table, (key,)).returning(table.c.id)


def insert_one_missing(
    conn: Connection, table: Table, row: dict[str, Any], key: str | Sequence[str]
) -> bool:
    """Insert ``row`` unless its unique ``key`` exists already (also when another process
    inserts it at this very moment); whether it was inserted."""
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT here.
    first = key if isinstance(key, str) else key[0]
    stmt = _skip_taken(conn, table, key).values(**row).returning(table.c[first])
    return conn.execute(stmt).first() is not None


def insert_or_update(
    conn: Connection, table: Table, row: dict[str, Any], key: Sequence[str]
) -> None:
    """Insert ``row``, or where its unique ``key`` exists already (also when another process
    inserts it at this very moment) set that row's other columns to ``row``'s values."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table).values(**row)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).values(**row)
    others = {name: stmt.excluded[name] for name in row if name not in key}
    conn.execute(stmt.on_conflict_do_update(index_elements=list(key), set_=others))
