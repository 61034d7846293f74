"""Reading tickets: one select, one row-to-Ticket converter, keyset pages, counts.

Lists never load a whole queue (ARCHITECTURE "Lists of any size"): a page is
``WHERE (sort_key, id) < (:k, :id) ORDER BY sort_key DESC, id DESC LIMIT :n`` on an index
that matches the sort.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.sql.elements import TextClause

from deskterm.domain.desk import Desk
from deskterm.domain.models import (
    Attachment,
    AuditEvent,
    Cursor,
    Message,
    Page,
    Rating,
    Ticket,
    TicketDetail,
)
from deskterm.domain.query import NOW_PARAM, Query, parse, visible, where_clause
from deskterm.domain.tickets import statements
from deskterm.domain.tickets.convert import ticket_from_row
from deskterm.domain.tickets.fields import SELECTED, Field
from deskterm.domain.vocab import PRIORITIES
from deskterm.errors import InvalidInput, NotFound
from deskterm.store import schema

T = schema.tickets
_queue = schema.queues
_assignee = schema.agents.alias("assignee")
_contact = schema.contacts
_org = schema.organizations

#: The tables of the list select by the aliases fields.py uses.
_ALIASES: dict[str, Any] = {"t": T, "q": _queue, "a": _assignee, "c": _contact, "o": _org}


def _column(field: Field, dialect: str) -> ColumnElement[Any]:
    if field.kind == "tags":
        return _tag_list(dialect)
    alias, _, name = str(field.source).partition(".")
    column: ColumnElement[Any] = _ALIASES[alias].c[name]
    return column if alias == "t" and name == field.name else column.label(field.name)


_SELECTS: dict[str, Select[Any]] = {}


def _tag_list(dialect: str) -> ColumnElement[Any]:
    """The ticket's tag names, comma-joined, as one column of the list query (sorted later)."""
    tt, tags = schema.ticket_tags, schema.tags
    if dialect == "postgresql":
        agg = func.string_agg(tags.c.name, ",")
    else:
        agg = func.group_concat(tags.c.name, ",")
    inner = select(agg).select_from(tt.join(tags, tags.c.id == tt.c.tag_id))
    return inner.where(tt.c.ticket_id == T.c.id).scalar_subquery().label("tags")


def ticket_select(dialect: str) -> Select[Any]:
    """The one select every ticket read goes through: the columns of ``fields.SELECTED``, in
    their order (joins for names, tags as one column)."""
    cached = _SELECTS.get(dialect)
    if cached is not None:
        return cached
    # Every join is LEFT OUTER (queue_id is NOT NULL, so the result is the same): SQLite then
    # keeps tickets as the outer loop and can walk the index that matches the sort.
    joined = (
        T.outerjoin(_queue, T.c.queue_id == _queue.c.id)
        .outerjoin(_assignee, T.c.assignee_id == _assignee.c.id)
        .outerjoin(_contact, T.c.requester_id == _contact.c.id)
        .outerjoin(_org, _contact.c.organization_id == _org.c.id)
    )
    stmt = select(*(_column(field, dialect) for field in SELECTED)).select_from(joined)
    _SELECTS[dialect] = stmt
    return stmt


def load_ticket(conn: Connection, desk: Desk, ticket_id: int) -> Ticket:
    """The ticket as the acting agent sees it; NotFound if there is none, or if it is in a
    confidential queue the agent is not a member of."""
    stmt = ticket_select(conn.dialect.name).where(T.c.id == ticket_id)
    hidden = desk.hidden_queues(conn)
    if hidden:
        stmt = stmt.where(visible(hidden))
    row = conn.execute(stmt).first()
    if row is None:
        raise NotFound(f"ticket #{ticket_id} not found")
    return ticket_from_row(row, desk.now())


def get(desk: Desk, ticket_id: int) -> Ticket:
    """The ticket ``#ticket_id``; NotFound if there is none."""
    with desk.store.read(snapshot=False) as conn:
        desk.actor(conn)
        return load_ticket(conn, desk, ticket_id)


def detail(desk: Desk, ticket_id: int) -> TicketDetail:
    """The ticket with its whole thread and history, read in one snapshot."""
    with desk.store.read() as conn:
        desk.actor(conn)
        ticket = load_ticket(conn, desk, ticket_id)
        total, by_agent = time_totals(conn, ticket_id)
        return TicketDetail(
            ticket,
            tuple(thread(conn, ticket_id)),
            tuple(history(conn, ticket_id)),
            time_spent_seconds=total,
            time_by_agent=by_agent,
            rating=latest_rating(conn, ticket_id),
            attachments=attachments(conn, ticket_id),
        )


def time_totals(conn: Connection, ticket_id: int) -> tuple[int, dict[str, int]]:
    """The ticket's total time spent in seconds, and each agent's (handle -> seconds,
    most first, then by handle)."""
    return statements.time_totals(_run(conn, statements.TIME_TOTALS, ticket_id=ticket_id))


