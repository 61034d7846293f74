"""Mail in from an IMAP mailbox (``deskterm mail fetch``, docs/mail.md, "Fetching").

Each message is read with ``BODY.PEEK[]`` (which leaves it unread), taken in through
:func:`intake.receive` (the one way in that ``mail receive`` and ``mail import`` use, one
transaction), and only after that transaction has committed is it marked ``\\Seen`` or moved
on the server. A crash or a lost connection between the two loses nothing: the next fetch
reads the message again and the desk knows it (a duplicate), then marks it.

The standard library's imaplib speaks the protocol. It has no IDLE before Python 3.14, so
:meth:`Mailbox.idle` sends the command itself and reads the server's lines straight from the
socket, a byte at a time, so that nothing imaplib will read afterwards is taken from it.
Errors become the typed ones of ``deskterm.errors``: the server unreachable or gone
(``MailServerUnavailable``, try again later), the login refused (``MailLoginRefused``),
the settings unusable (``MailNotConfigured``).
"""

from __future__ import annotations

import base64
import imaplib
import re
import select
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from types import TracebackType
from typing import Final

from deskterm.domain.desk import Desk
from deskterm.domain.mail.guards import MailSettings
from deskterm.domain.mail.intake import NOT_MAIL, Outcome, receive
from deskterm.domain.mail.message import NotMail
from deskterm.errors import (
    Busy,
    DeskError,
    IdentityRefused,
    MailLoginRefused,
    MailNotConfigured,
    MailServerError,
    MailServerUnavailable,
    ReadOnlyDesk,
    RetryableConflict,
    StoreUnavailable,
)

PROTOCOL: Final = "IMAP"
#: ``[mail] imap_security``: TLS from the first byte (IMAPS), STARTTLS, or none (localhost).
SECURITIES: Final = ("tls", "starttls", "plain")
DEFAULT_PORTS: Final = {"tls": 993, "starttls": 143, "plain": 143}
#: The only hosts a plain (unencrypted) connection may go to: the password stays on the machine.
LOCAL_HOSTS: Final = frozenset({"localhost", "127.0.0.1", "::1"})
#: ``[mail] imap_after``: mark what was taken ``\\Seen``, or move it to a folder.
FLAG: Final = "flag"
MOVE_PREFIX: Final = "move:"
#: An IDLE is ended and begun again this often, with a look at the mailbox in between:
#: servers end IDLE after 30 minutes, and routers forget quiet connections sooner.
IDLE_RENEW: Final = 5 * 60.0
#: How often a wait looks whether it was asked to stop.
TICK: Final = 0.2


@dataclass(frozen=True)
class ImapSettings:
    """Where the mailbox is and how to log in (``[mail] imap_*``; the password from the
    environment or the config file, never from the desk)."""

    host: str
    user: str
    password: str = field(repr=False)
    port: int | None = None
    folder: str = "INBOX"
    security: str = "tls"
    #: ``flag`` or ``move:Folder``.
    after: str = FLAG
    #: Seconds a connection or a command may take before the server counts as gone.
    timeout: float = 30.0

    @property
    def server(self) -> str:
        port = self.port or DEFAULT_PORTS.get(self.security, 993)
        return f"{self.host}:{port}"

    @property
    def move_to(self) -> str | None:
        """The folder taken mail is moved to, or None when it is only marked."""
        if self.after.startswith(MOVE_PREFIX):
            return self.after[len(MOVE_PREFIX) :]
        return None


@dataclass(frozen=True)
class Fetched:
    """One message read from the mailbox and what it became; or, with ``error``, why the
    desk could not take it (it stays on the server, unmarked, for the next fetch)."""

    uid: str
    outcome: Outcome | None
    error: str | None = None


def fetch(
    desk: Desk,
    imap: ImapSettings,
    settings: MailSettings,
    *,
    stopped: Callable[[], bool] = lambda: False,
) -> Iterator[Fetched]:
    """Take in every message waiting in the mailbox (unread ones when taken mail is marked;
    all of them when it is moved away), oldest first, one transaction each, yielding what
    each became. Stops between two messages when ``stopped()``."""
    with Mailbox(imap) as box:
        yield from box.take_all(desk, settings, stopped)


