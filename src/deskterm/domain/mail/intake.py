"""Mail in: one message becomes a ticket, a reply on its ticket, or a held record; the same
message twice is taken once (docs/mail.md).

Every way in (``mail receive``, ``mail import``; IMAP later) calls :func:`receive_in` in a
write transaction. It first claims the message's key in ``mail_messages`` (an insert that
does nothing when the key is taken, also by a delivery committing at this very moment), so a
message is never taken twice; then a new ticket goes through ``tickets.create_in`` (the triage
rules run) and a reply through ``tickets.requester_reply_in`` (the workflow: reopening, the
SLA clocks, the audit). All of it commits together or not at all.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial
from itertools import islice
from typing import Final

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Connection

from deskterm.domain import validate
from deskterm.domain.desk import Desk
from deskterm.domain.mail import thread
from deskterm.domain.mail.guards import MailSettings, held_reason
from deskterm.domain.mail.message import Mail, NotMail, key_of_id, parse
from deskterm.domain.people import (
    contact_for,
    known_contacts,
    new_contact,
    organization_of_domain,
)
from deskterm.domain.tickets import (
    Changes,
    Context,
    NewFile,
    NewTicket,
    act_in,
    attach_in,
    create_each_in,
    create_in,
    new_ticket,
    rate_in,
    requester_reply_in,
    transact,
)
from deskterm.errors import InvalidInput
from deskterm.store import schema
from deskterm.store.upsert import insert_unless_taken

M = schema.mail_messages
#: What a claimed message became, on its row of the mail log (built once: it runs per message).
_SETTLED: Final = (
    update(M)
    .where(M.c.id == bindparam("record"))
    .values(
        outcome=bindparam("became"),
        ticket_id=bindparam("on_ticket"),
        message_id=bindparam("as_message"),
    )
)
#: What a message with no text at all shows in the thread.
NO_TEXT: Final = "(the message has no text)"
NO_SUBJECT: Final = "(no subject)"
#: What happened to a message.
CREATED, APPENDED, DUPLICATE, HELD, NOT_MAIL, RATED = (
    "created",
    "appended",
    "duplicate",
    "held",
    "not mail",
    "rated",
)
#: A requester's reply that rates the solve: "rate good" (or bad) on its first line, a
#: comment after it, on the same line or the next ones.
_RATE = re.compile(r"\s*rate\s*:?\s*(good|bad)\b[\s.!:,-]*(.*)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Outcome:
    """What one message became."""

    outcome: str
    subject: str = ""
    sender: str | None = None
    key: str | None = None
    ticket_id: int | None = None
    #: The thread entry it became.
    message_id: int | None = None
    #: Why it was held; for a new ticket opened because the ticket it answers is closed,
    #: which one that was.
    reason: str | None = None
    #: How a reply found its ticket: "references" or "subject tag".
    found_by: str | None = None
    #: Its row in the mail log.
    record_id: int | None = None
    #: Rules that had to be skipped for the new ticket (as ``ticket create`` tells them).
    notices: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for a person: ``new ticket #12``, ``reply to #5``, ``held: bounce...``."""
        if self.outcome == CREATED:
            after = f" ({self.reason})" if self.reason else ""
            return f"new ticket #{self.ticket_id}{after}"
        if self.outcome == APPENDED:
            return f"reply to #{self.ticket_id} (by {self.found_by})"
        if self.outcome == RATED:
            return f"rating of #{self.ticket_id}: {self.reason}"
        if self.outcome == DUPLICATE:
            where = f" (#{self.ticket_id})" if self.ticket_id is not None else ""
            return f"duplicate: already taken{where}"
        if self.outcome == HELD:
            return f"held: {self.reason}"
        return f"not a mail message: {self.reason}"


def receive(desk: Desk, raw: bytes, settings: MailSettings) -> Outcome:
    """Take in one message (``raw``, as it came) in one transaction. NotMail when the input is
    not a mail message; the store's errors (Busy, StoreUnavailable) when the desk cannot take
    it now, and then nothing was written."""
    mail = parse(raw)
    return transact(desk, lambda ctx: receive_in(ctx, mail, settings))


