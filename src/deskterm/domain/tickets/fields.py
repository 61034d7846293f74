"""A ticket's fields, declared once.

Everything that reads or writes a ticket's shape is derived from :data:`FIELDS`: the list
select (``read.ticket_select``), the console's first page read with plain ``sqlite3``
(``quick``), the row-to-``Ticket`` converter (``convert``), the JSON and CSV keys (the order
of ``models.Ticket``, which a test keeps equal to this one) and the headers of the CLI's
tables. No database library is imported here, so the quick path can use it.

Adding a field (see docs/ARCHITECTURE.md):

1. a column in ``store/schema.py`` and a migration;
2. a ``Field`` here, where it belongs in the JSON object's order;
3. the same attribute, at the same place, in ``models.Ticket``;
4. if the console should show it in the list, a column in ``tui/widgets/ticket_table.py``.

``tests/domain/test_fields.py`` fails until all of these agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["int", "text", "time", "priority", "tags", "derived"]

#: The tables of the list select, by the alias the SQL uses.
TABLES: Final = {
    "t": "tickets",
    "q": "queues",
    "a": "agents",
    "c": "contacts",
    "o": "organizations",
}
#: How the aliased tables join the tickets (every join LEFT OUTER: see read.ticket_select).
JOINS: Final = (
    ("q", "t.queue_id = q.id"),
    ("a", "t.assignee_id = a.id"),
    ("c", "t.requester_id = c.id"),
    ("o", "c.organization_id = o.id"),
)
#: The ticket's tag names, comma-joined (sorted when converted), by dialect (SQLAlchemy's
#: ``func.group_concat`` and ``func.string_agg`` in ``read._tag_list``).
TAGS_SQL: Final = (
    "(SELECT group_concat(g.name, ',') FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id "
    "WHERE tt.ticket_id = t.id)"
)
_AGGREGATES: Final = {"sqlite": "group_concat(", "postgresql": "string_agg("}


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a ticket.

    ``name`` is the ``Ticket`` attribute and the JSON/CSV key; ``source`` is ``alias.column``
    in the list select (None for ``tags``, an aggregate, and for derived values);
    ``header`` heads a table column; ``label`` names it on the ``ticket show`` page.
    """

    name: str
    source: str | None
    kind: Kind
    header: str
    label: str

    @property
    def selected(self) -> bool:
        return self.kind != "derived"


FIELDS: Final = (
    Field("id", "t.id", "int", "ID", "Ticket"),
    Field("subject", "t.subject", "text", "SUBJECT", "Subject"),
    Field("type", "t.type", "text", "TYPE", "Type"),
    Field("status", "t.status", "text", "STATUS", "Status"),
    Field("priority", "t.priority", "priority", "PRIO", "Priority"),
    Field("queue", "q.name", "text", "QUEUE", "Queue"),
    Field("assignee", "a.handle", "text", "ASSIGNEE", "Assignee"),
    Field("requester", "c.email", "text", "REQUESTER", "Requester"),
    Field("requester_name", "c.name", "text", "REQUESTER NAME", "Requester name"),
    Field("organization", "o.name", "text", "ORGANIZATION", "Organization"),
    Field("tags", None, "tags", "TAGS", "Tags"),
    Field("channel", "t.channel", "text", "CHANNEL", "Channel"),
    Field("created_at", "t.created_at", "time", "CREATED AT", "Created"),
    Field("updated_at", "t.updated_at", "time", "UPDATED", "Updated"),
    Field(
        "first_responded_at", "t.first_responded_at", "time", "FIRST RESPONDED AT", "First response"
    ),
    Field("solved_at", "t.solved_at", "time", "SOLVED AT", "Solved"),
    Field("closed_at", "t.closed_at", "time", "CLOSED AT", "Closed"),
    Field(
        "first_response_due", "t.first_response_due", "time", "FIRST RESPONSE DUE", "Response due"
    ),
    Field("resolution_due", "t.resolution_due", "time", "RESOLUTION DUE", "Resolution due"),
    Field(
        "next_response_due", "t.next_response_due", "time", "NEXT RESPONSE DUE", "Next response due"
    ),
    Field("sla_due", "t.sla_due", "time", "DUE", "Due"),
    Field("sla_state", None, "derived", "SLA", "SLA"),
    Field("version", "t.version", "int", "VERSION", "Version"),
)
BY_NAME: Final = {field.name: field for field in FIELDS}
#: Columns the list select also reads that a ``Ticket`` does not carry: what its
#: ``sla_state`` is derived from (``sla.ClockState``). They come last in a row.
INTERNAL: Final = (
    Field("sla_policy_id", "t.sla_policy_id", "int", "", ""),
    Field("next_response_started_at", "t.next_response_started_at", "time", "", ""),
    Field("sla_paused_at", "t.sla_paused_at", "time", "", ""),
    Field("sla_warn_at", "t.sla_warn_at", "time", "", ""),
)
#: The fields the list select returns, in its column order: the Ticket's, then INTERNAL.
SELECTED: Final = (*(field for field in FIELDS if field.selected), *INTERNAL)
#: How many leading columns of a row become the Ticket (before sla_state is derived).
SHOWN_COLUMNS: Final = len(SELECTED) - len(INTERNAL)
#: Positions in a list row.
ROW: Final = {field.name: index for index, field in enumerate(SELECTED)}
TIME_POSITIONS: Final = tuple(ROW[f.name] for f in SELECTED if f.kind == "time")


def column_sql(field: Field, dialect: str = "sqlite") -> str:
    """The SQL of ``field`` in the list select (plain SQL, as ``dialect`` reads it)."""
    if field.kind == "tags":
        return TAGS_SQL.replace(_AGGREGATES["sqlite"], _AGGREGATES[dialect])
    return str(field.source)


def list_sql(dialect: str = "sqlite") -> str:
    """``SELECT <every selected field> FROM tickets t LEFT OUTER JOIN ...``: the list select
    as plain SQL for ``dialect`` (``sqlite`` or ``postgresql``), for the light reader
    (``quick``), with no WHERE, ORDER or LIMIT."""
    joins = " ".join(f"LEFT OUTER JOIN {TABLES[alias]} {alias} ON {on}" for alias, on in JOINS)
    columns = ", ".join(column_sql(field, dialect) for field in SELECTED)
    return f"SELECT {columns} FROM tickets t {joins}"


def visible_sql(hidden: frozenset[int]) -> str | None:
    """The condition that leaves out the tickets of the queues ``hidden``
    (``Desk.hidden_queues``) as literal ids, as the query compiler's ``visible`` renders it;
    None when nothing is hidden."""
    if not hidden:
        return None
    return f"t.queue_id NOT IN ({', '.join(str(int(i)) for i in sorted(hidden))})"
