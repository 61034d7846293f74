"""``deskterm mail fetch`` against a real IMAP server (pymap, started by the fixtures): mail
becomes tickets and replies through the one way in, is marked or moved on the server only
once the desk holds it, is never taken twice; the exit codes cron and systemd read (75 the
server cannot be reached, 77 the login refused, 78 not set up); ``--watch`` takes mail as it
arrives, reconnects after the server went away, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from clitools import SQLITE_ONLY, ok, one_error_line

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.mail import mail_log
from imap_server import CERT, ImapServer, TlsFront, free_port

CORPUS = Path(__file__).parents[1] / "mail" / "corpus"
DESKTERM = Path(sys.executable).with_name("deskterm")


def eml(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def _server(tls: bool, log: Path) -> Iterator[ImapServer]:
    server = ImapServer(tls=tls, log=log)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def imap_plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ImapServer]:
    """One plain server for the module's tests (a server start is half a second of CPU)."""
    yield from _server(False, tmp_path_factory.mktemp("pymap") / "pymap.log")


@pytest.fixture(scope="module")
def imap_starttls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ImapServer]:
    yield from _server(True, tmp_path_factory.mktemp("pymap") / "pymap-tls.log")


@pytest.fixture
def imap(imap_plain: ImapServer) -> ImapServer:
    """A plain IMAP server on localhost (``imap_security = plain`` is allowed there), empty."""
    imap_plain.reset()
    return imap_plain


@pytest.fixture
def own_imap(tmp_path: Path) -> Iterator[ImapServer]:
    """A plain server of the test's own, for a test that stops and starts it."""
    yield from _server(False, tmp_path / "pymap.log")


@pytest.fixture
def imap_tls(imap_starttls: ImapServer) -> ImapServer:
    """An IMAP server with STARTTLS, its certificate trusted through SSL_CERT_FILE; empty."""
    imap_starttls.reset()
    return imap_starttls


@pytest.fixture
def imaps(imap: ImapServer) -> Iterator[TlsFront]:
    """TLS from the first byte (IMAPS) in front of ``imap``."""
    front = TlsFront(imap.port)
    yield front
    front.close()


def config(tmp_path: Path, text: str) -> dict[str, str | None]:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return {"DESKTERM_CONFIG": str(path)}


def test_fetch_makes_tickets_threads_replies_marks_them_read_and_never_takes_one_twice(
    cli_inproc: Callable[..., subprocess.CompletedProcess[str]],
    desk: Desk,
    imap: ImapServer,
    tmp_path: Path,
) -> None:
    env = config(tmp_path, imap.config())
    for name in ("plain-utf8.eml", "reply-references.eml", "bounce-dsn.eml"):
        imap.append(eml(name))

    first = ok(cli_inproc("mail", "fetch", env=env))

    assert first == "3 messages: made 1 new ticket, 1 reply, 0 duplicates, 1 held, 0 not mail\n"
    assert tickets.count(desk, "") == 1
    assert tickets.get(desk, 1).subject == "VPN drops every ten minutes"
    thread = tickets.detail(desk, 1).messages
    assert [m.body.splitlines()[0] for m in thread][-1] == (
        "It happened again this morning, at 08:50."
    )
    assert all(r"\Seen" in flags for flags, _id in imap.messages())
    # Nothing new: nothing fetched.
    assert ok(cli_inproc("mail", "fetch", env=env)).startswith("0 messages:")
    # A fetch that stopped after the desk stored a message but before the server marked it
    # (a crash, a lost connection): the message is read again, and is a duplicate.
    with imap.client() as conn:
        conn.uid("STORE", "1:*", "-FLAGS", r"(\Seen)")
    again = ok(cli_inproc("mail", "fetch", env=env))
    assert again.startswith("3 messages: made 0 new tickets, 0 replies, 3 duplicates")
    assert tickets.count(desk, "") == 1
    assert all(r"\Seen" in flags for flags, _id in imap.messages())