def receive_in(
    ctx: Context, mail: Mail, settings: MailSettings, *, chunk: Chunk | None = None
) -> Outcome:
    """:func:`receive` in an open write transaction (``mail`` parsed).

    With ``chunk`` (a chunk of :func:`receive_all`), a message that opens a new ticket waits
    for the chunk's others: its outcome says ``created`` with no ticket yet, and
    ``chunk.flush`` creates them together and tells (``chunk.told``) what each became."""
    conn = ctx.conn
    reason = held_reason(mail, settings)
    if reason is None:
        reason = _unusable_sender(mail)
    record = insert_unless_taken(
        conn,
        M,
        {
            "mail_key": mail.key,
            "direction": "in",
            "message_id_header": _storable(mail.message_id),
            "content_sha256": mail.sha256,
            "sender": mail.sender,
            "subject": validate.storable(mail.subject),
            "outcome": HELD if reason else CREATED,
            "held_reason": reason,
            "received_at": ctx.now,
            "raw": mail.raw,
        },
        "mail_key",
    )
    base = Outcome("", mail.subject, mail.sender, mail.key)
    if record is None:
        if chunk is not None and mail.key in chunk.keys:
            chunk.flush(ctx, settings)  # the first of the two: its ticket, then the duplicate
        return _taken(conn, mail, base)
    if reason is not None:
        return replace(base, outcome=HELD, reason=reason, record_id=record)
    contact = _contact(ctx, mail)
    body = _body(mail)
    if (
        chunk is not None
        and chunk.waiting
        and not chunk.keys.isdisjoint(key_of_id(ref) for ref in mail.references)
    ):
        chunk.flush(ctx, settings)  # it answers a request waiting in the chunk
    target = thread.find(conn, mail.references, mail.subject, settings.subject_tag, ctx.hidden)
    if (
        target is None
        and chunk is not None
        and chunk.waiting
        and thread.tagged(mail.subject, settings.subject_tag) is not None
    ):
        chunk.flush(ctx, settings)  # its tag may name a ticket waiting to be made
        target = thread.find(conn, mail.references, mail.subject, settings.subject_tag, ctx.hidden)
    rating = _rating(mail) if target is not None else None
    if (
        target is not None
        and rating is not None
        and target.status in ("solved", "closed")
        and _requester_of(conn, target.ticket_id) == contact
    ):
        # "rate good" from the requester of a solved ticket (the solved notification says
        # how): the solve's rating, replacing an earlier one; the ticket stays solved.
        rate_in(ctx, target.ticket_id, rating[0], rating[1], replace=True)
        outcome = replace(
            base,
            outcome=RATED,
            ticket_id=target.ticket_id,
            found_by=target.found_by,
            reason=rating[0],
        )
    elif target is not None and target.status != "closed" and not _too_late(ctx, target, settings):
        message_id = requester_reply_in(ctx, target.ticket_id, contact, body)
        outcome = replace(
            base,
            outcome=APPENDED,
            ticket_id=target.ticket_id,
            message_id=message_id,
            found_by=target.found_by,
        )
    elif target is None and chunk is not None:
        return chunk.wait(mail, _new_request(mail, body), replace(base, record_id=record))
    else:
        if chunk is not None:
            chunk.flush(ctx, settings)  # tickets are numbered in the order their mail came
        outcome = _open_ticket(ctx, mail, body, target, base, settings)
    outcome = _attach(ctx, mail, outcome, settings)
    conn.execute(_SETTLED, _settling(record, outcome))
    return replace(outcome, record_id=record)


def _contact(ctx: Context, mail: Mail) -> int:
    """The sender's contact, made if new (:func:`_know_senders` may have read it already)."""
    sender = mail.sender
    assert sender is not None
    name = validate.storable(mail.sender_name) if mail.sender_name else None
    key = f"contact {sender}"
    if key in ctx.memo:
        found: int = ctx.memo[key]
        return found
    unknown: set[str] = ctx.memo.get(_UNKNOWN, set())
    if sender not in unknown:
        return ctx.once(key, lambda: contact_for(ctx.conn, sender, ctx.now, name=name))
    domain = sender.rsplit("@", 1)[1]
    org = ctx.once(
        f"organization of domain {domain}", lambda: organization_of_domain(ctx.conn, domain)
    )
    made = new_contact(ctx.conn, sender, ctx.now, name, org)
    ctx.memo[key] = made
    ctx.memo[f"organization of {made}"] = org
    return made


#: The senders :func:`_know_senders` found no contact for, in ``Context.memo``.
_UNKNOWN: Final = "mail: senders with no contact"


