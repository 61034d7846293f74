"""Triage rules (issue 13), on both backends: every action, order and stop, a broken rule
skipped whole with a message, ``rule test`` changing nothing, and an automatic reply that is
never a first response."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deskterm.domain import queues, tickets
from deskterm.domain.desk import Desk
from deskterm.domain.rules import Actions, RuleChanges, add_rule, edit_rule, list_rules, move_rule
from deskterm.domain.sla import PolicyChanges, add_policy
from deskterm.domain.tickets import preview_rule
from deskterm.errors import InvalidInput, NotFound, PermissionDenied


def history(desk: Desk, ticket_id: int) -> list[tuple[str, str | None, str | None]]:
    return [
        (e.field, e.old, e.new)
        for e in tickets.detail(desk, ticket_id).history
        if e.field not in ("created",)
    ]


def test_each_action_applies_to_a_new_ticket_and_the_history_names_the_rule(desk: Desk) -> None:
    add_rule(
        desk,
        "VPN to network",
        "vpn",
        Actions(
            queue="Network L2",
            priority="high",
            type="problem",
            add_tags=("vpn", "remote"),
            assignee="bob",
            note="Routed by the VPN rule: check the concentrator first.",
        ),
    )
    ticket = tickets.create(desk, subject="VPN drops every ten minutes", body="Since Monday")
    assert (ticket.queue, ticket.priority, ticket.type, ticket.assignee) == (
        "Network L2",
        "high",
        "problem",
        "bob",
    )
    assert ticket.tags == ("remote", "vpn")
    assert ticket.status == "open"  # assigning a new ticket opens it, as everywhere
    note = tickets.detail(desk, ticket.id).messages[-1]
    assert (note.kind, note.body) == (
        "note",
        "Routed by the VPN rule: check the concentrator first.",
    )
    fields = [field for field, _old, _new in history(desk, ticket.id)]
    assert ("rule", None, "VPN to network") in history(desk, ticket.id)
    assert {"queue", "priority", "type", "tags", "assignee", "note"} <= set(fields)
    other = tickets.create(desk, subject="Printer jams")
    assert (other.queue, other.priority) == ("Service Desk", "normal")


def test_rules_run_in_order_and_stop_ends_the_run(desk: Desk) -> None:
    add_rule(desk, "Urgent words", "outage", Actions(priority="urgent"), stop=False)
    add_rule(desk, "Outage to infra", "outage", Actions(queue="Infrastructure L3"))
    add_rule(desk, "Never reached", "outage", Actions(add_tags=("late",)))
    ticket = tickets.create(desk, subject="Mail outage")
    assert (ticket.priority, ticket.queue, ticket.tags) == ("urgent", "Infrastructure L3", ())
    # Moving the stopping rule first: now it alone applies.
    move_rule(desk, "Outage to infra", 1)
    assert [r.name for r in list_rules(desk)] == [
        "Outage to infra",
        "Urgent words",
        "Never reached",
    ]
    second = tickets.create(desk, subject="Network outage")
    assert (second.priority, second.queue) == ("normal", "Infrastructure L3")


def test_later_rules_win_a_field_and_conditions_see_the_ticket_as_it_arrived(
    desk: Desk,
) -> None:
    add_rule(desk, "High", "priority:normal", Actions(priority="high"), stop=False)
    add_rule(desk, "Low", "priority:normal", Actions(priority="low"), stop=False)
    # The second rule's condition was asked of the ticket as created (normal), not as the
    # first rule left it (high): both match; the later one's value stays.
    assert tickets.create(desk, subject="Anything").priority == "low"


def test_a_rule_that_cannot_apply_is_skipped_whole_and_said_so(desk: Desk) -> None:
    queues.add_queue(desk, "Temp", tier="L2")
    add_rule(
        desk,
        "To temp",
        "printer",
        Actions(queue="Temp", priority="urgent", note="moved"),
        stop=False,
    )
    add_rule(desk, "Tag printers", "printer", Actions(add_tags=("printer",)))
    queues.delete_queue(desk, "Temp")
    notices: list[str] = []
    ticket = tickets.create(desk, notices=notices, subject="Printer on fire")
    # Nothing of the broken rule: not its priority, not its note; the next rule still ran.
    assert (ticket.queue, ticket.priority, ticket.tags) == ("Service Desk", "normal", ("printer",))
    assert [m.kind for m in tickets.detail(desk, ticket.id).messages] == []
    assert len(notices) == 1
    assert notices[0].startswith(f'rule "To temp" skipped for #{ticket.id}: unknown queue "Temp"')
    assert ("rule_skipped", "To temp") in [(f, o) for f, o, _n in history(desk, ticket.id)]


def test_a_condition_naming_a_queue_deleted_since_skips_the_rule(desk: Desk) -> None:
    queues.add_queue(desk, "Old", tier="L2")
    add_rule(desk, "From old", "queue:Old", Actions(priority="low"))
    queues.delete_queue(desk, "Old")
    notices: list[str] = []
    ticket = tickets.create(desk, notices=notices, subject="Anything")
    assert ticket.priority == "normal"
    assert len(notices) == 1 and 'rule "From old" skipped' in notices[0]


def test_rule_test_lists_matches_and_changes_nothing(desk: Desk) -> None:
    vpn = tickets.create(desk, subject="VPN slow", priority="low")
    tickets.create(desk, subject="Printer")
    add_rule(desk, "VPN high", "vpn", Actions(priority="high", add_tags=("vpn",), reply="Hi"))
    before = tickets.get(desk, vpn.id)
    rule, shown = preview_rule(desk, "vpn high")
    assert rule.name == "VPN high"
    assert [(p.ticket_id, [(c.field, c.old, c.new) for c in p.changes]) for p in shown] == [
        (
            vpn.id,
            [
                ("priority", "low", "high"),
                ("tags", None, "vpn"),
                ("automatic reply", None, None),
            ],
        )
    ]
    after = tickets.get(desk, vpn.id)
    assert after == before  # same version, fields, tags: nothing written


def test_an_automatic_reply_is_marked_and_never_a_first_response(desk: Desk) -> None:
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    at = Desk(desk.store, desk.handle, clock=lambda: monday)
    add_policy(at, "Fast", PolicyChanges(targets={"normal": {"first_response": 30}}))
    add_rule(at, "Acknowledge", "is:unsolved", Actions(reply="Thanks, we have your ticket."))
    ticket = tickets.create(at, subject="Laptop", requester="dana@acme.example")
    reply = tickets.detail(desk, ticket.id).messages[-1]
    assert (reply.kind, reply.automatic, reply.body) == (
        "reply",
        True,
        "Thanks, we have your ticket.",
    )
    assert ticket.status == "new" and ticket.first_responded_at is None
    assert ticket.sla_due == monday + timedelta(minutes=30)  # the clock still runs


def test_saving_refuses_a_rule_that_could_not_work(desk: Desk) -> None:
    with pytest.raises(InvalidInput, match='unknown status "opne"') as bad:
        add_rule(desk, "Bad", "status:opne", Actions(priority="high"))
    assert bad.value.field == "condition"
    with pytest.raises(NotFound, match="unknown queue"):
        add_rule(desk, "Bad", "vpn", Actions(queue="Nowhere"))
    with pytest.raises(InvalidInput, match="at least one action"):
        add_rule(desk, "Bad", "vpn", Actions())
    with pytest.raises(InvalidInput, match="priority"):
        add_rule(desk, "Bad", "vpn", Actions(priority="p1"))
    bob = Desk(desk.store, "bob")
    with pytest.raises(PermissionDenied):
        add_rule(bob, "Mine", "vpn", Actions(priority="high"))
    rule = add_rule(desk, "Fine", "vpn", Actions(priority="high"))
    edited = edit_rule(desk, "fine", RuleChanges(enabled=False))
    assert (edited.enabled, edited.version) == (False, rule.version + 1)
    assert tickets.create(desk, subject="VPN").priority == "normal"  # disabled: not run


def test_rules_and_automatic_messages_survive_a_backup_and_restore(
    desk: Desk, empty_url: str
) -> None:
    from deskterm.domain import transfer
    from deskterm.domain.setup import open_desk

    add_rule(desk, "Ack", "is:unsolved", Actions(reply="Got it"), stop=False)
    add_rule(desk, "VPN", "vpn", Actions(queue="Network L2", add_tags=("vpn",)))
    ticket = tickets.create(desk, subject="VPN down")
    lines = list(transfer.export_lines(desk))
    transfer.restore(empty_url, "alice", lines)
    restored = open_desk(empty_url, "alice")
    try:
        assert list_rules(restored) == list_rules(desk)
        assert tickets.detail(restored, ticket.id).messages[-1].automatic is True
        assert list(transfer.export_lines(restored)) == lines
    finally:
        restored.close()


def test_rules_searching_different_words_each_match_their_own(desk: Desk) -> None:
    """Every rule's words are asked in one statement: each keeps its own (a shared
    parameter once made all of them search for the last rule's words)."""
    add_rule(desk, "VPN", "vpn", Actions(add_tags=("vpn",)), stop=False)
    add_rule(desk, "Outage", "outage", Actions(priority="urgent"), stop=False)
    add_rule(desk, "Printer", "printer", Actions(add_tags=("printer",)), stop=False)
    ticket = tickets.create(desk, subject="VPN outage in Berlin")
    assert (ticket.tags, ticket.priority) == (("vpn",), "urgent")
    assert tickets.create(desk, subject="Printer jams").tags == ("printer",)


