"""Attachments of mail (docs/mail.md, "Attachments") on both backends: kept with the desk
byte for byte under safe names, the same file stored once, a file over the limit refused
with why while its mail is still taken, HTML-only mail's HTML kept as a file."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.mail import MailSettings, receive
from deskterm.errors import Conflict, NotFound

CORPUS = Path(__file__).parent / "corpus"
SETTINGS = MailSettings(addresses=("help@desk.example",))
#: The PDF of attachment.eml (and, under another name, attachment-again.eml).
PDF = base64.b64decode(
    "JVBERi0xLjQKJSBmYWtlIHBkZiBmb3IgdGVzdHMKJVBERi0xLjQKJSBmYWtlIHBkZiBmb3IgdGVz"
    "dHMKJVBERi0xLjQKJSBmYWtlIHBkZiBmb3IgdGVzdHMKJVBERi0xLjQKJSBmYWtlIHBkZiBmb3Ig"
    "dGVzdHMK"
)


def take(desk: Desk, name: str, settings: MailSettings = SETTINGS) -> int:
    outcome = receive(desk, (CORPUS / name).read_bytes(), settings)
    assert outcome.outcome == "created", outcome
    return int(outcome.ticket_id or 0)


def blob_count(desk: Desk) -> int:
    with desk.store.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM attachment_blobs").scalar_one())


def test_odd_attachments_are_kept_byte_for_byte_under_safe_names(desk: Desk) -> None:
    number = take(desk, "attachments-odd.eml")
    found = tickets.detail(desk, number).attachments
    assert [(a.number, a.name, a.content_type, a.size, a.inline) for a in found] == [
        (1, "logo.png", "image/png", 69, True),
        # "../../.ssh/authorized_keys": the path and the leading dot gone.
        (2, "authorized_keys", "text/plain", 32, False),
        # RFC 2231, UTF-8, with a right-to-left override inside: decoded, the override gone.
        (3, "Übersicht März.pdf", "application/pdf", 26, False),
        (4, "empty.dat", "application/octet-stream", 0, False),
    ]
    assert all(a.refused is None and a.sha256 for a in found)
    first_message = tickets.detail(desk, number).messages[0]
    assert {a.message_id for a in found} == {first_message.id}
    assert first_message.body.endswith(
        "[attachments: logo.png, authorized_keys, Übersicht März.pdf, empty.dat]"
    )
    attachment, data = tickets.attachment_data(desk, number, 3)
    assert (attachment.name, data) == ("Übersicht März.pdf", b"%PDF-1.4 overview of march")
    assert tickets.attachment_data(desk, number, 4)[1] == b""
    logo = tickets.attachment_data(desk, number, 1)[1]
    assert logo.startswith(b"\x89PNG\r\n\x1a\n") and len(logo) == 69
    with pytest.raises(NotFound) as missing:
        tickets.attachment_data(desk, number, 5)
    assert missing.value.message == f"ticket #{number} has no attachment 5 (it has 4)"


def test_the_same_file_in_two_mails_is_stored_once(desk: Desk) -> None:
    first = take(desk, "attachment.eml")
    second = take(desk, "attachment-again.eml")
    one = tickets.attachment_data(desk, first, 1)
    two = tickets.attachment_data(desk, second, 1)
    assert (one[0].name, two[0].name) == ("error report.pdf", "copy of report.pdf")
    assert one[1] == two[1] == PDF
    assert one[0].sha256 == two[0].sha256
    assert blob_count(desk) == 1


def test_a_file_over_the_limit_is_refused_with_why_and_the_mail_is_taken(desk: Desk) -> None:
    small = MailSettings(addresses=SETTINGS.addresses, max_attachment_size=1024)
    outcome = receive(desk, (CORPUS / "attachment-large.eml").read_bytes(), small)
    assert outcome.outcome == "created"
    assert outcome.notices == (
        "attachment not kept: full.log: larger than the limit of 1 KB (3 KB)",
    )
    number = int(outcome.ticket_id or 0)
    detail = tickets.detail(desk, number)
    assert "The full log and a short note are attached." in detail.messages[0].body
    big, note = detail.attachments
    assert (big.name, big.size, big.sha256, big.refused) == (
        "full.log",
        3072,
        None,
        "larger than the limit of 1 KB (3 KB)",
    )
    assert (note.name, note.refused) == ("note.txt", None)
    assert tickets.attachment_data(desk, number, 2)[1] == b"short\n"
    with pytest.raises(Conflict) as refused:
        tickets.attachment_data(desk, number, 1)
    assert "was not kept: larger than the limit" in refused.value.message
    assert blob_count(desk) == 1


def test_html_only_mail_keeps_its_html_as_a_file(desk: Desk) -> None:
    number = take(desk, "html-only.eml")
    (kept,) = tickets.detail(desk, number).attachments
    assert (kept.name, kept.content_type) == ("message.html", "text/html")
    html = tickets.attachment_data(desk, number, 1)[1]
    assert html.startswith(b"\xef\xbb\xbf")
    assert b'<a href="https://portal.example">portal</a>' in html


def test_a_reply_by_mail_brings_its_files_to_the_ticket_it_joins(desk: Desk) -> None:
    number = take(desk, "plain-utf8.eml")
    raw = (CORPUS / "attachment-again.eml").read_bytes()
    raw = raw.replace(b"Subject: The same report again", f"Subject: [Desk #{number}]".encode())
    outcome = receive(desk, raw, SETTINGS)
    assert (outcome.outcome, outcome.ticket_id) == ("appended", number)
    (attachment,) = tickets.detail(desk, number).attachments
    assert (attachment.name, attachment.message_id) == ("copy of report.pdf", outcome.message_id)


def test_a_messages_files_are_there_for_its_mail(desk: Desk) -> None:
    number = take(desk, "attachments-odd.eml")
    small = MailSettings(addresses=SETTINGS.addresses, max_attachment_size=1024)
    large = receive(desk, (CORPUS / "attachment-large.eml").read_bytes(), small)
    with desk.store.read() as conn:
        first = tickets.message_files(conn, tickets.detail(desk, number).messages[0].id)
        kept = tickets.message_files(conn, int(large.message_id or 0))
    assert [(a.name, len(data)) for a, data in first] == [
        ("logo.png", 69),
        ("authorized_keys", 32),
        ("Übersicht März.pdf", 26),
        ("empty.dat", 0),
    ]
    # The refused file is not there to send.
    assert [(a.name, data) for a, data in kept] == [("note.txt", b"short\n")]


def test_a_replys_files_go_on_its_mail_and_read_back_the_same(desk: Desk) -> None:
    from email import policy
    from email.message import EmailMessage

    from deskterm.domain.mail import attach_files, parse

    number = take(desk, "plain-utf8.eml")
    files = [
        tickets.NewFile("Übersicht März.pdf", "application/pdf", PDF),
        tickets.NewFile("empty.txt", "text/plain", b""),
    ]
    _ticket, reply = tickets.reply(desk, number, "Both files.", files=files)
    mail = EmailMessage()
    mail["From"] = "help@desk.example"
    mail["To"] = "dana@customer.example"
    mail["Subject"] = f"Re: VPN [Desk #{number}]"
    mail["Message-ID"] = "<out-1@desk.example>"
    mail.set_content("Both files.")
    with desk.store.read() as conn:
        assert attach_files(mail, conn, reply.id) == 2
    raw = mail.as_bytes(policy=policy.SMTP)
    assert b"filename*=utf-8''%C3%9Cbersicht%20M%C3%A4rz.pdf" in raw
    # The requester's client reads what the desk sent: the same names and bytes.
    came_back = parse(raw)
    assert came_back.body.text.strip() == "Both files."
    assert [(f.name, f.content_type, f.data) for f in came_back.body.files] == [
        ("Übersicht März.pdf", "application/pdf", PDF),
        ("empty.txt", "text/plain", b""),
    ]
