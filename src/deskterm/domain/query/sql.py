"""The query language's AST (``domain.query``) turned into SQL, the same for both backends.

Every condition is built so that it is never NULL, which makes negation (``-assignee:bob``)
include the rows where the field is empty, as a user expects.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    exists,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from deskterm.domain.desk import Desk
from deskterm.domain.query.language import FieldTerm, Query, TextTerm
from deskterm.domain.vocab import PRIORITY_RANK, STATUSES, UNSOLVED
from deskterm.errors import InvalidInput
from deskterm.store import schema, search

T = schema.tickets
#: The bound parameter holding "now" in clauses that depend on the current time.
NOW_PARAM = "now_at"


def where_clause(
    desk: Desk,
    conn: Connection,
    query: Query,
    *,
    within: BindParameter[Any] | None = None,
    confined: bool = True,
    scratch: bool = False,
) -> ColumnElement[bool]:
    """The WHERE clause selecting the tickets ``query`` describes (ANDed terms), among those
    the acting agent may see (``confined``; triage asks about a ticket being created,
    whoever creates it, and passes False).

    ``within``: the caller asks only about these tickets (an expanding parameter of ids, as
    triage does of a new ticket), so a text search looks up just them (``search.ticket_match``);
    ``scratch``: on SQLite, in the scratch index the caller filled with them.
    """
    clauses: list[ColumnElement[bool]] = []
    if confined:
        hidden = desk.hidden_queues(conn)
        if hidden:
            clauses.append(visible(hidden))
    for term in query.terms:
        if isinstance(term, FieldTerm):
            clause = _field_clause(desk, conn, query, term)
            clauses.append(not_(clause) if term.negated else clause)
    if _only_unsolved(query):
        # Verbatim text, not bound parameters: SQLite matches a partial index by its text.
        clauses.append(cast("ColumnElement[bool]", text(schema.UNSOLVED_PREDICATE)))
    text_terms = [t for t in query.terms if isinstance(t, TextTerm)]
    if text_terms:
        terms = [_search_term(t) for t in text_terms]
        clauses.append(search.ticket_match(conn, terms, within=within, scratch=scratch))
    if not clauses:
        return true()
    return and_(*clauses)


def visible(hidden: frozenset[int]) -> ColumnElement[bool]:
    """Tickets outside the queues ``hidden`` (``Desk.hidden_queues``), as literal ids: a
    list statement is compiled once per agent and set of queues (read.list_page's key)."""
    return T.c.queue_id.not_in([literal_column(str(int(i))) for i in sorted(hidden)])


def _only_unsolved(query: Query) -> bool:
    """Whether the query can only match unsolved tickets (then the partial index applies)."""
    allowed = set(STATUSES)
    for term in query.terms:
        if not isinstance(term, FieldTerm):
            continue
        values = {str(v) for v in term.values}
        if term.field == "status":
            allowed = allowed - values if term.negated else allowed & values
        elif term.field == "is" and not term.negated and values == {"unsolved"}:
            allowed &= set(UNSOLVED)
    return allowed != set(STATUSES) and allowed <= set(UNSOLVED)


def _search_term(term: TextTerm) -> search.SearchTerm:
    text = term.text
    prefix = not term.phrase and text.endswith("*") and len(text.rstrip("*")) > 0
    return search.SearchTerm(
        text=text.rstrip("*") if prefix else text,
        phrase=term.phrase,
        negated=term.negated,
        prefix=prefix,
    )


def _field_clause(
    desk: Desk, conn: Connection, query: Query, term: FieldTerm
) -> ColumnElement[bool]:
    field = term.field
    values = term.values
    if field in ("status", "type", "channel"):
        if len(values) == 1:
            return T.c[field] == str(values[0])
        return _unindexed(conn, T.c[field]).in_([str(v) for v in values])
    if field == "priority":
        ranks = [PRIORITY_RANK[str(v)] for v in values]
        column = (
            T.c.priority if term.op == "=" and len(ranks) == 1 else _unindexed(conn, T.c.priority)
        )
        return _compare(column, term.op, ranks)
    if field == "id":
        return _compare(T.c.id, term.op, [int(str(v)) for v in values])
    if field in ("created", "updated", "due"):
        column = {
            "created": T.c.created_at,
            "updated": T.c.updated_at,
            "due": T.c.sla_due,
        }[field]
        times = [v for v in values if isinstance(v, datetime)]
        clause = _compare(column, term.op, times)
        return and_(column.is_not(None), _rare(conn, clause)) if field == "due" else clause
    if field == "queue":
        return T.c.queue_id.in_(_queue_ids(conn, query, term))
    if field == "assignee":
        return _assignee_clause(desk, conn, query, term)
    if field == "tag":
        names = [str(v).lower() for v in values]
        return exists(
            select(1)
            .select_from(schema.ticket_tags.join(schema.tags))
            .where(schema.ticket_tags.c.ticket_id == T.c.id, schema.tags.c.name.in_(names))
        )
    if field == "requester":
        return and_(T.c.requester_id.is_not(None), T.c.requester_id.in_(_contact_ids(values)))
    if field == "org":
        return and_(T.c.requester_id.is_not(None), T.c.requester_id.in_(_org_contact_ids(values)))
    if field == "is":
        return or_(*(_is_clause(desk, conn, str(v)) for v in values))
    raise InvalidInput(
        f'field "{field}" is not supported here', text=query.source, position=term.position
    )


def _unindexed(conn: Connection, column: ColumnElement[Any]) -> ColumnElement[Any]:
    """The column wrapped so SQLite's planner will not pick an index for this term.

    A list or range on a low-cardinality field (``status:open,pending``, ``priority:>=high``)
    cannot give rows in sort order, and SQLite would read every match and sort it; walking the
    sort's own index and filtering stops after one page instead, at any table size. This is
    SQLite's documented unary-``+`` idiom: ``+x`` is ``x`` unchanged, at no cost per row (the
    portable ``x || ''`` built a string for every row scanned and made a page 1.5x slower).
    """
    if conn.dialect.name != "sqlite":
        return column
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)