def check_login(imap: ImapSettings) -> str:
    """Log in and open the folder, then log out: what ``config check`` tries. Returns one
    line about the mailbox (how many messages wait)."""
    with Mailbox(imap, create=False) as box:
        waiting = len(box.waiting())
        idle = "IDLE offered" if box.idle_offered else "no IDLE (--watch polls)"
        line = f"logged in as {imap.user}; {imap.folder}: {waiting} waiting; {idle}"
        if box.target_missing:
            line += f"; no folder {imap.move_to!r} yet (the first fetch creates it)"
        return line


def watch(
    desk: Desk,
    imap: ImapSettings,
    settings: MailSettings,
    *,
    interval: float,
    poll: bool,
    stopped: Callable[[], bool],
    taken: Callable[[Fetched], None],
    tell: Callable[[str], None],
    first_pause: float = 1.0,
    longest_pause: float = 60.0,
) -> None:
    """Take in mail as it arrives until ``stopped()``: with IDLE when the server offers it
    (and not ``poll``), else by looking every ``interval`` seconds. A lost connection, or a
    desk that cannot take mail for the moment, is told (``tell``) and tried again after a
    pause that doubles up to ``longest_pause``. A refused login or unusable settings end it
    (the error is raised)."""
    pause = first_pause
    connected = lost = False
    while not stopped():
        try:
            with Mailbox(imap) as box:
                idle = box.idle_offered and not poll
                how = "waiting with IDLE" if idle else f"looking every {interval:g} s"
                again = "connected again to" if connected and lost else "watching"
                tell(f"{again} {imap.folder} at {imap.server}, {how}")
                connected, lost = True, False
                pause = first_pause
                while not stopped():
                    for item in box.take_all(desk, settings, stopped):
                        taken(item)
                    if stopped():
                        break
                    if idle:
                        box.idle(IDLE_RENEW, stopped)
                    else:
                        _wait(interval, stopped)
                        box.noop()
        except MailServerUnavailable as exc:
            tell(f"{exc.message}; connecting again in {pause:g} s")
            lost = True
        except (Busy, StoreUnavailable, RetryableConflict) as exc:
            tell(f"the desk cannot take mail now ({exc.message}); trying again in {pause:g} s")
        else:
            return
        _wait(pause, stopped)
        pause = min(pause * 2, longest_pause)


def _wait(seconds: float, stopped: Callable[[], bool]) -> None:
    end = time.monotonic() + seconds
    while not stopped():
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(TICK, left))


#: Errors that stop a fetch (the desk cannot take any mail now, or the server is gone),
#: rather than leave one message on the server. A refused identity (an unknown or
#: deactivated agent, a login that may not act as it) refuses every message alike.
_DESK_NOT_NOW: Final = (
    Busy,
    RetryableConflict,
    StoreUnavailable,
    IdentityRefused,
    ReadOnlyDesk,
    MailServerError,
)


