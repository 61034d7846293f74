"""Mail out over SMTP (``deskterm mail send``, docs/mail.md, "Sending").

The outbox (``mail_outbox``) is filled by the transactions that write replies and solves
(``tickets/outbox.py``). :func:`send` empties it:

1. **Claim** (one write transaction): the rows due (``queued``, or ``retrying`` whose
   ``next_try`` has come, or ``sending`` whose claim ran out: a sender that died) are taken
   one by one with ``UPDATE ... SET status = 'sending', version = version + 1 WHERE id = :id
   AND version = :read``; a row another sender took first is left alone, so two hosts
   running ``mail send`` at once never send one mail twice. A row claimed for the first
   time gets its Message-ID and its bytes, stored in ``mail_messages`` as an outgoing
   message (threading finds the requester's answer by it, and intake knows the desk's own
   mail when it comes back); a retry sends those same bytes again.
2. **Send** (no transaction open): one SMTP connection (TLS, STARTTLS, or plain to localhost
   only), each mail in turn.
3. **Record** (one short transaction per mail): ``sent``; or a temporary failure (the server
   unreachable, a 4xx answer) as ``retrying`` with ``attempts``, ``last_error`` and
   ``next_try`` (a pause doubling from a minute up to an hour), until the mail has failed
   for ``retry_hours``: then ``failed``; a permanent refusal (5xx) as ``failed`` at once.

A notification the sending host's settings leave out (``[mail] notify_received = false``)
is marked ``skipped``. The clock is the desk's (tests move it instead of sleeping).
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime, formataddr, getaddresses, make_msgid
from functools import partial
from typing import Any, Final

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from deskterm.domain import validate
from deskterm.domain.desk import Desk
from deskterm.domain.mail.guards import DEFAULT_REOPEN_DAYS, DEFAULT_TAG
from deskterm.domain.mail.message import key_of_id
from deskterm.domain.mail.thread import tagged
from deskterm.domain.models import Agent, Ticket
from deskterm.domain.tickets import Context, load_ticket, transact
from deskterm.errors import (
    DeskError,
    MailLoginRefused,
    MailNotConfigured,
    MailServerUnavailable,
)
from deskterm.store import schema
from deskterm.store.upsert import insert_unless_taken

O, M, MSG = schema.mail_outbox, schema.mail_messages, schema.messages  # noqa: E741
PROTOCOL: Final = "SMTP"
#: ``[mail] smtp_security``: TLS from the first byte (SMTPS), STARTTLS, or none (localhost).
SECURITIES: Final = ("tls", "starttls", "plain")
DEFAULT_PORTS: Final = {"tls": 465, "starttls": 587, "plain": 25}
LOCAL_HOSTS: Final = frozenset({"localhost", "127.0.0.1", "::1"})
#: The first pause after a failed try, and the longest (doubling in between).
FIRST_PAUSE: Final = timedelta(minutes=1)
LONGEST_PAUSE: Final = timedelta(hours=1)
#: How long a claim holds: a sender that died leaves its rows to the next after this.
CLAIM: Final = timedelta(minutes=10)
#: Mails claimed at a time.
BATCH: Final = 100
#: References carried at most (the newest).
MAX_REFERENCES: Final = 20
#: Notifications ``[mail] notify`` may name.
NOTIFICATIONS: Final = ("received", "solved")


@dataclass(frozen=True)
class SmtpSettings:
    """Where the SMTP server is and how to log in (``[mail] smtp_*``; the password from the
    environment or the config file, never from the desk). No ``user``: no login."""

    host: str
    port: int | None = None
    security: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port or DEFAULT_PORTS.get(self.security, 587)}"


@dataclass(frozen=True)
class OutSettings:
    """What the sending host says about the desk's mail (``[mail]``)."""

    #: The desk's address: From and Reply-To.
    address: str
    #: The name shown with it ("Example Help Desk").
    name: str | None = None
    subject_tag: str = DEFAULT_TAG
    #: The desk's other addresses: never copied (Cc) on a reply.
    aliases: Sequence[str] = ()
    #: A mail failing this long is given up (``failed``).
    retry_hours: float = 48.0
    #: The notifications sent (the others are marked ``skipped``).
    notify: Sequence[str] = NOTIFICATIONS
    #: Said in the solved notification: a reply within this many days reopens the ticket.
    reopen_days: int = DEFAULT_REOPEN_DAYS


