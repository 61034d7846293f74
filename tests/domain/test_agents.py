"""Agents and roles: only admins manage agents; the desk always keeps an admin; an unknown
or deactivated agent can do nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from deskterm.domain import queues, tickets
from deskterm.domain.people import agents as agents
from deskterm.domain.tickets import read as ticket_read
from deskterm.errors import Conflict, InvalidInput, NotFound, PermissionDenied, UnknownAgent
from deskterm.store import schema
from support import as_agent


def handles(desk) -> dict[str, str]:
    return {a.handle: a.role for a in agents.list_agents(desk)}


def test_fixture_desk_has_its_three_agents(desk):
    assert handles(desk) == {"alice": "admin", "bob": "agent", "carol": "lead"}
    assert agents.whoami(desk).role == "admin"
    assert agents.whoami(as_agent(desk, "bob")).name == "Bob Stone"


def test_admin_adds_an_agent(desk):
    dave = agents.add_agent(desk, "Dave", name="  Dave   Jones ", email="Dave@Corp.Example")
    assert (dave.handle, dave.name, dave.email, dave.role, dave.active) == (
        "dave",
        "Dave Jones",
        "dave@corp.example",
        "agent",
        True,
    )
    assert handles(desk)["dave"] == "agent"
    assert agents.whoami(as_agent(desk, "dave")).id == dave.id


def test_taken_handle_is_a_conflict(desk):
    with pytest.raises(Conflict, match="already exists"):
        agents.add_agent(desk, "BOB")


INVALID_AGENTS = [
    {"handle": "Bad Handle"},
    {"handle": "-dash"},
    {"handle": "x" * 65},
    {"handle": "erin", "role": "superuser"},
    {"handle": "erin", "email": "nope"},
    {"handle": "erin", "name": "n" * 201},
]


def test_invalid_agent_is_refused(desk):
    for kwargs in INVALID_AGENTS:
        with pytest.raises(InvalidInput):
            agents.add_agent(desk, **kwargs)
    assert len(handles(desk)) == 3


def test_only_admins_add_agents_or_change_roles(desk):
    for handle in ("bob", "carol"):
        not_admin = as_agent(desk, handle)
        with pytest.raises(PermissionDenied, match="admin"):
            agents.add_agent(not_admin, "dave")
        with pytest.raises(PermissionDenied, match="admin"):
            agents.set_role(not_admin, handle, "admin")
    assert handles(desk) == {"alice": "admin", "bob": "agent", "carol": "lead"}


def test_admin_changes_a_role(desk):
    assert agents.set_role(desk, "Bob", "LEAD").role == "lead"
    assert handles(desk)["bob"] == "lead"


def test_set_role_of_an_unknown_agent_is_not_found(desk):
    with pytest.raises(NotFound, match="zed"):
        agents.set_role(desk, "zed", "agent")


def test_last_admin_cannot_demote_themselves(desk):
    with pytest.raises(Conflict, match="last admin"):
        agents.set_role(desk, "alice", "lead")
    assert handles(desk)["alice"] == "admin"


def test_an_admin_can_step_down_once_there_is_another(desk):
    agents.set_role(desk, "carol", "admin")
    assert agents.set_role(desk, "alice", "agent").role == "agent"
    alice_next_command = as_agent(desk, "alice")
    with pytest.raises(PermissionDenied):
        agents.add_agent(alice_next_command, "dave")
    with pytest.raises(Conflict, match="last admin"):
        agents.set_role(as_agent(desk, "carol"), "carol", "agent")


def test_demoted_admin_loses_admin_rights_in_an_open_session(desk):
    agents.set_role(desk, "carol", "admin")
    carol_session = as_agent(desk, "carol")
    assert agents.whoami(carol_session).role == "admin"
    agents.set_role(desk, "carol", "agent")  # alice takes it away while carol works
    with pytest.raises(PermissionDenied):
        agents.add_agent(carol_session, "dave")
    assert "dave" not in handles(desk)


def test_unknown_acting_agent_is_permission_denied_naming_the_handle(desk):
    stranger = as_agent(desk, "mallory")
    with pytest.raises(UnknownAgent, match='unknown agent "mallory"') as caught:
        tickets.create(stranger, subject="hello")
    assert caught.value.handle == "mallory"  # the CLI says: deskterm agent add mallory
    for call in (
        agents.whoami,
        agents.list_agents,
        queues.list_queues,
        lambda d: ticket_read.list_page(d),
        lambda d: agents.add_agent(d, "eve"),
    ):
        with pytest.raises(PermissionDenied):
            call(stranger)
    assert ticket_read.count(desk) == 0


def test_deactivated_agent_can_do_nothing(desk):
    ticket = tickets.create(desk, subject="Hello")
    with desk.store.write() as conn:
        conn.execute(
            update(schema.agents).where(schema.agents.c.handle == "bob").values(active=False)
        )
    bob = as_agent(desk, "bob")
    with pytest.raises(PermissionDenied, match="deactivated"):
        tickets.reply(bob, ticket.id, "still here?")
    assert "bob" not in handles(desk)
    assert "bob" in {a.handle for a in agents.list_agents(desk, include_inactive=True)}


def test_queues_are_listed_with_their_escalation_path(desk):
    found = {q.name: (q.tier, q.escalates_to) for q in queues.list_queues(desk)}
    assert found == {
        "Service Desk": ("L1", "Network L2"),
        "Network L2": ("L2", "Infrastructure L3"),
        "Infrastructure L3": ("L3", None),
    }


def test_a_nul_in_an_agents_name_is_stored_as_a_replacement_on_both_backends(desk):
    agent = agents.add_agent(desk, "nul", name="Nu\x00l Person")
    assert agent.name == "Nu\ufffdl Person"