def _know_senders(ctx: Context, mails: Sequence[Mail]) -> None:
    """The contacts of the senders of ``mails`` read in one statement (what
    :func:`_contact` would read one message at a time), with their organizations."""
    unknown: set[str] = ctx.memo.setdefault(_UNKNOWN, set())
    wanted = {
        mail.sender
        for mail in mails
        if mail.sender is not None
        and "@" in mail.sender
        and f"contact {mail.sender}" not in ctx.memo
        and mail.sender not in unknown
    }
    if not wanted:
        return
    found = known_contacts(ctx.conn, sorted(wanted))
    for email in wanted:
        if email in found:
            contact_id, org = found[email]
            ctx.memo[f"contact {email}"] = contact_id
            ctx.memo[f"organization of {contact_id}"] = org
        else:
            unknown.add(email)


def _new_request(
    mail: Mail, body: str, follows: thread.Target | None = None, tag: str = ""
) -> NewTicket:
    """The new ticket a message opens."""
    subject = mail.subject
    if follows is not None:
        subject = _follow_up_subject(subject, tag)
    subject = " ".join(subject.split())[: validate.MAX_SUBJECT] or NO_SUBJECT
    return new_ticket(subject=subject, body=body, requester=mail.sender, channel="email")


def _attach(ctx: Context, mail: Mail, outcome: Outcome, settings: MailSettings) -> Outcome:
    """The message's files stored with what it became (the notices say which were refused)."""
    if not mail.body.files or outcome.ticket_id is None:
        return outcome
    refused = attach_in(
        ctx.conn,
        outcome.ticket_id,
        outcome.message_id,
        [NewFile(f.name, f.content_type, f.data, f.inline) for f in mail.body.files],
        max_size=settings.max_attachment_size,
        now=ctx.now,
    )
    notices = tuple(f"attachment not kept: {why}" for why in refused)
    return replace(outcome, notices=outcome.notices + notices)


def _settling(record: int, outcome: Outcome) -> dict[str, object]:
    return {
        "record": record,
        "became": outcome.outcome,
        "on_ticket": outcome.ticket_id,
        "as_message": outcome.message_id,
    }


@dataclass(frozen=True)
class _Waiting:
    mail: Mail
    new: NewTicket
    #: Its outcome so far (its row in the mail log).
    base: Outcome


class Chunk:
    """The new requests of a chunk of mail (:func:`receive_all`), made together: each is
    claimed, threaded and guarded in its turn, then waits (:meth:`wait`); :meth:`flush`
    creates them with one ``create_each_in`` (the rules run over all of them together, one
    statement per kind of row) before anything that could depend on them: a reply to one
    of them, a duplicate of one, another new ticket made at once (a follow-up of a closed
    ticket), and the end of the chunk. A reply to an older ticket does not wait for them.
    Each ticket's history reads as if its mail had come alone."""

    def __init__(self) -> None:
        self.waiting: list[_Waiting] = []
        #: The mail keys of the waiting messages.
        self.keys: set[str] = set()
        #: What each waiting message became once made, by its row in the mail log.
        self.told: dict[int, Outcome] = {}

    def wait(self, mail: Mail, new: NewTicket, base: Outcome) -> Outcome:
        self.waiting.append(_Waiting(mail, new, base))
        self.keys.add(mail.key)
        return replace(base, outcome=CREATED)

    def flush(self, ctx: Context, settings: MailSettings) -> None:
        if not self.waiting:
            return
        waiting, self.waiting, self.keys = self.waiting, [], set()
        made = create_each_in(ctx, [w.new for w in waiting])
        first = _first_messages(ctx.conn, [ticket_id for ticket_id, _notices in made])
        settled: list[dict[str, object]] = []
        for w, (ticket_id, notices) in zip(waiting, made, strict=True):
            outcome = replace(
                w.base,
                outcome=CREATED,
                ticket_id=ticket_id,
                message_id=first.get(ticket_id),
                notices=notices,
            )
            outcome = _attach(ctx, w.mail, outcome, settings)
            record = w.base.record_id
            assert record is not None
            settled.append(_settling(record, outcome))
            self.told[record] = outcome
        ctx.conn.execute(_SETTLED, settled)

    def outcome(self, given: Outcome) -> Outcome:
        """What ``given`` (an outcome :func:`receive_in` returned) became after the flush."""
        if given.outcome == CREATED and given.ticket_id is None and given.record_id is not None:
            return self.told.get(given.record_id, given)
        return given


_FIRST: Final = (
    select(schema.messages.c.ticket_id, func.min(schema.messages.c.id))
    .where(schema.messages.c.ticket_id.in_(bindparam("tickets", expanding=True)))
    .group_by(schema.messages.c.ticket_id)
)


