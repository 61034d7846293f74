"""Store speed through the domain API, as ratios to the same query in raw sqlite3.

(a) first page of 50 for ``status:open,pending priority:>=high`` sorted by updated;
(b) a page 10,000 rows deep by keyset; (c) full-text search for a rare word, a common word and
a phrase; (d) the first page on 1,000,000 tickets against the same on 1,000; (e) the first
page of ``is:breached`` (``ticket list is:breached --limit 50``) against the same SQL reading
``ix_tickets_sla_due`` in raw sqlite3; seeding speed.

Usage: python bench/bench_store.py [--tickets 1000000]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).parent))

from common import alternate, database, ratio_line, report, url
from deskterm.domain.desk import Desk
from deskterm.domain.models import Page
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.domain.tickets.fields import SELECTED

# The columns and joins of ``list_page`` (``read.ticket_select``, from ``fields.SELECTED``):
# tags as a column, the SLA clocks and the ``fields.INTERNAL`` columns its ``sla_state`` is
# derived from. ``check_columns`` stops the bench when deskterm's select reads more or less.
SELECT_FROM = """
SELECT t.id, t.subject, t.type, t.status, t.priority, q.name, a.handle, c.email, c.name,
       o.name, (SELECT group_concat(g.name, ',') FROM ticket_tags tt JOIN tags g
                ON g.id = tt.tag_id WHERE tt.ticket_id = t.id),
       t.channel, t.created_at, t.updated_at, t.first_responded_at, t.solved_at, t.closed_at,
       t.first_response_due, t.resolution_due, t.next_response_due, t.sla_due, t.version,
       t.sla_policy_id, t.next_response_started_at, t.sla_paused_at, t.sla_warn_at