def latest_rating(conn: Connection, ticket_id: int) -> Rating | None:
    """The ticket's latest satisfaction rating (of its latest rated solve), or None."""
    return statements.rating(_run(conn, statements.LATEST_RATING, ticket_id=ticket_id).first())


def attachments(conn: Connection, ticket_id: int) -> tuple[Attachment, ...]:
    """The ticket's attachments, numbered in the order they came."""
    return statements.attachments(_run(conn, statements.ATTACHMENTS, ticket_id=ticket_id))


def solve_rating(conn: Connection, ticket_id: int, solved_at: datetime) -> str | None:
    """The rating of the solve at ``solved_at``, if it has one."""
    r = schema.ratings
    found = conn.execute(
        select(r.c.rating).where(r.c.ticket_id == ticket_id, r.c.solved_at == solved_at)
    ).scalar()
    return None if found is None else str(found)


def thread(conn: Connection, ticket_id: int) -> list[Message]:
    """The ticket's messages, oldest first, with their authors' names."""
    return [statements.message(row) for row in _run(conn, statements.THREAD, ticket_id=ticket_id)]


def history(conn: Connection, ticket_id: int, since_version: int = 0) -> list[AuditEvent]:
    rows = _run(conn, statements.HISTORY, ticket_id=ticket_id, since=since_version)
    return [statements.audit_event(row) for row in rows]


_TEXTS: dict[str, TextClause] = {}


def _run(conn: Connection, sql: str, **values: object) -> CursorResult[Any]:
    """One of the plain statements both readers share (``statements``), run here."""
    clause = _TEXTS.get(sql)
    if clause is None:
        clause = _TEXTS[sql] = text(sql)
    return conn.execute(clause, values)


# ------------------------------------------------------------------------------ sorting


@dataclass(frozen=True)
class SortSpec:
    name: str
    columns: tuple[ColumnElement[Any], ...]  # last one is always tickets.id
    descending: bool
    nullable_first: bool = False  # the first column may be NULL (sorted last)


SORT_NAMES: Final = tuple(statements.SORTS)


def sort_spec(text: str | None) -> SortSpec:
    """``updated`` (the default), ``created``, ``priority``, ``due`` or ``id``.

    Each has a natural direction (newest, highest or soonest first); ``:asc``/``:desc``
    overrides it, e.g. ``created:asc`` for oldest first.
    """
    parsed = statements.parse_sort(text)
    if parsed is None:
        raise InvalidInput(
            f'unknown sort "{text}"; allowed: {", ".join(SORT_NAMES)} '
            "(optionally with :asc or :desc)"
        )
    name, sort = parsed
    columns = tuple(T.c[column] for column in sort.columns)
    return SortSpec(name, columns, sort.descending, sort.nullable_first)


def _order_by(spec: SortSpec, reverse: bool) -> list[ColumnElement[Any]]:
    descending = spec.descending != reverse
    order: list[ColumnElement[Any]] = []
    for index, col in enumerate(spec.columns):
        item = col.desc() if descending else col.asc()
        if index == 0 and spec.nullable_first:
            item = item.nulls_first() if reverse else item.nulls_last()
        order.append(item)
    return order


def _after(spec: SortSpec, cursor: Cursor, reverse: bool) -> ColumnElement[bool]:
    """Rows strictly after ``cursor`` in the (possibly reversed) order.

    The cursor's values enter as named bind parameters ``k0``, ``k1``... (see
    :func:`_cursor_values`), so the compiled statement can be reused for the next page.
    """
    descending = spec.descending != reverse
    # A placeholder value (never sent: ``StatementCache.rows`` binds the real ones) because
    # a statement with a list (``status:new,open``) is compiled with its IN expanded, and
    # SQLAlchemy refuses to render that while a parameter has no value.
    keys = [bindparam(f"k{i}", None, type_=col.type) for i, col in enumerate(spec.columns)]
    if spec.nullable_first:
        first, rest_cols, rest_keys = spec.columns[0], spec.columns[1:], keys[1:]
        beyond = _tuple_after(rest_cols, rest_keys, descending)
        if cursor.values[0] is None:
            # Inside the NULL block, which comes last (first when reversed).
            if reverse:
                return or_(first.is_not(None), and_(first.is_(None), beyond))
            return and_(first.is_(None), beyond)
        key_after = _tuple_after(spec.columns, keys, descending)
        if reverse:
            return and_(first.is_not(None), key_after)
        return or_(first.is_(None), and_(first.is_not(None), key_after))
    return _tuple_after(spec.columns, keys, descending)


def _cursor_values(cursor: Cursor | None) -> dict[str, object]:
    if cursor is None:
        return {}
    return {f"k{i}": value for i, value in enumerate(cursor.values) if value is not None}


def _tuple_after(
    columns: Sequence[ColumnElement[Any]], keys: Sequence[BindParameter[Any]], descending: bool
) -> ColumnElement[bool]:
    if len(columns) == 1:
        return columns[0] < keys[0] if descending else columns[0] > keys[0]
    left, right = tuple_(*columns), tuple_(*keys)
    return left < right if descending else left > right


