"""The whole way of a mail, on both backends (issue 14's "full round trip"): a requester's
mail makes a ticket, an agent answers it in the console, the mail that reaches a real SMTP
server (aiosmtpd) carries what the requester's client threads by, and the requester's
answer joins the same ticket, where the console shows it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.mail import MailSettings, OutSettings, SmtpSettings, receive, send
from smtp_server import SmtpServer

from .conftest import app_for, screen_text, settle

CORPUS = Path(__file__).parents[1] / "mail" / "corpus"
IN = MailSettings(addresses=("help@desk.example",))
OUT = OutSettings(address="help@desk.example", name="Example Help Desk")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


async def test_mail_in_reply_in_the_console_mail_out_and_the_answer_joins(
    desk: Desk, smtp: SmtpServer
) -> None:
    taken = receive(desk, (CORPUS / "plain-utf8.eml").read_bytes(), IN)
    assert (taken.outcome, taken.ticket_id) == ("created", 1)

    app = app_for(desk, "id:1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r", *"Please update the client to 5.2", "ctrl+s")
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert "✉ mail queued" in screen_text(app)

    smtp_settings = SmtpSettings(host="127.0.0.1", port=smtp.port, security="plain", timeout=5)
    report = send(desk, smtp_settings, OUT)
    assert [(r.kind, r.status) for r in report.results] == [("received", "sent"), ("reply", "sent")]
    ack, reply = smtp.received
    mail = reply.message
    assert reply.recipients == ["dana@customer.example"]
    assert mail["From"] == "Example Help Desk <help@desk.example>"
    assert mail["Reply-To"] == "help@desk.example"
    assert mail["Subject"] == "Re: VPN drops every ten minutes [Desk #1]"
    # What a client threads by: the requester's message answered, the thread so far.
    assert mail["In-Reply-To"] == "<plain-1@customer.example>"
    assert mail["References"] == f"<plain-1@customer.example> {ack.message['Message-ID']}"
    assert mail["Message-ID"].endswith("@desk.example>")
    assert reply.text.startswith("Please update the client to 5.2\n")

    # The requester's client answers as clients do: In-Reply-To and References, "Re:" on
    # the subject, the reply quoted below.
    answer = (
        "From: Dana Scully <dana@customer.example>\r\n"
        "To: help@desk.example\r\n"
        f"Subject: Re: {mail['Subject']}\r\n"
        "Message-ID: <answer-1@customer.example>\r\n"
        f"In-Reply-To: {mail['Message-ID']}\r\n"
        f"References: {mail['References']} {mail['Message-ID']}\r\n"
        "\r\nUpdated, it holds now.\r\n\r\n"
        "On Mon, 2 Nov 2026, Example Help Desk wrote:\r\n> Please update the client to 5.2\r\n"
    ).encode()
    joined = receive(desk, answer, IN)
    assert (joined.outcome, joined.ticket_id, joined.found_by) == ("appended", 1, "references")
    # A client that drops the headers still joins by the subject tag.
    bare = (
        "From: dana@customer.example\r\nTo: help@desk.example\r\n"
        f"Subject: Re: {mail['Subject']}\r\nMessage-ID: <answer-2@customer.example>\r\n"
        "\r\nAnd the other laptop too.\r\n"
    ).encode()
    tagged = receive(desk, bare, IN)
    assert (tagged.outcome, tagged.ticket_id, tagged.found_by) == ("appended", 1, "subject tag")
    assert tickets.count(desk, "") == 1

    app = app_for(desk, "id:1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        text = screen_text(app)
    assert "✉ mail sent" in text
    assert "Updated, it holds now." in text
    assert "And the other laptop too." in text
    assert "> Please update the client" not in text  # the quote is trimmed from the thread
