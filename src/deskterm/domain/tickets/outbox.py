"""Mail to requesters, enqueued in the transaction that wrote what it tells (docs/mail.md,
"Sending").

:func:`enqueue` is called by the one versioned write (``write.store``) for every public
reply an agent or the desk itself wrote (a rule's or a queue's automatic reply, a macro's
reply, the console's and the CLI's) and for every solve, and by ``create_in`` for the
acknowledgement of a ticket that came by mail. A ticket without a requester gets no mail.
The rows wait in ``mail_outbox`` until ``deskterm mail send`` sends them (domain/mail/outgoing.py);
:func:`deliveries` reads what became of the mail of some thread entries. The database library
is imported by those two functions only: ``Outgoing`` and the kinds are what the one versioned
write (``versioned``) needs, on the light path too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

#: What an outbox row is: an agent's (or an automatic) reply, or a notification.
REPLY, RECEIVED, SOLVED = "reply", "received", "solved"
KINDS: Final = (REPLY, RECEIVED, SOLVED)
#: Where a mail is: waiting, being sent by one sender, waiting after a failed try, done,
#: given up, or not sent because the sending host's settings leave that notification out.
QUEUED, SENDING, RETRYING, SENT, FAILED, SKIPPED = (
    "queued",
    "sending",
    "retrying",
    "sent",
    "failed",
    "skipped",
)
STATUSES: Final = (QUEUED, SENDING, RETRYING, SENT, FAILED, SKIPPED)
#: The same, as the tickets' surface names them (the export checks its rows by them).
OUTBOX_KINDS: Final = KINDS
OUTBOX_STATUSES: Final = STATUSES
#: Still to send (``mail outbox`` lists these by default).
WAITING: Final = (QUEUED, SENDING, RETRYING)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One mail to enqueue for ``ticket_id``'s requester."""

    ticket_id: int
    kind: str
    #: The thread entry a reply sends.
    message_id: int | None = None
    #: Written by the desk itself (Auto-Submitted: auto-replied).
    automatic: bool = False


def enqueue(conn: Connection, items: Sequence[Outgoing], now: datetime) -> int:
    """Put ``items`` in the outbox, to their tickets' requesters (one statement for all);
    those whose ticket has no requester are left out. Returns how many were enqueued."""
    if not items:
        return 0
    from sqlalchemy import insert

    from deskterm.store import schema

    ids = sorted({item.ticket_id for item in items})
    to: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        found = conn.execute(recipients_statement(ids[start : start + 500]))
        to.update((int(ticket_id), str(email)) for ticket_id, email in found)
    rows = outbox_rows(items, to, now)
    if rows:
        conn.execute(insert(schema.mail_outbox), rows)
    return len(rows)


def recipients_statement(ticket_ids: Sequence[int]) -> Any:
    """Each of ``ticket_ids`` that has a requester, with the requester's address."""
    from sqlalchemy import select

    from deskterm.store import schema

    T, C = schema.tickets, schema.contacts
    return (
        select(T.c.id, C.c.email)
        .join(C, C.c.id == T.c.requester_id)
        .where(T.c.id.in_(list(ticket_ids)))
    )


def outbox_rows(
    items: Sequence[Outgoing], to: Mapping[int, str], now: datetime
) -> list[dict[str, Any]]:
    """The ``mail_outbox`` rows of ``items``, to the addresses ``to`` of their tickets (an
    item whose ticket has none is left out): what :func:`enqueue` inserts, and the light
    writer of ``ticket reply`` (``quick_write``) too."""
    return [
        {
            "ticket_id": item.ticket_id,
            "message_id": item.message_id,
            "kind": item.kind,
            "automatic": item.automatic,
            "recipient": to[item.ticket_id],
            "status": QUEUED,
            "attempts": 0,
            "next_try": now,
            "created_at": now,
            "version": 1,
        }
        for item in items
        if item.ticket_id in to
    ]


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of the mail of one thread entry (or notification)."""

    status: str
    attempts: int = 0
    last_error: str | None = None
    next_try: datetime | None = None
    sent_at: datetime | None = None
    recipient: str | None = None

    def describe(self) -> str:
        """``queued``, ``sent``, ``retrying: <error>``, ``failed: <error>``, ``skipped``."""
        shown = "queued" if self.status == SENDING else self.status
        if self.status in (RETRYING, FAILED) and self.last_error:
            return f"{shown}: {self.last_error}"
        return shown

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "recipient": self.recipient,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "next_try": self.next_try,
            "sent_at": self.sent_at,
        }


def deliveries(conn: Connection, message_ids: Iterable[int]) -> dict[int, Delivery]:
    """The delivery of each of ``message_ids`` that was put in the outbox (a public reply);
    the others (notes, the requester's own mail, imported history) are not in the answer."""
    from sqlalchemy import select

    from deskterm.store import schema

    O = schema.mail_outbox  # noqa: E741
    wanted = sorted(set(message_ids))
    found: dict[int, Delivery] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for row in conn.execute(
            select(
                O.c.message_id,
                O.c.status,
                O.c.attempts,
                O.c.last_error,
                O.c.next_try,
                O.c.sent_at,
                O.c.recipient,
            ).where(O.c.message_id.in_(chunk))
        ):
            found[int(row.message_id)] = Delivery(
                status=str(row.status),
                attempts=int(row.attempts),
                last_error=row.last_error,
                next_try=row.next_try,
                sent_at=row.sent_at,
                recipient=row.recipient,
            )
    return found
