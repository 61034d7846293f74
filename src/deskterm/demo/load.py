"""Writing the demo data into a desk (``db seed``): fast (batches, raw executemany, the search
index suspended during the load and rebuilt once at the end), in dependency order (the
directory, then tickets, then articles), resolving the generators' names to database ids.

The whole seed is one transaction: interrupted, it leaves the desk as it was. Same seed,
same day, same data (times are anchored at the start of the current UTC day).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from deskterm.demo.articles import generate_articles
from deskterm.demo.directory import make_directory, rosters
from deskterm.demo.generate import generate_tickets
from deskterm.demo.records import Directory, SeedTicket
from deskterm.domain import validate
from deskterm.domain.desk import Desk
from deskterm.domain.models import Agent
from deskterm.domain.vocab import PRIORITY_RANK, UNSOLVED
from deskterm.store import schema, search
from deskterm.store.schema import sqlite_datetime

BATCH = 5_000


def seed_anchor(now: datetime) -> datetime:
    """Generated times end at the start of today (UTC), so a seed is repeatable all day."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def seed_desk(
    desk: Desk,
    *,
    tickets: int,
    articles: int = 30,
    seed: int = 1,
    days: int = 365,
    progress: Callable[[int], None] | None = None,
) -> str:
    """Add generated agents, queues (with their members), organizations, contacts, tickets and
    KB articles.

    Needs the admin role. Returns a one-line summary with the speed in rows per second.
    """
    if tickets < 0 or articles < 0 or not 1 <= days <= 3650:
        from deskterm.errors import InvalidInput

        raise InvalidInput("ticket and article counts must not be negative; days must be 1 to 3650")
    advance = progress or (lambda _n: None)
    started = time.perf_counter()
    anchor = seed_anchor(desk.now())
    directory = make_directory(seed)
    with desk.store.write() as conn:
        actor = desk.require_role(conn, "admin")
        ids = _load_directory(conn, directory, desk.now())
        search.suspend_ticket_index(conn)
        rows = _load_tickets(
            conn,
            generate_tickets(seed, tickets, now=anchor, directory=directory, days=days),
            ids,
            actor.id,
            advance,
        )
        rows += _load_articles(conn, seed, articles, anchor, ids["agents"])
        rows += _load_sla(conn, desk.now())
        rows += _load_rules(conn, desk.now())
        rows += _load_macros(conn, actor, desk.now())
        search.rebuild(conn)
        if conn.dialect.name == "postgresql":
            # Rows went in with explicit ids: move the sequences past them.
            for table in ("tickets", "messages"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
    # No ANALYZE on SQLite: it keeps the planner statistics of a large desk (migration 0005),
    # which plan the same way however many tickets the seed made.
    if conn.dialect.name == "postgresql":
        with desk.store.engine.connect() as raw:
            raw.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    elapsed = max(time.perf_counter() - started, 1e-9)
    return (
        f"seeded {tickets} tickets and {articles} articles ({rows} rows) in {elapsed:.1f} s, "
        f"{rows / elapsed:,.0f} rows/s"
    )


def _load_directory(
    conn: Connection, directory: Directory, now: datetime
) -> dict[str, dict[str, int]]:
    a, q, o, c = schema.agents, schema.queues, schema.organizations, schema.contacts
    known_agents = set(conn.execute(select(a.c.handle)).scalars())
    new_agents = [
        {
            "handle": x.handle,
            "name": x.name,
            "email": x.email,
            "role": x.role,
            "active": True,
            "created_at": now,
        }
        for x in directory.agents
        if x.handle not in known_agents
    ]
    if new_agents:
        conn.execute(insert(a), new_agents)
    known_queues = set(conn.execute(select(q.c.name)).scalars())
    new_queues = [
        {"name": x.name, "tier": x.tier, "description": x.description, "created_at": now}
        for x in directory.queues
        if x.name not in known_queues
    ]
    if new_queues:
        conn.execute(insert(q), new_queues)
    queue_ids = dict(conn.execute(select(q.c.name, q.c.id)).all())
    for x in directory.queues:
        if x.escalates_to:
            conn.execute(
                update(q)
                .where(q.c.id == queue_ids[x.name])
                .values(escalates_to_id=queue_ids[x.escalates_to])
            )
    agent_ids = dict(conn.execute(select(a.c.handle, a.c.id)).all())
    _load_members(conn, directory, queue_ids, agent_ids, now)
    known_orgs = set(conn.execute(select(o.c.name)).scalars())
    new_orgs = [
        {"name": x.name, "domain": x.domain, "created_at": now}
        for x in directory.orgs
        if x.name not in known_orgs
    ]
    if new_orgs:
        conn.execute(insert(o), new_orgs)
    org_ids = dict(conn.execute(select(o.c.name, o.c.id)).all())
    known_contacts = set(conn.execute(select(c.c.email)).scalars())
    new_contacts = [
        {
            "name": x.name,
            "email": x.email,
            "organization_id": org_ids.get(x.org) if x.org else None,
            "created_at": now,
        }
        for x in directory.contacts
        if x.email not in known_contacts
    ]
    if new_contacts:
        conn.execute(insert(c), new_contacts)
    return {
        "agents": dict(conn.execute(select(a.c.handle, a.c.id)).all()),
        "queues": queue_ids,
        "contacts": dict(conn.execute(select(c.c.email, c.c.id)).all()),
        "tags": dict(conn.execute(select(schema.tags.c.name, schema.tags.c.id)).all()),
    }


def _load_members(
    conn: Connection,
    directory: Directory,
    queue_ids: dict[str, int],
    agent_ids: dict[str, int],
    now: datetime,
) -> None:
    """Each queue's roster (the agents its tickets are assigned to) as its members, so take
    hands the demo's agents the tickets of the queues they work."""
    m = schema.queue_members
    present = {(row.queue_id, row.agent_id) for row in conn.execute(select(m))}
    wanted = {
        (queue_ids[queue], agent_ids[handle])
        for queue, handles in rosters(directory).items()
        for handle in handles
    }
    new = [
        {"queue_id": queue, "agent_id": agent, "added_at": now}
        for queue, agent in sorted(wanted - present)
    ]
    if new:
        conn.execute(insert(m), new)


def _next_id(conn: Connection, table: Any) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


class _Times(dict[datetime | None, Any]):
    """Time -> what a bulk insert writes for it: the text of ``sqlite_datetime`` on SQLite (the
    statements bypass SQLAlchemy's types), the time itself on PostgreSQL.

    Each time is converted once: a ticket's created and updated times are those of its first
    and last messages, and a reply and its status event share theirs.
    """

    def __init__(self, sqlite: bool) -> None:
        super().__init__()
        self.sqlite = sqlite
        self[None] = None

    def __missing__(self, value: datetime | None) -> Any:
        written = sqlite_datetime(value) if self.sqlite and value is not None else value
        self[value] = written
        return written

    def reset(self) -> None:
        self.clear()
        self[None] = None


class _Batches:
    """Rows collected per table (``rows[table].append``) and flushed with one executemany each."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _ORDER}
        self.times = _Times(self.sqlite)
        self.total = 0

    def flush(self) -> None:
        for table in _ORDER:
            rows = self.rows[table]
            if rows:
                columns = _COLUMNS[table]
                marks = ", ".join(["?" if self.sqlite else "%s"] * len(columns))
                self.conn.exec_driver_sql(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
                )
                self.total += len(rows)
                rows.clear()
        self.times.reset()


_COLUMNS = {
    "tickets": (
        "id",
        "subject",
        "type",
        "status",
        "priority",
        "queue_id",
        "assignee_id",
        "requester_id",
        "created_by_id",
        "channel",
        "created_at",
        "updated_at",
        "first_responded_at",
        "solved_at",
        "closed_at",
        "version",
    ),
    "messages": (
        "id",
        "ticket_id",
        "kind",
        "author_agent_id",
        "author_contact_id",
        "body",
        "created_at",
    ),
    "audit_events": ("ticket_id", "actor_id", "field", "old_value", "new_value", "version", "at"),
    "ticket_tags": ("ticket_id", "tag_id"),
    "time_entries": ("ticket_id", "agent_id", "seconds", "at", "message_id"),
    "ratings": ("ticket_id", "rating", "comment", "solved_at", "recorded_at", "recorded_by_id"),
}
_ORDER = ("tickets", "messages", "audit_events", "ticket_tags", "time_entries", "ratings")

#: Time spent and satisfaction, without drawing (a seed's tickets stay as they were, and a
#: million tickets cost a few percent more): every fifth ticket has the time of its first
#: agent message logged, and every fifth solved one (about the share of requesters who
#: answer a survey) is rated, one in seven of those bad.
_MINUTES = (5, 10, 15, 15, 20, 30, 45, 60, 90, 120)
_GOOD = ("Quick and friendly, thanks!", None, "Solved first time.", None, None)
_BAD = ("Took far too long.", "Had to ask three times.", None)


def _load_tickets(
    conn: Connection,
    generated: Iterable[SeedTicket],
    ids: dict[str, dict[str, int]],
    actor_id: int,
    advance: Callable[[int], None],
) -> int:
    batches = _Batches(conn)
    ticket_id = _next_id(conn, schema.tickets)
    message_id = _next_id(conn, schema.messages)
    agents, queues, contacts, tag_ids = ids["agents"], ids["queues"], ids["contacts"], ids["tags"]
    t = batches.times
    rows = batches.rows
    add_ticket, add_message = rows["tickets"].append, rows["messages"].append
    add_event, add_tag = rows["audit_events"].append, rows["ticket_tags"].append
    add_time, add_rating = rows["time_entries"].append, rows["ratings"].append
    pending = 0
    for ticket in generated:
        assignee = agents.get(ticket.assignee) if ticket.assignee else None
        requester = contacts.get(ticket.requester) if ticket.requester else None
        final_version = 1 if ticket.status == "new" else 2
        add_ticket(
            (
                ticket_id,
                ticket.subject,
                ticket.type,
                ticket.status,
                PRIORITY_RANK[ticket.priority],
                queues[ticket.queue],
                assignee,
                requester,
                actor_id,
                ticket.channel,
                t[ticket.created_at],
                t[ticket.updated_at],
                t[ticket.first_responded_at],
                t[ticket.solved_at],
                t[ticket.closed_at],
                final_version,
            ),
        )
        timed = ticket_id % 5 == 0
        for message in ticket.messages:
            if timed and message.agent:
                seconds = 60 * _MINUTES[ticket_id // 5 % len(_MINUTES)]
                add_time(
                    (
                        ticket_id,
                        agents.get(message.agent),
                        seconds,
                        t[message.created_at],
                        message_id,
                    )
                )
                timed = False
            add_message(
                (
                    message_id,
                    ticket_id,
                    message.kind,
                    agents.get(message.agent) if message.agent else None,
                    contacts.get(message.contact) if message.contact else None,
                    message.body,
                    t[message.created_at],
                ),
            )
            message_id += 1
        creator = assignee or actor_id
        if ticket.solved_at is not None and ticket_id % 5 == 2:
            n = ticket_id // 5
            bad = n % 7 == 0
            comments = _BAD if bad else _GOOD
            add_rating(
                (
                    ticket_id,
                    "bad" if bad else "good",
                    comments[n % len(comments)],
                    t[ticket.solved_at],
                    t[ticket.updated_at],
                    creator,
                )
            )
        add_event((ticket_id, creator, "created", None, ticket.subject, 1, t[ticket.created_at]))
        if final_version == 2:
            add_event((ticket_id, creator, "status", "new", ticket.status, 2, t[ticket.updated_at]))
        for name in ticket.tags:
            tag_id = tag_ids.get(name)
            if tag_id is None:
                tag_id = _new_tag(conn, validate.tag(name))
                tag_ids[name] = tag_id
            add_tag((ticket_id, tag_id))
        ticket_id += 1
        pending += 1
        if pending == BATCH:
            batches.flush()
            advance(pending)
            pending = 0
    batches.flush()
    advance(pending)
    return batches.total


def _new_tag(conn: Connection, name: str) -> int:
    from deskterm.store.engine import new_id

    return new_id(conn.execute(insert(schema.tags).values(name=name)))


def _load_articles(
    conn: Connection, seed: int, count: int, anchor: datetime, agents: dict[str, int]
) -> int:
    if count == 0:
        return 0
    from deskterm.domain.kb import slugify
    from deskterm.domain.tags import tag_id_for

    k = schema.kb_articles
    taken = set(conn.execute(select(k.c.slug)).scalars())
    authors = sorted(agents.values())
    written = 0
    for index, article in enumerate(generate_articles(seed, count, now=anchor)):
        slug = slugify(article.slug)
        if slug in taken:
            continue
        taken.add(slug)
        from deskterm.store.engine import new_id

        article_id = new_id(
            conn.execute(
                insert(k).values(
                    slug=slug,
                    title=article.title,
                    body=article.body,
                    category=article.category,
                    author_id=authors[index % len(authors)] if authors else None,
                    created_at=article.created_at,
                    updated_at=article.updated_at,
                    version=1,
                )
            )
        )
        for name in dict.fromkeys(article.tags):
            conn.execute(
                insert(schema.kb_article_tags).values(
                    article_id=article_id, tag_id=tag_id_for(conn, validate.tag(name))
                )
            )
        written += 1
    return written


#: The demo desk's SLA policy: office hours on weekdays, business minutes per priority.
DEMO_POLICY = {
    "name": "Standard support",
    "description": "Office hours, Monday to Friday; urgent tickets first.",
    "targets": {
        "urgent": {"first_response": 30, "next_response": 60, "resolution": 4 * 60},
        "high": {"first_response": 60, "next_response": 4 * 60, "resolution": 8 * 60},
        "normal": {"first_response": 4 * 60, "next_response": 8 * 60, "resolution": 24 * 60},
        "low": {"first_response": 8 * 60, "next_response": None, "resolution": 40 * 60},
    },
    "calendar": {
        "zone": "UTC",
        "hours": {day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    },
}


def _load_rules(conn: Connection, now: datetime) -> int:
    """The demo's triage rules (``data/automation.toml``), after the tickets: they route the
    tickets made on the demo desk from now on, not the generated history."""
    from deskterm.demo import resources
    from deskterm.domain.rules import Actions

    if conn.execute(select(func.count()).select_from(schema.rules)).scalar_one():
        return 0  # a desk seeded before keeps its rules
    rules = resources.toml("automation.toml")["rules"]
    conn.execute(
        insert(schema.rules),
        [
            {
                "name": rule["name"],
                "position": position,
                "enabled": True,
                "condition": rule["if"],
                "actions": Actions(
                    queue=rule.get("queue"),
                    priority=rule.get("priority"),
                    add_tags=tuple(rule.get("tags", ())),
                    note=rule.get("note"),
                    reply=rule.get("reply"),
                ).to_json(),
                "stop": rule.get("then", "stop") == "stop",
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for position, rule in enumerate(rules, start=1)
        ],
    )
    return len(rules)


def _load_sla(conn: Connection, now: datetime) -> int:
    """The demo's SLA policy, with the clocks of every unsolved ticket running under it from
    when the ticket was created (so the backlog has tickets near and past breach). Tickets
    solved before the policy existed have no clocks, as on a desk that adopts SLAs late."""
    from deskterm.domain.sla import (
        check_calendar,
        check_targets,
        load_policies,
        recompute_running,
        record_version,
    )

    if conn.execute(select(func.count()).select_from(schema.sla_policies)).scalar_one():
        return 0  # a desk seeded before keeps its policies
    conn.execute(
        insert(schema.sla_policies).values(
            name=DEMO_POLICY["name"],
            description=DEMO_POLICY["description"],
            targets=json.dumps(check_targets(DEMO_POLICY["targets"])),
            calendar=json.dumps(check_calendar(DEMO_POLICY["calendar"])),
            pause_statuses="pending",
            warning_percent=80,
            created_at=now,
            updated_at=now,
            version=1,
        )
    )
    (policy,) = load_policies(conn).policies
    record_version(conn, policy, now)
    T = schema.tickets
    unsolved = T.c.status.in_(UNSOLVED)
    conn.execute(update(T).where(unsolved).values(sla_policy_id=policy.id))
    return 1 + recompute_running(conn, policy, now)


def _load_macros(conn: Connection, actor: Agent, now: datetime) -> int:
    """The demo's shared macros (``data/automation.toml``), checked as ``macro add`` checks
    them; a desk that has macros already keeps its own."""
    from deskterm.demo.automation import demo_macros
    from deskterm.domain.macros import MacroSpec, stored_values

    if conn.execute(select(func.count()).select_from(schema.macros)).scalar_one():
        return 0
    rows = []
    for macro in demo_macros():
        spec = MacroSpec(
            kind=macro.kind,
            body=macro.body,
            status=macro.status,
            priority=macro.priority,
            type=macro.type,
            queue=macro.queue,
            assignee=macro.assignee,
            add_tags=macro.add_tags,
            remove_tags=macro.remove_tags,
        )
        values = stored_values(conn, actor, spec)
        rows.append(
            {"name": macro.name, "owner_id": None, "created_at": now, "updated_at": now, **values}
        )
    conn.execute(insert(schema.macros), rows)
    return len(rows)
