"""Mail out on both backends (docs/mail.md, "Sending"), against a real SMTP server (aiosmtpd,
started by the fixture): replies are queued with the change that wrote them and sent with
the headers a mail client threads by; a server that goes away delays mail but loses none;
a mail is never sent twice, even by two senders at once; the requester's answer and the
desk's own mail coming back are recognised by the Message-IDs the desk sent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.mail import MailSettings, OutSettings, SmtpSettings, outbox, receive, send
from smtp_server import SmtpServer

CORPUS = Path(__file__).parent / "corpus"
IN = MailSettings(addresses=("help@desk.example",))
OUT = OutSettings(address="help@desk.example", name="Example Help Desk")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clock(desk: Desk) -> list[datetime]:
    """The desk's clock, moved by the test (``clock[0] += ...``) instead of sleeping."""
    now = [T0]
    desk.clock = lambda: now[0]
    return now


def settings(server: SmtpServer) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=server.port, security="plain", timeout=5)


def eml(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def a_ticket(desk: Desk, requester: str = "dana@customer.example") -> int:
    """A ticket an agent opened for a requester (no "received" notification: not by mail)."""
    return tickets.create(desk, subject="VPN drops", body="It drops.", requester=requester).id


def statuses(desk: Desk) -> list[tuple[str, str, int]]:
    return [(i.kind, i.status, i.attempts) for i in outbox(desk, every=True)][::-1]


def test_a_reply_goes_out_threaded_and_the_answer_joins_its_ticket(
    desk: Desk, smtp: SmtpServer, clock: list[datetime]
) -> None:
    first = receive(desk, eml("plain-utf8.eml"), IN)
    ticket_id = first.ticket_id
    assert ticket_id is not None
    tickets.note(desk, ticket_id, "Internal: check the VPN concentrator.")
    tickets.reply(desk, ticket_id, "Please update the client to 5.2 and tell us.")
    # The note and the requester's own mail are not mailed; the acknowledgement of the
    # new ticket and the reply wait in the outbox.
    assert statuses(desk) == [("received", "queued", 0), ("reply", "queued", 0)]

    report = send(desk, settings(smtp), OUT)

    assert [r.status for r in report.results] == ["sent", "sent"]
    assert statuses(desk) == [("received", "sent", 0), ("reply", "sent", 0)]
    ack, got = smtp.received
    assert ack.message["Subject"] == f"Received: VPN drops every ten minutes [Desk #{ticket_id}]"
    assert ack.message["Auto-Submitted"] == "auto-replied"
    assert ack.text.startswith("Hello Dana,\n\nwe have received your request")
    assert got.recipients == ["dana@customer.example"]
    mail = got.message
    assert mail["From"] == "Example Help Desk <help@desk.example>"
    assert mail["To"] == "dana@customer.example"
    assert mail["Reply-To"] == "help@desk.example"
    assert mail["Subject"] == f"Re: VPN drops every ten minutes [Desk #{ticket_id}]"
    assert mail["In-Reply-To"] == "<plain-1@customer.example>"
    assert mail["References"] == f"<plain-1@customer.example> {ack.message['Message-ID']}"
    assert mail["Message-ID"].endswith("@desk.example>")
    assert mail["Auto-Submitted"] is None
    body = got.text
    assert body.startswith("Please update the client to 5.2 and tell us.\n")
    # Sent once: a second run has nothing to do.
    assert send(desk, settings(smtp), OUT).results == []
    assert len(smtp.received) == 2

    # The requester answers from a client that keeps In-Reply-To but drops the tag.
    answer = (
        "From: Dana Scully <dana@customer.example>\r\n"
        "To: help@desk.example\r\n"
        "Subject: Re: VPN drops every ten minutes\r\n"
        "Message-ID: <answer-1@customer.example>\r\n"
        f"In-Reply-To: {mail['Message-ID']}\r\n"
        f"References: <plain-1@customer.example> {mail['Message-ID']}\r\n"
        "\r\nUpdated, it works now.\r\n"
    ).encode()
    joined = receive(desk, answer, IN)
    assert (joined.outcome, joined.ticket_id, joined.found_by) == (
        "appended",
        ticket_id,
        "references",
    )
    # The desk's own mail coming back (a forwarding loop) makes nothing.
    back = receive(desk, got.data, MailSettings())
    assert back.outcome == "held"
    assert back.reason == "the desk's own message came back (a mail loop)"
    assert tickets.count(desk, "") == 1


def test_a_server_that_goes_away_delays_mail_and_loses_none(
    desk: Desk, smtp: SmtpServer, clock: list[datetime]
) -> None:
    ticket_id = a_ticket(desk)
    tickets.reply(desk, ticket_id, "First answer.")
    smtp.stop()

    down = send(desk, settings(smtp), OUT)

    assert down.unavailable is not None and "cannot reach the SMTP server" in down.unavailable
    [item] = outbox(desk)
    assert (item.status, item.attempts, item.next_try) == ("retrying", 1, T0 + timedelta(minutes=1))
    assert "cannot reach the SMTP server" in (item.last_error or "")
    # A second reply while the server is away waits too.
    tickets.reply(desk, ticket_id, "Second answer.")
    clock[0] += timedelta(seconds=30)
    # The first waits for its pause; the second is tried, and fails, and waits.
    again = send(desk, settings(smtp), OUT)
    assert [r.status for r in again.results] == ["retrying"]
    clock[0] += timedelta(seconds=40)  # the first's pause is over, the second's not
    third = send(desk, settings(smtp), OUT)
    assert [(r.outbox_id, r.status) for r in third.results] == [(item.id, "retrying")]
    assert [i.attempts for i in outbox(desk)] == [2, 1]
    assert outbox(desk)[0].next_try == clock[0] + timedelta(minutes=2)  # the pause doubled

    smtp.start()
    clock[0] += timedelta(minutes=2)
    back = send(desk, settings(smtp), OUT)

    assert sorted(r.status for r in back.results) == ["sent", "sent"]
    assert outbox(desk) == []
    assert [m.text.splitlines()[0] for m in smtp.received] == [
        "First answer.",
        "Second answer.",
    ]
    assert send(desk, settings(smtp), OUT, ignore_backoff=True).results == []
    assert len(smtp.received) == 2


def test_a_mail_failing_for_retry_hours_is_given_up_and_a_refused_one_at_once(
    desk: Desk, smtp: SmtpServer, clock: list[datetime]
) -> None:
    dana = a_ticket(desk)
    other = a_ticket(desk, "kurt@firma.example")
    smtp.refuse.add("dana@customer.example")
    tickets.reply(desk, dana, "To a mailbox that is gone.")

    refused = send(desk, settings(smtp), OUT)

    assert [(r.status, r.error) for r in refused.refused] == [
        ("failed", "550 5.1.1 no such mailbox here")
    ]
    assert outbox(desk) == []
    smtp.stop()
    tickets.reply(desk, other, "Wird nie ankommen.")
    short = OutSettings(address="help@desk.example", retry_hours=1)
    assert [r.status for r in send(desk, settings(smtp), short).results] == ["retrying"]
    clock[0] += timedelta(minutes=59)
    assert [r.status for r in send(desk, settings(smtp), short).results] == ["retrying"]
    clock[0] += timedelta(minutes=1)
    gave_up = send(desk, settings(smtp), short, ignore_backoff=True)
    assert [r.status for r in gave_up.results] == ["failed"]
    [last] = [i for i in outbox(desk, every=True) if i.ticket_id == other]
    assert last.status == "failed"
    assert (last.last_error or "").startswith("gave up after 1 hours: cannot reach")


def test_automatic_replies_say_so_and_cc_on_incoming_mail_is_copied(
    desk: Desk, smtp: SmtpServer, clock: list[datetime]
) -> None:
    from deskterm.domain import queues

    default = tickets.get(desk, a_ticket(desk)).queue
    queues.edit_queue(desk, default, auto_reply="Thanks {{ requester.first_name }}, we are on it.")
    raw = (
        b"From: Dana Scully <dana@customer.example>\r\n"
        b"To: help@desk.example\r\n"
        b"Cc: Fox Mulder <fox@customer.example>, help@desk.example\r\n"
        b"Subject: Printer on fire\r\n"
        b"Message-ID: <cc-1@customer.example>\r\n"
        b"\r\nIt is really on fire.\r\n"
    )
    ticket_id = receive(desk, raw, IN).ticket_id
    assert ticket_id is not None
    tickets.reply(desk, ticket_id, "Please step away from it.")

    send(desk, settings(smtp), OUT)

    auto, agent = smtp.received
    assert auto.message["Auto-Submitted"] == "auto-replied"
    assert auto.text.startswith("Thanks Dana, we are on it.")
    assert agent.message["Auto-Submitted"] is None
    assert agent.message["Cc"] == "fox@customer.example"
    assert agent.recipients == ["dana@customer.example", "fox@customer.example"]
    # Each carries the thread so far: the requester's mail, then the desk's first reply.
    assert agent.message["References"] == f"<cc-1@customer.example> {auto.message['Message-ID']}"


def test_two_senders_at_once_send_each_mail_once(
    desk: Desk, smtp: SmtpServer, backend_url: str
) -> None:
    from deskterm.domain.setup import open_desk

    ticket_id = a_ticket(desk)
    for n in range(12):
        tickets.reply(desk, ticket_id, f"Answer {n}.")
    errors: list[BaseException] = []

    def sender() -> None:
        other = open_desk(backend_url, "alice")
        try:
            send(other, settings(smtp), OUT)
        except BaseException as exc:  # pragma: no cover - told by the assertion
            errors.append(exc)
        finally:
            other.store.engine.dispose()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert statuses(desk) == [("reply", "sent", 0)] * 12
    bodies = sorted(m.text.splitlines()[0] for m in smtp.received)
    assert bodies == sorted(f"Answer {n}." for n in range(12))
    assert outbox(desk) == []


def test_a_solve_tells_the_requester_and_the_settings_can_leave_it_out(
    desk: Desk, smtp: SmtpServer, clock: list[datetime]
) -> None:
    first = a_ticket(desk)
    second = a_ticket(desk, "kurt@firma.example")
    tickets.update(desk, first, tickets.Changes(status="solved"))
    tickets.update(desk, second, tickets.Changes(status="solved"))
    quiet = OutSettings(address="help@desk.example", notify=("received",), reopen_days=7)

    send(desk, settings(smtp), OUT, limit=1)
    send(desk, settings(smtp), quiet)

    [solved] = smtp.received
    assert solved.recipients == ["dana@customer.example"]
    assert solved.message["Subject"] == f"Solved: VPN drops [Desk #{first}]"
    assert solved.message["Auto-Submitted"] == "auto-generated"
    assert "reply to this mail within 14 days and the ticket opens again" in solved.text
    assert [(i.ticket_id, i.status) for i in outbox(desk, every=True)] == [
        (second, "skipped"),
        (first, "sent"),
    ]


def test_a_mail_received_for_a_requester_with_enough_automatic_mail_gets_none(
    desk: Desk, clock: list[datetime]
) -> None:
    for n in range(5):
        raw = (
            "From: Dana Scully <dana@customer.example>\r\n"
            f"Subject: Request {n}\r\nMessage-ID: <many-{n}@customer.example>\r\n\r\nHelp.\r\n"
        ).encode()
        receive(desk, raw, IN)
    # Three "received" notifications within the hour, then none.
    assert [i.kind for i in outbox(desk)] == ["received"] * 3


def test_every_way_of_replying_queues_one_mail_and_notes_none(desk: Desk) -> None:
    """The one write path: a macro's reply, a rule's automatic reply (by mail, so no
    "received" on top), a note macro, a batch of replies; each public reply once."""
    from deskterm.domain.macros import MacroSpec, add_macro, apply_macro
    from deskterm.domain.rules import Actions, add_rule

    add_rule(desk, "Wifi", "wifi", Actions(reply="We know about the wifi, {{ requester.name }}."))
    by_rule = receive(desk, eml("plain-utf8.eml"), IN).ticket_id
    assert by_rule is not None
    add_macro(desk, "Thanks", MacroSpec(body="Thanks {{ requester.first_name }}!"))
    add_macro(desk, "Check", MacroSpec(kind="note", body="Checked."))
    apply_macro(desk, by_rule, "Thanks")
    apply_macro(desk, by_rule, "Check")
    other = a_ticket(desk, "kurt@firma.example")
    tickets.reply(desk, other, "One.")
    tickets.note(desk, other, "Internal.")
    no_requester = tickets.create(desk, subject="Printer", body="Jammed.").id
    tickets.reply(desk, no_requester, "Nobody to mail.")

    queued = [(i.ticket_id, i.kind, i.automatic) for i in outbox(desk)]

    assert queued == [(by_rule, "reply", True), (by_rule, "reply", False), (other, "reply", False)]
    thread = tickets.detail(desk, by_rule).messages
    assert [m.delivery for m in thread] == [None, "queued", "queued", None]


def test_a_server_that_goes_down_mid_run_keeps_the_rest_and_sends_each_once(
    desk: Desk, smtp: SmtpServer, clock: list[datetime]
) -> None:
    ticket_id = a_ticket(desk)
    for n in range(5):
        tickets.reply(desk, ticket_id, f"Answer {n}.")
    stopped = smtp.go_down_after(2)

    run = send(desk, settings(smtp), OUT)

    assert stopped.wait(10)
    assert [r.status for r in run.results] == ["sent", "sent", "retrying", "retrying", "retrying"]
    assert run.unavailable is not None and "dropped the connection" in run.unavailable
    assert [i.status for i in outbox(desk)] == ["retrying"] * 3
    smtp.start()
    clock[0] += timedelta(minutes=1)

    again = send(desk, settings(smtp), OUT)

    assert [r.status for r in again.results] == ["sent"] * 3
    assert [m.text.splitlines()[0] for m in smtp.received] == [f"Answer {n}." for n in range(5)]
    assert outbox(desk) == []