def _first_messages(conn: Connection, ticket_ids: Sequence[int]) -> dict[int, int]:
    """Each ticket's first thread entry (its request)."""
    found: dict[int, int] = {}
    for start in range(0, len(ticket_ids), 500):
        rows = conn.execute(_FIRST, {"tickets": list(ticket_ids[start : start + 500])})
        found.update((int(ticket_id), int(first)) for ticket_id, first in rows)
    return found


def _too_late(ctx: Context, target: thread.Target, settings: MailSettings) -> bool:
    """Whether ``target`` was solved longer ago than ``[mail] reopen_days``: a reply then
    opens a new ticket (as Zendesk's and Freshdesk's follow-ups do) instead of reopening a
    ticket its agents have put behind them."""
    if target.status != "solved" or target.solved_at is None:
        return False
    return ctx.now - target.solved_at > timedelta(days=settings.reopen_days)


def _open_ticket(
    ctx: Context,
    mail: Mail,
    body: str,
    target: thread.Target | None,
    base: Outcome,
    settings: MailSettings,
) -> Outcome:
    notices: list[str] = []
    new = _new_request(mail, body, target, settings.subject_tag)
    ticket_id = create_in(ctx, new, notices)
    reason = None
    if target is not None:
        # A reply to a closed ticket (closed tickets take no change), or to one solved
        # longer ago than reopen_days: the mail opens a new ticket that says which it
        # follows. The old ticket is left alone: a note would move its updated time and
        # keep a "close what was solved a week ago" job from closing it.
        if target.status == "closed":
            reason = f"#{target.ticket_id} is closed"
            note = f"This mail answers #{target.ticket_id}, which is closed."
        else:
            days = settings.reopen_days
            solved = target.solved_at
            assert solved is not None
            reason = f"#{target.ticket_id} was solved more than {_days(days)} ago"
            note = (
                f"This mail answers #{target.ticket_id}, solved on {solved:%Y-%m-%d}, more "
                f"than {_days(days)} ago ([mail] reopen_days): a new ticket instead of "
                "reopening it."
            )
        act_in(ctx, ticket_id, Changes(), message=("note", note))
    first = ctx.conn.execute(
        select(func.min(schema.messages.c.id)).where(schema.messages.c.ticket_id == ticket_id)
    ).scalar()
    return replace(
        base,
        outcome=CREATED,
        ticket_id=ticket_id,
        message_id=None if first is None else int(first),
        reason=reason,
        notices=tuple(notices),
    )


#: What answering and the desk's own notifications put before a subject.
_LEADS = re.compile(r"^\s*(?:(?:re|aw|sv|antw|fwd?|wg|solved|received)\s*:\s*)+", re.IGNORECASE)


def _follow_up_subject(subject: str, tag: str) -> str:
    """The subject of a new ticket that follows an old one: without the old ticket's tag
    (the new one gets its own; "[Desk #1]" on ticket #2 would mislead whoever reads it) and
    without the "Re: Solved: " the answer put before it."""
    bare = thread.tag_pattern(tag).sub(" ", subject)
    return _LEADS.sub("", bare).strip() or subject


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _taken(conn: Connection, mail: Mail, base: Outcome) -> Outcome:
    row = conn.execute(
        select(M.c.id, M.c.direction, M.c.ticket_id).where(M.c.mail_key == mail.key)
    ).one()
    if row.direction == "out":
        # Not recorded again (its key is the outgoing message's): said, and nothing made.
        return replace(
            base,
            outcome=HELD,
            reason="the desk's own message came back (a mail loop)",
            ticket_id=row.ticket_id,
            record_id=row.id,
        )
    return replace(base, outcome=DUPLICATE, ticket_id=row.ticket_id, record_id=row.id)


def _rating(mail: Mail) -> tuple[str, str | None] | None:
    """``("good", comment)`` when the mail's text starts with "rate good" (or bad)."""
    found = _RATE.match(mail.shown)
    if found is None:
        return None
    comment = validate.storable(found.group(2).strip())[: validate.MAX_COMMENT] or None
    return found.group(1).lower(), comment


def _requester_of(conn: Connection, ticket_id: int) -> int | None:
    found = conn.execute(
        select(schema.tickets.c.requester_id).where(schema.tickets.c.id == ticket_id)
    ).scalar()
    return None if found is None else int(found)


