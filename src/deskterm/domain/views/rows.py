"""The SQL of the views list, written once, as plain text both readers run: ``saved``
(through SQLAlchemy) and the light reader (``tickets.LightDesk``, plain ``sqlite3``). No
database library is imported here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from deskterm.domain.models import SavedView

if TYPE_CHECKING:
    from deskterm.domain.tickets import LightDesk

#: The acting agent's (``:me``) own views and the shared ones, in the order they were saved.
LIST_SQL: Final = (
    "SELECT v.id, v.name, v.query, v.sort, a.handle FROM saved_views v "
    "LEFT OUTER JOIN agents a ON v.owner_id = a.id "
    "WHERE v.owner_id = :me OR v.owner_id IS NULL ORDER BY v.id"
)


def view_from_row(row: Any) -> SavedView:
    """A SavedView from a :data:`LIST_SQL` row."""
    id_, name, query, sort, owner = row
    return SavedView(id_, name, query, sort, owner)


def list_light(reader: LightDesk) -> list[SavedView]:
    """What ``list_views(desk)`` gives, read by the light reader."""
    return [view_from_row(row) for row in reader.rows(LIST_SQL, {"me": reader.agent_id()})]