def test_a_rule_s_reply_is_a_template_checked_at_save_and_filled_for_each_ticket(
    desk: Desk,
) -> None:
    with pytest.raises(InvalidInput, match=r"requester\.frist_name") as bad:
        add_rule(desk, "Typo", "vpn", Actions(reply="Hi {{ requester.frist_name }}"))
    assert bad.value.field == "reply"
    add_rule(
        desk,
        "Ack",
        "is:unsolved",
        Actions(
            reply='Hi {{ requester.first_name | default("there") }}, we have #{{ ticket.id }}.'
        ),
        stop=False,
    )
    add_rule(desk, "Strict", "printer", Actions(note="For {{ requester.name }}"))
    named = tickets.create(desk, subject="VPN", requester="dana.scully@acme.example")
    assert tickets.detail(desk, named.id).messages[-1].body == f"Hi Dana, we have #{named.id}."
    notices: list[str] = []
    anonymous = tickets.create(desk, notices=notices, subject="Printer jam")
    bodies = [m.body for m in tickets.detail(desk, anonymous.id).messages]
    assert bodies == [f"Hi there, we have #{anonymous.id}."]  # the strict note was skipped
    assert len(notices) == 1 and "requester.name" in notices[0] and 'rule "Strict"' in notices[0]


def test_a_queue_s_automatic_reply_answers_when_no_rule_did(desk: Desk) -> None:
    queues.edit_queue(desk, "Network L2", auto_reply="Network team here: we have #{{ ticket.id }}.")
    with pytest.raises(InvalidInput, match=r"ticket\.idd") as bad:
        queues.edit_queue(desk, "Service Desk", auto_reply="#{{ ticket.idd }}")
    assert bad.value.field == "auto_reply"
    add_rule(desk, "VPN", "vpn", Actions(queue="Network L2"))
    routed = tickets.create(desk, subject="VPN down")  # lands in Network L2 by the rule
    last = tickets.detail(desk, routed.id).messages[-1]
    assert (last.kind, last.automatic, last.body) == (
        "reply",
        True,
        f"Network team here: we have #{routed.id}.",
    )
    assert ("queue_reply", None, "Network L2") in history(desk, routed.id)
    assert routed.first_responded_at is None
    # A rule's own reply goes first: the queue does not answer a second time.
    add_rule(desk, "Ack", "outage", Actions(reply="Rule reply"), stop=False)
    move_rule(desk, "Ack", 1)
    both = tickets.create(desk, subject="VPN outage")
    assert [m.body for m in tickets.detail(desk, both.id).messages] == ["Rule reply"]
    assert tickets.create(desk, subject="Printer").queue == "Service Desk"  # no reply there
    assert queues.queue_detail(desk, "Network L2").auto_reply.startswith("Network team")
    queues.edit_queue(desk, "Network L2", auto_reply=None)
    assert queues.queue_detail(desk, "Network L2").auto_reply is None