class Mailbox:
    """One logged-in connection with the folder selected (a context manager)."""

    def __init__(self, imap: ImapSettings, *, create: bool = True) -> None:
        self.imap = imap
        #: Create the folder taken mail moves to when it is missing (a check only looks).
        self.create = create
        self.target_missing = False
        self._conn: imaplib.IMAP4 | None = None
        self.capabilities: frozenset[str] = frozenset()
        self._tags = 0

    # ------------------------------------------------------------------ opening, closing

    def __enter__(self) -> Mailbox:
        self.open()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def conn(self) -> imaplib.IMAP4:
        assert self._conn is not None, "the mailbox is not open"
        return self._conn

    @property
    def idle_offered(self) -> bool:
        return "IDLE" in self.capabilities

    def open(self) -> None:
        imap = self.imap
        if imap.security not in SECURITIES:
            raise self._misconfigured(
                f"[mail] imap_security must be one of {', '.join(SECURITIES)}, "
                f"not {imap.security!r}",
                "imap_security",
            )
        if imap.security == "plain" and imap.host.lower() not in LOCAL_HOSTS:
            raise self._misconfigured(
                f"imap_security = plain would send the password unencrypted to {imap.host}; "
                "plain is only for localhost: use tls or starttls",
                "imap_security",
            )
        try:
            with self._talking("connect to"):
                self._conn = self._connect()
            with self._talking("log in at"):
                try:
                    self._login()
                except imaplib.IMAP4.abort:
                    raise
                except imaplib.IMAP4.error as exc:
                    raise MailLoginRefused(
                        f"the IMAP server {imap.server} refused the login of {imap.user!r}: "
                        f"{_said(exc)}",
                        protocol=PROTOCOL,
                        server=imap.server,
                    ) from None
                self.capabilities = self._capabilities()
                self._select()
        except BaseException:
            self._drop()
            raise

    def _connect(self) -> imaplib.IMAP4:
        imap = self.imap
        port = imap.port or DEFAULT_PORTS[imap.security]
        if imap.security == "tls":
            return imaplib.IMAP4_SSL(
                imap.host, port, ssl_context=ssl.create_default_context(), timeout=imap.timeout
            )
        conn = imaplib.IMAP4(imap.host, port, timeout=imap.timeout)
        if imap.security == "starttls":
            if "STARTTLS" not in conn.capabilities:
                conn.shutdown()
                raise self._misconfigured(
                    f"the IMAP server {imap.server} does not offer STARTTLS; "
                    "use imap_security = tls (port 993), or check imap_port",
                    "imap_security",
                )
            conn.starttls(ssl.create_default_context())
        return conn

    def _login(self) -> None:
        user, password = self.imap.user, self.imap.password
        if (user + password).isascii():
            self.conn.login(user, password)
            return
        # LOGIN carries ASCII only; AUTHENTICATE PLAIN carries UTF-8 (RFC 4616).
        if "AUTH=PLAIN" not in self.conn.capabilities:
            raise self._misconfigured(
                f"the IMAP server {self.imap.server} takes only ASCII logins and passwords "
                "(no AUTH=PLAIN), and this one is not",
                "imap_user",
            )
        secret = f"\0{user}\0{password}".encode()
        self.conn.authenticate("PLAIN", lambda _challenge: secret)

    def _capabilities(self) -> frozenset[str]:
        _typ, data = self.conn.capability()
        words = b" ".join(d for d in data if isinstance(d, bytes)).decode("ascii", "replace")
        return frozenset(word.upper() for word in words.split())

    def _select(self) -> None:
        imap = self.imap
        typ, data = self.conn.select(_quoted(imap.folder))
        if typ != "OK":
            raise self._misconfigured(
                f"the IMAP server {imap.server} has no folder {imap.folder!r} for "
                f"{imap.user!r}: {_said(data)}",
                "imap_folder",
            )
        target = imap.move_to
        if target is not None:
            listed, names = self.conn.list('""', _quoted(target))
            if listed == "OK" and not [name for name in names if name]:
                self.target_missing = True
                if not self.create:
                    return
                made, said = self.conn.create(_quoted(target))
                if made != "OK":
                    raise self._misconfigured(
                        f"cannot create the folder {target!r} on {imap.server} "
                        f"(imap_after = move:{target}): {_said(said)}",
                        "imap_after",
                    )

    def close(self) -> None:
        """Log out (politely if the connection still works; it is closed either way)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            # LOGOUT without CLOSE: CLOSE would expunge every message marked deleted in the
            # folder, a person's too.
            conn.logout()
        except (imaplib.IMAP4.error, OSError):
            with suppress(OSError):
                conn.shutdown()

    # ------------------------------------------------------------------ taking mail

    def waiting(self) -> list[str]:
        """The UIDs of the messages to take, oldest first."""
        criteria = "UNDELETED" if self.imap.move_to else "UNSEEN UNDELETED"
        with self._talking("search the mailbox at"):
            typ, data = self.conn.uid("SEARCH", criteria)
        if typ != "OK":
            raise self._unavailable(f"the server refused to search {self.imap.folder!r}", data)
        found = b" ".join(d for d in data if isinstance(d, bytes)).decode("ascii", "replace")
        return sorted(found.split(), key=int)

    def noop(self) -> None:
        """Ask the server for news (what polling does before it searches)."""
        with self._talking("poll"):
            self.conn.noop()

    def read(self, uid: str) -> bytes | None:
        """The message as the server keeps it, or None when it is gone meanwhile."""
        with self._talking("read a message from"):
            typ, data = self.conn.uid("FETCH", uid, "(BODY.PEEK[])")
        if typ != "OK":
            raise self._unavailable("the server refused to send a message", data)
        for part in data:
            if isinstance(part, tuple) and len(part) == 2:
                return bytes(part[1])
        return None

    def done(self, uid: str) -> None:
        """Mark the message taken on the server: ``\\Seen``, or moved to the folder."""
        target = self.imap.move_to
        with self._talking("mark a message taken at"):
            if target is None:
                typ, data = self.conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)")
            elif "MOVE" in self.capabilities:
                typ, data = self.conn.uid("MOVE", uid, _quoted(target))
            else:
                typ, data = self.conn.uid("COPY", uid, _quoted(target))
                if typ == "OK":
                    typ, data = self.conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
                if typ == "OK" and "UIDPLUS" in self.capabilities:
                    typ, data = self.conn.uid("EXPUNGE", uid)
        if typ != "OK":
            raise self._unavailable("the server refused to mark a message taken", data)

    def take_all(
        self, desk: Desk, settings: MailSettings, stopped: Callable[[], bool]
    ) -> Iterator[Fetched]:
        """Take in each waiting message: read it, take it in (committed), then mark it."""
        for uid in self.waiting():
            if stopped():
                return
            raw = self.read(uid)
            if raw is None:
                continue
            try:
                outcome = receive(desk, raw, settings)
            except NotMail as exc:
                outcome = Outcome(NOT_MAIL, reason=str(exc))
            except _DESK_NOT_NOW:
                raise
            except DeskError as exc:
                # This message only (a reply to a ticket the acting agent may not see, ...):
                # left on the server, so that it blocks none of the others and is taken once
                # the cause is fixed.
                yield Fetched(uid, None, error=exc.message)
                continue
            except Exception as exc:
                yield Fetched(uid, None, error=f"unexpected {type(exc).__name__}: {exc}")
                continue
            # Only now, with the desk's transaction committed, is the server told. If that
            # fails, the message was still taken (and is said); the next fetch reads it again
            # and finds it taken.
            try:
                self.done(uid)
            except MailServerUnavailable:
                yield Fetched(uid, outcome)
                raise
            yield Fetched(uid, outcome)

    # ------------------------------------------------------------------ IDLE

    def idle(self, seconds: float, stopped: Callable[[], bool]) -> bool:
        """Wait up to ``seconds`` in IDLE for the server to tell of new mail; True when it
        did. Ends early, with the IDLE ended properly, when ``stopped()``."""
        self._tags += 1
        tag = f"DESKIDLE{self._tags}".encode("ascii")
        lines = _Lines(self.conn.socket())
        changed = False
        with self._talking("wait for mail (IDLE) at"):
            self.conn.send(tag + b" IDLE\r\n")
            while True:
                line = lines.read(time.monotonic() + self.imap.timeout, lambda: False)
                if line is None:
                    raise imaplib.IMAP4.abort("no answer to IDLE")
                if line.startswith(b"+"):
                    break
                if line.startswith(tag + b" "):
                    raise self._unavailable("the server refused IDLE", [line])
                changed = changed or _news(line)
            end = time.monotonic() + seconds
            while not changed:
                line = lines.read(end, stopped)
                if line is None:
                    break
                changed = _news(line)
            self.conn.send(b"DONE\r\n")
            while True:
                line = lines.read(time.monotonic() + self.imap.timeout, lambda: False)
                if line is None:
                    raise imaplib.IMAP4.abort("no answer to DONE")
                if line.startswith(tag + b" "):
                    if not line[len(tag) + 1 :].upper().startswith(b"OK"):
                        raise self._unavailable("IDLE ended with an error", [line])
                    return changed
                changed = changed or _news(line)

    # ------------------------------------------------------------------ errors

    @contextmanager
    def _talking(self, doing: str) -> Iterator[None]:
        """Turn what the connection raises into the typed errors (and close it)."""
        server = self.imap.server
        try:
            yield
        except ssl.SSLCertVerificationError as exc:
            self._drop()
            raise self._misconfigured(
                f"the IMAP server {server}'s certificate is not trusted "
                f"({exc.verify_message}); check imap_host",
                "imap_host",
            ) from None
        except ssl.SSLError as exc:
            self._drop()
            raise self._misconfigured(
                f"TLS with the IMAP server {server} failed ({exc.reason or exc}); "
                "is imap_security right for imap_port? (tls: 993, starttls: 143)",
                "imap_security",
            ) from None
        except (imaplib.IMAP4.abort, OSError, EOFError) as exc:
            self._drop()
            raise MailServerUnavailable(
                f"cannot {doing} the IMAP server {server}: {_reason(exc)}",
                protocol=PROTOCOL,
                server=server,
            ) from None
        except imaplib.IMAP4.error as exc:
            self._drop()
            raise MailServerUnavailable(
                f"cannot {doing} the IMAP server {server}: {_said(exc)}",
                protocol=PROTOCOL,
                server=server,
            ) from None

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(OSError):
                conn.shutdown()

    def _misconfigured(self, message: str, setting: str) -> MailNotConfigured:
        return MailNotConfigured(
            message, protocol=PROTOCOL, server=self.imap.server, setting=setting
        )

    def _unavailable(self, what: str, data: object) -> MailServerUnavailable:
        self._drop()
        return MailServerUnavailable(
            f"{what} at {self.imap.server}: {_said(data)}",
            protocol=PROTOCOL,
            server=self.imap.server,
        )


class _Lines:
    """Lines read straight from the socket, one byte at a time (so nothing past the last
    line is taken from imaplib), waiting with select() so that a stop is seen in time."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    def read(self, until: float, stopped: Callable[[], bool]) -> bytes | None:
        """The next line; None at ``until`` or when ``stopped()``. EOFError when the server
        closed the connection."""
        while True:
            if self.buffer.endswith(b"\n"):
                line = bytes(self.buffer)
                self.buffer.clear()
                return line
            pending = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending() > 0
            if not pending:
                left = until - time.monotonic()
                if left <= 0 or stopped():
                    return None
                ready, _, _ = select.select([self.sock], [], [], min(TICK, left))
                if not ready:
                    continue
            byte = self.sock.recv(1)
            if not byte:
                raise EOFError("the server closed the connection")
            self.buffer += byte


