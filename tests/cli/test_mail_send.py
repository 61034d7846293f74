"""``deskterm mail send`` and ``mail outbox`` as cron and an admin run them, against a real
SMTP server (aiosmtpd, started by the fixture): the exit codes (0 sent or nothing to do, 75
the server cannot be reached, 65 a mail refused for good, 77 the login refused, 78 not set
up), what waits and why, and ``config check`` trying the SMTP login."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from clitools import SQLITE_ONLY, ok, one_error_line

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from smtp_server import CERT, PASSWORD, SmtpServer

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_login() -> Iterator[SmtpServer]:
    server = SmtpServer(login=True)
    server.start()
    yield server
    server.stop()


def config(tmp_path: Path, text: str) -> dict[str, str | None]:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return {"DESKTERM_CONFIG": str(path)}


def a_reply(desk: Desk) -> int:
    ticket_id = tickets.create(
        desk, subject="VPN drops", body="It drops.", requester="dana@customer.example"
    ).id
    tickets.reply(desk, ticket_id, "Try turning it off and on again.")
    return ticket_id


def test_send_delivers_what_waits_and_says_what_it_did(
    cli_inproc: Run, desk: Desk, smtp: SmtpServer, tmp_path: Path
) -> None:
    env = config(tmp_path, smtp.config())
    ticket_id = a_reply(desk)
    waiting = json.loads(ok(cli_inproc("mail", "outbox", "--format", "json", env=env)))
    assert [(w["ticket_id"], w["kind"], w["status"], w["recipient"]) for w in waiting] == [
        (ticket_id, "reply", "queued", "dana@customer.example")
    ]

    sent = cli_inproc("mail", "send", env=env)

    assert ok(sent) == "1 mail: 1 sent, 0 retrying, 0 failed, 0 skipped\n"
    assert len(smtp.received) == 1
    assert ok(cli_inproc("mail", "outbox", "--format", "json", env=env)) == "[]\n"
    # Nothing to do is a success too.
    assert ok(cli_inproc("mail", "send", env=env)).startswith("0 mails:")
    done = json.loads(ok(cli_inproc("mail", "outbox", "--all", "--format", "json", env=env)))
    assert [(d["status"], d["why"][:5]) for d in done] == [("sent", "sent ")]


def test_a_server_that_cannot_be_reached_exits_75_and_the_mail_waits(
    cli_inproc: Run, desk: Desk, smtp: SmtpServer, tmp_path: Path
) -> None:
    env = config(tmp_path, smtp.config())
    ticket_id = a_reply(desk)
    smtp.stop()

    down = cli_inproc("mail", "send", env=env)

    assert down.returncode == 75, down.stderr
    assert "cannot reach the SMTP server 127.0.0.1:" in down.stderr
    assert "what was not sent waits in the outbox" in down.stderr
    assert "Traceback" not in down.stderr
    table = ok(cli_inproc("mail", "outbox", env=env))
    assert "retrying" in table and "cannot reach" in table
    # ticket show tells each public reply's delivery, in its JSON and on its page.
    shown = json.loads(ok(cli_inproc("ticket", "show", str(ticket_id), "--format", "json")))
    reply = shown["messages"][-1]
    assert reply["delivery"] == "retrying"
    assert reply["delivery_error"].startswith("cannot reach the SMTP server 127.0.0.1:")
    assert shown["messages"][0]["delivery"] is None  # the requester's own message
    page = ok(cli_inproc("ticket", "show", str(ticket_id), "--format", "table"))
    assert "mail: retrying: cannot reach the SMTP server" in page
    smtp.start()
    # The pause is a minute: --now tries at once.
    assert ok(cli_inproc("mail", "send", env=env)).startswith("0 mails:")
    assert ok(cli_inproc("mail", "send", "--now", env=env)).startswith("1 mail: 1 sent")
    assert len(smtp.received) == 1
    page = ok(cli_inproc("ticket", "show", str(ticket_id), "--format", "table"))
    assert "mail: sent" in page


@SQLITE_ONLY
def test_a_mail_refused_for_good_exits_65_and_is_marked_failed(
    cli_inproc: Run, desk: Desk, smtp: SmtpServer, tmp_path: Path
) -> None:
    env = config(tmp_path, smtp.config())
    ticket_id = a_reply(desk)
    smtp.refuse.add("dana@customer.example")

    refused = cli_inproc("mail", "send", env=env)

    assert refused.returncode == 65
    assert f"(#{ticket_id}) to dana@customer.example failed: 550 5.1.1" in refused.stderr
    listed = json.loads(ok(cli_inproc("mail", "outbox", "--all", "--format", "json", env=env)))
    assert [(row["status"], row["last_error"]) for row in listed] == [
        ("failed", "550 5.1.1 no such mailbox here")
    ]


@SQLITE_ONLY
def test_config_check_tries_the_smtp_login(
    cli_inproc: Run, desk: Desk, smtp_login: SmtpServer, tmp_path: Path
) -> None:
    env = config(tmp_path, smtp_login.config())
    missing = cli_inproc("mail", "send", env={**env, "DESKTERM_SMTP_PASSWORD": None})
    assert one_error_line(missing, 78).startswith("error: no SMTP password for")

    good = cli_inproc(
        "config", "check", "--format", "json", env={**env, "DESKTERM_SMTP_PASSWORD": PASSWORD}
    )
    rows = {row["check"]: row for row in json.loads(ok(good))}
    assert rows["smtp"]["result"] == "ok"
    assert rows["smtp"]["detail"].endswith("logged in as help@desk.example; unencrypted")
    assert rows["imap"]["result"] == "not set"
    # config show names the password's source, never the password.
    shown = cli_inproc(
        "config", "show", "--format", "json", env={**env, "DESKTERM_SMTP_PASSWORD": PASSWORD}
    )
    settings = {row["setting"]: row for row in json.loads(ok(shown))}
    assert settings["mail.smtp_password"]["value"] == "***"
    assert settings["mail.smtp_password"]["source"] == "environment DESKTERM_SMTP_PASSWORD"
    assert PASSWORD not in shown.stdout

    bad = cli_inproc("config", "check", env={**env, "DESKTERM_SMTP_PASSWORD": "wrong"})
    assert bad.returncode == 77
    assert "refused the login of 'help@desk.example': 535" in bad.stdout
    # With nothing to send, mail send does not even connect; with a mail waiting, the
    # refused login is exit 77, and the mail is put back as it was.
    a_reply(desk)
    sent = cli_inproc("mail", "send", env={**env, "DESKTERM_SMTP_PASSWORD": "wrong"})
    assert one_error_line(sent, 77).startswith("error: the SMTP server 127.0.0.1:")
    listed = json.loads(ok(cli_inproc("mail", "outbox", "--format", "json", env=env)))
    assert [(row["status"], row["attempts"]) for row in listed] == [("queued", 0)]


@SQLITE_ONLY
def test_plain_smtp_to_another_machine_is_refused(
    cli_inproc: Run, desk: Desk, tmp_path: Path
) -> None:
    env = config(
        tmp_path,
        '[mail]\naddress = "help@desk.example"\nsmtp_host = "mail.example.com"\n'
        'smtp_security = "plain"\n',
    )
    line = one_error_line(cli_inproc("mail", "send", env=env), 78)
    assert "plain is only for localhost" in line
    nothing = cli_inproc("mail", "send", env=config(tmp_path, "[mail]\n"))
    assert one_error_line(nothing, 78).startswith("error: no SMTP server: set [mail] smtp_host")


def test_round_trip_mail_in_reply_out_answer_back_and_a_rating(
    cli_inproc: Run,
    cli_inproc_bytes: Callable[..., subprocess.CompletedProcess[bytes]],
    desk: Desk,
    smtp: SmtpServer,
    tmp_path: Path,
) -> None:
    env = config(tmp_path, smtp.config())
    first = (Path(__file__).parents[1] / "mail" / "corpus" / "plain-utf8.eml").read_bytes()
    taken = cli_inproc_bytes("mail", "receive", input=first, env=env)
    assert (taken.returncode, taken.stdout) == (0, b"new ticket #1\n"), taken.stderr
    ok(cli_inproc("ticket", "reply", "1", "--body", "Update the client to 5.2, please.", env=env))
    assert ok(cli_inproc("mail", "send", env=env)).startswith("2 mails: 2 sent")
    received, reply = smtp.received
    assert received.message["Subject"] == "Received: VPN drops every ten minutes [Desk #1]"
    sent = reply.message
    assert sent["Subject"] == "Re: VPN drops every ten minutes [Desk #1]"
    assert sent["In-Reply-To"] == "<plain-1@customer.example>"

    # The requester's client answers: no tag in the subject, the thread in its headers.
    answer = (
        "From: Dana Scully <dana@customer.example>\r\nTo: help@desk.example\r\n"
        "Subject: Re: VPN drops every ten minutes\r\n"
        "Message-ID: <answer-2@customer.example>\r\n"
        f"In-Reply-To: {sent['Message-ID']}\r\nReferences: {sent['References']} "
        f"{sent['Message-ID']}\r\n\r\nDone, it holds now.\r\n\r\n> Update the client\r\n"
    ).encode()
    joined = cli_inproc_bytes("mail", "receive", input=answer, env=env)
    assert joined.stdout == b"reply to #1 (by references)\n", joined.stderr
    assert tickets.detail(desk, 1).messages[-1].body == "Done, it holds now."

    # Solved: the requester is told, and rates by answering that mail.
    ok(cli_inproc("ticket", "update", "1", "--status", "solved", env=env))
    assert ok(cli_inproc("mail", "send", env=env)).startswith("1 mail: 1 sent")
    solved = smtp.received[-1]
    assert 'Reply with just "rate good" or "rate bad"' in solved.text
    rating = (
        "From: dana@customer.example\r\nTo: help@desk.example\r\n"
        f"Subject: Re: {solved.message['Subject']}\r\n"
        "Message-ID: <rating-3@customer.example>\r\n"
        f"In-Reply-To: {solved.message['Message-ID']}\r\n\r\nRate good - quick and kind.\r\n"
    ).encode()
    rated = cli_inproc_bytes("mail", "receive", input=rating, env=env)
    assert rated.stdout == b"rating of #1: good\n", rated.stderr
    shown = json.loads(ok(cli_inproc("ticket", "show", "1", "--format", "json")))
    assert (shown["status"], shown["rating"], shown["rating_comment"]) == (
        "solved",
        "good",
        "quick and kind.",
    )


@SQLITE_ONLY
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_send_over_starttls_and_tls_with_a_login(
    cli_inproc: Run, desk: Desk, tmp_path: Path, security: str
) -> None:
    server = SmtpServer(login=True, security=security)
    server.start()
    try:
        env = {
            **config(tmp_path, server.config()),
            "DESKTERM_SMTP_PASSWORD": PASSWORD,
            "SSL_CERT_FILE": str(CERT),
        }
        a_reply(desk)
        check = json.loads(ok(cli_inproc("config", "check", "--format", "json", env=env)))
        how = {"starttls": "STARTTLS", "tls": "TLS"}[security]
        assert [r["detail"] for r in check if r["check"] == "smtp"] == [
            f"localhost:{server.port}: logged in as help@desk.example; {how}"
        ]
        assert ok(cli_inproc("mail", "send", env=env)).startswith("1 mail: 1 sent")
        assert [m.recipients for m in server.received] == [["dana@customer.example"]]
        # A certificate the client does not trust: the settings cannot work (78), the mail
        # waits as it was.
        a_reply(desk)
        untrusted = cli_inproc("mail", "send", env={**env, "SSL_CERT_FILE": None})
        assert one_error_line(untrusted, 78).startswith(
            f"error: the SMTP server localhost:{server.port}'s certificate is not trusted"
        )
    finally:
        server.stop()
