"""Tags, shared by tickets and KB articles: names to ids, created on first use.

Two processes adding the same new tag at the same moment both succeed: the row is inserted
with ``ON CONFLICT DO NOTHING`` and then read, on both backends.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection

from deskterm.store import schema
from deskterm.store.upsert import insert_missing

G = schema.tags


def ids_for(conn: Connection, names: Iterable[str], *, create: bool) -> dict[str, int]:
    """The ids of the tags ``names`` (created if missing when ``create``; otherwise a
    missing tag is simply absent from the answer)."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    if create:
        insert_missing(conn, G, [{"name": name} for name in wanted], "name")
    return dict(conn.execute(select(G.c.name, G.c.id).where(G.c.name.in_(wanted))).all())


def tag_id_for(conn: Connection, name: str) -> int:
    """The id of the tag ``name``, created if it is new."""
    return ids_for(conn, [name], create=True)[name]