@dataclass(frozen=True)
class Sent:
    """What became of one mail in this run."""

    outbox_id: int
    ticket_id: int
    kind: str
    recipient: str
    #: sent, retrying, failed, skipped
    status: str
    error: str | None = None


@dataclass
class SendReport:
    """What one ``mail send`` did."""

    results: list[Sent] = field(default_factory=list)
    #: Why the SMTP server could not be used now (the rest waits), or None.
    unavailable: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def refused(self) -> list[Sent]:
        """The mails the server refused for good in this run."""
        return [r for r in self.results if r.status == "failed"]


@dataclass(frozen=True)
class _Claimed:
    outbox_id: int
    ticket_id: int
    kind: str
    recipient: str
    version: int
    attempts: int
    failing_since: datetime | None
    to: tuple[str, ...]
    raw: bytes | None
    #: Why it is not sent (a notification left out by the settings), or None.
    skip: str | None = None


# ------------------------------------------------------------------------------ sending


def send(
    desk: Desk,
    smtp: SmtpSettings,
    out: OutSettings,
    *,
    ignore_backoff: bool = False,
    limit: int | None = None,
) -> SendReport:
    """Send what is due in the outbox (all that waits, with ``ignore_backoff``); at most
    ``limit`` mails. A server that cannot be reached or drops the connection ends the run
    (``SendReport.unavailable``), with what was not sent recorded for a later try.
    MailLoginRefused / MailNotConfigured when the login or the settings cannot work (the
    claimed mail is put back as it was)."""
    _check(smtp)
    report = SendReport()
    while limit is None or len(report.results) < limit:
        size = BATCH if limit is None else min(BATCH, limit - len(report.results))
        claimed = transact(desk, partial(_claim, out=out, ignore_backoff=ignore_backoff, size=size))
        if not claimed:
            break
        for item in claimed:
            if item.skip is not None:
                _record(desk, out, item, "skipped", item.skip, report)
        due = [item for item in claimed if item.skip is None]
        if due and not _send_batch(desk, smtp, out, due, report):
            break
    return report


def _send_batch(
    desk: Desk, smtp: SmtpSettings, out: OutSettings, due: list[_Claimed], report: SendReport
) -> bool:
    """Send ``due``; False when the server became unusable (the rest was recorded)."""
    try:
        conn = _connect(smtp)
    except MailServerUnavailable as exc:
        for item in due:
            _record(desk, out, item, "retry", exc.message, report)
        report.unavailable = exc.message
        return False
    except DeskError:
        transact(desk, lambda ctx: _release(ctx, due))
        raise
    try:
        for index, item in enumerate(due):
            assert item.raw is not None
            try:
                refused = conn.sendmail(out.address, list(item.to), item.raw)
            except smtplib.SMTPRecipientsRefused as exc:
                code, said = _worst(exc.recipients)
                status = "failed" if code >= 500 else "retry"
                _record(desk, out, item, status, f"{code} {said}", report)
                continue
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                message = f"the SMTP server {smtp.server} dropped the connection: {_said(exc)}"
                for rest in due[index:]:
                    _record(desk, out, rest, "retry", message, report)
                report.unavailable = message
                return False
            except smtplib.SMTPResponseException as exc:
                status = "failed" if exc.smtp_code >= 500 else "retry"
                said = f"{exc.smtp_code} {_text(exc.smtp_error)}"
                _record(desk, out, item, status, said, report)
                if exc.smtp_code in (421,):  # the server is closing: the rest waits
                    for rest in due[index + 1 :]:
                        _record(desk, out, rest, "retry", said, report)
                    report.unavailable = f"the SMTP server {smtp.server} said {said}"
                    return False
                _reset(conn)
                continue
            except smtplib.SMTPException as exc:
                _record(desk, out, item, "retry", _said(exc), report)
                continue
            note = None
            if refused:
                note = "not accepted for " + ", ".join(sorted(refused))
            _record(desk, out, item, "sent", note, report)
    finally:
        _quit(conn)
    return True