def _cursor_of(spec: SortSpec, ticket: Ticket) -> Cursor:
    values: list[object] = []
    for col in spec.columns:
        key = col.key
        if key == "priority":
            values.append(PRIORITIES.index(ticket.priority))
        else:
            values.append(getattr(ticket, str(key)))
    return Cursor(tuple(values))


def list_page(
    desk: Desk,
    query: Query | str = "",
    *,
    sort: str | None = None,
    limit: int = 50,
    after: Cursor | None = None,
    before: Cursor | None = None,
    from_end: bool = False,
) -> Page:
    """One page of the tickets ``query`` selects, in ``sort`` order.

    ``after`` continues past a page's ``next_cursor``; ``before`` goes back from a
    ``prev_cursor``; ``from_end`` gives the last page (the ``G`` key). Raises InvalidInput
    for a bad query or sort.
    """
    if limit < 1 or limit > 10_000:
        raise InvalidInput(f"limit must be between 1 and 10000, not {limit}")
    parsed = parse(query, now=desk.now()) if isinstance(query, str) else query
    spec = sort_spec(sort)
    reverse = before is not None or from_end
    cursor = before if before is not None else after
    with desk.store.read(snapshot=False) as conn:
        actor = desk.actor(conn)

        def build() -> Select[Any]:
            stmt = ticket_select(conn.dialect.name).where(where_clause(desk, conn, parsed))
            if cursor is not None:
                stmt = stmt.where(_after(spec, cursor, reverse))
            return stmt.order_by(*_order_by(spec, reverse)).limit(limit + 1)

        key = (
            conn.dialect.name,
            parsed,
            actor.id,
            desk.hidden_queues(conn),
            spec,
            reverse,
            limit,
            None if cursor is None else cursor.values[0] is None,
        )
        values = {NOW_PARAM: desk.now(), **_cursor_values(cursor)}
        rows = desk.store.statements.rows(conn, key, build, values)
        more = len(rows) > limit
        rows = rows[:limit]
        if reverse:
            rows.reverse()
        now = desk.now()
        items = [ticket_from_row(row, now) for row in rows]
    if not items:
        return Page((), None, None)
    has_next = (more and not reverse) or (reverse and before is not None)
    has_prev = (more and reverse) or (after is not None)
    return Page(
        tuple(items),
        _cursor_of(spec, items[-1]) if has_next else None,
        _cursor_of(spec, items[0]) if has_prev else None,
    )


STREAM_PAGE: Final = 1000


def stream_pages(
    desk: Desk, query: Query | str = "", *, sort: str | None = None, page_size: int = STREAM_PAGE
) -> Iterator[tuple[Ticket, ...]]:
    """Every ticket ``query`` selects, in ``sort`` order, one keyset page at a time.

    Memory is one page whatever the total (a million tickets stream like a hundred). Each
    page is its own short read, so a slow reader (``| less``) never holds the database; the
    query is parsed once, so a relative time (``created:>7d``) is the same point for every
    page. A ticket changed while the stream runs can move in an order on a changing field
    (updated, priority, due) and so be missed or listed twice; the orders on ``id`` and
    ``created`` cannot move. Raises InvalidInput for a bad query or sort, before any page.
    """
    parsed = parse(query, now=desk.now()) if isinstance(query, str) else query
    sort_spec(sort)
    cursor: Cursor | None = None
    while True:
        page = list_page(desk, parsed, sort=sort, limit=page_size, after=cursor)
        if page.items:
            yield page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def count(desk: Desk, query: Query | str = "", *, cap: int | None = None) -> int:
    """How many tickets ``query`` selects (an indexed count, no rows loaded).

    With ``cap`` the count stops after ``cap + 1`` matches and returns at most that, meaning
    "more than ``cap``": its cost is then bounded by ``cap`` index entries whatever the size
    of the desk.
    """
    parsed = parse(query, now=desk.now()) if isinstance(query, str) else query
    with desk.store.read(snapshot=False) as conn:
        desk.actor(conn)
        where = where_clause(desk, conn, parsed)
        if cap is None:
            stmt = select(func.count()).select_from(T).where(where)
        else:
            matches = select(T.c.id).where(where).limit(cap + 1).subquery()
            stmt = select(func.count()).select_from(matches)
        return int(conn.execute(stmt).scalar_one())


def matching_ids(desk: Desk, query: Query | str, *, limit: int = 1_000_000) -> list[int]:
    """The ids of every ticket ``query`` selects, oldest first (for bulk updates)."""
    parsed = parse(query, now=desk.now()) if isinstance(query, str) else query
    with desk.store.read() as conn:
        desk.actor(conn)
        stmt = select(T.c.id).where(where_clause(desk, conn, parsed)).order_by(T.c.id).limit(limit)
        return [int(i) for i in conn.execute(stmt).scalars()]
