"""The take-next race (issue 12): 8 processes, each an agent, take 100 tickets between
them at once, on both backends. Every ticket is taken exactly once, by the agent who says
so, and each agent gets its tickets earliest due first.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import bindparam, select, update

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.people import add_agent
from deskterm.domain.tickets.claims import TAKE_DUE
from deskterm.store import schema
from racing import race

WORKERS = 8
TICKETS = 100
WORKER = Path(__file__).with_name("take_worker.py")
T = schema.tickets


def _backlog(desk: Desk) -> dict[int, object]:
    """100 unassigned tickets whose due times (the column take-next orders by) are all
    different and in no relation to their ids; returns id -> due."""
    ids = [tickets.create(desk, subject=f"Ticket {n}").id for n in range(TICKETS)]
    order = list(range(TICKETS))
    random.Random(12).shuffle(order)
    start = desk.now()
    due = {
        ticket_id: start + timedelta(minutes=10 * rank)
        for ticket_id, rank in zip(ids, order, strict=True)
    }
    with desk.store.write() as conn:
        conn.execute(
            update(T).where(T.c.id == bindparam("tid")).values({TAKE_DUE.name: bindparam("due")}),
            [{"tid": i, "due": d} for i, d in due.items()],
        )
    return due


@pytest.mark.slow
def test_eight_agents_take_a_hundred_tickets_once_each_earliest_due_first(
    desk: Desk, backend_url: str
) -> None:
    handles = [f"taker{n}" for n in range(WORKERS)]
    for handle in handles:
        add_agent(desk, handle)
    due = _backlog(desk)

    started = time.monotonic()
    results = race([[sys.executable, str(WORKER), backend_url, h] for h in handles])
    elapsed = time.monotonic() - started

    assert [r["errors"] for r in results] == [[]] * WORKERS
    taken = [ticket_id for r in results for ticket_id in r["taken"]]  # type: ignore[attr-defined]
    assert len(taken) == TICKETS
    assert sorted(taken) == sorted(due)  # 100 distinct tickets, none twice
    for result in results:
        dues = [due[ticket_id] for ticket_id in result["taken"]]  # type: ignore[attr-defined]
        assert dues == sorted(dues), f"{result['handle']} was not handed earliest due first"
    with desk.store.read() as conn:
        owner = {
            row.id: row.handle
            for row in conn.execute(
                select(T.c.id, schema.agents.c.handle).join(
                    schema.agents, schema.agents.c.id == T.c.assignee_id
                )
            )
        }
    assert owner == {i: r["handle"] for r in results for i in r["taken"]}  # type: ignore[attr-defined]
    # More than one agent got work: the processes really raced (not one after another).
    assert sum(1 for r in results if r["taken"]) > 1, f"one process took all in {elapsed:.1f}s"
