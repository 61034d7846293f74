"""``deskterm sla tick`` from three hosts at once (issue 12), on both backends: every
breached ticket is escalated exactly once, one tier up, with one audit entry and one note."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.sla import PolicyChanges, add_policy
from deskterm.store import schema

HOSTS = 3
TICKETS = 60
WORKER = Path(__file__).with_name("tick_worker.py")
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _race(url: str, when: datetime) -> list[dict[str, list[object]]]:
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), url, "alice", when.isoformat()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(HOSTS)
    ]
    try:
        for proc in procs:  # every desk open before anyone ticks
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready", proc.stderr
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            results.append(json.loads(out))
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()


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

    results = _race(backend_url, START + timedelta(hours=1))

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
