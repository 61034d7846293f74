"""Which ticket a reply belongs to (docs/mail.md, "Threading").

By the Message-IDs it answers (In-Reply-To, References) against the mail the desk stored,
incoming and outgoing alike; else by the subject tag ``[Desk #123]`` (the word is
``[mail] subject_tag``), only in brackets, so that "testing #5" or "Re: order #5" never joins
ticket 5. A ticket merged into another sends its mail on to the one it was merged into.

A mail that answers a ticket the acting agent (the mail gateway) may not see is refused as
"ticket #N not found", on both backends alike, and never opens a new ticket, which every
agent could read: on SQLite the domain knows the ticket's queue is hidden from the gateway;
on PostgreSQL row security hides the ticket and its mail from the gateway's login, and
``deskterm_mail_thread`` (migration 0023) names the ticket, an id and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from deskterm.domain.mail.message import key_of_id
from deskterm.errors import NotFound
from deskterm.store import schema

M, T = schema.mail_messages, schema.tickets
#: A chain of merges longer than this is a damaged desk; the mail goes to where it got.
MAX_MERGES = 20


@dataclass(frozen=True)
class Target:
    """The ticket a reply joins, and how it was found."""

    ticket_id: int
    status: str
    #: "references" or "subject tag"
    found_by: str
    #: The ticket the mail named, when a merge sent it on (else None).
    merged_from: int | None = None
    #: When it was solved (a solved ticket), else None.
    solved_at: datetime | None = None
    queue_id: int | None = None


def tag_pattern(tag: str) -> re.Pattern[str]:
    """``[<tag> #123]`` in a subject, any case, spaces allowed inside the brackets."""
    return re.compile(rf"\[\s*{re.escape(tag)}\s*#\s*(\d{{1,18}})\s*\]", re.IGNORECASE)


def tagged(subject: str, tag: str) -> int | None:
    """The ticket number of the subject tag, or None. The last tag wins (a forward of a
    reply keeps the newest at the end)."""
    found = tag_pattern(tag).findall(subject)
    return int(found[-1]) if found else None


def find(
    conn: Connection,
    references: Sequence[str],
    subject: str,
    tag: str,
    hidden: frozenset[int] = frozenset(),
) -> Target | None:
    """The ticket a message answering ``references`` with ``subject`` joins, or None.
    NotFound when that ticket is in a queue the acting agent may not see (``hidden``; on
    PostgreSQL row security hides it, see the module docstring)."""
    keys = [key_of_id(ref) for ref in references]
    number = tagged(subject, tag)
    target = _find(conn, keys, number)
    if target is not None and target.queue_id in hidden:
        raise _not_found(target.ticket_id)
    if target is None and conn.dialect.name == "postgresql" and (keys or number is not None):
        unseen = conn.execute(
            text("SELECT deskterm_mail_thread(CAST(:keys AS text[]), :tagged)"),
            {"keys": keys, "tagged": number},
        ).scalar()
        if unseen is not None:
            raise _not_found(int(unseen))
    return target


def _not_found(ticket_id: int) -> NotFound:
    return NotFound(f"ticket #{ticket_id} not found", what="ticket")


def _find(conn: Connection, keys: list[str], number: int | None) -> Target | None:
    if keys:
        rows = dict(
            conn.execute(
                select(M.c.mail_key, M.c.ticket_id).where(
                    M.c.mail_key.in_(keys), M.c.ticket_id.is_not(None)
                )
            ).all()
        )
        for key in keys:  # In-Reply-To first, then the newest reference
            if key in rows:
                return _followed(conn, int(rows[key]), "references")
    if number is not None:
        return _followed(conn, number, "subject tag")
    return None


def _followed(conn: Connection, ticket_id: int, found_by: str) -> Target | None:
    last: tuple[int, str, datetime | None, int] | None = None
    current = ticket_id
    for _ in range(MAX_MERGES):
        row = conn.execute(
            select(T.c.status, T.c.merged_into_id, T.c.solved_at, T.c.queue_id).where(
                T.c.id == current
            )
        ).first()
        if row is None:
            break
        last = (current, str(row.status), row.solved_at, int(row.queue_id))
        if row.merged_into_id is None:
            break
        current = int(row.merged_into_id)
    if last is None:
        return None
    found, status, solved_at, queue_id = last
    merged_from = ticket_id if found != ticket_id else None
    return Target(found, status, found_by, merged_from, solved_at, queue_id)