def test_one_requester_gets_at_most_three_automatic_replies_an_hour(desk: Desk) -> None:
    """An auto-responder answering the desk's acknowledgements (or a script writing in a
    loop) must not be answered forever: the fourth ticket within the hour gets no reply, and
    its history says why; an hour later the requester is answered again."""
    from deskterm.domain.tickets.triage import AUTO_REPLY_LIMIT

    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    add_rule(Desk(desk.store, desk.handle, clock=lambda: monday), "Ack", "is:unsolved",
             Actions(reply="We have it."), stop=False)  # fmt: skip
    queues.edit_queue(desk, "Service Desk", auto_reply="Queue ack.")

    def mail_in(minutes: int) -> int:
        at = Desk(desk.store, desk.handle, clock=lambda: monday + timedelta(minutes=minutes))
        return tickets.create(at, subject="Out of office", requester="bot@acme.example").id

    answered = [mail_in(n) for n in range(AUTO_REPLY_LIMIT)]
    held = mail_in(30)
    for ticket_id in answered:
        assert [m.body for m in tickets.detail(desk, ticket_id).messages] == ["We have it."]
    assert tickets.detail(desk, held).messages == ()  # neither the rule's nor the queue's
    reasons = [new for field, _old, new in history(desk, held) if field == "auto_reply_held"]
    assert reasons == ["3 automatic replies went to this requester in the last hour"]
    later = mail_in(90)
    assert [m.body for m in tickets.detail(desk, later).messages] == ["We have it."]
    other = tickets.create(desk, subject="Hello", requester="dana@acme.example")
    assert tickets.detail(desk, other.id).messages[-1].automatic
