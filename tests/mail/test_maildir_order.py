"""``mail import`` of a Maildir takes the messages in the order they were delivered: by the
second in the name, then by its microsecond field, which delivery agents write without
leading zeros (so the names cannot be compared as text)."""

from __future__ import annotations

from pathlib import Path

from deskterm.domain.mail.mailboxes import sources

MAIL = b"From: a@example.com\r\nSubject: hello\r\n\r\nbody\r\n"


def test_maildir_messages_come_in_delivery_order_within_one_second(tmp_path: Path) -> None:
    box = tmp_path / "Maildir"
    for part in ("cur", "new", "tmp"):
        (box / part).mkdir(parents=True)
    delivered = [
        "1700000000.M99999P10Q2.host",  # earlier in the second than the next one
        "1700000000.M100000P10Q1.host",
        "1700000000.V801I6ceM542012.host",  # Postfix's form
        "1700000001.M5P10Q3.host",
    ]
    for name in reversed(delivered):
        (box / "new" / name).write_bytes(MAIL)
    (box / "cur" / "1699999999.M7P1Q1.host:2,S").write_bytes(MAIL)  # read, and earlier
    names = [source.label.rsplit("/", 1)[1] for source in sources([box])]
    assert names == ["1699999999.M7P1Q1.host", *delivered]
