"""Confidential queues, confined by the domain on both backends (docs/team.md).

Admin alice, agent bob, lead carol; queue Security is confidential and carol is its member.
To bob a Security ticket is not there, by every path: list, count, search, show, history,
write, batch, bulk, take, report, watch, queue list and show. A lead manages only the queues
they are a member of (or that have no members yet).
"""

from __future__ import annotations

import json

import pytest

from deskterm.domain import queues, reports, tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import Changes, watch
from deskterm.domain.tickets import read as ticket_read
from deskterm.errors import NotFound, NothingToTake, PermissionDenied
from support import as_agent

SECRET_WORD = "zebrafinch"


@pytest.fixture
def secret(desk: Desk) -> int:
    """A ticket in the confidential queue Security (member: carol), with a reply and a
    tag; and an open ticket in Service Desk, assigned, so nothing is left to take there."""
    queues.add_queue(desk, "Security", tier="L2", confidential=True)
    queues.join_queue(desk, "Security", ["carol"])
    hidden = tickets.create(
        desk, subject=f"Breach on the {SECRET_WORD} server", queue="Security", tags=["sec"]
    )
    tickets.note(desk, hidden.id, f"Rotate the {SECRET_WORD} keys")
    tickets.create(desk, subject="Printer jam", assignee="alice")
    return hidden.id


def test_a_confidential_ticket_is_not_there_for_an_agent_outside_the_queue(
    desk: Desk, secret: int
) -> None:
    bob = as_agent(desk, "bob")

    assert secret not in [t.id for t in ticket_read.list_page(bob, "", limit=100).items]
    assert ticket_read.list_page(bob, SECRET_WORD).items == ()
    assert ticket_read.list_page(bob, "tag:sec").items == ()
    assert ticket_read.count(bob, "") == 1
    assert ticket_read.count(bob, "", cap=10) == 1
    assert secret not in ticket_read.matching_ids(bob, "")
    assert [list(p) for p in ticket_read.stream_pages(bob, "queue:Security")] == []
    for read in (ticket_read.get, ticket_read.detail):
        with pytest.raises(NotFound, match=f"ticket #{secret} not found"):
            read(bob, secret)

    summary = reports.summary(bob)
    assert (summary.created, "Security" in summary.by_queue) == (1, False)
    assert secret in {e.ticket_id for e in watch.events_after(desk, 0)}
    assert secret not in {e.ticket_id for e in watch.events_after(bob, 0)}
    assert secret not in {t.id for t in watch.changes_since(bob, 0).tickets}

    assert "Security" not in [q.name for q in queues.list_queues(bob)]
    assert "Security" not in [q.name for q in queues.queue_stats(bob)]
    with pytest.raises(NotFound, match='unknown queue "Security"'):
        queues.queue_detail(bob, "Security")


def test_an_agent_outside_the_queue_cannot_change_take_or_file_into_it(
    desk: Desk, secret: int
) -> None:
    bob = as_agent(desk, "bob")
    attempts = (
        lambda: tickets.update(bob, secret, Changes(priority="urgent")),
        lambda: tickets.reply(bob, secret, "hello"),
        lambda: tickets.note(bob, secret, "peek"),
        lambda: tickets.assign(bob, secret, "me"),
        lambda: tickets.close(bob, secret),
        lambda: tickets.escalate(bob, secret),
        lambda: tickets.escalation_targets(bob, secret),
        lambda: tickets.run_batch(bob, [json.dumps({"op": "note", "id": secret, "body": "x"})]),
    )
    for attempt in attempts:
        with pytest.raises(NotFound, match=f"#{secret} not found"):
            attempt()
    with pytest.raises(NothingToTake):
        tickets.take(bob)
    with pytest.raises(PermissionDenied, match='queue "Security" is confidential'):
        tickets.create(bob, subject="Let me in", queue="Security")
    mine = tickets.create(bob, subject="Mine")
    with pytest.raises(PermissionDenied, match='queue "Security" is confidential'):
        tickets.update(bob, mine.id, Changes(queue="Security"))
    assert ticket_read.detail(desk, secret).ticket.version == 2  # untouched: created + note


def test_members_and_admins_see_and_work_the_confidential_queue(desk: Desk, secret: int) -> None:
    carol = as_agent(desk, "carol")
    for who in (desk, carol):
        assert ticket_read.list_page(who, SECRET_WORD).items[0].id == secret
        assert ticket_read.count(who, "queue:Security") == 1
    assert tickets.take(carol).id == secret
    assert queues.queue_detail(carol, "Security").queue.confidential is True

    queues.edit_queue(desk, "Security", confidential=False)
    assert ticket_read.get(as_agent(desk, "bob"), secret).queue == "Security"


