"""``deskterm mail ...``: mail in (docs/mail.md): from a mail server (``receive``), from files
(``import``), from an IMAP mailbox (``fetch``), and the log of what came in (``log``,
``held``, ``show``); mail out: ``send`` (the outbox over SMTP) and ``outbox``; the texts of
the notifications: ``template`` (``mail_template_cmd``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from deskterm import exit_codes
from deskterm.cli import mail_template_cmd
from deskterm.cli.context import get

if TYPE_CHECKING:
    from deskterm.cli.context import CliContext
    from deskterm.domain.mail import (
        Fetched,
        ImapSettings,
        MailRecord,
        MailSettings,
        Outcome,
        OutSettings,
        SmtpSettings,
    )

app = typer.Typer(
    help="Mail in and out: from a mail server, from mailbox files, what became of it, the "
    "outbox, and what the mail to requesters says.\n\n"
    "Example: deskterm mail import ~/Maildir/.Support --dry-run",
    rich_markup_mode=None,
    no_args_is_help=True,
)
app.add_typer(mail_template_cmd.app, name="template")

FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="table, json, jsonl, csv, ids.")
]


def mail_settings(cli: CliContext) -> MailSettings:
    """The ``[mail]`` table of the config file, as intake takes it."""
    from deskterm.config import attachment_max_size
    from deskterm.domain.mail import DEFAULT_REOPEN_DAYS, DEFAULT_TAG, MailSettings

    table: dict[str, Any] = dict(cli.settings.extra.get("mail", {}))
    addresses = [table["address"]] if "address" in table else []
    addresses += list(table.get("aliases", []))
    return MailSettings(
        subject_tag=str(table.get("subject_tag", DEFAULT_TAG)),
        addresses=tuple(str(a).strip().lower() for a in addresses),
        max_attachment_size=attachment_max_size(cli.settings),
        reopen_days=int(table.get("reopen_days", DEFAULT_REOPEN_DAYS)),
    )


@app.command("receive")
def receive(ctx: typer.Context) -> None:
    """Take in one message from standard input (a mail server's pipe).

    Exit codes as mail servers read them (sysexits.h): 0 taken (a new ticket, a reply, a
    duplicate, or held with the reason recorded); 75 the desk cannot take it now (busy,
    unreachable, not set up): the server keeps the message and tries again later; 65 the
    input is not a mail message at all.

    Example: deskterm --as mail mail receive < message.eml
    """
    cli = get(ctx)
    try:
        from deskterm.domain.mail import NotMail, parse
        from deskterm.domain.mail import receive as take

        raw = sys.stdin.buffer.read()
        try:
            parse(raw)
        except NotMail as exc:
            _stop(exc.message, exit_codes.DATAERR)
        outcome = take(cli.desk(), raw, mail_settings(cli))
    except SystemExit:
        raise
    except KeyboardInterrupt:
        _stop("interrupted; nothing was taken, the mail server will try again", exit_codes.TEMPFAIL)
    except Exception as exc:
        if cli.debug:
            raise
        _stop(
            f"{_message(exc)}; nothing was taken, the mail server will try again later",
            exit_codes.TEMPFAIL,
        )
    for notice in outcome.notices:
        print(f"warning: {notice}", file=sys.stderr)
    if not cli.quiet:
        print(outcome.describe())


def _message(exc: Exception) -> str:
    from deskterm.errors import DeskError

    if isinstance(exc, DeskError):
        return exc.message
    return f"unexpected {type(exc).__name__}: {exc}"


def _stop(message: str, code: int) -> NoReturn:
    from deskterm.cli.main import one_line

    print(f"error: {one_line(message)}", file=sys.stderr)
    raise SystemExit(code)


@app.command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(metavar="PATH...", help=".eml files, mbox files, Maildir folders."),
    ],
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Say what each message would become; change nothing."),
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Take in the messages of .eml files, mbox files and Maildir folders, in order.

    Each message as `mail receive` would take it: a new ticket, a reply to its ticket, a
    duplicate (taken before: nothing happens), or held with the reason. Run it again after
    an interruption: what was taken is not taken twice. --dry-run lists what each message
    would become and changes nothing.

    Example: deskterm mail import old-support.mbox ~/Maildir/.Support --dry-run
    """
    from deskterm.cli.output import resolve_format
    from deskterm.cli.progress import progress_bar
    from deskterm.domain.mail import receive_all, sources

    cli = get(ctx)
    found = sources(paths)
    settings = mail_settings(cli)
    desk = cli.desk()
    listed = dry_run or fmt is not None
    chosen = resolve_format(fmt, many=True, stream=cli.out) if listed else "table"
    results: list[tuple[str, Outcome]] = []
    label = "Checking mail" if dry_run else "Importing mail"
    with progress_bar(cli, label, total=len(found)) as advance:
        for source, outcome in receive_all(desk, found, settings, dry_run=dry_run):
            results.append((source.label, outcome))
            for notice in outcome.notices:
                print(f"warning: {notice}", file=sys.stderr)
            advance(1)
    if listed:
        _emit_outcomes(cli, results, chosen)
    line = _summary([outcome for _source, outcome in results], dry_run=dry_run)
    to_stderr = listed and chosen != "table"
    print(line, file=sys.stderr if to_stderr else cli.out)


def _emit_outcomes(cli: CliContext, results: list[tuple[str, Outcome]], fmt: str) -> None:
    from deskterm.cli.output import Column, emit_list

    rows = [
        {
            "source": source,
            "outcome": outcome.outcome,
            "ticket_id": outcome.ticket_id,
            "what": outcome.describe(),
            "reason": outcome.reason,
            "subject": outcome.subject,
            "sender": outcome.sender,
        }
        for source, outcome in results
    ]
    columns = (
        Column("source", "SOURCE", ratio=2),
        Column("what", "WHAT", ratio=2),
        Column("subject", "SUBJECT", ratio=3),
    )
    emit_list(rows, columns=columns, fmt=fmt, out=cli.out, color=cli.color, id_key="ticket_id")


def _summary(outcomes: list[Outcome], *, dry_run: bool) -> str:
    counts = {name: 0 for name in ("created", "appended", "duplicate", "held", "not mail")}
    for outcome in outcomes:
        counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
    total = len(outcomes)
    head = f"{total} message{'' if total == 1 else 's'}"
    parts = [
        _count(counts["created"], "new ticket", "new tickets"),
        _count(counts["appended"], "reply", "replies"),
        _count(counts["duplicate"], "duplicate", "duplicates"),
        _count(counts["held"], "held", "held"),
        _count(counts["not mail"], "not mail", "not mail"),
    ]
    if counts.get("rated"):
        parts.append(_count(counts["rated"], "rating", "ratings"))
    verb = "would make" if dry_run else "made"
    return f"{head}: {verb} " + ", ".join(parts) + ("; nothing was changed" if dry_run else "")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# ------------------------------------------------------------------------------ IMAP

#: The IMAP password, before ``[mail] imap_password_env`` and ``imap_password``.
ENV_IMAP_PASSWORD = "DESKTERM_IMAP_PASSWORD"


def imap_settings(cli: CliContext) -> ImapSettings:
    """The ``[mail] imap_*`` settings, with the password from the environment or the config
    file. MailNotConfigured names the first missing one."""
    import os

    from deskterm.domain.mail import ImapSettings
    from deskterm.errors import MailNotConfigured

    table: dict[str, Any] = dict(cli.settings.extra.get("mail", {}))
    where = f"in the config file {cli.settings.config_file.value}"

    def missing(key: str, what: str) -> MailNotConfigured:
        return MailNotConfigured(
            f"no IMAP {what}: set [mail] {key} {where}", protocol="IMAP", setting=key
        )

    if "imap_host" not in table:
        raise missing("imap_host", "server")
    if "imap_user" not in table:
        raise missing("imap_user", "login")
    password = os.environ.get(ENV_IMAP_PASSWORD)
    if not password and "imap_password_env" in table:
        name = table["imap_password_env"]
        password = os.environ.get(name)
        if not password:
            raise MailNotConfigured(
                f"the environment variable {name} ([mail] imap_password_env) is not set",
                protocol="IMAP",
                setting="imap_password_env",
            )
    if not password:
        password = table.get("imap_password")
    if not password:
        raise MailNotConfigured(
            f"no IMAP password: set the environment variable {ENV_IMAP_PASSWORD}, or [mail] "
            f"imap_password_env or imap_password {where}",
            protocol="IMAP",
            setting="imap_password",
        )
    return ImapSettings(
        host=str(table["imap_host"]),
        user=str(table["imap_user"]),
        password=str(password),
        port=table.get("imap_port"),
        folder=str(table.get("imap_folder", "INBOX")),
        security=str(table.get("imap_security", "tls")),
        after=str(table.get("imap_after", "flag")),
    )


def check_imap(cli: CliContext) -> str | None:
    """``config check``'s IMAP part: log in and open the folder; None when no IMAP server is
    set up at all (``[mail]`` has no ``imap_*`` key)."""
    from deskterm.domain.mail import check_login

    table = cli.settings.extra.get("mail", {})
    if not any(key.startswith("imap_") for key in table):
        return None
    imap = imap_settings(cli)
    return f"{imap.server}: {check_login(imap)}"


@app.command("fetch")
def fetch(
    ctx: typer.Context,
    watch: Annotated[
        bool,
        typer.Option("--watch", help="Keep going: take mail as it arrives, until stopped."),
    ] = False,
    poll: Annotated[
        bool,
        typer.Option("--poll", help="With --watch: look every --interval seconds, never IDLE."),
    ] = False,
    interval: Annotated[
        float | None,
        typer.Option(
            "--interval",
            metavar="SECONDS",
            min=0.1,
            help="With --watch, how often to look when polling ([mail] imap_interval, 60).",
        ),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Take in the mail waiting in an IMAP mailbox ([mail] imap_* in the config file).

    Each message as `mail receive` would take it: a new ticket, a reply, a duplicate or held.
    Only once the desk has stored it is it marked read or moved on the server
    ([mail] imap_after), so an interruption loses nothing and a second fetch duplicates
    nothing. --watch keeps going (IMAP IDLE, or polling), reconnects when the connection is
    lost, and stops cleanly on Ctrl-C or SIGTERM.

    Exit codes (sysexits.h, as cron and mail tools read them): 0 done; 75 the server cannot
    be reached now, or the desk is busy (nothing lost: run it again later); 77 the server
    refused the login; 78 the IMAP settings are missing or cannot work.

    Example: DESKTERM_IMAP_PASSWORD=... deskterm --as mail mail fetch --watch
    """
    cli = get(ctx)
    imap = imap_settings(cli)
    settings = mail_settings(cli)
    try:
        cli.desk()
        if watch:
            _watch(cli, imap, settings, interval=interval, poll=poll)
        else:
            _fetch_once(cli, imap, settings, fmt)
    except Exception as exc:
        _desk_later(cli, exc)
        raise


def _fetch_once(
    cli: CliContext, imap: ImapSettings, settings: MailSettings, fmt: str | None
) -> None:
    from deskterm.cli.output import resolve_format
    from deskterm.domain.mail import fetch as take

    chosen = resolve_format(fmt, many=True, stream=cli.out) if fmt is not None else "table"
    results: list[tuple[str, Outcome]] = []
    left = 0
    for item in take(cli.desk(), imap, settings):
        where = f"{imap.folder} UID {item.uid}"
        if item.outcome is None:
            left += 1
            _left_on_server(where, item)
            continue
        results.append((where, item.outcome))
        for notice in item.outcome.notices:
            print(f"warning: {notice}", file=sys.stderr)
    if fmt is not None:
        _emit_outcomes(cli, results, chosen)
    if not (cli.quiet and fmt is None):
        line = _summary([outcome for _uid, outcome in results], dry_run=False)
        if left:
            line += f"; {_count(left, 'message', 'messages')} left on the server"
        print(line, file=sys.stderr if fmt is not None and chosen != "table" else cli.out)
    if left:
        # Taken by a later run, once what stopped it is fixed: try again later.
        raise typer.Exit(exit_codes.TEMPFAIL)


def _left_on_server(where: str, item: Fetched) -> None:
    from deskterm.cli.main import one_line

    print(
        f"warning: {where} stays on the server, not taken: {one_line(item.error or '')}",
        file=sys.stderr,
        flush=True,
    )


def _watch(
    cli: CliContext,
    imap: ImapSettings,
    settings: MailSettings,
    *,
    interval: float | None,
    poll: bool,
) -> None:
    import signal
    import threading

    from deskterm.domain.mail import watch
    from deskterm.domain.text import sanitize

    stop = threading.Event()

    def stop_now(signum: int, frame: object) -> None:
        stop.set()

    warned: set[str] = set()

    def taken(item: Fetched) -> None:
        outcome = item.outcome
        if outcome is None:
            # Tried again at each look; said once.
            if item.uid not in warned:
                warned.add(item.uid)
                _left_on_server(f"{imap.folder} UID {item.uid}", item)
            return
        warned.discard(item.uid)
        about = sanitize(f"{outcome.sender or '?'}: {outcome.subject}")
        print(f"{outcome.describe()} — {about}", file=cli.out, flush=True)
        for notice in outcome.notices:
            print(f"warning: {notice}", file=sys.stderr, flush=True)

    def tell(message: str) -> None:
        if not cli.quiet:
            print(f"mail fetch: {sanitize(message)}", file=sys.stderr, flush=True)

    every = interval or float(cli.settings.extra.get("mail", {}).get("imap_interval", 60))
    handlers = {sig: signal.signal(sig, stop_now) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        watch(
            cli.desk(),
            imap,
            settings,
            interval=every,
            poll=poll,
            stopped=stop.is_set,
            taken=taken,
            tell=tell,
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    tell("stopped")


def _desk_later(cli: CliContext, exc: Exception) -> None:
    """The desk could not take mail now (busy, unreachable): exit 75 as for the server, with
    nothing lost (what was not stored stays unmarked on the mail server)."""
    from deskterm.cli.advice import advice
    from deskterm.errors import Busy, RetryableConflict, StoreUnavailable

    if cli.debug or not isinstance(exc, Busy | StoreUnavailable | RetryableConflict):
        return
    hint = advice(exc)
    _stop(
        f"{exc.message}{f' ({hint})' if hint else ''}; the mail stays on the server, "
        "the next fetch takes it",
        exit_codes.TEMPFAIL,
    )


# ------------------------------------------------------------------------------ the log

LimitOpt = Annotated[
    int, typer.Option("--limit", metavar="N", min=1, help="At most N messages, newest first.")
]


@app.command("log")
def log(
    ctx: typer.Context,
    held: Annotated[bool, typer.Option("--held", help="Only the held messages.")] = False,
    ticket: Annotated[
        int | None, typer.Option("--ticket", metavar="ID", help="Only this ticket's mail.")
    ] = None,
    limit: LimitOpt = 50,
    fmt: FormatOpt = None,
) -> None:
    """List the mail taken in, newest first, with what it became.

    Example: deskterm mail log --ticket 123
    """
    _list(get(ctx), held=held, ticket=ticket, limit=limit, fmt=fmt)


@app.command("held")
def held(ctx: typer.Context, limit: LimitOpt = 50, fmt: FormatOpt = None) -> None:
    """List the held mail (bounces, automatic replies, bulk mail, loops) and why.

    Example: deskterm mail held --format json
    """
    _list(get(ctx), held=True, ticket=None, limit=limit, fmt=fmt)


def _list(cli: CliContext, *, held: bool, ticket: int | None, limit: int, fmt: str | None) -> None:
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.domain.mail import mail_log

    records = mail_log(cli.desk(), held=held, ticket_id=ticket, limit=limit)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    rows = [_record_data(r) for r in records]
    columns = (
        Column("id", "ID", min_width=2, max_width=8, justify="right"),
        Column("received_at", "RECEIVED", min_width=16, max_width=16, formatter=_when),
        Column("sender", "FROM", ratio=2),
        Column("subject", "SUBJECT", ratio=3),
        Column("what", "WHAT", ratio=2),
        Column("ticket_id", "TICKET", max_width=8, formatter=_ticket),
    )
    emit_list(rows, columns=columns, fmt=chosen, out=cli.out, color=cli.color)


def _record_data(record: MailRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "received_at": record.received_at,
        "direction": record.direction,
        "sender": record.sender,
        "subject": record.subject,
        "outcome": record.outcome,
        "reason": record.reason,
        "what": record.what,
        "ticket_id": record.ticket_id,
        "message_id": record.message_id,
        "message_id_header": record.message_id_header,
        "size": record.size,
    }


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _ticket(value: Any) -> str:
    return f"#{value}" if value is not None else "–"


@app.command("show")
def show(
    ctx: typer.Context,
    record_id: Annotated[int, typer.Argument(metavar="ID", help="The number in mail log.")],
    raw: Annotated[
        bool, typer.Option("--raw", help="Write the message exactly as it came (bytes).")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Show one message of the mail log: what it became, and its full text.

    Example: deskterm mail show 42 --raw > message.eml
    """
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.domain.mail import original, parse

    cli = get(ctx)
    record, data = original(cli.desk(), record_id)
    if raw:
        cli.out.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    text = parse(data).body.text
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    emit_object(
        {**_record_data(record), "text": text},
        fmt=chosen,
        out=cli.out,
        color=cli.color,
        fields=(
            ("id", "Mail"),
            ("received_at", "Received"),
            ("sender", "From"),
            ("subject", "Subject"),
            ("what", "Became"),
            ("ticket_id", "Ticket"),
            ("message_id_header", "Message-ID"),
            ("size", "Bytes"),
            ("text", "Text"),
        ),
    )


# ------------------------------------------------------------------------------ mail out

#: The SMTP password, before ``[mail] smtp_password_env`` and ``smtp_password``.
ENV_SMTP_PASSWORD = "DESKTERM_SMTP_PASSWORD"


def smtp_settings(cli: CliContext) -> SmtpSettings:
    """The ``[mail] smtp_*`` settings, with the password from the environment or the config
    file. MailNotConfigured names the first missing one."""
    import os

    from deskterm.domain.mail import SmtpSettings
    from deskterm.errors import MailNotConfigured

    table: dict[str, Any] = dict(cli.settings.extra.get("mail", {}))
    where = f"in the config file {cli.settings.config_file.value}"
    if "smtp_host" not in table:
        raise MailNotConfigured(
            f"no SMTP server: set [mail] smtp_host {where}", protocol="SMTP", setting="smtp_host"
        )
    user = table.get("smtp_user")
    password = os.environ.get(ENV_SMTP_PASSWORD) if user else None
    if user and not password and "smtp_password_env" in table:
        name = table["smtp_password_env"]
        password = os.environ.get(name)
        if not password:
            raise MailNotConfigured(
                f"the environment variable {name} ([mail] smtp_password_env) is not set",
                protocol="SMTP",
                setting="smtp_password_env",
            )
    if user and not password:
        password = table.get("smtp_password")
    if user and not password:
        raise MailNotConfigured(
            f"no SMTP password for {user!r}: set the environment variable {ENV_SMTP_PASSWORD}, "
            f"or [mail] smtp_password_env or smtp_password {where}",
            protocol="SMTP",
            setting="smtp_password",
        )
    return SmtpSettings(
        host=str(table["smtp_host"]),
        port=table.get("smtp_port"),
        security=str(table.get("smtp_security", "starttls")),
        user=None if user is None else str(user),
        password=None if password is None else str(password),
    )


def out_settings(cli: CliContext) -> OutSettings:
    """What ``[mail]`` says about the desk's outgoing mail. MailNotConfigured without an
    address to send from."""
    from deskterm.domain.mail import DEFAULT_REOPEN_DAYS, DEFAULT_TAG, NOTIFICATIONS, OutSettings
    from deskterm.errors import MailNotConfigured

    table: dict[str, Any] = dict(cli.settings.extra.get("mail", {}))
    if "address" not in table:
        raise MailNotConfigured(
            "no address to send from: set [mail] address (the desk's own, e.g. "
            f'"help@example.com") in the config file {cli.settings.config_file.value}',
            protocol="SMTP",
            setting="address",
        )
    return OutSettings(
        address=str(table["address"]),
        name=table.get("name"),
        subject_tag=str(table.get("subject_tag", DEFAULT_TAG)),
        aliases=tuple(str(a) for a in table.get("aliases", [])),
        retry_hours=float(table.get("retry_hours", 48)),
        notify=tuple(table.get("notify", NOTIFICATIONS)),
        reopen_days=int(table.get("reopen_days", DEFAULT_REOPEN_DAYS)),
    )


def check_smtp(cli: CliContext) -> str | None:
    """``config check``'s SMTP part: connect, secure and log in; None when no SMTP server is
    set up at all (``[mail]`` has no ``smtp_*`` key)."""
    from deskterm.domain.mail import check_smtp_login

    table = cli.settings.extra.get("mail", {})
    if not any(key.startswith("smtp_") for key in table):
        return None
    smtp = smtp_settings(cli)
    out_settings(cli)
    return f"{smtp.server}: {check_smtp_login(smtp)}"


@app.command("send")
def send(
    ctx: typer.Context,
    now: Annotated[
        bool,
        typer.Option("--now", help="Try every waiting mail now, whatever its pause says."),
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", metavar="N", min=1, help="At most N mails.")
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Send the mail waiting in the outbox over SMTP ([mail] smtp_* in the config file).

    Each public reply and notification was queued with the change that wrote it; what the
    server does not take now is tried again later (after 1, 2, 4... minutes, at most an
    hour apart, for [mail] retry_hours), and never sent twice, even by two hosts at once.

    Exit codes (sysexits.h, as cron reads them): 0 sent, or nothing to send; 75 the SMTP
    server cannot be reached now (the mail waits; run it again later); 65 the server refused
    a mail for good (it is marked failed: see mail outbox --all); 77 the login was refused;
    78 the settings are missing or cannot work.

    Example: DESKTERM_SMTP_PASSWORD=... deskterm --as mail mail send
    """
    from deskterm.domain.mail import send as send_out

    cli = get(ctx)
    smtp = smtp_settings(cli)
    out = out_settings(cli)
    try:
        report = send_out(cli.desk(), smtp, out, ignore_backoff=now, limit=limit)
    except Exception as exc:
        _desk_later(cli, exc)
        raise
    if fmt is not None:
        from deskterm.cli.output import Column, emit_list, resolve_format

        rows = [
            {
                "id": r.outbox_id,
                "ticket_id": r.ticket_id,
                "kind": r.kind,
                "recipient": r.recipient,
                "status": r.status,
                "error": r.error,
            }
            for r in report.results
        ]
        columns = (
            Column("id", "ID", max_width=8, justify="right"),
            Column("ticket_id", "TICKET", max_width=8, formatter=_ticket),
            Column("recipient", "TO", ratio=2),
            Column("status", "STATUS", max_width=9),
            Column("error", "ERROR", ratio=3),
        )
        emit_list(
            rows,
            columns=columns,
            fmt=resolve_format(fmt, many=True, stream=cli.out),
            out=cli.out,
            color=cli.color,
        )
    counts = ", ".join(
        f"{report.count(status)} {status}" for status in ("sent", "retrying", "failed", "skipped")
    )
    line = f"{len(report.results)} mail{'' if len(report.results) == 1 else 's'}: {counts}"
    if not cli.quiet or report.unavailable or report.refused:
        print(line, file=sys.stderr if fmt is not None else cli.out)
    for item in report.refused:
        print(
            f"error: mail {item.outbox_id} (#{item.ticket_id}) to {item.recipient} failed: "
            f"{item.error}",
            file=sys.stderr,
        )
    if report.unavailable:
        _stop(f"{report.unavailable}; what was not sent waits in the outbox", exit_codes.TEMPFAIL)
    if report.refused:
        raise SystemExit(exit_codes.DATAERR)


@app.command("outbox")
def outbox(
    ctx: typer.Context,
    every: Annotated[
        bool, typer.Option("--all", help="Also the mail sent, failed or skipped (newest first).")
    ] = False,
    ticket: Annotated[
        int | None, typer.Option("--ticket", metavar="ID", help="Only this ticket's mail.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", min=1, help="At most N mails.")
    ] = 100,
    fmt: FormatOpt = None,
) -> None:
    """List the mail waiting to go out, and why it waits (not sent yet, or the last error
    and when it is tried again).

    Example: deskterm mail outbox --all --ticket 12
    """
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.domain.mail import outbox as waiting

    cli = get(ctx)
    items = waiting(cli.desk(), every=every, ticket_id=ticket, limit=limit)
    rows = [
        {
            "id": item.id,
            "ticket_id": item.ticket_id,
            "kind": item.kind,
            "recipient": item.recipient,
            "status": item.status,
            "why": item.why,
            "automatic": item.automatic,
            "attempts": item.attempts,
            "next_try": item.next_try,
            "last_error": item.last_error,
            "created_at": item.created_at,
            "sent_at": item.sent_at,
            "message_id_header": item.message_id_header,
        }
        for item in items
    ]
    columns = (
        Column("id", "ID", min_width=2, max_width=8, justify="right"),
        Column("ticket_id", "TICKET", max_width=8, formatter=_ticket),
        Column("kind", "KIND", max_width=8),
        Column("recipient", "TO", ratio=2),
        Column("status", "STATUS", max_width=9),
        Column("why", "WHY", ratio=3),
    )
    emit_list(
        rows,
        columns=columns,
        fmt=resolve_format(fmt, many=True, stream=cli.out),
        out=cli.out,
        color=cli.color,
    )
