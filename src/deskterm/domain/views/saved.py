"""Saved views: a named query (and sort) an agent keeps, or shares with the whole desk.

The console lists them in its sidebar after the built-in views and the queues, in the order
they were saved, so a new view never moves the number key of another; ``deskterm view``
manages them from the command line.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select, text, update

from deskterm.domain.desk import Desk
from deskterm.domain.models import SavedView
from deskterm.domain.query import parse
from deskterm.domain.tickets import sort_spec
from deskterm.domain.views.rows import LIST_SQL, view_from_row
from deskterm.errors import Conflict, InvalidInput, NotFound
from deskterm.store import schema

V = schema.saved_views
MAX_NAME = 60


class ViewExists(Conflict):
    """A view of that name is already saved (and replacing it was not asked for)."""

    def __init__(self, name: str, query: str) -> None:
        super().__init__(f'a view named "{name}" already exists (query: {query or "all"})')
        self.name = name
        self.query = query


def list_views(desk: Desk) -> list[SavedView]:
    """The acting agent's own views and the shared ones, in the order they were saved."""
    with desk.store.read() as conn:
        me = desk.actor(conn)
        rows = conn.execute(text(LIST_SQL), {"me": me.id})
        return [view_from_row(row) for row in rows]


def save_view(
    desk: Desk,
    name: str,
    query: str,
    *,
    sort: str | None = None,
    shared: bool = False,
    replace: bool = True,
) -> SavedView:
    """Save a view, or replace the one of that name (ViewExists instead when not
    ``replace``). The query must parse; shared views need a lead. A replaced view keeps its
    place in the list."""
    clean = " ".join(name.split())
    if not clean or len(clean) > MAX_NAME:
        raise InvalidInput(f"a view name is 1 to {MAX_NAME} characters")
    parse(query)  # InvalidInput with a caret if the query is wrong
    sort_name = sort_spec(sort).name
    with desk.store.write() as conn:
        me = desk.require_role(conn, "lead", "admin") if shared else desk.actor(conn)
        owner = None if shared else me.id
        mine = V.c.owner_id.is_(None) if shared else V.c.owner_id == owner
        found = conn.execute(select(V.c.id).where(V.c.name == clean, mine)).scalar()
        if found is None:
            conn.execute(insert(V).values(name=clean, query=query, sort=sort_name, owner_id=owner))
        elif not replace:
            existing = conn.execute(select(V.c.query).where(V.c.id == found)).scalar_one()
            raise ViewExists(clean, existing)
        else:
            conn.execute(update(V).where(V.c.id == found).values(query=query, sort=sort_name))
        row = conn.execute(
            select(V).where(
                V.c.name == clean, V.c.owner_id.is_(owner) if shared else V.c.owner_id == owner
            )
        ).one()
        return SavedView(row.id, row.name, row.query, row.sort, None if shared else me.handle)


def delete_view(desk: Desk, name: str) -> None:
    """Delete the acting agent's view ``name`` (a lead or admin may delete a shared one)."""
    with desk.store.write() as conn:
        me = desk.actor(conn)
        gone = conn.execute(delete(V).where(V.c.name == name, V.c.owner_id == me.id)).rowcount
        if not gone and me.role in ("lead", "admin"):
            gone = conn.execute(delete(V).where(V.c.name == name, V.c.owner_id.is_(None))).rowcount
        if not gone:
            raise NotFound(f'no saved view "{name}"', what="view")