def _unusable_sender(mail: Mail) -> str | None:
    if mail.sender is None:
        return "no sender address"
    try:
        validate.email(mail.sender)
    except InvalidInput:
        return "the sender address is not one the desk can keep"
    return None


def _body(mail: Mail) -> str:
    text = validate.storable(mail.shown)
    if not text.strip():
        return NO_TEXT
    if len(text) > validate.MAX_BODY:
        cut = "\n\n[cut here: the rest is in the original message]"
        text = text[: validate.MAX_BODY - len(cut)] + cut
    return text


def _storable(value: str | None) -> str | None:
    return None if value is None else validate.storable(value)


# ------------------------------------------------------------------------------ many at once


@dataclass(frozen=True)
class Source:
    """One message to take in: where it came from, and how to read its bytes."""

    label: str
    load: Callable[[], bytes]


def receive_all(
    desk: Desk,
    sources: Iterable[Source],
    settings: MailSettings,
    *,
    dry_run: bool = False,
) -> Iterator[tuple[Source, Outcome]]:
    """Take in each message, yielding what each became. Messages go in by the hundred: up to
    :data:`CHUNK` messages (or as many as :data:`CHUNK_SECONDS` allow) in one transaction,
    each message as :func:`receive_in` takes it alone, and what they became is yielded once
    that transaction has committed. A run that is killed or fails leaves the chunk it was in
    not taken at all, never half of a message; the chunks before it stay taken, and the next
    run takes the rest (what was taken is a duplicate). ``dry_run``: all of them in one
    transaction that is rolled back at the end, so a reply to a message earlier in the same
    run threads as it would. Input that is not mail is told (``not mail``) and skipped; the
    store's errors stop the run."""
    if dry_run:
        yield from _dry_run(desk, list(sources), settings)
        return
    pending = iter(sources)
    while True:
        done = transact(desk, partial(_chunk_in, pending=pending, taken=[], settings=settings))
        if not done:
            return
        yield from done


#: The most messages one transaction of :func:`receive_all` takes in, and the longest it
#: keeps taking more (others' writes wait for it meanwhile; the bar moves at each commit).
CHUNK: Final = 500
CHUNK_SECONDS: Final = 0.5


def _chunk_in(
    ctx: Context,
    *,
    pending: Iterator[Source],
    taken: list[tuple[Source, Mail | Outcome]],
    settings: MailSettings,
) -> list[tuple[Source, Outcome]]:
    """The next chunk of ``pending`` in the open transaction. ``taken`` keeps what was read
    from ``pending`` for this chunk: a transaction run again (a deadlock broken) takes the
    same messages again, then goes on. Messages are read :data:`AHEAD` at a time, their
    senders' contacts looked up together; new requests are made together (:class:`Chunk`)."""
    started = time.monotonic()
    chunk = Chunk()
    done: list[tuple[Source, Outcome]] = []
    known = 0
    while True:
        if len(done) == len(taken):
            if len(taken) >= CHUNK or (taken and time.monotonic() - started > CHUNK_SECONDS):
                break
            more = list(islice(pending, min(AHEAD, CHUNK - len(taken))))
            if not more:
                break
            taken += [(source, _parsed(source)) for source in more]
        if len(done) == known:
            known = min(len(taken), known + AHEAD)
            _know_senders(ctx, [m for _s, m in taken[len(done) : known] if isinstance(m, Mail)])
        source, mail = taken[len(done)]
        if isinstance(mail, Mail):
            done.append((source, receive_in(ctx, mail, settings, chunk=chunk)))
        else:
            done.append((source, mail))
    chunk.flush(ctx, settings)
    return [(source, chunk.outcome(outcome)) for source, outcome in done]


#: Messages read (and their senders looked up) at a time within a chunk.
AHEAD: Final = 50


def _parsed(source: Source) -> Mail | Outcome:
    try:
        return parse(source.load())
    except NotMail as exc:
        return Outcome(NOT_MAIL, reason=str(exc))


def _dry_run(
    desk: Desk, sources: list[Source], settings: MailSettings
) -> Iterator[tuple[Source, Outcome]]:
    with desk.store.write() as conn:
        ctx = Context(conn, desk, desk.actor(conn), desk.now())
        try:
            for source in sources:
                try:
                    mail = parse(source.load())
                except NotMail as exc:
                    yield source, Outcome(NOT_MAIL, reason=str(exc))
                    continue
                yield source, receive_in(ctx, mail, settings)
        finally:
            conn.rollback()
