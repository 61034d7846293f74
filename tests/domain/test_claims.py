"""``take``, ``merge`` and ``link``: claiming work and relating tickets."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from typer.testing import Result

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import claims as claims
from deskterm.domain.tickets.read import detail, get
from deskterm.errors import Conflict, InvalidInput, NotFound
from deskterm.store import schema

T = schema.tickets


def _due(desk: Desk, ticket_id: int, hours: float) -> None:
    with desk.store.write() as conn:
        conn.execute(
            update(T).where(T.c.id == ticket_id).values(sla_due=desk.now() + timedelta(hours=hours))
        )


def test_take_follows_sla_urgency_then_priority_then_age(desk: Desk) -> None:
    old_low = tickets.create(desk, subject="old low", priority="low")
    urgent = tickets.create(desk, subject="urgent, no due", priority="urgent")
    due_late = tickets.create(desk, subject="due in 8h")
    due_soon = tickets.create(desk, subject="due in 1h")
    assigned = tickets.create(desk, subject="assigned", assignee="bob")
    _due(desk, due_late.id, 8)
    _due(desk, due_soon.id, 1)
    _due(desk, assigned.id, 0.5)
    taken = [claims.take(desk).id for _ in range(4)]
    assert taken == [due_soon.id, due_late.id, urgent.id, old_low.id]
    first = get(desk, due_soon.id)
    assert (first.assignee, first.status) == ("alice", "open")
    with pytest.raises(NotFound, match="nothing to take"):
        claims.take(desk)


def test_take_by_queue(desk: Desk) -> None:
    tickets.create(desk, subject="L1")
    l2 = tickets.create(desk, subject="L2", queue="Network L2")
    assert claims.take(desk, queue="network l2").id == l2.id
    with pytest.raises(NotFound):
        claims.take(desk, queue="Network L2")


def test_agents_taking_at_once_never_get_the_same_ticket(backend_url: str) -> None:
    setup = open_desk(backend_url, "alice")
    for n in range(24):
        tickets.create(setup, subject=f"t{n}")
    setup.close()
    taken: list[int] = []
    errors: list[Exception] = []

    def worker(handle: str) -> None:
        desk = open_desk(backend_url, handle)
        try:
            for _ in range(8):
                taken.append(claims.take(desk).id)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            desk.close()

    threads = [threading.Thread(target=worker, args=(h,)) for h in ("alice", "bob", "carol")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(taken) == list(range(1, 25))


@pytest.mark.parametrize("backend", ["postgres"])
def test_take_skips_a_ticket_another_agent_has_locked(desk: Desk) -> None:
    first = tickets.create(desk, subject="first")
    second = tickets.create(desk, subject="second")
    with desk.store.engine.connect() as other, other.begin():
        other.execute(select(T.c.id).where(T.c.id == first.id).with_for_update())
        bob = open_desk(desk.store.url, "bob")
        try:
            assert claims.take(bob).id == second.id
        finally:
            bob.close()


def test_merge_closes_the_source_and_summarizes_it_on_the_target(desk: Desk) -> None:
    target = tickets.create(desk, subject="Mail down", tags=["mail"])
    source = tickets.create(
        desk,
        subject="Mail down too",
        body="Outlook says offline",
        requester="bob@acme.example",
        tags=["outlook"],
    )
    tickets.note(desk, source.id, "same as the other one")
    merged, kept = claims.merge(desk, source.id, target.id)
    assert merged.ticket.status == "closed"
    assert kept.ticket.tags == ("mail", "outlook")
    src = detail(desk, source.id)
    assert src.messages[-1].body == f"Merged into #{target.id}"
    assert {e.field for e in src.history} >= {"merged_into", "status"}
    with desk.store.read() as conn:
        assert conn.execute(select(T.c.merged_into_id).where(T.c.id == source.id)).scalar() == (
            target.id
        )
    note = detail(desk, target.id).messages[-1]
    assert note.kind == "note"
    assert note.body.startswith(f"Merged from #{source.id}: Mail down too")
    assert "Outlook says offline" in note.body and "same as the other one" in note.body
    with pytest.raises(Conflict):
        claims.merge(desk, source.id, target.id)
    with pytest.raises(InvalidInput):
        claims.merge(desk, target.id, target.id)


def test_link_needs_a_problem(desk: Desk) -> None:
    incident = tickets.create(desk, subject="VPN drops")
    other = tickets.create(desk, subject="Also VPN")
    problem = tickets.create(desk, subject="Concentrator overloaded", type="problem")
    with pytest.raises(InvalidInput, match="not a problem"):
        claims.link(desk, incident.id, other.id)
    result = claims.link(desk, incident.id, problem.id)
    assert result.changes[0].new == str(problem.id)
    assert claims.link(desk, incident.id, problem.id).changes == ()
    assert claims.link(desk, incident.id, None).changes[0].old == str(problem.id)
    with pytest.raises(NotFound):
        claims.link(desk, incident.id, 9999)


def test_take_merge_link_commands(desk: Desk, backend_url: str) -> None:
    from typer.testing import CliRunner

    from deskterm.cli.main import app

    runner = CliRunner()
    env = {"DESKTERM_DB": backend_url, "DESKTERM_AGENT": "bob"}

    def run(*args: str) -> Result:
        return runner.invoke(app, [*args, "--format", "json"], env=env)

    a = tickets.create(desk, subject="A")
    b = tickets.create(desk, subject="B", type="problem")
    taken = run("ticket", "take")
    assert taken.exit_code == 0, taken.output
    assert json.loads(taken.stdout)["assignee"] == "bob"
    linked = run("ticket", "link", str(a.id), "--problem", str(b.id))
    assert linked.exit_code == 0, linked.output
    merged = run("ticket", "merge", str(a.id), "--into", str(b.id))
    assert merged.exit_code == 0, merged.output
    assert json.loads(merged.stdout)["id"] == b.id
    assert get(desk, a.id).status == "closed"
