"""Presence and live updates under real PostgreSQL logins (issue 15): agents bob and carol
each connect with a login of their own and no admin rights. Their heartbeats are written and
read under that login, a change by one wakes the other's listener (the notify triggers run
under the writer's login), and a confidential ticket's presence stays closed to bob even in
raw SQL under his login: row security, not the app, is the last line."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

import support_pg
from deskterm.domain import queues, tickets
from deskterm.domain.desk import Desk
from deskterm.domain.people import agents
from deskterm.domain.setup import open_desk

pytestmark = pytest.mark.parametrize("backend", ["postgres"])


@pytest.fixture
def logins(desk: Desk) -> Iterator[dict[str, str]]:
    tag = uuid.uuid4().hex[:8]
    roles = {handle: f"deskterm_test_{handle}_{tag}" for handle in ("bob", "carol")}
    try:
        for handle, role in roles.items():
            agents.set_login(desk, handle, role)
        yield roles
    finally:
        for role in roles.values():
            support_pg.execute(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'"
            )
            support_pg.execute(f'DROP ROLE IF EXISTS "{role}"')


def _as(desk: Desk, role: str, handle: str) -> Desk:
    url = make_url(desk.store.url).set(username=role, password=None)
    return open_desk(url.render_as_string(hide_password=False), handle, initialize=False)


def test_heartbeats_and_wakes_work_under_agents_own_logins(
    desk: Desk, logins: dict[str, str]
) -> None:
    queues.add_queue(desk, "Security", tier="L2", confidential=True)
    queues.join_queue(desk, "Security", ["carol"])
    secret = tickets.create(desk, subject="Breach", queue="Security").id
    plain = tickets.create(desk, subject="Printer jam").id
    bob, carol = _as(desk, logins["bob"], "bob"), _as(desk, logins["carol"], "carol")
    try:
        signal = tickets.change_signal(bob)
        heard: list[str] = []
        woke = threading.Event()

        def listen() -> None:
            for _ in range(40):
                found = signal.wait(0.25)
                if any(p.startswith("e:") for p in found):
                    heard.extend(found)
                    woke.set()
                    return

        thread = threading.Thread(target=listen)
        thread.start()
        tickets.beat(carol, secret, "replying")
        tickets.beat(carol, plain, "viewing")
        tickets.note(carol, plain, "Paper tray 2 is jammed")
        assert woke.wait(10), "bob's listener never heard carol's note"
        thread.join()
        signal.close()
        assert any(p.startswith("e:") and p.endswith(f":{plain}") for p in heard)

        assert [(p.ticket_id, p.agent) for p in tickets.present(bob)] == [(plain, "carol")]
        assert {p.ticket_id for p in tickets.present(desk)} == {secret, plain}
        role = logins["bob"]
        url = make_url(desk.store.url)
        with psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=role) as raw:
            rows = raw.execute("SELECT ticket_id FROM presence").fetchall()
        assert secret not in {ticket_id for (ticket_id,) in rows}
        tickets.leave(carol, plain)
        assert tickets.present(bob) == ()
    finally:
        bob.close()
        carol.close()
