"""``deskterm mail ...`` as a user and a mail server run it (docs/mail.md): receive's exit
codes, import of .eml, mbox and Maildir with --dry-run and a summary, the log of held mail,
two deliveries of one message at the same moment. The exit codes and the deliveries at once
are real processes forked from a server that has imported deskterm (``forked.py``); a
mistake made before ``mail receive`` runs (a config file, an option) is seen through the
installed script."""

from __future__ import annotations

import json
import mailbox
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from clitools import SQLITE_ONLY, ok, ok_json, one_error_line
from sqlalchemy import update

import forked
from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.store import schema

CORPUS = Path(__file__).parents[1] / "mail" / "corpus"
DESKTERM = Path(sys.executable).with_name("deskterm")


def eml(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def receive_process(url: str, data: bytes, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DESKTERM_DB": url, "DESKTERM_AGENT": "alice"}
    return subprocess.Popen(
        [str(DESKTERM), *extra, "mail", "receive"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def receive(url: str, data: bytes, *extra: str) -> subprocess.CompletedProcess[bytes]:
    proc = receive_process(url, data, *extra)
    out, err = proc.communicate(data, timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_receive_exit_codes_as_a_mail_server_reads_them(
    backend_url: str, tmp_path: Path, forked_commands: forked.Commands
) -> None:
    def receive(url: str, data: bytes, *extra: str) -> subprocess.CompletedProcess[bytes]:
        env = {**os.environ, "DESKTERM_DB": url, "DESKTERM_AGENT": "alice"}
        return forked_commands.run([*extra, "mail", "receive"], env=env, input=data, timeout=60)

    first = receive(backend_url, eml("latin1.eml"))
    assert (first.returncode, first.stdout) == (0, b"new ticket #1\n"), first.stderr
    # The same message again: taken already, still a success for the server.
    again = receive(backend_url, eml("latin1.eml"))
    assert (again.returncode, again.stdout) == (0, b"duplicate: already taken (#1)\n")
    bounce = receive(backend_url, eml("bounce-dsn.eml"))
    assert (bounce.returncode, bounce.stdout) == (0, b"held: bounce (delivery status report)\n")
    junk = receive(backend_url, b"this is not a mail message\n")
    assert junk.returncode == 65
    assert junk.stderr.startswith(b"error: the input has no mail header fields")
    # A desk it cannot use now (an agent the desk does not know yet): try again later.
    unknown = receive(backend_url, eml("plain-utf8.eml"), "--as", "mailer")
    assert unknown.returncode == 75
    assert b'unknown agent "mailer"' in unknown.stderr
    assert b"the mail server will try again later" in unknown.stderr
    assert b"Traceback" not in unknown.stderr
    missing = receive(f"sqlite:///{tmp_path / 'gone' / 'desk.db'}", eml("plain-utf8.eml"))
    assert missing.returncode == 75, missing.stderr


@SQLITE_ONLY
def test_a_mistake_before_receive_runs_makes_the_server_retry_not_bounce(
    backend_url: str, tmp_path: Path
) -> None:
    """A config file that does not parse, or a wrong option, would otherwise exit 2: a
    permanent failure to a mail server, which would bounce the requester's mail."""
    broken = tmp_path / "config.toml"
    broken.write_text("[store\nurl = ", encoding="utf-8")
    config = receive(backend_url, eml("plain-utf8.eml"), "--config", str(broken))
    assert config.returncode == 75, config.stderr
    option = receive(backend_url, eml("plain-utf8.eml"), "--no-such-option")
    assert option.returncode == 75, option.stderr


def test_two_deliveries_of_one_message_at_once_make_one_ticket(
    backend_url: str, forked_commands: forked.Commands
) -> None:
    data = eml("plain-utf8.eml")
    env = {**os.environ, "DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}
    pipes = {"stdin": forked.PIPE, "stdout": forked.PIPE, "stderr": forked.PIPE}
    procs = [forked_commands.popen(["mail", "receive"], env=env, **pipes) for _ in range(4)]
    outs = [proc.communicate(data, timeout=60) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0, 0], [err for _o, err in outs]
    said = sorted(out.decode() for out, _err in outs)
    assert said == ["duplicate: already taken (#1)\n"] * 3 + ["new ticket #1\n"]


def test_receive_in_process_threads_a_reply(cli_inproc_bytes) -> None:  # type: ignore[no-untyped-def]
    assert cli_inproc_bytes("mail", "receive", input=eml("plain-utf8.eml")).returncode == 0
    reply = cli_inproc_bytes("mail", "receive", input=eml("reply-references.eml"))
    assert (reply.returncode, reply.stdout) == (0, b"reply to #1 (by references)\n")


def test_reopen_days_from_the_config_decides_whether_a_late_reply_reopens(
    cli_inproc_bytes,  # type: ignore[no-untyped-def]
    desk: Desk,
    tmp_path: Path,
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[mail]\nreopen_days = 7\n")
    assert cli_inproc_bytes("mail", "receive", input=eml("plain-utf8.eml")).returncode == 0
    tickets.update(desk, 1, tickets.Changes(status="solved"))
    # Solved ten days ago (the desk's clock cannot be moved from outside).
    with desk.store.write() as conn:
        conn.execute(
            update(schema.tickets)
            .where(schema.tickets.c.id == 1)
            .values(solved_at=desk.now() - timedelta(days=10))
        )
    late = cli_inproc_bytes(
        "--config", str(config), "mail", "receive", input=eml("reply-references.eml")
    )
    assert (late.returncode, late.stdout) == (
        0,
        b"new ticket #2 (#1 was solved more than 7 days ago)\n",
    ), late.stderr
    config.write_text("[mail]\nreopen_days = 30\n")
    tagged = eml("reply-subject-tag.eml")
    within = cli_inproc_bytes("--config", str(config), "mail", "receive", input=tagged)
    assert within.stdout == b"reply to #1 (by subject tag)\n", within.stderr
    assert tickets.get(desk, 1).status == "open"


def test_held_mail_is_listed_with_why(cli_inproc, cli_inproc_bytes) -> None:  # type: ignore[no-untyped-def]
    for name in ("auto-reply.eml", "precedence-bulk.eml", "alternative.eml"):
        assert cli_inproc_bytes("mail", "receive", input=eml(name)).returncode == 0
    held = [json.loads(line) for line in ok(cli_inproc("mail", "held")).splitlines()]
    assert [(h["subject"], h["what"]) for h in held] == [
        ("Our November newsletter #11", "held: bulk mail (Precedence: bulk)"),
        (
            "Automatic reply: VPN drops every ten minutes",
            "held: automatic message (Auto-Submitted: auto-replied)",
        ),
    ]
    assert all(h["ticket_id"] is None for h in held)
    everything = ok(cli_inproc("mail", "log", "--format", "table"))
    assert "Outlook keeps asking" in everything and "created" in everything
    shown = ok_json(cli_inproc("mail", "show", str(held[0]["id"]), "--format", "json"))
    assert shown["text"] == "Big news this month.\n"


def test_the_desks_own_address_from_the_config_is_held(
    cli_inproc_bytes,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[mail]\naddress = "help@desk.example"\nsubject_tag = "Desk"\n')
    result = cli_inproc_bytes("--config", str(config), "mail", "receive", input=eml("desk-own.eml"))
    assert result.stdout == (
        b"held: sent by the desk's own address help@desk.example (a mail loop)\n"
    )


def test_a_bad_subject_tag_in_the_config_is_named(cli_inproc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text('[mail]\nsubject_tag = "Desk #"\n')
    result = cli_inproc("--config", str(config), "mail", "log")
    assert result.returncode == 2
    assert "[mail] subject_tag must be a word" in result.stderr


@SQLITE_ONLY
def test_import_reads_eml_mbox_and_maildir_with_a_dry_run_first(
    cli_inproc,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    box = mailbox.mbox(tmp_path / "old.mbox")
    for name in ("plain-utf8.eml", "reply-references.eml", "bounce-dsn.eml"):
        box.add(eml(name))
    box.flush()
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    for name in ("latin1.eml", "plain-utf8.eml"):  # the second: the same as in the mbox
        maildir.add(eml(name))
    maildir.flush()
    (tmp_path / "note.eml").write_bytes(b"not a mail message\n")
    paths = [str(tmp_path / "old.mbox"), str(tmp_path / "Maildir"), str(tmp_path / "note.eml")]
    dry = cli_inproc("mail", "import", *paths, "--dry-run", "--format", "json")
    rows = json.loads(ok(dry))
    assert [row["what"] for row in rows] == [
        "new ticket #1",
        "reply to #1 (by references)",
        "held: bounce (delivery status report)",
        "new ticket #2",
        "duplicate: already taken (#1)",
        "not a mail message: the input has no mail header fields (From, Date, Subject...)",
    ]
    assert dry.stderr.endswith(
        "6 messages: would make 2 new tickets, 1 reply, 1 duplicate, 1 held, 1 not mail; "
        "nothing was changed\n"
    )
    assert ok(cli_inproc("ticket", "list", "--format", "ids")) == ""
    done = cli_inproc("mail", "import", *paths)
    assert ok(done) == "6 messages: made 2 new tickets, 1 reply, 1 duplicate, 1 held, 1 not mail\n"
    again = cli_inproc("mail", "import", *paths)
    assert ok(again) == (
        "6 messages: made 0 new tickets, 0 replies, 5 duplicates, 0 held, 1 not mail\n"
    )
    assert ok(cli_inproc("ticket", "list", "--format", "ids")).split() == ["2", "1"]
    missing = cli_inproc("mail", "import", str(tmp_path / "nowhere.mbox"))
    assert missing.returncode == 3 and "no such file or folder" in missing.stderr


@SQLITE_ONLY
def test_a_ticket_that_does_not_exist_is_not_found_not_a_ticket_without_mail(
    cli_inproc,  # type: ignore[no-untyped-def]
) -> None:
    for command in ("outbox", "log"):
        result = cli_inproc("mail", command, "--ticket", "99")
        assert one_error_line(result, 3) == "error: ticket #99 not found", command