def test_a_lead_manages_only_the_queues_they_are_a_member_of(desk: Desk) -> None:
    carol = as_agent(desk, "carol")
    queues.join_queue(desk, "Network L2", ["bob"])

    with pytest.raises(PermissionDenied, match='not a member of queue "Network L2"'):
        queues.edit_queue(carol, "Network L2", description="mine now")
    with pytest.raises(PermissionDenied, match='not a member of queue "Network L2"'):
        queues.join_queue(carol, "Network L2", ["carol"])
    with pytest.raises(PermissionDenied):
        queues.leave_queue(carol, "Network L2", ["bob"])
    assert [m.handle for m in queues.queue_members(desk, "Network L2")] == ["bob"]

    added = queues.add_queue(carol, "Red team", confidential=True)
    assert (added.confidential, [m.handle for m in queues.queue_members(carol, "Red team")]) == (
        True,
        ["carol"],
    )
    queues.join_queue(carol, "Red team", ["bob"])
    queues.edit_queue(carol, "Red team", description="Ours")
    queues.join_queue(desk, "Network L2", ["carol"])  # an admin manages every queue
    queues.edit_queue(carol, "Network L2", description="Now carol's too")


@pytest.mark.parametrize("backend", ["sqlite"])  # the quick first page reads SQLite files
def test_the_console_quick_first_page_steps_aside_for_a_confined_agent(
    desk: Desk, secret: int
) -> None:
    from deskterm.domain.tickets import first_page

    url = desk.store.url
    assert first_page(url, "bob", limit=10) is None
    shown = first_page(url, "alice", limit=10)
    assert shown is not None and secret in [t.id for t in shown.items]


def test_confidential_queues_and_audit_logins_round_trip_byte_identical(
    desk: Desk, secret: int, empty_url: str
) -> None:
    from deskterm.domain.setup import open_desk
    from deskterm.domain.transfer import jsonl as transfer
    from exports import rows

    first = list(transfer.export_lines(desk))
    assert [d["confidential"] for _i, d in rows(first, "queue") if d["name"] == "Security"] == [
        True
    ]
    logins = {d["login"] for _i, d in rows(first, "audit_event")}
    # PostgreSQL records the login of each change; SQLite has none to record.
    assert logins == ({None} if desk.store.is_sqlite else {"postgres"})
    transfer.restore(empty_url, "alice", first)
    restored = open_desk(empty_url, "alice")
    try:
        assert list(transfer.export_lines(restored)) == first
        with pytest.raises(NotFound):
            ticket_read.get(as_agent(restored, "bob"), secret)
    finally:
        restored.close()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_login_cannot_be_mapped_on_sqlite_where_the_file_guards_identity(desk: Desk) -> None:
    from deskterm.domain.people import agents
    from deskterm.errors import InvalidInput

    with pytest.raises(InvalidInput, match="the file's permissions guard it"):
        agents.add_agent(desk, "dave", login="dave")
    with pytest.raises(InvalidInput, match="the file's permissions guard it"):
        agents.set_login(desk, "bob", "bob")


def test_a_rule_files_a_new_ticket_in_a_confidential_queue_its_creator_is_not_in(
    desk: Desk,
) -> None:
    # The creator loses sight of it, not the ticket: it is made and filed, and they are told.
    from deskterm.domain.rules import Actions, add_rule

    queues.add_queue(desk, "Security", tier="L2", confidential=True)
    queues.join_queue(desk, "Security", ["carol"])
    add_rule(
        desk,
        "Breaches to security",
        "breach",
        Actions(queue="Security", priority="urgent", note="Filed for the security team."),
    )
    bob = as_agent(desk, "bob")
    notices: list[str] = []

    made = tickets.create(bob, notices, subject="Possible breach on the VPN", body="Odd logins")

    assert (made.queue, made.priority) == ("Security", "urgent")
    assert notices == [
        f'#{made.id} was filed by a triage rule in queue "Security", which is confidential '
        "and which you are not a member of: you will not see it; its members and admins will"
    ]
    with pytest.raises(NotFound):
        tickets.get(bob, made.id)
    assert tickets.count(bob, "breach") == 0
    shown = tickets.detail(as_agent(desk, "carol"), made.id)
    assert shown.ticket.queue == "Security" and shown.ticket.version == made.version
    assert [m.body for m in shown.messages] == ["Odd logins", "Filed for the security team."]
    fields = [e.field for e in shown.history]
    assert fields[0] == "created" and "queue" in fields
    # Filing it there by hand stays refused: only a rule's filing of a new ticket is let in.
    plain = tickets.create(bob, subject="Printer jam")
    with pytest.raises(PermissionDenied):
        tickets.update(bob, plain.id, Changes(queue="Security"))