@SQLITE_ONLY
def test_fetch_over_starttls_moves_what_it_took_and_lists_it(
    cli_inproc: Callable[..., subprocess.CompletedProcess[str]],
    desk: Desk,
    imap_tls: ImapServer,
    tmp_path: Path,
) -> None:
    env = config(tmp_path, imap_tls.config(imap_after="move:Desk/Taken"))
    env["SSL_CERT_FILE"] = str(CERT)
    imap_tls.append(eml("latin1.eml"))
    imap_tls.append(eml("plain-utf8.eml"))

    result = cli_inproc("mail", "fetch", "--format", "jsonl", env=env)

    rows = [json.loads(line) for line in ok(result).splitlines()]
    assert [(row["outcome"], row["source"][:10]) for row in rows] == [
        ("created", "INBOX UID "),
        ("created", "INBOX UID "),
    ]
    assert result.stderr.startswith("2 messages: made 2 new tickets")
    assert imap_tls.messages() == []
    moved = [message_id for _flags, message_id in imap_tls.messages("Desk/Taken")]
    assert moved == [
        b"Message-ID: <latin1-1@firma.example>",
        b"Message-ID: <plain-1@customer.example>",
    ]
    assert tickets.count(desk, "") == 2


@SQLITE_ONLY
def test_fetch_over_imaps(
    cli_inproc: Callable[..., subprocess.CompletedProcess[str]],
    desk: Desk,
    imap: ImapServer,
    imaps: TlsFront,
    tmp_path: Path,
) -> None:
    text = imap.config(imap_host="localhost", imap_port=imaps.port, imap_security="tls")
    env = {**config(tmp_path, text), "SSL_CERT_FILE": str(CERT)}
    imap.append(eml("plain-utf8.eml"))

    assert ok(cli_inproc("mail", "fetch", env=env)).startswith("1 message: made 1 new ticket")
    assert tickets.count(desk, "") == 1
    # Without the certificate trusted, nothing is sent: 78, the settings cannot work.
    line = one_error_line(cli_inproc("mail", "fetch", env=config(tmp_path, text)), 78)
    assert f"the IMAP server localhost:{imaps.port}'s certificate is not trusted" in line


@SQLITE_ONLY
def test_a_password_and_a_folder_beyond_ascii(
    cli_inproc: Callable[..., subprocess.CompletedProcess[str]],
    desk: Desk,
    tmp_path: Path,
) -> None:
    server = ImapServer(tls=False, log=tmp_path / "pymap.log", password="pässwörd")
    server.start()
    try:
        env = config(tmp_path, server.config(imap_after="move:Geprüft/日本語"))
        server.append(eml("plain-utf8.eml"))

        result = ok(cli_inproc("mail", "fetch", env=env))

        assert result.startswith("1 message: made 1 new ticket")
        assert server.messages() == []
        # Modified UTF-7 on the wire (RFC 3501, 5.1.3), as every mail client names it.
        moved = server.messages("Gepr&APw-ft/&ZeVnLIqe-")
        assert [header for _flags, header in moved] == [b"Message-ID: <plain-1@customer.example>"]
    finally:
        server.stop()


