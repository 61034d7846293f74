"""``deskterm sla tick`` from three hosts at once (issue 12), on both backends: every
breached ticket is escalated exactly once, one tier up, with one audit entry and one note."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.sla import PolicyChanges, add_policy
from deskterm.store import schema
from racing import race

HOSTS = 3
TICKETS = 60
WORKER = Path(__file__).with_name("tick_worker.py")
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_three_hosts_ticking_at_once_escalate_each_ticket_once(
    desk: Desk, backend_url: str
) -> None:
    opened = Desk(desk.store, desk.handle, clock=lambda: START)
    add_policy(
        opened,
        "Escalating",
        PolicyChanges(targets={"high": {"first_response": 30}}, escalate_on_breach=True),
    )
    ids = [
        tickets.create(opened, subject=f"Outage {n}", priority="high").id for n in range(TICKETS)
    ]

    when = (START + timedelta(hours=1)).isoformat()
    results = race([[sys.executable, str(WORKER), backend_url, "alice", when]] * HOSTS)

    assert [r["errors"] for r in results] == [[]] * HOSTS
    escalated = Counter(i for r in results for i in r["escalated"])
    assert sorted(escalated) == ids and set(escalated.values()) == {1}
    audit, messages = schema.audit_events, schema.messages
    with desk.store.read() as conn:
        entries = Counter(
            conn.execute(select(audit.c.ticket_id).where(audit.c.field == "escalated")).scalars()
        )
        notes = conn.execute(
            select(func.count()).where(
                messages.c.kind == "note", messages.c.body.like("Escalated automatically%")
            )
        ).scalar_one()
    assert entries == Counter(ids) and notes == TICKETS
    assert {tickets.get(desk, i).queue for i in ids} == {"Network L2"}
