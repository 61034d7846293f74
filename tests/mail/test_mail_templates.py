"""The notifications' texts on both backends (docs/mail.md, "Notifications"): a desk's admin
changes one, it is checked when saved (unknown variables, values a ticket may lack, a
replied text without the reply), the mail that reaches a real SMTP server uses it, and
exports carry it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.mail import (
    MailSettings,
    OutSettings,
    SmtpSettings,
    receive,
    reset_template,
    send,
    set_template,
    template,
    templates,
)
from deskterm.domain.setup import open_desk
from deskterm.domain.transfer import jsonl as transfer
from deskterm.errors import InvalidInput, PermissionDenied
from exports import edit, rows
from smtp_server import SmtpServer

CORPUS = Path(__file__).parent / "corpus"
IN = MailSettings(addresses=("help@desk.example",))
OUT = OutSettings(address="help@desk.example", name="Example Help Desk", reopen_days=10)
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def settings(server: SmtpServer) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=server.port, security="plain", timeout=5)


def test_changed_texts_reach_the_requester_and_reset_brings_back_the_built_in(
    desk: Desk, smtp: SmtpServer
) -> None:
    desk.clock = lambda: T0
    assert [(t.kind, t.changed) for t in templates(desk)] == [
        ("received", False),
        ("replied", False),
        ("solved", False),
    ]
    set_template(desk, "received", "We got it, {{ requester.first_name | default('friend') }}.")
    changed = set_template(
        desk,
        "Replied",
        "Hi {{ requester.first_name | default('there') }},\n\n{{ reply.text }}\n\n"
        "{{ agent.name }}, {{ organization.name | default('Example') }} support",
    )
    assert (changed.kind, changed.changed, changed.updated_by, changed.updated_at) == (
        "replied",
        True,
        "alice",
        T0,
    )
    set_template(desk, "solved", "Solved. Write within {{ mail.reopen_days }} days to reopen.")
    ticket_id = receive(desk, (CORPUS / "plain-utf8.eml").read_bytes(), IN).ticket_id
    assert ticket_id is not None
    bob = Desk(desk.store, "bob", clock=desk.clock)
    tickets.reply(bob, ticket_id, "Update the client to 5.2, please.")
    tickets.update(desk, ticket_id, tickets.Changes(status="solved"))

    send(desk, settings(smtp), OUT)

    received, replied, solved = (m.text for m in smtp.received)
    footer = f"-- \nTicket #{ticket_id} [Desk #{ticket_id}]: reply to this mail to add to it.\n"
    assert received == f"We got it, Dana.\n\n{footer}"
    # The agent of the replied text is the reply's author, not the agent sending the mail.
    assert replied == (
        "Hi Dana,\n\nUpdate the client to 5.2, please.\n\nBob Stone, Example support\n\n" + footer
    )
    assert solved == f"Solved. Write within 10 days to reopen.\n\n{footer}"

    assert not reset_template(desk, "replied").changed
    tickets.reply(desk, ticket_id, "One more thing.")
    send(desk, settings(smtp), OUT)
    assert smtp.received[-1].text == f"One more thing.\n\n{footer}"


@pytest.mark.parametrize(
    ("kind", "text", "needle"),
    [
        ("received", "{{ ticket.subjet }}", 'unknown variable "ticket.subjet" (did you mean'),
        ("received", "{{ reply.text }}", 'received template: line 1: unknown variable "reply"'),
        ("solved", "Dear {{ requester.name }}", "uses requester.name, which a ticket may"),
        ("replied", "Thanks for writing.", "must hold {{ reply.text }}"),
        ("solved", "{% if %}", "solved template: line 1: Expected an expression"),
        ("solved", "  \n", "the solved template is empty"),
        ("closed", "Bye.", 'unknown notification "closed"; allowed: received, replied, solved'),
    ],
    ids=["unknown", "not-this-kind", "may-lack", "no-reply", "syntax", "empty", "no-such-kind"],
)
def test_a_text_that_would_fail_a_requester_is_refused_and_nothing_changes(
    desk: Desk, kind: str, text: str, needle: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        set_template(desk, kind, text)
    assert needle in caught.value.message
    assert not any(t.changed for t in templates(desk))


def test_only_admins_change_the_texts(desk: Desk) -> None:
    lead = Desk(desk.store, "carol")
    with pytest.raises(PermissionDenied):
        set_template(lead, "solved", "Solved.")
    with pytest.raises(PermissionDenied):
        reset_template(lead, "solved")
    assert template(lead, "solved").changed is False  # reading is for everyone


def test_exports_carry_changed_texts_and_refuse_one_that_would_fail(
    desk: Desk, empty_url: str
) -> None:
    set_template(desk, "solved", "Solved: {{ ticket.subject }}.")
    lines = list(transfer.export_lines(desk))
    [(_index, data)] = rows(lines, "mail_template")
    assert (data["kind"], data["body"]) == ("solved", "Solved: {{ ticket.subject }}.")
    assert json.loads(lines[0])["counts"]["mail_template"] == 1
    bad = edit(lines, "mail_template", lambda d: d.update(body="{{ requester.name }}"))
    with pytest.raises(InvalidInput) as caught:
        transfer.check_lines(bad)
    assert "body: solved template uses requester.name" in caught.value.message
    transfer.restore(empty_url, "alice", lines)
    restored = open_desk(empty_url, "alice")
    try:
        assert template(restored, "solved").body == "Solved: {{ ticket.subject }}."
        assert list(transfer.export_lines(restored)) == lines
    finally:
        restored.close()


def test_a_stored_text_that_fails_on_a_ticket_gives_way_to_the_built_in_one(
    desk: Desk, smtp: SmtpServer
) -> None:
    # A text the save check would refuse, put in the table by hand (psql as the owner, an
    # edited import): a requester without an organization still gets a mail, the built-in one.
    from sqlalchemy import insert

    from deskterm.store import schema

    with desk.store.write() as conn:
        conn.execute(
            insert(schema.mail_templates).values(
                kind="received", body="For {{ organization.name }}:", updated_at=T0
            )
        )
    raw = (
        b"From: anon@customer.example\r\nTo: help@desk.example\r\nSubject: Help\r\n"
        b"Message-ID: <anon-1@customer.example>\r\n\r\nIt broke.\r\n"
    )
    ticket_id = receive(desk, raw, IN).ticket_id
    report = send(desk, settings(smtp), OUT)
    assert [r.status for r in report.results] == ["sent"]
    assert smtp.received[0].text.startswith("Hello Anon,\n\nwe have received your request")
    assert f"[Desk #{ticket_id}]" in smtp.received[0].text
