"""A console whose agent the desk refuses (issue 15): an agent deactivated while their console
is open, or on PostgreSQL a login that may not act as the ``--as`` agent. No retry can help,
so the console says it once, in one notification that stays, and stops looking at the desk
(no "Offline… Retrying" that goes on for ever, no listener, no heartbeats). The command line
refuses such an identity before the console opens (tests/cli/test_team_logins.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

import support_pg
from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.setup import open_desk
from deskterm.store import schema

from .conftest import app_for, notified, settle


async def look(pilot) -> None:  # type: ignore[no-untyped-def]
    pilot.app.live.poll()
    await settle(pilot)


def _count_looks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the console's looks at the desk (each calls ``changes_since``)."""
    import deskterm.domain.tickets as surface

    looks: list[int] = []
    real = surface.changes_since

    def counted(*args: object, **kwargs: object) -> object:
        looks.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(surface, "changes_since", counted)
    return looks


async def test_an_agent_deactivated_mid_session_is_told_once_and_the_console_stops_looking(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    tickets.create(desk, subject="Printer jam")
    bob = Desk(desk.store, "bob")
    app = app_for(bob)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await look(pilot)
        with desk.store.write() as conn:
            conn.execute(
                update(schema.agents).where(schema.agents.c.handle == "bob").values(active=False)
            )
        bob._actor_read_at = None  # reads would reuse the agent for 30 s: look again now
        looks = _count_looks(monkeypatch)
        await look(pilot)
        for _ in range(3):  # the back-off over, the timer's looks
            app.live._next_try = 0.0
            await look(pilot)
        assert len(looks) == 1, "the console kept asking a desk that refuses its agent"
        said = notified(app)
        assert [n for n in said if "deactivated" in n] == [
            'Not allowed on this desk: agent "bob" is deactivated'
        ]
        assert not [n for n in said if n.startswith("Offline")]
        assert app.live.refused is not None


@pytest.mark.parametrize("backend", ["postgres"])
async def test_a_login_that_may_not_act_as_the_agent_is_one_error_not_endless_retries(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    tickets.create(desk, subject="Printer jam")
    with support_pg.agent_logins(desk, "bob") as roles:
        # bob's terminal, with --as carol: his login may not act for anyone.
        url = support_pg.login_url(desk.store.url, roles["bob"])
        refused = open_desk(url, "carol", initialize=False)
        looks = _count_looks(monkeypatch)
        app = app_for(refused, live=3600.0)  # as the CLI builds it, with the listener
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot)
                await look(pilot)
                app.live._next_try = 0.0
                await look(pilot)
                said = notified(app)
                assert len([n for n in said if "may not act as" in n]) == 1, said
                assert not [n for n in said if n.startswith("Offline")]
                assert len(looks) <= 1
                assert app.live._listener is None  # never listened for a desk it cannot read
        finally:
            refused.close()
