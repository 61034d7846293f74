"""The console lists a ticket's files under the thread entry each came with: number, name,
size, type, why one was refused; names from mail shown literally (docs/mail.md)."""

from __future__ import annotations

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.mail import MailSettings, receive
from deskterm.tui.screens.detail_screen import DetailScreen

from .conftest import app_for, fixed, settle

MAIL = b"""From: Mallory <mallory@evil.example>
To: help@desk.example
Subject: Files for you
Message-ID: <files-1@evil.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

See the files.

--b
Content-Type: text/plain
Content-Disposition: attachment; filename="[@click=app.quit]quit[b].txt"

click
--b
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="../../big.bin"

0123456789012345678901234567890123456789
--b--
"""


async def test_the_detail_lists_each_messages_files_literally(sqlite_desk: Desk) -> None:
    desk = fixed(sqlite_desk)
    receive(desk, MAIL, MailSettings(max_attachment_size=16))
    reply = tickets.NewFile("fix.sh", "text/x-sh", b"#!/bin/sh\n")
    tickets.reply(desk, 1, "Run this.", files=[reply])
    app = app_for(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        first, second = (str(w.content) for w in app.screen.query(".msg"))
        assert "[1] [@click=app.quit]quit[b].txt  5 B  text/plain" in first
        assert "[2] big.bin  40 B  application/octet-stream  not kept: larger than the limit" in (
            first
        )
        assert second.endswith("Run this.\n[3] fix.sh  10 B  text/x-sh")
        fields = str(app.screen.query_one(".fields").content)
        assert "Files: 3" in fields
        assert app.is_running
