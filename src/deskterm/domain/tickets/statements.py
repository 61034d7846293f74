"""The SQL of a ticket read, written once, as plain text both readers run.

``read`` (through SQLAlchemy, on SQLite and PostgreSQL) and the light reader (plain
``sqlite3`` or psycopg, ``quick``) run these same statements and turn their rows into the
same objects with the converters below; the list select itself is derived from ``fields``
the same way (``fields.list_sql`` and ``read.ticket_select``), and so are the orders
(``SORTS``). No database library is imported here. ``tests/cli/test_light_read.py``
compares the two readers' output byte for byte, on both backends.

Parameters are named (``:ticket_id``), which SQLAlchemy's ``text()`` and ``sqlite3`` both
read (psycopg through ``store.light_pg.driver_sql``). The SQL is portable; times come back
as datetimes from PostgreSQL and as SQLAlchemy's naive-UTC text from SQLite, and
``store.light.utc`` takes both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from deskterm.domain import models
from deskterm.store.light import utc

if TYPE_CHECKING:
    # Built through ``models`` when first needed: the console's first frame reads the list
    # statements here and never a thread (``models_read``).
    from deskterm.domain.models import Attachment, AuditEvent, Message, Rating

# ----------------------------------------------------------------------------- orders


@dataclass(frozen=True, slots=True)
class Sort:
    """A list order: ``columns`` of the tickets table (the last is always ``id``), its
    natural direction, and whether the first column may be NULL (NULLs sort last)."""

    columns: tuple[str, ...]
    descending: bool
    nullable_first: bool = False


#: The orders of ``ticket list --sort`` (``read.sort_spec`` reads them).
SORTS: Final = {
    "updated": Sort(("updated_at", "id"), True),
    "created": Sort(("created_at", "id"), True),
    "priority": Sort(("priority", "updated_at", "id"), True),
    "due": Sort(("sla_due", "id"), False, True),
    "id": Sort(("id",), True),
}
DEFAULT_SORT: Final = "updated"


def parse_sort(text: str | None) -> tuple[str, Sort] | None:
    """``updated``, ``created:asc``...: the sort's name and its order with the direction
    applied, or None when ``text`` names none (``read.sort_spec`` says why)."""
    raw = (text or DEFAULT_SORT).strip().lower()
    name, _, direction = raw.partition(":")
    if name not in SORTS or direction not in ("", "asc", "desc"):
        return None
    sort = SORTS[name]
    if direction:
        sort = Sort(sort.columns, direction == "desc", sort.nullable_first)
    return raw, sort


def order_sql(sort: Sort) -> str:
    """``ORDER BY`` of a first page in ``sort`` (the text SQLAlchemy renders for it)."""
    way = "DESC" if sort.descending else "ASC"
    items = []
    for index, column in enumerate(sort.columns):
        item = f"t.{column} {way}"
        if index == 0 and sort.nullable_first:
            item += " NULLS LAST"
        items.append(item)
    return "ORDER BY " + ", ".join(items)


# ----------------------------------------------------------------------- one ticket

#: A ticket's messages, oldest first, with their authors (see :func:`message`).
THREAD: Final = (
    "SELECT m.id, m.ticket_id, m.kind, a.handle, a.name, c.email, c.name, m.body, "
    "m.created_at, m.automatic, o.status, o.last_error FROM messages m "
    "LEFT OUTER JOIN agents a ON m.author_agent_id = a.id "
    "LEFT OUTER JOIN contacts c ON m.author_contact_id = c.id "
    "LEFT OUTER JOIN mail_outbox o ON o.message_id = m.id "
    "WHERE m.ticket_id = :ticket_id ORDER BY m.id"
)
#: A ticket's history after version ``:since`` (see :func:`audit_event`).
HISTORY: Final = (
    "SELECT e.id, e.ticket_id, a.handle, e.field, e.old_value, e.new_value, e.version, e.at "
    "FROM audit_events e LEFT OUTER JOIN agents a ON e.actor_id = a.id "
    "WHERE e.ticket_id = :ticket_id AND e.version > :since ORDER BY e.id"
)
#: Each agent's time spent on a ticket (see :func:`time_totals`).
TIME_TOTALS: Final = (
    "SELECT a.handle, sum(e.seconds) FROM time_entries e JOIN agents a ON e.agent_id = a.id "
    "WHERE e.ticket_id = :ticket_id GROUP BY a.handle"
)
#: The latest rating of a ticket, of its latest rated solve (see :func:`rating`).
LATEST_RATING: Final = (
    "SELECT r.ticket_id, r.rating, r.comment, r.solved_at, r.recorded_at, a.handle "
    "FROM ratings r LEFT OUTER JOIN agents a ON r.recorded_by_id = a.id "
    "WHERE r.ticket_id = :ticket_id ORDER BY r.solved_at DESC LIMIT 1"
)

#: A ticket's attachments in the order they came (see :func:`attachments`).
ATTACHMENTS: Final = (
    "SELECT a.id, a.ticket_id, a.message_id, a.name, a.content_type, a.size, a.sha256, "
    "a.inline, a.refused, a.created_at FROM attachments a "
    "WHERE a.ticket_id = :ticket_id ORDER BY a.id"
)


def message(row: Any) -> Message:
    """A Message from a :data:`THREAD` row."""
    id_, ticket_id, kind, handle, agent_name, email, contact_name, body, at, auto = row[:10]
    delivery, error = row[10:12]
    return models.Message(
        id=id_,
        ticket_id=ticket_id,
        kind=kind,
        author=handle or email,
        author_name=agent_name or contact_name,
        body=body,
        created_at=utc(at),
        automatic=bool(auto),
        delivery=delivery,
        delivery_error=error,
    )


def audit_event(row: Any) -> AuditEvent:
    """An AuditEvent from a :data:`HISTORY` row."""
    id_, ticket_id, handle, field, old, new, version, at = row
    return models.AuditEvent(id_, ticket_id, handle, field, old, new, version, utc(at))


def time_totals(rows: Iterable[Any]) -> tuple[int, dict[str, int]]:
    """The total seconds and each agent's (most first, then by handle) of :data:`TIME_TOTALS`."""
    by_agent = sorted(((str(h), int(s)) for h, s in rows), key=lambda item: (-item[1], item[0]))
    return sum(seconds for _h, seconds in by_agent), dict(by_agent)


def rating(row: Any) -> Rating | None:
    """The Rating of a :data:`LATEST_RATING` row (None for no row)."""
    if row is None:
        return None
    ticket_id, value, comment, solved_at, recorded_at, handle = row
    return models.Rating(ticket_id, value, comment, utc(solved_at), utc(recorded_at), handle)


def attachments(rows: Iterable[Any]) -> tuple[Attachment, ...]:
    """The Attachments of :data:`ATTACHMENTS` rows, numbered 1, 2, ... in that order."""
    found = []
    Attachment = models.Attachment
    for number, row in enumerate(rows, start=1):
        id_, ticket_id, message_id, name, kind, size, sha256, inline, refused, at = row
        found.append(
            Attachment(
                number,
                id_,
                ticket_id,
                message_id,
                name,
                kind,
                int(size),
                sha256,
                bool(inline),
                refused,
                utc(at),
            )
        )
    return tuple(found)