@SQLITE_ONLY
def test_a_message_the_desk_cannot_take_stays_on_the_server_and_blocks_no_other(
    cli_inproc: Callable[..., subprocess.CompletedProcess[str]],
    desk: Desk,
    imap: ImapServer,
    tmp_path: Path,
) -> None:
    # The mail gateway is an agent of its own, not a member of a confidential queue; a
    # requester answers a ticket that was moved there since.
    ok(cli_inproc("agent", "add", "mail", "--name", "Mail gateway"))
    ok(cli_inproc("queue", "add", "HR", "--confidential"))
    env = {**config(tmp_path, imap.config()), "DESKTERM_AGENT": "mail"}
    imap.append(eml("plain-utf8.eml"))
    ok(cli_inproc("mail", "fetch", env=env))
    ok(cli_inproc("ticket", "update", "1", "--queue", "HR"))
    imap.append(eml("reply-references.eml"), eml("latin1.eml"))

    stuck = cli_inproc("mail", "fetch", env=env)

    assert stuck.returncode == 75, stuck.stderr
    assert stuck.stderr.startswith("warning: INBOX UID ")
    assert "stays on the server, not taken: ticket #1 not found" in stuck.stderr
    # The message after it went in as usual.
    assert stuck.stdout == (
        "1 message: made 1 new ticket, 0 replies, 0 duplicates, 0 held, 0 not mail; "
        "1 message left on the server\n"
    )
    flags = [flags for flags, _id in imap.messages()]
    assert [r"\Seen" in f for f in flags] == [True, False, True]
    assert len(tickets.detail(desk, 1).messages) == 1
    # Once the gateway may see the queue, the next fetch takes it where it belongs.
    ok(cli_inproc("agent", "join", "HR", "mail"))
    again = ok(cli_inproc("mail", "fetch", env=env))
    assert again.startswith("1 message: made 0 new tickets, 1 reply")
    assert len(tickets.detail(desk, 1).messages) == 2
    assert all(r"\Seen" in flags for flags, _id in imap.messages())


def test_a_gateway_agent_the_desk_refuses_stops_the_fetch_with_one_error(
    cli_inproc: Callable[..., subprocess.CompletedProcess[str]],
    desk: Desk,
    imap: ImapServer,
    tmp_path: Path,
) -> None:
    # Every message would be refused alike: one error and exit 5, not a warning per message
    # and exit 75 for ever (each fetch, each look of --watch).
    from sqlalchemy import update

    from deskterm.store import schema

    with desk.store.write() as conn:
        conn.execute(
            update(schema.agents).where(schema.agents.c.handle == "bob").values(active=False)
        )
    env = {**config(tmp_path, imap.config()), "DESKTERM_AGENT": "bob"}
    imap.append(eml("plain-utf8.eml"), eml("latin1.eml"))

    line = one_error_line(cli_inproc("mail", "fetch", env=env), 5)

    assert 'agent "bob" is deactivated' in line
    assert [r"\Seen" in flags for flags, _id in imap.messages()] == [False, False]
    assert tickets.count(desk, "") == 0


@SQLITE_ONLY
def test_a_refused_login_exits_77_with_one_line(
    cli_inproc: Callable[..., subprocess.CompletedProcess[str]],
    imap: ImapServer,
    tmp_path: Path,
) -> None:
    env = config(tmp_path, imap.config(imap_password="wrong"))
    imap.append(eml("plain-utf8.eml"))

    line = one_error_line(cli_inproc("mail", "fetch", env=env), 77)

    assert f"the IMAP server 127.0.0.1:{imap.port} refused the login of" in line
    assert "AUTHENTICATIONFAILED" in line
    assert "DESKTERM_IMAP_PASSWORD" in line
    assert "wrong" not in line
    # The password from the environment comes first and is right.
    env["DESKTERM_IMAP_PASSWORD"] = "s3cret pass"
    assert ok(cli_inproc("mail", "fetch", env=env)).startswith("1 message: made 1 new ticket")