def _check(smtp: SmtpSettings) -> None:
    if smtp.security not in SECURITIES:
        raise MailNotConfigured(
            f"[mail] smtp_security must be one of {', '.join(SECURITIES)}, not {smtp.security!r}",
            protocol=PROTOCOL,
            setting="smtp_security",
        )
    if smtp.security == "plain" and smtp.host.lower() not in LOCAL_HOSTS:
        raise MailNotConfigured(
            f"smtp_security = plain sends mail unencrypted to {smtp.host}; plain is only for "
            "localhost: use tls or starttls",
            protocol=PROTOCOL,
            setting="smtp_security",
        )


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    """An SMTP connection, secured and logged in. MailServerUnavailable when the server
    cannot be reached; MailLoginRefused, MailNotConfigured as the names say."""
    port = smtp.port or DEFAULT_PORTS[smtp.security]
    conn: smtplib.SMTP
    try:
        if smtp.security == "tls":
            conn = smtplib.SMTP_SSL(
                smtp.host, port, timeout=smtp.timeout, context=ssl.create_default_context()
            )
        else:
            conn = smtplib.SMTP(smtp.host, port, timeout=smtp.timeout)
        conn.ehlo_or_helo_if_needed()
        if smtp.security == "starttls":
            if not conn.has_extn("starttls"):
                _quit(conn)
                raise MailNotConfigured(
                    f"the SMTP server {smtp.server} does not offer STARTTLS; use "
                    "smtp_security = tls (port 465), or check smtp_port",
                    protocol=PROTOCOL,
                    server=smtp.server,
                    setting="smtp_security",
                )
            conn.starttls(context=ssl.create_default_context())
            conn.ehlo()
    except ssl.SSLCertVerificationError as exc:
        raise MailNotConfigured(
            f"the SMTP server {smtp.server}'s certificate is not trusted: {exc.verify_message}",
            protocol=PROTOCOL,
            server=smtp.server,
            setting="smtp_host",
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise MailServerUnavailable(
            f"cannot reach the SMTP server {smtp.server}: {_said(exc)}",
            protocol=PROTOCOL,
            server=smtp.server,
        ) from None
    if smtp.user:
        try:
            conn.login(smtp.user, smtp.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            _quit(conn)
            raise MailLoginRefused(
                f"the SMTP server {smtp.server} refused the login of {smtp.user!r}: "
                f"{exc.smtp_code} {_text(exc.smtp_error)}",
                protocol=PROTOCOL,
                server=smtp.server,
            ) from None
        except smtplib.SMTPNotSupportedError:
            _quit(conn)
            raise MailNotConfigured(
                f"the SMTP server {smtp.server} offers no login (AUTH); remove smtp_user, "
                "or use smtp_security = starttls or tls (servers offer AUTH only encrypted)",
                protocol=PROTOCOL,
                server=smtp.server,
                setting="smtp_user",
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            _quit(conn)
            raise MailServerUnavailable(
                f"the SMTP server {smtp.server} failed during the login: {_said(exc)}",
                protocol=PROTOCOL,
                server=smtp.server,
            ) from None
    return conn


def check_smtp_login(smtp: SmtpSettings) -> str:
    """Connect, secure and log in, then quit: what ``config check`` tries."""
    _check(smtp)
    conn = _connect(smtp)
    try:
        who = f"logged in as {smtp.user}" if smtp.user else "connected (no login set)"
        how = {"tls": "TLS", "starttls": "STARTTLS", "plain": "unencrypted"}[smtp.security]
        return f"{who}; {how}"
    finally:
        _quit(conn)


def _quit(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        conn.close()


def _reset(conn: smtplib.SMTP) -> None:
    with suppress(OSError, smtplib.SMTPException):
        conn.rset()


def _worst(recipients: dict[str, tuple[int, bytes]]) -> tuple[int, str]:
    code, said = max(recipients.values(), key=lambda pair: pair[0])
    return code, _text(said)


def _text(said: bytes | str) -> str:
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
    return " ".join(text.split())[:300]


def _said(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


# ------------------------------------------------------------------------------ claiming


def _claim(ctx: Context, out: OutSettings, ignore_backoff: bool, size: int) -> list[_Claimed]:
    conn, now = ctx.conn, ctx.now
    waiting: ColumnElement[bool] = O.c.status.in_(("queued", "retrying"))
    if not ignore_backoff:
        waiting = and_(waiting, O.c.next_try <= now)
    abandoned = and_(O.c.status == "sending", O.c.claimed_until < now)
    rows = conn.execute(select(O).where(or_(waiting, abandoned)).order_by(O.c.id).limit(size)).all()
    claimed: list[_Claimed] = []
    texts: dict[str, str] | None = None
    for row in rows:
        skip = None
        if row.kind != "reply" and row.kind not in out.notify:
            skip = f"[mail] notify leaves out {row.kind!r}"
        header = row.message_id_header
        raw: bytes | None = None
        if skip is None and header is not None:
            found = conn.execute(select(M.c.raw).where(M.c.mail_key == key_of_id(header))).scalar()
            raw = None if found is None else bytes(found)
            if raw is None:
                header = None
        if skip is None and header is None:
            if texts is None:
                from deskterm.domain.mail.notices import stored

                texts = stored(conn)
            try:
                header, raw = _compose(ctx, out, row, texts)
            except DeskError as exc:
                skip = f"cannot be written: {exc.message}"
        taken = conn.execute(
            update(O)
            .where(O.c.id == row.id, O.c.version == row.version)
            .values(
                status="sending",
                claimed_until=now + CLAIM,
                message_id_header=header,
                version=row.version + 1,
            )
        )
        if taken.rowcount != 1:
            continue  # another sender took it first
        if raw is not None and header is not None:
            _remember(ctx, out, row, header, raw)
        to = (row.recipient, *_copied(conn, row.ticket_id, row.recipient, out))
        claimed.append(
            _Claimed(
                outbox_id=int(row.id),
                ticket_id=int(row.ticket_id),
                kind=str(row.kind),
                recipient=str(row.recipient),
                version=int(row.version) + 1,
                attempts=int(row.attempts),
                failing_since=row.failing_since,
                to=to if row.kind == "reply" else (row.recipient,),
                raw=raw,
                skip=skip,
            )
        )
    return claimed


def _release(ctx: Context, items: Sequence[_Claimed]) -> None:
    """Put mail claimed in a run that could not start (a refused login) back as it was."""
    for item in items:
        ctx.conn.execute(
            update(O)
            .where(O.c.id == item.outbox_id, O.c.version == item.version)
            .values(
                status="retrying" if item.attempts else "queued",
                claimed_until=None,
                version=item.version + 1,
            )
        )


def _remember(ctx: Context, out: OutSettings, row: Any, header: str, raw: bytes) -> None:
    """The outgoing message in the mail log: the requester's answer threads by its
    Message-ID, and the desk's own mail coming back is known (a loop)."""
    subject = BytesHeaderParser().parsebytes(raw).get("subject", "")
    insert_unless_taken(
        ctx.conn,
        M,
        {
            "mail_key": key_of_id(header),
            "direction": "out",
            "message_id_header": header,
            "content_sha256": hashlib.sha256(raw).hexdigest(),
            "sender": out.address.lower(),
            "subject": validate.storable(str(subject)),
            "outcome": "outgoing",
            "held_reason": None,
            "ticket_id": row.ticket_id,
            "message_id": row.message_id,
            "received_at": ctx.now,
            "raw": raw,
        },
        "mail_key",
    )


def _copied(conn: Connection, ticket_id: int, recipient: str, out: OutSettings) -> list[str]:
    """The addresses copied (Cc) on the ticket's incoming mail: copied on its replies too,
    the requester and the desk's own addresses aside."""
    own = {out.address.lower(), *(a.lower() for a in out.aliases), recipient.lower()}
    found: list[str] = []
    for (raw,) in conn.execute(
        select(M.c.raw)
        .where(M.c.ticket_id == ticket_id, M.c.direction == "in", M.c.outcome != "held")
        .order_by(M.c.id)
    ):
        headers = BytesHeaderParser().parsebytes(bytes(raw), headersonly=True)
        for _name, address in getaddresses([str(v) for v in headers.get_all("cc", [])]):
            address = address.strip().lower()
            if "@" in address and address not in own and address not in found:
                found.append(address)
    return found[:20]


# ------------------------------------------------------------------------------ composing


def _compose(ctx: Context, out: OutSettings, row: Any, texts: dict[str, str]) -> tuple[str, bytes]:
    """The Message-ID and bytes of the outbox row ``row``."""
    conn = ctx.conn
    ticket = load_ticket(conn, ctx.desk, int(row.ticket_id))
    domain = out.address.rsplit("@", 1)[-1]
    header = make_msgid(idstring=f"desk.{ticket.id}.{row.id}", domain=domain)[1:-1]
    references = _thread_ids(conn, ticket.id)
    answering = _last_incoming(conn, ticket.id)
    mail = EmailMessage()
    mail["From"] = formataddr((out.name or "", out.address)) if out.name else out.address
    mail["To"] = row.recipient
    if row.kind == "reply":
        cc = _copied(conn, ticket.id, row.recipient, out)
        if cc:
            mail["Cc"] = ", ".join(cc)
    mail["Reply-To"] = out.address
    mail["Subject"] = _subject(ticket, row.kind, out.subject_tag)
    mail["Date"] = format_datetime(ctx.now)
    mail["Message-ID"] = f"<{header}>"
    if answering is not None:
        mail["In-Reply-To"] = f"<{answering}>"
    if references:
        mail["References"] = " ".join(f"<{ref}>" for ref in references[-MAX_REFERENCES:])
    if row.automatic:
        mail["Auto-Submitted"] = "auto-replied" if row.kind != "solved" else "auto-generated"
    mail["X-Desk-Ticket"] = str(ticket.id)
    mail.set_content(_body(ctx, out, row, ticket, texts), cte="quoted-printable")
    if row.kind == "reply" and row.message_id is not None:
        from deskterm.domain.mail.files import attach_files

        attach_files(mail, conn, int(row.message_id))
    # CRLF line ends, as SMTP wants them (smtplib sends bytes as they are).
    return header, mail.as_bytes(policy=policy.SMTP)


def _subject(ticket: Ticket, kind: str, tag: str) -> str:
    subject = " ".join(ticket.subject.split())
    lead = {"reply": "Re: ", "received": "Received: ", "solved": "Solved: "}[kind]
    if subject.lower().startswith(lead.lower()):
        lead = ""
    if kind == "reply" and subject.lower().startswith(("re:", "aw:", "sv:")):
        lead = ""
    if tagged(subject, tag) == ticket.id:
        return f"{lead}{subject}"
    return f"{lead}{subject} [{tag} #{ticket.id}]"


def _body(ctx: Context, out: OutSettings, row: Any, ticket: Ticket, texts: dict[str, str]) -> str:
    """The text of the mail: the kind's template (the reply's own text in ``replied``),
    then the footer."""
    from deskterm.domain.mail import notices

    agent, reply = ctx.actor, None
    kind = notices.REPLIED if row.kind == "reply" else str(row.kind)
    if row.kind == "reply":
        found = ctx.conn.execute(
            select(MSG.c.body, MSG.c.author_agent_id).where(MSG.c.id == row.message_id)
        ).first()
        if found is not None:
            reply = str(found.body or "")
            agent = _author(ctx, found.author_agent_id) or agent
    return notices.render(
        kind,
        ticket,
        agent,
        texts=texts,
        reopen_days=out.reopen_days,
        address=out.address,
        reply=reply,
        tag=out.subject_tag,
    )


def _author(ctx: Context, agent_id: int | None) -> Agent | None:
    """The agent who wrote a reply: the ``agent`` of the replied template."""
    if agent_id is None:
        return None
    from deskterm.domain.desk import agent_from_row

    row = ctx.conn.execute(select(schema.agents).where(schema.agents.c.id == agent_id)).first()
    return None if row is None else agent_from_row(row)


def _thread_ids(conn: Connection, ticket_id: int) -> list[str]:
    """The Message-IDs of the ticket's mail so far, in and out, oldest first."""
    rows = conn.execute(
        select(M.c.message_id_header)
        .where(
            M.c.ticket_id == ticket_id,
            M.c.message_id_header.is_not(None),
            M.c.outcome != "held",
        )
        .order_by(M.c.id)
    ).scalars()
    found: list[str] = []
    for value in rows:
        if value and value not in found:
            found.append(str(value))
    return found


def _last_incoming(conn: Connection, ticket_id: int) -> str | None:
    value = conn.execute(
        select(M.c.message_id_header)
        .where(
            M.c.ticket_id == ticket_id,
            M.c.direction == "in",
            M.c.message_id_header.is_not(None),
            M.c.outcome != "held",
        )
        .order_by(M.c.id.desc())
        .limit(1)
    ).scalar()
    return None if value is None else str(value)


# ------------------------------------------------------------------------------ recording


def pause_after(attempts: int) -> timedelta:
    """The pause before the next try after ``attempts`` failed ones: a minute, doubling,
    at most an hour."""
    pause: timedelta = FIRST_PAUSE * (2 ** max(0, min(attempts - 1, 20)))
    return pause if pause < LONGEST_PAUSE else LONGEST_PAUSE


def _record(
    desk: Desk,
    out: OutSettings,
    item: _Claimed,
    status: str,
    error: str | None,
    report: SendReport,
) -> None:
    """What became of one claimed mail: ``sent``, ``skipped``, ``failed`` (refused for good)
    or ``retry`` (a temporary failure: ``retrying``, or ``failed`` once it has failed for
    ``retry_hours``)."""

    def write(ctx: Context) -> str:
        now = ctx.now
        values: dict[str, Any] = {"claimed_until": None, "version": item.version + 1}
        final = status
        if status == "sent":
            values.update(status="sent", sent_at=now, last_error=error)
        elif status == "skipped":
            values.update(status="skipped", last_error=error)
        else:
            attempts = item.attempts + 1
            since = item.failing_since or now
            values.update(attempts=attempts, failing_since=since, last_error=error)
            given_up = now - since >= timedelta(hours=out.retry_hours)
            if status == "failed" or given_up:
                final = "failed"
                if status != "failed":
                    values["last_error"] = f"gave up after {out.retry_hours:g} hours: {error}"
                values["status"] = "failed"
            else:
                final = "retrying"
                values.update(status="retrying", next_try=now + pause_after(attempts))
        ctx.conn.execute(
            update(O).where(O.c.id == item.outbox_id, O.c.version == item.version).values(values)
        )
        return final

    final = transact(desk, write)
    report.results.append(
        Sent(item.outbox_id, item.ticket_id, item.kind, item.recipient, final, error)
    )


# ------------------------------------------------------------------------------ listing


@dataclass(frozen=True)
class OutboxItem:
    """One mail of the outbox, and why it waits."""

    id: int
    ticket_id: int
    kind: str
    recipient: str
    status: str
    automatic: bool
    attempts: int
    next_try: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    message_id_header: str | None

    @property
    def why(self) -> str:
        """Why it waits (or what became of it), for a person."""
        if self.status == "queued":
            return "not sent yet (deskterm mail send)"
        if self.status == "sending":
            return "being sent"
        if self.status == "retrying":
            when = f"{self.next_try:%Y-%m-%d %H:%M}"
            return f"try {self.attempts + 1} after {when}: {self.last_error}"
        if self.status == "failed":
            return f"failed: {self.last_error}"
        if self.status == "skipped":
            return f"skipped: {self.last_error}"
        return f"sent {self.sent_at:%Y-%m-%d %H:%M}" if self.sent_at else "sent"


def outbox(
    desk: Desk, *, every: bool = False, ticket_id: int | None = None, limit: int = 100
) -> list[OutboxItem]:
    """The mail waiting to go (``every``: also what was sent, failed or skipped, newest
    first), of one ticket (``ticket_id``: NotFound when there is no such ticket). Oldest
    first when only the waiting."""
    from deskterm.errors import InvalidInput

    if limit < 1:
        raise InvalidInput(f"limit must be at least 1, not {limit}")
    stmt = select(O)
    if not every:
        stmt = stmt.where(O.c.status.in_(("queued", "sending", "retrying")))
        stmt = stmt.order_by(O.c.id)
    else:
        stmt = stmt.order_by(O.c.id.desc())
    if ticket_id is not None:
        stmt = stmt.where(O.c.ticket_id == ticket_id)
    with desk.store.read() as conn:
        desk.actor(conn)
        if ticket_id is not None:
            load_ticket(conn, desk, ticket_id)  # NotFound: not "nothing waits"
        rows = conn.execute(stmt.limit(limit)).all()
    return [
        OutboxItem(
            id=row.id,
            ticket_id=row.ticket_id,
            kind=row.kind,
            recipient=row.recipient,
            status=row.status,
            automatic=bool(row.automatic),
            attempts=row.attempts,
            next_try=row.next_try,
            last_error=row.last_error,
            created_at=row.created_at,
            sent_at=row.sent_at,
            message_id_header=row.message_id_header,
        )
        for row in rows
    ]