#: How often SQLite's planner is told a due-time term holds: running clocks are a small part
#: of a big desk (docs/sla.md), breached or nearly due ones smaller still.
RARE = "0.001"


def _rare(conn: Connection, clause: ColumnElement[bool]) -> ColumnElement[bool]:
    """``clause``, marked for SQLite's planner as true for few rows (``likelihood``).

    Without statistics of the values SQLite guesses that a range on ``sla_due`` keeps a
    quarter of the desk, and for ``is:breached status:open`` it would walk every open ticket
    in the sort's index rather than read the few breached ones and sort them. ``likelihood``
    costs nothing per row and changes no result. PostgreSQL keeps its own statistics.
    """
    if conn.dialect.name != "sqlite":
        return clause
    return cast("ColumnElement[bool]", func.likelihood(clause, literal_column(RARE)))


def _compare(
    column: ColumnElement[object], op: str, values: Sequence[object]
) -> ColumnElement[bool]:
    if op == "=":
        if len(values) == 2 and all(isinstance(v, datetime) for v in values):
            return and_(column >= values[0], column < values[1])
        return column.in_(list(values))
    value = values[0]
    if op == "<":
        return column < value
    if op == "<=":
        return column <= value
    if op == ">":
        return column > value
    if op == ">=":
        return column >= value
    raise InvalidInput(f"unknown comparison {op}")


def _value_error(query: Query, term: FieldTerm, value: object, message: str) -> InvalidInput:
    """InvalidInput pointing at ``value`` inside ``term`` (the caret goes under the value)."""
    start = term.position + (1 if term.negated else 0) + len(term.field) + 1
    found = query.source.find(str(value), start)
    position = found if found >= 0 else start
    return InvalidInput(
        message.replace("{col}", str(position + 1)), text=query.source, position=position
    )


def _queue_ids(conn: Connection, query: Query, term: FieldTerm) -> list[int]:
    rows = conn.execute(select(schema.queues.c.id, schema.queues.c.name)).all()
    by_name = {row.name.lower(): row.id for row in rows}
    ids = []
    for value in term.values:
        key = str(value).lower()
        if key not in by_name:
            known = ", ".join(sorted(f'"{r.name}"' if " " in r.name else r.name for r in rows))
            raise _value_error(
                query, term, value, f'unknown queue "{value}" at column {{col}}; queues: {known}'
            )
        ids.append(by_name[key])
    return ids


def _assignee_clause(
    desk: Desk, conn: Connection, query: Query, term: FieldTerm
) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    handles = []
    for value in term.values:
        key = str(value).lower()
        if key == "none":
            clauses.append(T.c.assignee_id.is_(None))
        elif key == "me":
            clauses.append(
                and_(T.c.assignee_id.is_not(None), T.c.assignee_id == desk.actor(conn).id)
            )
        else:
            handles.append(key)
    if handles:
        rows = conn.execute(
            select(schema.agents.c.id, schema.agents.c.handle).where(
                func.lower(schema.agents.c.handle).in_(handles)
            )
        ).all()
        found = {row.handle.lower() for row in rows}
        missing = [h for h in handles if h not in found]
        if missing:
            raise _value_error(
                query,
                term,
                missing[0],
                f'unknown agent "{missing[0]}" at column {{col}}; use a handle, me or none',
            )
        clauses.append(
            and_(T.c.assignee_id.is_not(None), T.c.assignee_id.in_([row.id for row in rows]))
        )
    return or_(*clauses) if clauses else false()


def _contact_ids(values: Sequence[object]) -> Select[Any]:
    c = schema.contacts
    conditions = []
    for value in values:
        key = str(value).lower()
        if "@" in key:
            conditions.append(func.lower(c.c.email) == key)
        else:
            pattern = f"%{_escape_like(key)}%"
            conditions.append(
                or_(
                    func.lower(c.c.email).like(pattern, escape="\\"),
                    func.lower(c.c.name).like(pattern, escape="\\"),
                )
            )
    return select(c.c.id).where(or_(*conditions))


def _org_contact_ids(values: Sequence[object]) -> Select[Any]:
    o, c = schema.organizations, schema.contacts
    conditions = []
    for value in values:
        key = str(value).lower()
        pattern = f"%{_escape_like(key)}%"
        conditions.append(
            or_(func.lower(o.c.name).like(pattern, escape="\\"), func.lower(o.c.domain) == key)
        )
    return select(c.c.id).join(o, c.c.organization_id == o.c.id).where(or_(*conditions))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _is_clause(desk: Desk, conn: Connection, value: str) -> ColumnElement[bool]:
    if value == "unassigned":
        return T.c.assignee_id.is_(None)
    if value == "assigned":
        return T.c.assignee_id.is_not(None)
    if value == "mine":
        return and_(T.c.assignee_id.is_not(None), T.c.assignee_id == desk.actor(conn).id)
    if value == "unsolved":
        return T.c.status.in_(UNSOLVED)
    if value == "breached":
        # ``sla_due`` is the earliest due of the running clocks, NULL when none runs (paused,
        # met, no policy): docs/sla.md. A named parameter, not a baked-in time: a compiled
        # list statement is re-run with the current time (ticket_read.list_page binds NOW_PARAM).
        now = bindparam(NOW_PARAM, desk.now(), type_=T.c.sla_due.type)
        return and_(T.c.sla_due.is_not(None), _rare(conn, T.c.sla_due <= now))
    raise InvalidInput(f'unknown is: value "{value}"')
