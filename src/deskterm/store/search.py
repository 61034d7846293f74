"""Full-text search: one interface, two backends (ARCHITECTURE "Search").

SQLite: ``ticket_fts`` is an FTS5 table whose rowid is the ticket id, with two columns,
``subject`` and ``body`` (every reply and note of the thread, joined). Triggers keep it in
step with ``tickets`` and ``messages``. It keeps its own copy of the text because the body is
an aggregate of many rows, which an external-content table cannot express, and SQLite 3.40
(the one shipped with Python 3.11 here) has no ``contentless_delete``. ``kb_fts`` is an
external-content FTS5 table over ``kb_articles``. Ranking is ``bm25()`` with the subject (or
title) weighted higher.

PostgreSQL: ``ticket_search`` holds one weighted ``tsvector`` per ticket (subject A, thread
B), kept by triggers, with a GIN index; ``kb_articles.search_doc`` is a generated column.
Queries go through ``websearch_to_tsquery`` and rank with ``ts_rank``.

User text never reaches MATCH or a tsquery raw: each word or phrase is quoted here, so every
string a user types is a valid search.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    bindparam,
    column,
    false,
    func,
    literal_column,
    select,
    text,
    true,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from deskterm.store import schema

# The words of a search and the FTS5 expression, shared with the light reader:
from deskterm.store.search_text import HL_END as HL_END
from deskterm.store.search_text import HL_START as HL_START
from deskterm.store.search_text import PG_CONFIG as PG_CONFIG
from deskterm.store.search_text import SUBJECT_WEIGHT as SUBJECT_WEIGHT
from deskterm.store.search_text import SearchTerm as SearchTerm
from deskterm.store.search_text import clean_text as clean_text
from deskterm.store.search_text import fts5_query as fts5_query
from deskterm.store.search_text import fts5_term as fts5_term
from deskterm.store.search_text import has_words as has_words
from deskterm.store.search_text import pg_tsquery as pg_tsquery
from deskterm.store.search_text import websearch_text as websearch_text

FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
#: Ranking a very common word over a million tickets would sort the whole table; rank only
#: this many of the newest matches instead (ARCHITECTURE "common words").
RANK_CANDIDATES = 2000

# --------------------------------------------------------------------------- SQLite DDL

SQLITE_DDL: tuple[str, ...] = (
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS ticket_fts USING fts5(
        subject, body, tokenize = '{FTS_TOKENIZER}')""",
    """CREATE TRIGGER IF NOT EXISTS ticket_fts_ticket_insert AFTER INSERT ON tickets BEGIN
        INSERT INTO ticket_fts(rowid, subject, body) VALUES (new.id, new.subject, '');
    END""",
    """CREATE TRIGGER IF NOT EXISTS ticket_fts_ticket_subject AFTER UPDATE OF subject ON tickets
    BEGIN
        UPDATE ticket_fts SET subject = new.subject WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS ticket_fts_ticket_delete AFTER DELETE ON tickets BEGIN
        DELETE FROM ticket_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS ticket_fts_message_insert AFTER INSERT ON messages
    WHEN new.kind != 'event' BEGIN
        UPDATE ticket_fts SET body = (
            SELECT coalesce(group_concat(body, char(10)), '') FROM messages
            WHERE ticket_id = new.ticket_id AND kind != 'event'
        ) WHERE rowid = new.ticket_id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS ticket_fts_message_update AFTER UPDATE ON messages BEGIN
        UPDATE ticket_fts SET body = (
            SELECT coalesce(group_concat(body, char(10)), '') FROM messages
            WHERE ticket_id = ticket_fts.rowid AND kind != 'event'
        ) WHERE rowid IN (old.ticket_id, new.ticket_id);
    END""",
    """CREATE TRIGGER IF NOT EXISTS ticket_fts_message_delete AFTER DELETE ON messages BEGIN
        UPDATE ticket_fts SET body = (
            SELECT coalesce(group_concat(body, char(10)), '') FROM messages
            WHERE ticket_id = old.ticket_id AND kind != 'event'
        ) WHERE rowid = old.ticket_id;
    END""",
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS kb_fts USING fts5(
        title, body, content = 'kb_articles', content_rowid = 'id',
        tokenize = '{FTS_TOKENIZER}')""",
    """CREATE TRIGGER IF NOT EXISTS kb_fts_insert AFTER INSERT ON kb_articles BEGIN
        INSERT INTO kb_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS kb_fts_delete AFTER DELETE ON kb_articles BEGIN
        INSERT INTO kb_fts(kb_fts, rowid, title, body)
            VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS kb_fts_update AFTER UPDATE ON kb_articles BEGIN
        INSERT INTO kb_fts(kb_fts, rowid, title, body)
            VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO kb_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
)

