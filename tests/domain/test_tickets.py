"""Tickets: create, update, the status workflow, the thread, assigning and escalating.

Every test runs on SQLite and on PostgreSQL (the ``desk`` fixture): admin alice, agent bob,
lead carol, queues Service Desk (L1) -> Network L2 -> Infrastructure L3.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import Changes
from deskterm.domain.tickets import read as ticket_read
from deskterm.errors import Conflict, InvalidInput, NotFound, StaleVersion
from deskterm.store import schema
from support import as_agent

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


def at(desk: Desk, when: datetime, handle: str | None = None) -> Desk:
    """The same store, with the clock stopped at ``when``."""
    return Desk(desk.store, handle or desk.handle, clock=lambda: when)


def history(desk: Desk, ticket_id: int):
    return ticket_read.detail(desk, ticket_id).history


def thread(desk: Desk, ticket_id: int):
    return ticket_read.detail(desk, ticket_id).messages


def table_count(desk: Desk, table) -> int:
    with desk.store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def add_org(desk: Desk, name: str, domain: str) -> None:
    with desk.store.write() as conn:
        conn.execute(
            insert(schema.organizations).values(name=name, domain=domain, created_at=desk.now())
        )


def solved(desk: Desk, subject: str = "Done already") -> int:
    ticket = tickets.create(desk, subject=subject)
    tickets.update(desk, ticket.id, Changes(status="solved"))
    return ticket.id


def closed(desk: Desk, subject: str = "Long gone") -> int:
    ticket_id = solved(desk, subject)
    tickets.close(desk, ticket_id)
    return ticket_id


# ------------------------------------------------------------------------------ create


def test_created_ticket_has_the_documented_defaults(desk):
    clocked = at(desk, NOW)
    ticket = tickets.create(clocked, subject="Printer jams")
    assert ticket.subject == "Printer jams"
    assert ticket.queue == "Service Desk"
    assert ticket.status == "new"
    assert ticket.type == "incident"
    assert ticket.priority == "normal"
    assert ticket.channel == "api"
    assert ticket.assignee is None
    assert ticket.requester is None
    assert ticket.tags == ()
    assert ticket.version == 1
    assert ticket.created_at == ticket.updated_at == NOW
    assert ticket.first_responded_at is None
    assert ticket.sla_state == "none"
    events = history(desk, ticket.id)
    assert [(e.field, e.actor, e.new, e.version) for e in events] == [
        ("created", "alice", "Printer jams", 1)
    ]


def test_created_ticket_keeps_the_fields_given(desk):
    ticket = tickets.create(
        desk,
        subject="  New   laptop  for   Sam ",
        type="service-request",
        priority="HIGH",
        queue="network l2",
        channel="email",
    )
    assert ticket.subject == "New laptop for Sam"
    assert ticket.type == "service_request"
    assert ticket.priority == "high"
    assert ticket.queue == "Network L2"
    assert ticket.channel == "email"


def test_ticket_created_with_an_assignee_starts_open(desk):
    ticket = tickets.create(desk, subject="VPN down", assignee="bob")
    assert ticket.assignee == "bob"
    assert ticket.status == "open"


def test_ticket_numbers_are_new_each_time(desk):
    first = tickets.create(desk, subject="one")
    second = tickets.create(desk, subject="two")
    assert second.id > first.id
    assert ticket_read.get(desk, first.id).subject == "one"


def test_requester_becomes_a_contact_named_from_the_address(desk):
    ticket = tickets.create(desk, subject="Help", requester="Jane.Doe@Example.COM")
    assert ticket.requester == "jane.doe@example.com"
    assert ticket.requester_name == "Jane Doe"
    assert ticket.organization is None
    again = tickets.create(desk, subject="More help", requester="jane.doe@example.com")
    assert again.requester == "jane.doe@example.com"
    assert table_count(desk, schema.contacts) == 1


def test_requester_is_matched_to_the_organization_of_their_domain(desk):
    add_org(desk, "Acme Corp", "acme.example")
    ticket = tickets.create(desk, subject="Badge broken", requester="sam@ACME.example")
    assert ticket.organization == "Acme Corp"
    other = tickets.create(desk, subject="Badge broken", requester="sam@globex.example")
    assert other.organization is None


def test_body_becomes_the_first_message_written_by_the_requester(desk):
    ticket = tickets.create(
        desk, subject="VPN", body="It drops every hour.\n", requester="kim@example.com"
    )
    (message,) = thread(desk, ticket.id)
    assert message.kind == "reply"
    assert message.author == "kim@example.com"
    assert message.body == "It drops every hour."
    assert ticket_read.get(desk, ticket.id).first_responded_at is None


def test_body_without_a_requester_is_written_by_the_acting_agent(desk):
    ticket = tickets.create(as_agent(desk, "bob"), subject="Disk full", body="/var is at 100%")
    (message,) = thread(desk, ticket.id)
    assert message.author == "bob"
    assert message.body == "/var is at 100%"


def test_blank_body_adds_no_message(desk):
    ticket = tickets.create(desk, subject="Quiet", body="  \n ")
    assert thread(desk, ticket.id) == ()


def test_tags_are_normalized_lower_case_unique_and_split_on_commas(desk):
    ticket = tickets.create(desk, subject="Tagged", tags=["VPN", " Network ", "vpn", "a,b"])
    assert ticket.tags == ("a", "b", "network", "vpn")


INVALID_CREATES = {
    "blank subject": {"subject": "   "},
    "long subject": {"subject": "x" * 501},
    "priority": {"subject": "ok", "priority": "critical"},
    "type": {"subject": "ok", "type": "bug"},
    "channel": {"subject": "ok", "channel": "pigeon"},
    "tag": {"subject": "ok", "tags": ["no spaces allowed"]},
    "email": {"subject": "ok", "requester": "not-an-address"},
}


def test_invalid_create_raises_invalid_input_and_creates_nothing(desk):
    wrong = []
    for name, kwargs in INVALID_CREATES.items():
        try:
            tickets.create(desk, body="text", **kwargs)
        except InvalidInput:
            continue
        except Exception as exc:
            wrong.append(f"{name}: {type(exc).__name__}: {exc}")
        else:
            wrong.append(f"{name}: created a ticket")
    assert wrong == []
    assert ticket_read.count(desk) == 0
    assert table_count(desk, schema.contacts) == 0
    assert table_count(desk, schema.messages) == 0
    assert table_count(desk, schema.audit_events) == 0


def test_create_in_an_unknown_queue_is_not_found_and_creates_nothing(desk):
    with pytest.raises(NotFound, match="Service Desk"):
        tickets.create(desk, subject="Lost", queue="Nowhere", requester="a@example.com")
    assert ticket_read.count(desk) == 0
    assert table_count(desk, schema.contacts) == 0


def test_create_assigned_to_an_unknown_agent_is_not_found(desk):
    with pytest.raises(NotFound, match="zed"):
        tickets.create(desk, subject="Lost", assignee="zed")
    assert ticket_read.count(desk) == 0


# ------------------------------------------------------------------------------ update


def test_update_writes_one_audit_event_per_changed_field_with_old_new_and_actor(desk):
    ticket = tickets.create(desk, subject="Slow wifi", tags=["wifi"])
    bob = as_agent(desk, "bob")
    (result,) = tickets.update(
        bob,
        ticket.id,
        Changes(
            priority="urgent",
            type="problem",
            subject="Wifi down",
            queue="Network L2",
            add_tags=("outage",),
        ),
    )
    assert result.ticket.version == 2
    assert result.ticket.priority == "urgent"
    assert result.ticket.tags == ("outage", "wifi")
    events = [e for e in history(desk, ticket.id) if e.version == 2]
    got = {e.field: (e.old, e.new, e.actor) for e in events}
    assert got == {
        "priority": ("normal", "urgent", "bob"),
        "type": ("incident", "problem", "bob"),
        "subject": ("Slow wifi", "Wifi down", "bob"),
        "queue": ("Service Desk", "Network L2", "bob"),
        "tags": ("wifi", "outage,wifi", "bob"),
    }
    assert len(events) == 5
    assert {(c.field, c.old, c.new) for c in result.changes} == {
        (f, old, new) for f, (old, new, _) in got.items()
    }


def test_update_that_changes_nothing_writes_nothing_and_keeps_the_version(desk):
    ticket = tickets.create(desk, subject="Same", priority="high", tags=["x"])
    before = history(desk, ticket.id)
    (result,) = tickets.update(
        desk, ticket.id, Changes(priority="high", subject="Same", add_tags=("x",))
    )
    assert result.changes == ()
    assert result.ticket.version == 1
    assert history(desk, ticket.id) == before
    assert ticket_read.get(desk, ticket.id).updated_at == ticket.updated_at


def test_update_with_no_fields_is_invalid_input(desk):
    ticket = tickets.create(desk, subject="Nothing")
    with pytest.raises(InvalidInput, match="nothing to change"):
        tickets.update(desk, ticket.id, Changes())


def test_removing_and_adding_tags_is_one_tags_event(desk):
    ticket = tickets.create(desk, subject="Tags", tags=["a", "b"])
    (result,) = tickets.update(desk, ticket.id, Changes(add_tags=("C",), remove_tags=("a",)))
    assert result.ticket.tags == ("b", "c")
    assert [(c.field, c.old, c.new) for c in result.changes] == [("tags", "a,b", "b,c")]


def test_update_sets_updated_at_to_now(desk):
    ticket = tickets.create(at(desk, NOW), subject="Later")
    later = NOW + timedelta(hours=2)
    (result,) = tickets.update(at(desk, later), ticket.id, Changes(priority="low"))
    assert result.ticket.updated_at == later
    assert result.ticket.created_at == NOW


def test_update_of_many_tickets_is_all_or_nothing_when_one_is_missing(desk):
    first = tickets.create(desk, subject="first")
    second = tickets.create(desk, subject="second")
    with pytest.raises(NotFound, match="#999999"):
        tickets.update(desk, [first.id, second.id, 999999], Changes(priority="urgent"))
    for ticket_id in (first.id, second.id):
        after = ticket_read.get(desk, ticket_id)
        assert (after.priority, after.version) == ("normal", 1)
        assert len(history(desk, ticket_id)) == 1


def test_update_of_many_tickets_is_all_or_nothing_when_one_is_closed(desk):
    first = tickets.create(desk, subject="first")
    gone = closed(desk)
    with pytest.raises(Conflict, match="closed"):
        tickets.update(desk, [first.id, gone], Changes(priority="urgent", add_tags=("bulk",)))
    after = ticket_read.get(desk, first.id)
    assert (after.priority, after.tags, after.version) == ("normal", (), 1)


def test_dry_run_reports_the_changes_and_changes_nothing(desk):
    ticket = tickets.create(desk, subject="Dry", tags=["keep"])
    before = ticket_read.detail(desk, ticket.id)
    results = tickets.update(
        desk,
        [ticket.id],
        Changes(priority="urgent", assignee="bob", add_tags=("new",), remove_tags=("keep",)),
        dry_run=True,
    )
    fields = {c.field for c in results[0].changes}
    assert fields == {"priority", "assignee", "status", "tags"}
    assert ticket_read.detail(desk, ticket.id) == before
    assert table_count(desk, schema.ticket_tags) == 1


# ------------------------------------------------------------------------------ workflow


ALLOWED_CHANGES = [
    (["open"], "pending"),
    (["open"], "on_hold"),
    (["pending"], "open"),
    (["pending"], "on_hold"),
    (["on_hold"], "pending"),
    (["on_hold"], "solved"),
    (["solved"], "open"),
    (["solved"], "closed"),
    ([], "solved"),
    ([], "pending"),
]


def test_allowed_status_changes_go_through(desk):
    for path, target in ALLOWED_CHANGES:
        ticket = tickets.create(desk, subject=f"{path} -> {target}")
        for status in path:
            tickets.update(desk, ticket.id, Changes(status=status))
        (result,) = tickets.update(desk, ticket.id, Changes(status=target))
        assert result.ticket.status == target, (path, target)
        assert result.changes[0].new == target


REFUSED_CHANGES = [
    (["open"], "new", "pending, on_hold, solved"),
    (["solved"], "pending", "open, closed"),
    ([], "closed", "open, pending, on_hold, solved"),
    (["open"], "closed", "pending, on_hold, solved"),
    (["pending"], "new", "open, on_hold, solved"),
]


def test_refused_status_change_raises_conflict_naming_the_allowed_statuses(desk):
    for path, target, allowed in REFUSED_CHANGES:
        ticket = tickets.create(desk, subject=f"{path} -> {target}")
        for status in path:
            tickets.update(desk, ticket.id, Changes(status=status))
        current = ticket_read.detail(desk, ticket.id)
        with pytest.raises(Conflict) as caught:
            tickets.update(desk, ticket.id, Changes(status=target, priority="urgent"))
        assert f"allowed from {current.ticket.status}: {allowed}" in str(caught.value)
        assert ticket_read.detail(desk, ticket.id) == current


def test_unknown_status_is_invalid_input_naming_the_statuses(desk):
    ticket = tickets.create(desk, subject="Flow")
    with pytest.raises(InvalidInput, match="allowed: new, open, pending, on_hold, solved"):
        tickets.update(desk, ticket.id, Changes(status="done"))


def test_solving_stamps_solved_at_and_reopening_clears_it(desk):
    ticket = tickets.create(desk, subject="Fixed?")
    (result,) = tickets.update(at(desk, NOW), ticket.id, Changes(status="solved"))
    assert result.ticket.solved_at == NOW
    reopened = tickets.reopen(desk, ticket.id)
    assert reopened.ticket.status == "open"
    assert reopened.ticket.solved_at is None
    assert ("status", "solved", "open") in [(c.field, c.old, c.new) for c in reopened.changes]


def test_closing_a_solved_ticket_stamps_closed_at(desk):
    ticket_id = solved(desk)
    result = tickets.close(at(desk, NOW), ticket_id)
    assert result.ticket.status == "closed"
    assert result.ticket.closed_at == NOW


def test_closed_ticket_is_read_only(desk):
    ticket_id = closed(desk)
    before = ticket_read.detail(desk, ticket_id)
    attempts = [
        lambda: tickets.update(desk, ticket_id, Changes(priority="urgent")),
        lambda: tickets.update(desk, ticket_id, Changes(add_tags=("late",))),
        lambda: tickets.update(desk, ticket_id, Changes(status="open")),
        lambda: tickets.reply(desk, ticket_id, "Any news?"),
        lambda: tickets.note(desk, ticket_id, "internal"),
        lambda: tickets.assign(desk, ticket_id, "bob"),
        lambda: tickets.escalate(desk, ticket_id, reason="too late"),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict, match="closed"):
            attempt()
    assert ticket_read.detail(desk, ticket_id) == before


def test_reopening_a_closed_ticket_is_refused(desk):
    ticket_id = closed(desk)
    with pytest.raises(Conflict, match="closed"):
        tickets.reopen(desk, ticket_id)
    assert ticket_read.get(desk, ticket_id).status == "closed"


def test_reopening_an_unsolved_ticket_is_a_conflict(desk):
    ticket = tickets.create(desk, subject="Still open")
    with pytest.raises(Conflict, match="not solved"):
        tickets.reopen(desk, ticket.id)


# ------------------------------------------------------------------------------ thread


def test_first_agent_reply_sets_first_responded_at_and_opens_a_new_ticket(desk):
    ticket = tickets.create(desk, subject="Hello", requester="kim@example.com", body="Hi")
    first_time = NOW
    updated, message = tickets.reply(at(desk, first_time, "bob"), ticket.id, "On it.")
    assert message.kind == "reply"
    assert message.author == "bob"
    assert updated.first_responded_at == first_time
    assert updated.status == "open"
    assert updated.version == 2
    again, _ = tickets.reply(at(desk, first_time + timedelta(hours=1)), ticket.id, "Done?")
    assert again.first_responded_at == first_time
    assert [m.kind for m in thread(desk, ticket.id)] == ["reply", "reply", "reply"]
    fields = [(e.field, e.actor) for e in history(desk, ticket.id) if e.version == 2]
    assert fields == [("reply", "bob"), ("status", "bob")]


def test_reply_can_set_pending_in_the_same_step(desk):
    ticket = tickets.create(desk, subject="Need info")
    updated, _ = tickets.reply(desk, ticket.id, "Which floor?", status="pending")
    assert updated.status == "pending"
    assert updated.version == 2


def test_note_is_internal_and_does_not_count_as_first_response(desk):
    ticket = tickets.create(desk, subject="Hmm")
    updated, message = tickets.note(as_agent(desk, "carol"), ticket.id, "Looks like DNS")
    assert message.kind == "note"
    assert message.author == "carol"
    assert updated.first_responded_at is None
    assert updated.status == "new"
    assert updated.version == 2
    (stored,) = thread(desk, ticket.id)
    assert (stored.kind, stored.body) == ("note", "Looks like DNS")


def test_empty_reply_is_invalid_and_writes_nothing(desk):
    ticket = tickets.create(desk, subject="Hmm")
    with pytest.raises(InvalidInput, match="reply must not be empty"):
        tickets.reply(desk, ticket.id, " \n\n ")
    with pytest.raises(InvalidInput, match="note must not be empty"):
        tickets.note(desk, ticket.id, "")
    assert ticket_read.get(desk, ticket.id).version == 1
    assert thread(desk, ticket.id) == ()


# ------------------------------------------------------------------------------ assign


def test_assign_to_me_takes_the_ticket_and_opens_it(desk):
    ticket = tickets.create(desk, subject="Mine")
    result = tickets.assign(as_agent(desk, "bob"), ticket.id, "me")
    assert result.ticket.assignee == "bob"
    assert result.ticket.status == "open"
    assert [(c.field, c.old, c.new) for c in result.changes] == [
        ("assignee", None, "bob"),
        ("status", "new", "open"),
    ]


def test_assign_to_a_handle_and_to_none(desk):
    ticket = tickets.create(desk, subject="Yours")
    assert tickets.assign(desk, ticket.id, "Carol").ticket.assignee == "carol"
    result = tickets.assign(desk, ticket.id, None)
    assert result.ticket.assignee is None
    assert result.ticket.status == "open"
    assert [(c.field, c.old, c.new) for c in result.changes] == [("assignee", "carol", None)]


def test_assign_to_an_unknown_agent_is_not_found_and_changes_nothing(desk):
    ticket = tickets.create(desk, subject="Nobody")
    with pytest.raises(NotFound, match="zed"):
        tickets.assign(desk, ticket.id, "zed")
    assert ticket_read.get(desk, ticket.id) == ticket


def test_assign_to_a_deactivated_agent_is_refused(desk):
    with desk.store.write() as conn:
        conn.execute(
            update(schema.agents).where(schema.agents.c.handle == "bob").values(active=False)
        )
    ticket = tickets.create(desk, subject="Nobody")
    with pytest.raises(InvalidInput, match="deactivated"):
        tickets.assign(desk, ticket.id, "bob")


# ------------------------------------------------------------------------------ escalate


def test_escalate_moves_to_the_next_tier_unassigns_and_notes_the_reason(desk):
    ticket = tickets.create(desk, subject="Router on fire", assignee="bob")
    result = tickets.escalate(as_agent(desk, "carol"), ticket.id, reason="needs L2 access")
    assert result.ticket.queue == "Network L2"
    assert result.ticket.assignee is None
    assert result.ticket.version == 2
    note = thread(desk, ticket.id)[-1]
    assert note.kind == "note"
    assert note.author == "carol"
    assert "Service Desk" in note.body
    assert "Network L2" in note.body
    assert "needs L2 access" in note.body
    got = {(e.field, e.old, e.new, e.actor) for e in history(desk, ticket.id) if e.version == 2}
    assert ("queue", "Service Desk", "Network L2", "carol") in got
    assert ("assignee", "bob", None, "carol") in got


def test_escalate_from_the_top_tier_is_a_conflict(desk):
    ticket = tickets.create(desk, subject="Deep trouble")
    assert tickets.escalate(desk, ticket.id).ticket.queue == "Network L2"
    assert tickets.escalate(desk, ticket.id).ticket.queue == "Infrastructure L3"
    before = ticket_read.detail(desk, ticket.id)
    with pytest.raises(Conflict, match="no higher tier"):
        tickets.escalate(desk, ticket.id, reason="more!")
    assert ticket_read.detail(desk, ticket.id) == before


def test_escalate_lists_the_chain_and_may_skip_to_a_tier_further_up(desk):
    ticket = tickets.create(desk, subject="Core switch down")
    chain = [q.name for q in tickets.escalation_targets(desk, ticket.id)]
    assert chain == ["Network L2", "Infrastructure L3"]
    result = tickets.escalate(desk, ticket.id, "outage", to_queue="infrastructure l3")
    assert result.ticket.queue == "Infrastructure L3"
    assert "Service Desk to Infrastructure L3: outage" in thread(desk, ticket.id)[-1].body
    assert tickets.escalation_targets(desk, ticket.id) == []


def test_escalate_to_a_queue_not_further_up_is_refused_naming_the_allowed_ones(desk):
    ticket = tickets.create(desk, subject="Wrong way", queue="Network L2")
    before = ticket_read.detail(desk, ticket.id)
    with pytest.raises(InvalidInput, match="queues further up: Infrastructure L3"):
        tickets.escalate(desk, ticket.id, to_queue="Service Desk")
    assert ticket_read.detail(desk, ticket.id) == before


def test_escalate_with_a_stale_version_is_refused(desk):
    ticket = tickets.create(desk, subject="Seen at version 1")
    tickets.update(desk, ticket.id, Changes(assignee="bob"))
    with pytest.raises(Conflict, match="changed since you read it"):
        tickets.escalate(as_agent(desk, "carol"), ticket.id, if_version=ticket.version)
    assert ticket_read.get(desk, ticket.id).queue == "Service Desk"
    tickets.update(desk, ticket.id, Changes(priority="high"))
    moved = tickets.escalate(desk, ticket.id, if_version=2)  # a priority change is no conflict
    assert moved.ticket.queue == "Network L2"


def test_escalating_a_ticket_a_colleague_moved_meanwhile_says_it_changed(desk):
    ticket = tickets.create(desk, subject="Moved under my feet")
    tickets.update(as_agent(desk, "carol"), ticket.id, Changes(queue="Network L2"))
    with pytest.raises(StaleVersion, match="carol changed queue"):
        tickets.escalate(desk, ticket.id, to_queue="Network L2", if_version=ticket.version)
    assert ticket_read.get(desk, ticket.id).queue == "Network L2"


# ------------------------------------------------------------------------------ not found


NOT_FOUND_CALLS = {
    "get": lambda d: ticket_read.get(d, 424242),
    "detail": lambda d: ticket_read.detail(d, 424242),
    "update": lambda d: tickets.update(d, 424242, Changes(priority="low")),
    "reply": lambda d: tickets.reply(d, 424242, "hello"),
    "note": lambda d: tickets.note(d, 424242, "hello"),
    "assign": lambda d: tickets.assign(d, 424242, "me"),
    "close": lambda d: tickets.close(d, 424242),
    "reopen": lambda d: tickets.reopen(d, 424242),
    "escalate": lambda d: tickets.escalate(d, 424242),
}


def test_unknown_ticket_is_not_found_naming_it(desk):
    tickets.create(desk, subject="the only ticket")
    wrong = []
    for name, call in NOT_FOUND_CALLS.items():
        try:
            call(desk)
        except NotFound as exc:
            if "#424242" not in str(exc):
                wrong.append(f"{name}: {exc}")
        except Exception as exc:
            wrong.append(f"{name}: {type(exc).__name__}: {exc}")
        else:
            wrong.append(f"{name}: no error")
    assert wrong == []