@SQLITE_ONLY
def test_an_unreachable_server_exits_75_and_missing_settings_78(
    cli_inproc: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path: Path,
) -> None:
    port = free_port()
    env = config(
        tmp_path,
        f'[mail]\nimap_host = "127.0.0.1"\nimap_port = {port}\nimap_user = "u"\n'
        'imap_password = "p"\nimap_security = "plain"\n',
    )
    line = one_error_line(cli_inproc("mail", "fetch", env=env), 75)
    assert f"cannot connect to the IMAP server 127.0.0.1:{port}: connection refused" in line
    assert "nothing was lost" in line

    env = config(tmp_path, '[mail]\nimap_user = "u"\n')
    line = one_error_line(cli_inproc("mail", "fetch", env=env), 78)
    assert line.startswith("error: no IMAP server: set [mail] imap_host in the config file ")

    env = config(tmp_path, '[mail]\nimap_host = "h"\nimap_user = "u"\n')
    line = one_error_line(cli_inproc("mail", "fetch", env=env), 78)
    assert "no IMAP password" in line

    env = config(
        tmp_path,
        '[mail]\nimap_host = "mail.example.com"\nimap_user = "u"\nimap_password_env = "PW"\n'
        'imap_security = "plain"\n',
    )
    line = one_error_line(cli_inproc("mail", "fetch", env={**env, "PW": None}), 78)
    assert "the environment variable PW ([mail] imap_password_env) is not set" in line
    line = one_error_line(cli_inproc("mail", "fetch", env={**env, "PW": "x"}), 78)
    assert "plain is only for localhost" in line


@SQLITE_ONLY
def test_an_untrusted_certificate_exits_78(
    cli_inproc: Callable[..., subprocess.CompletedProcess[str]],
    imap_tls: ImapServer,
    tmp_path: Path,
) -> None:
    env = config(tmp_path, imap_tls.config())
    line = one_error_line(cli_inproc("mail", "fetch", env=env), 78)
    assert "certificate is not trusted" in line


# ------------------------------------------------------------------------------ --watch