FROM tickets t{indexed}
LEFT JOIN queues q ON q.id = t.queue_id
LEFT JOIN agents a ON a.id = t.assignee_id
LEFT JOIN contacts c ON c.id = t.requester_id
LEFT JOIN organizations o ON o.id = c.organization_id
"""
LIST_SQL = (
    SELECT_FROM.format(indexed="")
    + "WHERE {where}\nORDER BY t.updated_at DESC, t.id DESC LIMIT 51\n"
)
# The same text deskterm sends, including the unary ``+`` that keeps the filter off the
# indexes and the partial index's condition (see store/schema.py).
FILTER = (
    "+t.status IN ('open', 'pending') AND +t.priority >= 2 "
    "AND status IN ('new', 'open', 'pending', 'on_hold')"
)


def raw_page(conn: sqlite3.Connection, where: str, params: tuple[object, ...] = ()) -> list:
    return conn.execute(LIST_SQL.replace("{where}", where), params).fetchall()


def check_columns(raw_rows: list, page: Page) -> None:
    """Stop when the raw baseline no longer reads what ``list_page`` reads (the same rows,
    as many columns as ``fields.SELECTED``): its ratios would mislead."""
    ids = [row[0] for row in raw_rows[:50]]
    width = {len(row) for row in raw_rows}
    if ids != [t.id for t in page.items] or width - {len(SELECTED)}:
        sys.exit(
            f"bench_store: LIST_SQL reads {sorted(width)} columns, rows {ids[:3]}...; "
            f"list_page reads {len(SELECTED)}, rows {[t.id for t in page.items][:3]}...: "
            "bring LIST_SQL up to read.ticket_select"
        )


# (e): the same select reading ``ix_tickets_sla_due``.
BREACHED_SQL = (
    SELECT_FROM.format(indexed=" INDEXED BY ix_tickets_sla_due")
    + "WHERE t.sla_due <= ?\nORDER BY t.updated_at DESC, t.id DESC LIMIT 51\n"
)


def domain_sql(desk: Desk, query: str) -> str:
    """The SQL ``list_page`` sends for ``query``, with its values (read off the driver)."""
    sent: list[str] = []
    engine = desk.store.engine

    def trace(dbapi: sqlite3.Connection, _record: object) -> None:
        dbapi.set_trace_callback(sent.append)

    event.listen(engine, "connect", trace)
    engine.dispose()
    ticket_read.list_page(desk, query, limit=50)
    event.remove(engine, "connect", trace)
    engine.dispose()  # the timed calls get connections without the trace
    return next(sql for sql in sent if "FROM tickets" in sql and "LIMIT" in sql)


def plan(conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> str:
    rows = conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return "; ".join(row[-1] for row in rows if "tickets" in row[-1] or "B-TREE" in row[-1])


def rare_common_words(conn: sqlite3.Connection) -> tuple[str, str, str]:
    """A word in few tickets, one in very many, and a phrase, read from the index itself."""
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, ticket_fts, row)")
    common = conn.execute(
        "SELECT term FROM temp.v WHERE length(term) > 3 ORDER BY doc DESC LIMIT 1"
    ).fetchone()[0]
    rare = conn.execute(
        "SELECT term FROM temp.v WHERE doc BETWEEN 3 AND 20 AND length(term) > 4 "
        "AND term GLOB '[a-z]*' ORDER BY term LIMIT 1"
    ).fetchone()[0]
    return rare, common, '"password expired"'


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    # (d) asks whether a page costs the same on a big table as on a small one, so both desks
    # must fill the page: the small desk is seeded over two days (96 of its 1,000 tickets
    # match the query; spread over a year, only one does, and a page of one row is less work).
    big, small = database(args.tickets), database(args.small, days=2)
    year_small = database(args.small)
    lines = [
        f"bench_store: {args.tickets:,} tickets vs raw sqlite3 (median of {args.runs}, interleaved)"
    ]
    desk = open_desk(url(big), "alice", initialize=False)
    raw = sqlite3.connect(big)
    query = "status:open,pending priority:>=high"
    check_columns(raw_page(raw, FILTER), ticket_read.list_page(desk, query, limit=50))

    ours, base = alternate(
        lambda: ticket_read.list_page(desk, query, limit=50),
        lambda: raw_page(raw, FILTER),
        args.runs,
    )
    lines.append(ratio_line("(a) first page, open/pending high+, by updated", ours, base, 2.0))

    # (b) 10,000 rows deep: walk there once, then time fetching that page.
    page = ticket_read.list_page(desk, "", limit=500)
    for _ in range(19):
        assert page.next_cursor is not None
        page = ticket_read.list_page(desk, "", limit=500, after=page.next_cursor)
    cursor = page.next_cursor
    assert cursor is not None
    last = page.items[-1]
    key = (last.updated_at.strftime("%Y-%m-%d %H:%M:%S.%f"), last.id)
    ours, base = alternate(
        lambda: ticket_read.list_page(desk, "", limit=50, after=cursor),
        lambda: raw_page(raw, "(t.updated_at, t.id) < (?, ?)", key),
        args.runs,
    )
    lines.append(ratio_line("(b) page 10,000 rows deep by keyset", ours, base, 2.0))

    rare, common, phrase = rare_common_words(raw)
    for label, text in (("rare word", rare), ("common word", common), ("phrase", phrase)):
        fts = '"' + text.strip('"').replace('"', '""') + '"'
        where = "t.id IN (SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ?)"
        if label == "common word":
            where = "t.id + 0 IN (SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ?)"
        ours, base = alternate(
            lambda text=text: ticket_read.list_page(desk, text, limit=50),
            lambda fts=fts, where=where: raw_page(raw, where, (fts,)),
            args.runs,
        )
        lines.append(ratio_line(f"(c) search {label} {text!r}", ours, base, 2.0))
    desk.close()

    big_desk = open_desk(url(big), "alice", initialize=False)
    small_desk = open_desk(url(small), "alice", initialize=False)
    query = "status:open,pending priority:>=high"
    t_big, t_small = alternate(
        lambda: ticket_read.list_page(big_desk, query, limit=50),
        lambda: ticket_read.list_page(small_desk, query, limit=50),
        args.runs,
    )
    lines.append(
        ratio_line(
            f"(d) first page on {args.tickets:,} vs {args.small:,} tickets", t_big, t_small, 1.2
        )
    )
    small_rows = len(ticket_read.list_page(small_desk, query, limit=50).items)
    lines.append(f"    (the {args.small:,}-ticket desk fills the page too: {small_rows} rows)")
    year_desk = open_desk(url(year_small), "alice", initialize=False)
    year_rows = len(ticket_read.list_page(year_desk, query, limit=50).items)
    t_big, t_year = alternate(
        lambda: ticket_read.list_page(big_desk, query, limit=50),
        lambda: ticket_read.list_page(year_desk, query, limit=50),
        args.runs,
    )
    lines.append(
        ratio_line(
            f"    for reference: a year of {args.small:,}, page of {year_rows}",
            t_big,
            t_year,
            None,
        )
    )
    for label, default_query in (("all tickets", ""), ("is:unsolved", "is:unsolved")):
        t_big, t_small = alternate(
            lambda q=default_query: ticket_read.list_page(big_desk, q, limit=50),
            lambda q=default_query: ticket_read.list_page(small_desk, q, limit=50),
            args.runs,
        )
        lines.append(ratio_line(f"(d) first page of {label}, 50 rows on both", t_big, t_small, 1.2))
    big_desk.close()
    small_desk.close()
    year_desk.close()

    # (e) is:breached on the big desk: the breached tickets through ix_tickets_sla_due, their
    # page of 50 by updated (about 8,000 of the million are breached).
    desk = open_desk(url(big), "alice", initialize=False)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    breached = raw.execute("SELECT count(*) FROM tickets WHERE sla_due <= ?", (now,)).fetchone()
    ours_sql = domain_sql(desk, "is:breached")
    ours, base = alternate(
        lambda: ticket_read.list_page(desk, "is:breached", limit=50),
        lambda: raw.execute(BREACHED_SQL, (now,)).fetchall(),
        args.runs,
    )
    label = f"(e) is:breached, first page ({breached[0]:,} breached)"
    lines.append(ratio_line(label, ours, base, 2.0))
    lines.append(f"    plan, deskterm: {plan(raw, ours_sql)}")
    lines.append(f"    plan, raw:      {plan(raw, BREACHED_SQL, (now,))}")
    desk.close()

    seed_note = big.with_suffix(".seed.txt")
    if seed_note.exists():
        lines.append("seeding: " + seed_note.read_text().strip().splitlines()[-1])
    report(lines, "store")


if __name__ == "__main__":
    main()