SQLITE_TICKET_TRIGGERS = (
    "ticket_fts_ticket_insert",
    "ticket_fts_ticket_subject",
    "ticket_fts_ticket_delete",
    "ticket_fts_message_insert",
    "ticket_fts_message_update",
    "ticket_fts_message_delete",
)

SQLITE_DROP: tuple[str, ...] = (
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TICKET_TRIGGERS),
    "DROP TRIGGER IF EXISTS kb_fts_insert",
    "DROP TRIGGER IF EXISTS kb_fts_delete",
    "DROP TRIGGER IF EXISTS kb_fts_update",
    "DROP TABLE IF EXISTS ticket_fts",
    "DROP TABLE IF EXISTS kb_fts",
)

# ------------------------------------------------------------------------ PostgreSQL DDL

_PG_DOC = f"""
    setweight(to_tsvector('{PG_CONFIG}', t.subject), 'A') ||
    setweight(to_tsvector('{PG_CONFIG}', coalesce((
        SELECT string_agg(m.body, E'\\n' ORDER BY m.id) FROM messages m
        WHERE m.ticket_id = t.id AND m.kind <> 'event'), '')), 'B')
"""

POSTGRES_DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS ticket_search (
        ticket_id integer PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
        doc tsvector NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS ix_ticket_search_doc ON ticket_search USING gin (doc)",
    f"""CREATE OR REPLACE FUNCTION deskterm_ticket_search_refresh(tid integer)
    RETURNS void LANGUAGE sql AS $$
        INSERT INTO ticket_search (ticket_id, doc)
        SELECT t.id, {_PG_DOC} FROM tickets t WHERE t.id = tid
        ON CONFLICT (ticket_id) DO UPDATE SET doc = excluded.doc;
    $$""",
    """CREATE OR REPLACE FUNCTION deskterm_ticket_search_trigger()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'tickets' THEN
            PERFORM deskterm_ticket_search_refresh(NEW.id);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM deskterm_ticket_search_refresh(OLD.ticket_id);
        ELSE
            IF NEW.kind <> 'event' THEN
                PERFORM deskterm_ticket_search_refresh(NEW.ticket_id);
            END IF;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER ticket_search_ticket AFTER INSERT OR UPDATE OF subject ON tickets
        FOR EACH ROW EXECUTE FUNCTION deskterm_ticket_search_trigger()""",
    """CREATE TRIGGER ticket_search_message AFTER INSERT OR UPDATE OR DELETE ON messages
        FOR EACH ROW EXECUTE FUNCTION deskterm_ticket_search_trigger()""",
    f"""ALTER TABLE kb_articles ADD COLUMN IF NOT EXISTS search_doc tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('{PG_CONFIG}', title), 'A') ||
            setweight(to_tsvector('{PG_CONFIG}', body), 'B')) STORED""",
    "CREATE INDEX IF NOT EXISTS ix_kb_articles_search ON kb_articles USING gin (search_doc)",
)

POSTGRES_DROP: tuple[str, ...] = (
    "DROP TRIGGER IF EXISTS ticket_search_ticket ON tickets",
    "DROP TRIGGER IF EXISTS ticket_search_message ON messages",
    "DROP FUNCTION IF EXISTS deskterm_ticket_search_trigger()",
    "DROP FUNCTION IF EXISTS deskterm_ticket_search_refresh(integer)",
    "DROP TABLE IF EXISTS ticket_search",
    "DROP INDEX IF EXISTS ix_kb_articles_search",
    "ALTER TABLE kb_articles DROP COLUMN IF EXISTS search_doc",
)


def create_objects(conn: Connection) -> None:
    """Create the search tables and triggers for the connection's backend."""
    for statement in SQLITE_DDL if conn.dialect.name == "sqlite" else POSTGRES_DDL:
        conn.exec_driver_sql(statement)


