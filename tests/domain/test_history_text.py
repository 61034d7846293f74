"""The history in words: what ``ticket show`` and the console say an audit event changed."""

from __future__ import annotations

from datetime import UTC, datetime

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.models import AuditEvent
from deskterm.domain.tickets import Changes
from deskterm.domain.tickets import read as ticket_read
from deskterm.domain.tickets.history import describe, messages_by_id

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def event(field: str, old: str | None, new: str | None) -> AuditEvent:
    return AuditEvent(1, 1, "alice", field, old, new, 2, AT)


def test_a_ticket_history_reads_as_words_with_no_message_ids(desk: Desk) -> None:
    ticket = tickets.create(desk, subject="VPN drops", requester="dana@acme.example")
    tickets.reply(desk, ticket.id, "\n  Please restart the client.\nThen tell us.")
    tickets.note(desk, ticket.id, "RADIUS shows " + "five failed logins " * 10)
    tickets.update(desk, ticket.id, Changes(status="pending", priority="high", add_tags=("vpn",)))
    tickets.update(desk, ticket.id, Changes(assignee="bob"))
    detail = ticket_read.detail(desk, ticket.id)
    messages = messages_by_id(detail.messages)
    said = [describe(e, messages) for e in detail.history]
    assert said[:3] == [
        "created: VPN drops",
        "replied: Please restart the client.",
        "status: new → open",
    ]
    noted = said[3]
    assert noted.startswith("noted: RADIUS shows five failed logins") and noted.endswith("…")
    assert len(noted) <= len("noted: ") + 60
    assert {"status: open → pending", "priority: normal → high", "tags: +vpn"} <= set(said)
    assert "assigned to bob" in said
    ids = {str(m.id) for m in detail.messages}
    assert not any(i in line for line in said for i in ids)


def test_wording_of_each_kind_of_change() -> None:
    assert describe(event("assignee", "alice", None)) == "unassigned (was alice)"
    assert describe(event("assignee", "alice", "bob")) == "assignee: alice → bob"
    assert describe(event("tags", "a,b", "b,c")) == "tags: +c -a"
    assert describe(event("escalated", "Service Desk", "Network L2")) == (
        "escalated: Service Desk → Network L2"
    )
    assert describe(event("merged_into", None, "40")) == "merged into #40"
    assert describe(event("merged_from", None, "12")) == "merged #12 into this ticket"
    assert describe(event("problem", None, "7")) == "linked to problem #7"
    assert describe(event("reply", None, "999")) == "replied"  # a message no longer shown
    assert describe(event("priority", "low", "high"), ascii=True) == "priority: low -> high"


def test_controls_in_values_are_made_inert() -> None:
    assert describe(event("subject", "old", "new\x1b[31m")) == "subject: old → new␛[31m"
