"""``ticket show`` lists a ticket's files and ``ticket attachment list|save`` gives them back
byte for byte, as a user runs them (docs/mail.md, "Attachments")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clitools import SQLITE_ONLY, fails, ok, ok_json

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.mail import MailSettings, receive

CORPUS = Path(__file__).parents[1] / "mail" / "corpus"
SMALL = MailSettings(max_attachment_size=1024)


def take(desk: Desk, name: str, settings: MailSettings = SMALL) -> str:
    outcome = receive(desk, (CORPUS / name).read_bytes(), settings)
    return str(outcome.ticket_id)


def test_show_lists_the_files_in_json_and_in_the_table(cli_inproc, desk: Desk) -> None:
    number = take(desk, "attachment-large.eml")
    shown = ok_json(cli_inproc("ticket", "show", number, "--format", "json"))
    assert [
        (a["number"], a["name"], a["size"], a["content_type"], a["refused"])
        for a in shown["attachments"]
    ] == [
        (1, "full.log", 3072, "application/octet-stream", "larger than the limit of 1 KB (3 KB)"),
        (2, "note.txt", 6, "text/plain", None),
    ]
    assert shown["attachments"][0]["sha256"] is None
    assert shown["attachments"][1]["message_id"] == shown["messages"][0]["id"]
    table = ok(cli_inproc("ticket", "show", number, "--format", "table"))
    assert "Attachments (2)" in table
    assert "  1  full.log      3 KB  application/octet-stream  not kept: larger than" in table
    assert "  2  note.txt       6 B  text/plain" in table
    # A ticket without files shows no such section.
    plain = take(desk, "plain-utf8.eml")
    assert "Attachments" not in ok(cli_inproc("ticket", "show", plain, "--format", "table"))
    assert ok_json(cli_inproc("ticket", "show", plain, "--format", "json"))["attachments"] == []
    listed = ok(cli_inproc("ticket", "attachment", "list", number, "--format", "jsonl"))
    assert [json.loads(line)["name"] for line in listed.splitlines()] == ["full.log", "note.txt"]


def test_save_writes_the_bytes_under_the_safe_name_and_never_overwrites_unasked(
    cli_inproc, cli_inproc_bytes, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = take(desk, "attachments-odd.eml")
    tmp_path = tmp_path / "here"
    tmp_path.mkdir()
    monkeypatch.chdir(tmp_path)
    saved = ok(cli_inproc("ticket", "attachment", "save", number, "2"))
    assert saved == "saved authorized_keys (32 B)\n"
    # "../../.ssh/authorized_keys" came in: it lands here, under its last name, nowhere else.
    assert (tmp_path / "authorized_keys").read_bytes() == b"ssh-ed25519 AAAA not-a-real-key\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["authorized_keys"]
    again = fails(cli_inproc("ticket", "attachment", "save", number, "2"), 4)
    assert "authorized_keys exists; nothing was written" in again
    assert "--force" in again
    (tmp_path / "authorized_keys").write_bytes(b"mine")
    ok(cli_inproc("ticket", "attachment", "save", number, "2", "--force"))
    assert (tmp_path / "authorized_keys").read_bytes() == b"ssh-ed25519 AAAA not-a-real-key\n"
    # To a directory, to a named file, to standard output: the same bytes.
    (tmp_path / "out").mkdir()
    ok(cli_inproc("ticket", "attachment", "save", number, "3", "out"))
    assert (tmp_path / "out" / "Übersicht März.pdf").read_bytes() == b"%PDF-1.4 overview of march"
    ok(cli_inproc("ticket", "attachment", "save", number, "4", "empty-copy"))
    assert (tmp_path / "empty-copy").read_bytes() == b""
    logo = cli_inproc_bytes("ticket", "attachment", "save", number, "1", "-")
    assert logo.returncode == 0 and logo.stderr == b""
    assert logo.stdout.startswith(b"\x89PNG\r\n\x1a\n") and len(logo.stdout) == 69


def test_save_says_what_is_missing_or_was_not_kept(cli_inproc, desk: Desk) -> None:
    number = take(desk, "attachment-large.eml")
    missing = fails(cli_inproc("ticket", "attachment", "save", number, "3", "-"), 3)
    assert f"ticket #{number} has no attachment 3 (it has 2)" in missing
    refused = fails(cli_inproc("ticket", "attachment", "save", number, "1", "-"), 4)
    assert "was not kept: larger than the limit of 1 KB (3 KB)" in refused
    assert "not found" in fails(cli_inproc("ticket", "attachment", "list", "999"), 3)


def test_attach_on_reply_and_note_stores_the_files_with_the_message(
    cli_inproc, cli_inproc_bytes, tmp_path: Path
) -> None:
    ticket = ok_json(
        cli_inproc("ticket", "create", "--subject", "VPN", "--body", "Help", "-f", "json")
    )
    number = str(ticket["id"])
    data = bytes(range(256)) * 40 + b"\x00\r\n\x1b"
    (tmp_path / "vpn.conf").write_bytes(data)
    (tmp_path / "same.conf").write_bytes(data)
    (tmp_path / "notes.txt").write_bytes("Grüße\n".encode())
    reply = cli_inproc(
        "ticket", "reply", number, "--body", "The settings.",
        "--attach", str(tmp_path / "vpn.conf"), "-a", str(tmp_path / "notes.txt"),
    )  # fmt: skip
    ok(reply)
    ok(
        cli_inproc(
            "ticket", "note", number, "--body", "Same file", "--attach", str(tmp_path / "same.conf")
        )
    )
    shown = ok_json(cli_inproc("ticket", "show", number, "--format", "json"))
    reply_id, note_id = (m["id"] for m in shown["messages"][1:])
    assert [
        (a["number"], a["name"], a["size"], a["content_type"], a["message_id"])
        for a in shown["attachments"]
    ] == [
        (1, "vpn.conf", len(data), "application/octet-stream", reply_id),
        (2, "notes.txt", 8, "text/plain", reply_id),
        (3, "same.conf", len(data), "application/octet-stream", note_id),
    ]
    assert shown["attachments"][0]["sha256"] == shown["attachments"][2]["sha256"]
    for n, expected in (("1", data), ("2", "Grüße\n".encode()), ("3", data)):
        saved = cli_inproc_bytes("ticket", "attachment", "save", number, n, "-")
        assert (saved.returncode, saved.stdout) == (0, expected)


def test_a_file_that_cannot_go_changes_nothing(cli_inproc, tmp_path: Path) -> None:
    ticket = ok_json(
        cli_inproc("ticket", "create", "--subject", "VPN", "--body", "Help", "-f", "json")
    )
    number = str(ticket["id"])
    (tmp_path / "big.bin").write_bytes(b"x" * 2048)
    config = tmp_path / "deskterm.toml"
    config.write_text('[attachments]\nmax_size = "1KB"\n')
    too_big = fails(
        cli_inproc(
            "--config", str(config), "ticket", "reply", number, "--body", "x",
            "--attach", str(tmp_path / "big.bin"),
        ),
        2,
    )  # fmt: skip
    assert "cannot attach" in too_big and "larger than the limit of 1 KB" in too_big
    missing = fails(
        cli_inproc("ticket", "note", number, "--body", "x", "--attach", str(tmp_path / "gone")), 2
    )
    assert "gone: no such file; nothing was changed" in missing
    after = ok_json(cli_inproc("ticket", "show", number, "--format", "json"))
    assert (after["version"], len(after["messages"]), after["attachments"]) == (1, 1, [])


def test_mail_receive_warns_of_a_refused_file_and_takes_the_mail(
    cli_inproc_bytes, tmp_path: Path
) -> None:
    config = tmp_path / "deskterm.toml"
    config.write_text('[attachments]\nmax_size = "2KB"\n')
    raw = (CORPUS / "attachment-large.eml").read_bytes()
    taken = cli_inproc_bytes("--config", str(config), "mail", "receive", input=raw)
    assert (taken.returncode, taken.stdout) == (0, b"new ticket #1\n")
    assert taken.stderr == (
        b"warning: attachment not kept: full.log: larger than the limit of 2 KB (3 KB)\n"
    )


@SQLITE_ONLY
def test_save_to_a_terminal_is_refused(backend_url: str, desk: Desk) -> None:
    """The real process on a pseudo-terminal: a stranger's bytes never reach a terminal."""
    import os
    import subprocess
    import sys

    number = take(desk, "attachments-odd.eml")
    main, secondary = os.openpty()
    env = {**os.environ, "DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}
    deskterm = Path(sys.executable).with_name("deskterm")
    try:
        done = subprocess.run(
            [str(deskterm), "ticket", "attachment", "save", number, "2", "-"],
            stdout=secondary,
            stderr=subprocess.PIPE,
            env=env,
            timeout=60,
            check=False,
        )
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
    assert done.returncode == 2
    assert b"standard output is a terminal" in done.stderr
    assert b"ssh-ed25519" not in shown


def test_a_reply_with_files_goes_out_with_them_over_smtp(
    cli_inproc, desk: Desk, tmp_path: Path
) -> None:
    from smtp_server import SmtpServer

    server = SmtpServer()
    server.start()
    try:
        config = tmp_path / "deskterm.toml"
        config.write_text(server.config())
        env = {"DESKTERM_CONFIG": str(config)}
        number = str(
            tickets.create(
                desk, subject="VPN", body="It drops.", requester="dana@customer.example"
            ).id
        )
        data = bytes(range(256)) * 8
        (tmp_path / "vpn profile.conf").write_bytes(data)
        (tmp_path / "Grüße.txt").write_bytes("Grüße\n".encode())
        ok(
            cli_inproc(
                "ticket", "reply", number, "--body", "The new profile.",
                "--attach", str(tmp_path / "vpn profile.conf"),
                "--attach", str(tmp_path / "Grüße.txt"),
                env=env,
            )
        )  # fmt: skip
        ok(cli_inproc("ticket", "note", number, "--body", "internal", "-a", str(config), env=env))
        assert ok(cli_inproc("mail", "send", env=env)).startswith("1 mail: 1 sent")
        (got,) = server.received
    finally:
        server.stop()
    mail = got.message
    assert str(mail.get_body(("plain",)).get_content()).startswith("The new profile.")
    files = [
        (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
        for part in mail.iter_attachments()
    ]
    # The reply's files, byte for byte; the note's file never leaves the desk.
    assert files == [
        ("vpn profile.conf", "application/octet-stream", data),
        ("Grüße.txt", "text/plain", "Grüße\n".encode()),
    ]