def drop_objects(conn: Connection) -> None:
    for statement in SQLITE_DROP if conn.dialect.name == "sqlite" else POSTGRES_DROP:
        conn.exec_driver_sql(statement)


def suspend_ticket_index(conn: Connection) -> None:
    """Stop per-row index upkeep for a bulk load; :func:`rebuild` restores it."""
    if conn.dialect.name == "sqlite":
        for name in SQLITE_TICKET_TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    else:
        conn.exec_driver_sql("ALTER TABLE tickets DISABLE TRIGGER ticket_search_ticket")
        conn.exec_driver_sql("ALTER TABLE messages DISABLE TRIGGER ticket_search_message")


def rebuild(conn: Connection) -> None:
    """Rebuild every search index from the tables, in one pass, and re-arm the triggers."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DELETE FROM ticket_fts")
        conn.exec_driver_sql(
            """INSERT INTO ticket_fts(rowid, subject, body)
            SELECT t.id, t.subject, coalesce(b.body, '') FROM tickets t LEFT JOIN (
                SELECT ticket_id, group_concat(body, char(10)) AS body FROM (
                    SELECT ticket_id, body FROM messages WHERE kind != 'event'
                    ORDER BY ticket_id, id)
                GROUP BY ticket_id) b ON b.ticket_id = t.id"""
        )
        conn.exec_driver_sql("INSERT INTO kb_fts(kb_fts) VALUES ('rebuild')")
        for statement in SQLITE_DDL:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("INSERT INTO ticket_fts(ticket_fts) VALUES ('optimize')")
    else:
        conn.exec_driver_sql("TRUNCATE ticket_search")
        conn.exec_driver_sql(
            f"""INSERT INTO ticket_search (ticket_id, doc)
            SELECT t.id,
              setweight(to_tsvector('{PG_CONFIG}', t.subject), 'A') ||
              setweight(to_tsvector('{PG_CONFIG}', coalesce(b.body, '')), 'B')
            FROM tickets t LEFT JOIN (
                SELECT ticket_id, string_agg(body, E'\\n' ORDER BY id) AS body
                FROM messages WHERE kind <> 'event' GROUP BY ticket_id) b
            ON b.ticket_id = t.id"""
        )
        conn.exec_driver_sql("ALTER TABLE tickets ENABLE TRIGGER ticket_search_ticket")
        conn.exec_driver_sql("ALTER TABLE messages ENABLE TRIGGER ticket_search_message")


def index_in_step(conn: Connection) -> tuple[bool, str]:
    """Whether the ticket search index covers exactly the tickets (for ``db doctor``)."""
    count_tickets = conn.exec_driver_sql("SELECT count(*) FROM tickets").scalar_one()
    table = "ticket_fts" if conn.dialect.name == "sqlite" else "ticket_search"
    count_index = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
    if count_tickets != count_index:
        return False, f"{count_index} indexed of {count_tickets} tickets"
    if conn.dialect.name == "sqlite":
        try:
            conn.exec_driver_sql(
                "INSERT INTO ticket_fts(ticket_fts, rank) VALUES ('integrity-check', 1)"
            )
        except Exception as exc:  # the FTS5 integrity check reports corruption as an error
            return False, f"ticket_fts integrity check failed: {exc}"
    return True, f"{count_index} tickets indexed"


# ---------------------------------------------------------------------- query building


#: With more matches than this, a search is "common" and the list walks its sort index.
COMMON_MATCHES = 2000


#: SQLite: a temporary FTS5 table of the connection (same columns, same tokenizer as
#: ``ticket_fts``) holding only the tickets a caller is asking about (:func:`fill_scratch`).
SCRATCH = "ticket_fts_scratch"


def fill_scratch(conn: Connection, ticket_ids: Sequence[int]) -> None:
    """SQLite: put the tickets ``ticket_ids`` (their indexed text, from ``ticket_fts``) in
    the scratch index, and nothing else, for a ``ticket_match(..., scratch=True)``.

    Triage asks up to twenty rules' words of each new ticket: in the desk's index each word
    reads its whole list of tickets (long for a common word, longer as the desk grows); in
    an index of one ticket it reads that ticket's words only. Same tokenizer, same MATCH
    expression, so the same answer."""
    conn.exec_driver_sql(
        f"""CREATE VIRTUAL TABLE IF NOT EXISTS temp.{SCRATCH} USING fts5(
            subject, body, tokenize = '{FTS_TOKENIZER}')"""
    )
    conn.exec_driver_sql(f"DELETE FROM temp.{SCRATCH}")
    marks = ", ".join("?" * len(ticket_ids))
    conn.exec_driver_sql(
        f"INSERT INTO temp.{SCRATCH}(rowid, subject, body) "
        f"SELECT rowid, subject, body FROM ticket_fts WHERE rowid IN ({marks})",
        tuple(ticket_ids),
    )


def ticket_match(
    conn: Connection,
    terms: Sequence[SearchTerm],
    *,
    within: BindParameter[Any] | None = None,
    scratch: bool = False,
) -> ColumnElement[bool]:
    """A WHERE clause on ``tickets.id`` for the text terms of one query (ANDed).

    Terms with nothing indexable (``!!!``, an emoji) are dropped; if a positive term was given
    but none is indexable the clause matches nothing. A query of negations only becomes
    ``id NOT IN (tickets matching any of them)``.

    ``within`` (an expanding parameter of ticket ids) is for a caller that asks about a few
    known tickets (triage, of a new ticket): the index is then asked about those tickets
    only, instead of producing every match of the desk (a common word's are many).
    ``scratch`` (SQLite): ask the scratch index (:func:`fill_scratch`) instead, which holds
    only the tickets asked about; ``within`` is then not needed.
    """
    dialect = conn.dialect.name
    index = SCRATCH if scratch and dialect == "sqlite" else "ticket_fts"
    ticket_id: ColumnElement[int] = schema.tickets.c.id
    indexable = [t for t in terms if has_words(t)]
    positive = [t for t in indexable if not t.negated]
    if positive:
        matches = _match_ids(dialect, indexable, any_of=False, within=within, index=index)
        if within is None and not scratch and dialect == "sqlite" and _is_common(conn, matches):
            # Many matches: look each listed ticket up in the match set while walking the
            # sort's index (stops after a page), instead of fetching and sorting every match.
            ticket_id = ticket_id + 0
        return ticket_id.in_(matches)
    if any(not t.negated for t in terms):
        return false()
    if not indexable:
        return true()
    flipped = [SearchTerm(t.text, t.phrase, False, t.prefix) for t in indexable]
    return ticket_id.not_in(_match_ids(dialect, flipped, any_of=True, within=within, index=index))


def _is_common(conn: Connection, matches: Select[Any]) -> bool:
    probe = select(func.count()).select_from(matches.limit(COMMON_MATCHES + 1).subquery())
    return int(conn.execute(probe).scalar_one()) > COMMON_MATCHES


def _match_ids(
    dialect: str,
    terms: Sequence[SearchTerm],
    *,
    any_of: bool,
    within: BindParameter[Any] | None = None,
    index: str = "ticket_fts",
) -> Select[Any]:
    matches = _all_match_ids(dialect, terms, any_of=any_of, index=index)
    if within is None:
        return matches
    return matches.where(matches.selected_columns[0].in_(within))


def _all_match_ids(
    dialect: str, terms: Sequence[SearchTerm], *, any_of: bool, index: str = "ticket_fts"
) -> Select[Any]:
    if dialect == "sqlite":
        if any_of:
            expression: str | None = " OR ".join(fts5_term(t) for t in terms)
        else:
            expression = fts5_query(terms)
        return (
            select(literal_column("rowid", Integer))
            .select_from(text(index))
            # Unique parameters: several searches may share one statement (triage rules ask
            # every rule's condition at once), each with its own words.
            .where(
                text(f"{index} MATCH :fts_q").bindparams(
                    bindparam("fts_q", expression, unique=True)
                )
            )
        )
    built = pg_tsquery(terms, any_of=any_of)
    tsquery, params = built if built else ("''::tsquery", {})
    return (
        select(column("ticket_id", Integer))
        .select_from(text("ticket_search"))
        .where(
            text(f"doc @@ ({tsquery})").bindparams(
                *(bindparam(name, value, unique=True) for name, value in params.items())
            )
        )
    )
