"""The mail log survives export and import byte for byte (the raw messages as base64), and
threading and idempotency go on working on the restored desk."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskterm.domain.desk import Desk
from deskterm.domain.mail import MailSettings, mail_log, original, receive
from deskterm.domain.setup import open_desk
from deskterm.domain.transfer import jsonl as transfer
from deskterm.errors import InvalidInput
from exports import edit, rows

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


def test_import_refuses_a_raw_message_that_is_not_base64(desk: Desk) -> None:
    receive(desk, (CORPUS / "plain-utf8.eml").read_bytes(), SETTINGS)
    lines = list(transfer.export_lines(desk))
    edited = edit(lines, "mail_message", lambda data: data.update(raw="not base64!"))
    with pytest.raises(InvalidInput) as caught:
        transfer.check_lines(edited)
    assert "raw: is not valid base64" in caught.value.message
