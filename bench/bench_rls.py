"""What row-level security costs a ticket list on PostgreSQL (issue 15, docs/team.md).

``ticket list --limit 50`` as an agent's own login (row-level security on, the domain's
confinement on, one confidential queue the agent is not in) against the same list as the
superuser acting for the admin (row security bypassed, nothing confined), interleaved in the
same run, on a seeded desk of ``--tickets`` tickets (made once in the database
``deskterm_bench_rls_N`` and reused). Three views of the same thing:

(a) the domain call ``ticket list --limit 50`` makes (``tickets.list_page``);
(b) the list's SQL alone on a raw psycopg connection (row security, and nothing else);
(c) the whole command, ``deskterm ticket list --limit 50 --format json``, as a process.

Target: each at most 1.3x.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import AGENT, DESKTERM, SEED, alternate, ratio_line, report, run_command

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
LOGIN = "deskterm_bench_agent"
HANDLE = "benchagent"
TARGET = 1.3


def _database(tickets: int) -> str:
    """The seeded desk's URL (seeded once: ``db seed`` through deskterm as the superuser)."""
    import psycopg

    name = f"deskterm_bench_rls_{tickets}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        found = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if found is None:
            c.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={name}") as c:
        seeded = c.execute(
            "SELECT count(*) FROM pg_tables WHERE tablename = 'tickets'"
        ).fetchone() == (1,) and c.execute("SELECT count(*) FROM tickets").fetchone() == (tickets,)
    if not seeded:
        print(f"seeding {tickets:,} tickets into {name} (once)...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        run_command(
            [
                str(DESKTERM),
                "--db",
                url,
                "--as",
                AGENT,
                "--quiet",
                "db",
                "seed",
                "--tickets",
                str(tickets),
                "--articles",
                "40",
                "--seed",
                str(SEED),
            ]
        )()
        print(f"seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return url


def _team(url: str) -> str:
    """The agent's login (mapped, in one open queue) and one confidential queue it is not
    in: the busiest, so row security has rows to turn away. Returns the queue's name."""
    from sqlalchemy import func, select

    from deskterm.domain import queues
    from deskterm.domain.people import agents, list_agents
    from deskterm.domain.setup import open_desk
    from deskterm.store import schema

    desk = open_desk(url, AGENT)
    try:
        if HANDLE not in {a.handle for a in list_agents(desk)}:
            agents.add_agent(desk, HANDLE, login=LOGIN)
        with desk.store.read() as conn:
            T, Q = schema.tickets, schema.queues
            busiest = conn.execute(
                select(Q.c.name)
                .join(T, T.c.queue_id == Q.c.id)
                .group_by(Q.c.name)
                .order_by(func.count().desc())
                .limit(2)
            ).all()
        secret, other = busiest[0][0], busiest[1][0]
        queues.edit_queue(desk, secret, confidential=True)
        queues.join_queue(desk, other, [HANDLE])
        return str(secret)
    finally:
        desk.close()


def _list_sql() -> str:
    from sqlalchemy.dialects import postgresql

    from deskterm.domain.tickets.read import ticket_select
    from deskterm.store import schema

    T = schema.tickets
    stmt = ticket_select("postgresql").order_by(T.c.updated_at.desc(), T.c.id.desc()).limit(50)
    return str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()

    import psycopg

    from deskterm.domain.setup import open_desk
    from deskterm.domain.tickets import list_page

    url = _database(args.tickets)
    secret = _team(url)
    agent_url = url.replace("postgres@", f"{LOGIN}@")
    admin = open_desk(url, AGENT)
    agent = open_desk(agent_url, "anyone", handle_given=False)
    lines = [f"row-level security, {args.tickets:,} tickets, median of {args.runs}"]
    try:
        mine = list_page(agent, "", limit=50).items
        theirs = list_page(admin, "", limit=50).items
        assert len(mine) == len(theirs) == 50, (len(mine), len(theirs))
        assert all(t.queue != secret for t in mine), "the agent saw the confidential queue"
        assert any(t.queue == secret for t in list_page(admin, f'queue:"{secret}"').items)
        a, b = alternate(
            lambda: list_page(agent, "", limit=50),
            lambda: list_page(admin, "", limit=50),
            args.runs,
        )
        lines.append(ratio_line("(a) list_page, agent login (RLS) vs superuser", a, b, TARGET))
        a, b = alternate(
            lambda: list_page(agent, "is:unsolved", limit=50),
            lambda: list_page(admin, "is:unsolved", limit=50),
            args.runs,
        )
        lines.append(ratio_line("(a) list_page is:unsolved, agent vs superuser", a, b, TARGET))
    finally:
        admin.close()
        agent.close()

    sql = _list_sql()
    name = url.rsplit("/", 1)[1]
    with (
        psycopg.connect(f"host=127.0.0.1 user={LOGIN} dbname={name}") as mine_sql,
        psycopg.connect(f"host=127.0.0.1 user=postgres dbname={name}") as super_sql,
    ):
        assert len(mine_sql.execute(sql).fetchall()) == 50
        a, b = alternate(
            lambda: mine_sql.execute(sql).fetchall(),
            lambda: super_sql.execute(sql).fetchall(),
            args.runs,
        )
        lines.append(ratio_line("(b) the list's SQL, agent login (RLS) vs superuser", a, b, TARGET))
        plan = mine_sql.execute("EXPLAIN " + sql).fetchall()
        lines.append("    plan, agent: " + "; ".join(r[0].strip() for r in plan[:4]))

    command = [str(DESKTERM), "ticket", "list", "--limit", "50", "--format", "json"]
    a, b = alternate(
        run_command(command, {"DESKTERM_DB": agent_url, "DESKTERM_AGENT": ""}),
        run_command(command, {"DESKTERM_DB": url, "DESKTERM_AGENT": AGENT}),
        max(5, args.runs // 3),
    )
    lines.append(
        ratio_line("(c) deskterm ticket list --limit 50, agent vs superuser", a, b, TARGET)
    )
    report(lines, f"rls-{args.tickets}")


if __name__ == "__main__":
    main()