_NEWS = re.compile(rb"^\* \d+ (EXISTS|RECENT)\b", re.IGNORECASE)


def _news(line: bytes) -> bool:
    """Whether an untagged line tells of new mail."""
    return bool(_NEWS.match(line))


def _quoted(name: str) -> str:
    """A mailbox name as IMAP sends it: modified UTF-7 (RFC 3501, 5.1.3: "Geprüft" is
    "Gepr&APw-ft"), as a quoted string (imaplib sends arguments as they are)."""
    encoded = _utf7(name)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _utf7(name: str) -> str:
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            data = base64.b64encode("".join(run).encode("utf-16-be")).decode("ascii")
            out.append("&" + data.rstrip("=").replace("/", ",") + "-")
            run.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            run.append(char)
    flush()
    return "".join(out)


def _said(what: object) -> str:
    """What the server said (imaplib hands it over as bytes, lists of bytes or an error)."""
    if isinstance(what, BaseException):
        what = what.args[0] if what.args else str(what)
    if isinstance(what, list | tuple):
        what = b" ".join(w for w in what if isinstance(w, bytes)) or ""
    if isinstance(what, bytes):
        what = what.decode("utf-8", "replace")
    text = " ".join(str(what).split())
    if text.startswith(("b'", 'b"')) and text.endswith(("'", '"')):
        text = text[2:-1]
    return text or "no reason given"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror})"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "no answer (timed out)"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return _said(exc) if str(exc) else type(exc).__name__
