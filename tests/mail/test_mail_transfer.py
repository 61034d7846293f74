"""The mail log survives export and import byte for byte (the raw messages as base64), and
threading and idempotency go on working on the restored desk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.mail import (
    MailSettings,
    OutSettings,
    SmtpSettings,
    mail_log,
    original,
    outbox,
    receive,
    send,
)
from deskterm.domain.setup import open_desk
from deskterm.domain.transfer import jsonl as transfer
from deskterm.errors import InvalidInput
from exports import as_version_3, as_version_4, edit, rows
from smtp_server import SmtpServer

CORPUS = Path(__file__).parent / "corpus"
SETTINGS = MailSettings(addresses=("help@desk.example",))


def test_mail_round_trips_byte_identical_and_still_threads(desk: Desk, empty_url: str) -> None:
    for name in ("plain-utf8.eml", "broken-headers.eml", "bounce-dsn.eml", "latin1.eml"):
        receive(desk, (CORPUS / name).read_bytes(), SETTINGS)
    first = list(transfer.export_lines(desk))
    assert len(rows(first, "mail_message")) == 4
    transfer.restore(empty_url, "alice", first)
    restored = open_desk(empty_url, "alice")
    try:
        assert list(transfer.export_lines(restored)) == first
        record = mail_log(restored, limit=10)[-1]
        assert original(restored, record.id)[1] == (CORPUS / "plain-utf8.eml").read_bytes()
        again = receive(restored, (CORPUS / "plain-utf8.eml").read_bytes(), SETTINGS)
        assert again.outcome == "duplicate"
        reply = receive(restored, (CORPUS / "reply-references.eml").read_bytes(), SETTINGS)
        assert (reply.outcome, reply.ticket_id) == ("appended", record.ticket_id)
    finally:
        restored.close()


def test_a_desk_that_sent_mail_restores_with_its_outbox_and_sends_what_waited(
    desk: Desk, empty_url: str
) -> None:
    out = OutSettings(address="help@desk.example")
    server = SmtpServer()
    server.start()
    smtp = SmtpSettings(host="127.0.0.1", port=server.port, security="plain", timeout=5)
    try:
        receive(desk, (CORPUS / "plain-utf8.eml").read_bytes(), SETTINGS)
        tickets.reply(desk, 1, "Update the client, please.")
        assert [r.status for r in send(desk, smtp, out).results] == ["sent", "sent"]
        sent = server.received[-1].message
        tickets.reply(desk, 1, "Did it help?")
        server.stop()
        assert send(desk, smtp, out).unavailable is not None  # it waits, Message-ID chosen
        tickets.reply(desk, 1, "Still there?")  # queued, never tried
        first = list(transfer.export_lines(desk))
        assert json.loads(first[0])["version"] == 5
        assert [d["status"] for _i, d in rows(first, "outbox_mail")] == [
            "sent",
            "sent",
            "retrying",
            "queued",
        ]
        transfer.check_lines(first)
        transfer.restore(empty_url, "alice", first)
        restored = open_desk(empty_url, "alice")
        try:
            assert list(transfer.export_lines(restored)) == first
            waiting = outbox(restored)
            assert [(i.status, i.attempts) for i in waiting] == [("retrying", 1), ("queued", 0)]
            shown = [m.delivery for m in tickets.detail(restored, 1).messages if m.delivery]
            assert shown == ["sent", "retrying", "queued"]
            # The restored desk sends what waited, the retried mail with its Message-ID.
            retried = waiting[0].message_id_header
            server.start()
            report = send(restored, smtp, out, ignore_backoff=True)
            assert [r.status for r in report.results] == ["sent", "sent"]
            assert server.received[-2].message["Message-ID"] == f"<{retried}>"
            # The requester's answer to mail sent before the backup still joins its ticket.
            answer = (
                "From: dana@customer.example\r\nTo: help@desk.example\r\n"
                "Subject: Re: it works\r\nMessage-ID: <after-restore@customer.example>\r\n"
                f"In-Reply-To: {sent['Message-ID']}\r\n\r\nIt works.\r\n"
            ).encode()
            joined = receive(restored, answer, SETTINGS)
            assert (joined.outcome, joined.ticket_id) == ("appended", 1)
        finally:
            restored.close()
    finally:
        server.stop()


def test_a_format_4_export_imports_with_an_empty_outbox(desk: Desk, empty_url: str) -> None:
    receive(desk, (CORPUS / "plain-utf8.eml").read_bytes(), SETTINGS)
    tickets.reply(desk, 1, "Update the client, please.")
    older = as_version_4(list(transfer.export_lines(desk)))
    assert json.loads(older[0])["version"] == 4 and not rows(older, "outbox_mail")
    transfer.restore(empty_url, "alice", older)
    restored = open_desk(empty_url, "alice")
    try:
        assert outbox(restored, every=True) == []
        assert len(tickets.detail(restored, 1).messages) == 2
    finally:
        restored.close()


def test_import_refuses_a_raw_message_that_is_not_base64(desk: Desk) -> None:
    receive(desk, (CORPUS / "plain-utf8.eml").read_bytes(), SETTINGS)
    lines = list(transfer.export_lines(desk))
    edited = edit(lines, "mail_message", lambda data: data.update(raw="not base64!"))
    with pytest.raises(InvalidInput) as caught:
        transfer.check_lines(edited)
    assert "raw: is not valid base64" in caught.value.message


def test_attachments_round_trip_byte_identical_and_once(desk: Desk, empty_url: str) -> None:
    small = MailSettings(addresses=SETTINGS.addresses, max_attachment_size=1024)
    for name in ("attachments-odd.eml", "attachment.eml", "attachment-again.eml"):
        receive(desk, (CORPUS / name).read_bytes(), SETTINGS)
    receive(desk, (CORPUS / "attachment-large.eml").read_bytes(), small)
    tickets.reply(desk, 1, "Here", files=[tickets.NewFile("fix.sh", "text/x-sh", b"#!/bin/sh\n")])
    first = list(transfer.export_lines(desk))
    assert json.loads(first[0])["version"] == 5
    assert len(rows(first, "attachment")) == 9
    assert len(rows(first, "attachment_blob")) == 7  # the PDF twice, a refused file none
    transfer.restore(empty_url, "alice", first)
    restored = open_desk(empty_url, "alice")
    try:
        assert list(transfer.export_lines(restored)) == first
        for ticket_id in (1, 2, 3, 4):
            for attachment in tickets.detail(desk, ticket_id).attachments:
                if attachment.refused is None:
                    before = tickets.attachment_data(desk, ticket_id, attachment.number)
                    after = tickets.attachment_data(restored, ticket_id, attachment.number)
                    assert before == after
        assert tickets.detail(restored, 4).attachments[0].refused == (
            "larger than the limit of 1 KB (3 KB)"
        )
        # The same file arriving after the import is still stored once.
        again = (CORPUS / "attachment-again.eml").read_bytes().replace(b"attach-2@", b"attach-3@")
        receive(restored, again, SETTINGS)
        assert len(rows(list(transfer.export_lines(restored)), "attachment_blob")) == 7
    finally:
        restored.close()


def test_a_format_3_export_imports_without_attachments(desk: Desk, empty_url: str) -> None:
    receive(desk, (CORPUS / "attachment.eml").read_bytes(), SETTINGS)
    older = as_version_3(list(transfer.export_lines(desk)))
    assert json.loads(older[0])["version"] == 3 and not rows(older, "attachment")
    transfer.restore(empty_url, "alice", older)
    restored = open_desk(empty_url, "alice")
    try:
        detail = tickets.detail(restored, 1)
        assert detail.attachments == ()
        assert "[attachments: error report.pdf]" in detail.messages[0].body
    finally:
        restored.close()


@pytest.mark.parametrize(
    ("kind", "change", "needle"),
    [
        ("attachment", lambda d: d.update(name="../../.bashrc"), "name: is not a safe file name"),
        ("attachment", lambda d: d.update(sha256="XYZ"), "sha256: must be a SHA-256"),
        ("attachment_blob", lambda d: d.update(data="%%%"), "data: is not valid base64"),
        ("attachment", lambda d: d.update(message_id=999), "message_id: no message 999"),
    ],
    ids=["path-in-name", "bad-hash", "bad-base64", "unknown-message"],
)
def test_import_refuses_an_attachment_the_desk_would_not_keep(
    desk: Desk, kind: str, change: Any, needle: str
) -> None:
    receive(desk, (CORPUS / "attachment.eml").read_bytes(), SETTINGS)
    edited = edit(list(transfer.export_lines(desk)), kind, change)
    with pytest.raises(InvalidInput) as caught:
        transfer.check_lines(edited)
    assert needle in caught.value.message


def test_import_refuses_an_attachment_whose_content_is_missing_or_altered(desk: Desk) -> None:
    receive(desk, (CORPUS / "attachment.eml").read_bytes(), SETTINGS)
    lines = list(transfer.export_lines(desk))
    missing = edit(lines, "attachment", lambda d: d.update(sha256="a" * 64))
    with pytest.raises(InvalidInput) as caught:
        transfer.check_lines(missing)
    assert (
        "sha256: no attachment's content aaaaaaaaaaaa... before this line" in caught.value.message
    )
    altered = edit(lines, "attachment_blob", lambda d: d.update(data="QUJD"))
    with pytest.raises(InvalidInput) as caught:
        transfer.check_lines(altered)
    assert "data: its SHA-256 or size is not the one the line says" in caught.value.message