def watch_process(url: str, env: dict[str, str | None], *args: str) -> subprocess.Popen[str]:
    full = {**os.environ, "DESKTERM_DB": url, "DESKTERM_AGENT": "alice"}
    full.update({k: v for k, v in env.items() if v is not None})
    return subprocess.Popen(
        [str(DESKTERM), "mail", "fetch", "--watch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full,
    )


def wait_for(what: Callable[[], bool], seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while not what():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def taken(desk: Desk) -> list[str]:
    """What the mail the desk took became, oldest first."""
    return [record.outcome for record in reversed(mail_log(desk, limit=100))]


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    """SIGTERM, as systemd stops a service: exit 0 (from a wait of minutes in IDLE, too)."""
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    return out, err


@pytest.mark.slow
@pytest.mark.process
@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("security", ["plain", "tls"])
def test_watch_takes_mail_as_it_arrives_with_idle_and_comes_back_after_a_restart(
    backend_url: str, desk: Desk, own_imap: ImapServer, tmp_path: Path, security: str
) -> None:
    imap = own_imap
    if security == "tls":
        front = TlsFront(imap.port)
        server = f"localhost:{front.port}"
        text = imap.config(imap_host="localhost", imap_port=front.port, imap_security="tls")
        env = {**config(tmp_path, text), "SSL_CERT_FILE": str(CERT)}
    else:
        server = f"127.0.0.1:{imap.port}"
        env = config(tmp_path, imap.config())
    imap.append(eml("plain-utf8.eml"))
    process = watch_process(backend_url, env)
    try:
        wait_for(lambda: taken(desk) == ["created"])
        imap.append(eml("reply-references.eml"))
        wait_for(lambda: taken(desk) == ["created", "appended"])
        wait_for(lambda: all(r"\Seen" in flags for flags, _id in imap.messages()))
        # The server goes away and comes back (empty: pymap keeps mail in memory).
        imap.stop()
        time.sleep(0.3)
        imap.start()
        imap.append(eml("latin1.eml"))
        wait_for(lambda: taken(desk) == ["created", "appended", "created"])
    finally:
        out, err = stop(process)
        if security == "tls":
            front.close()
    assert out.splitlines()[:2] == [
        "new ticket #1 — dana@customer.example: VPN drops every ten minutes",
        "reply to #1 (by references) — dana@customer.example: Re: VPN drops every ten minutes",
    ]
    assert out.splitlines()[2].startswith("new ticket #2 — ")
    lines = err.splitlines()
    assert lines[0] == f"mail fetch: watching INBOX at {server}, waiting with IDLE"
    assert any("connecting again in 1 s" in line for line in lines), err
    assert f"mail fetch: connected again to INBOX at {server}, waiting with IDLE" in lines
    assert lines[-1] == "mail fetch: stopped"
    assert "Traceback" not in err
    assert all(r"\Seen" in flags for flags, _id in imap.messages())


@pytest.mark.process
def test_watch_polls_when_asked_and_stops_on_sigterm(
    backend_url: str, desk: Desk, imap: ImapServer, tmp_path: Path
) -> None:
    env = config(tmp_path, imap.config())
    process = watch_process(backend_url, env, "--poll", "--interval", "0.2")
    try:
        imap.append(eml("plain-utf8.eml"))
        wait_for(lambda: tickets.count(desk, "") == 1)
    finally:
        out, err = stop(process)
    assert err.splitlines()[0].endswith("looking every 0.2 s")
    assert out.startswith("new ticket #1")


# ------------------------------------------------------------------------------ config check


@SQLITE_ONLY
def test_config_check_tries_the_imap_login(
    cli_inproc: Callable[..., subprocess.CompletedProcess[str]],
    imap: ImapServer,
    tmp_path: Path,
) -> None:
    imap.append(eml("plain-utf8.eml"))
    env = config(tmp_path, imap.config())
    rows = {
        row["check"]: row
        for row in json.loads(ok(cli_inproc("config", "check", "--format", "json", env=env)))
    }
    assert rows["config"]["result"] == "ok"
    assert rows["imap"] == {
        "check": "imap",
        "result": "ok",
        "detail": f"127.0.0.1:{imap.port}: logged in as help@desk.example; INBOX: 1 waiting; "
        "IDLE offered",
    }
    # Looking took nothing: the message is still unread.
    assert imap.messages()[0][0] == set()
    moving = config(tmp_path, imap.config(imap_after="move:Done"))
    rows = {
        row["check"]: row
        for row in json.loads(ok(cli_inproc("config", "check", "--format", "json", env=moving)))
    }
    assert rows["imap"]["detail"].endswith("; no folder 'Done' yet (the first fetch creates it)")
    with imap.client() as conn:
        assert conn.list('""', '"Done"')[1] == [None]

    refused = cli_inproc(
        "config", "check", "--format", "table", env=config(tmp_path, imap.config(imap_password="x"))
    )
    assert refused.returncode == 77
    assert "failed" in refused.stdout
    # The table cuts the detail to the terminal; the error says it whole.
    assert refused.stderr.startswith(
        f"error: imap: the IMAP server 127.0.0.1:{imap.port} refused the login of "
    )
    assert refused.stderr.rstrip().endswith("imap_password_env or imap_password)")

    nothing = cli_inproc("config", "check", "--format", "json", env=config(tmp_path, "[mail]\n"))
    rows = {row["check"]: row for row in json.loads(ok(nothing))}
    assert rows["imap"]["result"] == "not set"


@SQLITE_ONLY
def test_config_show_lists_the_imap_settings_with_the_password_masked(
    cli_inproc: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    env = config(
        tmp_path,
        '[mail]\nimap_host = "imap.example.com"\nimap_user = "help"\nimap_password = "s3cret"\n',
    )
    result = cli_inproc("config", "show", "--format", "json", env=env)
    rows = {row["setting"]: row for row in json.loads(ok(result))}
    assert rows["mail.imap_host"]["value"] == "imap.example.com"
    assert rows["mail.imap_host"]["source"].startswith("config file ")
    assert rows["mail.imap_password"]["value"] == "***"
    assert "s3cret" not in result.stdout
    env["DESKTERM_IMAP_PASSWORD"] = "fromenv"
    result = cli_inproc("config", "show", "--format", "json", env=env)
    assert "fromenv" not in result.stdout
    assert {
        "setting": "mail.imap_password",
        "value": "***",
        "source": ("environment DESKTERM_IMAP_PASSWORD"),
    } in json.loads(result.stdout)
