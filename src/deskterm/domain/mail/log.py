"""The mail log: what came in and what it became, held mail and why, a message as it came."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from deskterm.domain.desk import Desk
from deskterm.errors import InvalidInput, NotFound
from deskterm.store import schema

M = schema.mail_messages


@dataclass(frozen=True)
class MailRecord:
    """One message the desk took in (the raw bytes aside: :func:`original`)."""

    id: int
    received_at: datetime
    direction: str
    sender: str | None
    subject: str
    outcome: str
    reason: str | None
    ticket_id: int | None
    message_id: int | None
    message_id_header: str | None
    size: int

    @property
    def what(self) -> str:
        """``created``, ``appended`` or ``held: <why>``."""
        return f"held: {self.reason}" if self.outcome == "held" else self.outcome


def mail_log(
    desk: Desk, *, held: bool = False, ticket_id: int | None = None, limit: int = 50
) -> list[MailRecord]:
    """The latest messages taken in, newest first: only the held ones (``held``), only those
    of one ticket (``ticket_id``; NotFound when there is no such ticket, so a mistyped
    number is not mistaken for a ticket without mail). InvalidInput for a limit below 1."""
    if limit < 1:
        raise InvalidInput(f"limit must be at least 1, not {limit}")
    stmt = select(*_columns())
    if held:
        stmt = stmt.where(M.c.outcome == "held")
    if ticket_id is not None:
        stmt = stmt.where(M.c.ticket_id == ticket_id)
    stmt = stmt.order_by(M.c.id.desc()).limit(limit)
    with desk.store.read() as conn:
        desk.actor(conn)
        if ticket_id is not None:
            from deskterm.domain.tickets import load_ticket

            load_ticket(conn, desk, ticket_id)
        return [_record(row) for row in conn.execute(stmt)]


def original(desk: Desk, record_id: int) -> tuple[MailRecord, bytes]:
    """A message of the log and its raw bytes as they came. NotFound for an unknown id."""
    with desk.store.read() as conn:
        desk.actor(conn)
        row = conn.execute(select(*_columns(), M.c.raw).where(M.c.id == record_id)).first()
    if row is None:
        raise NotFound(f"mail #{record_id} not found")
    return _record(row), bytes(row.raw)


def _record(row: Any) -> MailRecord:
    return MailRecord(
        id=row.id,
        received_at=row.received_at,
        direction=row.direction,
        sender=row.sender,
        subject=row.subject,
        outcome=row.outcome,
        reason=row.held_reason,
        ticket_id=row.ticket_id,
        message_id=row.message_id,
        message_id_header=row.message_id_header,
        size=int(row.size or 0),
    )


def _columns() -> tuple[Any, ...]:
    return (
        M.c.id,
        M.c.received_at,
        M.c.direction,
        M.c.sender,
        M.c.subject,
        M.c.outcome,
        M.c.held_reason,
        M.c.ticket_id,
        M.c.message_id,
        M.c.message_id_header,
        func.length(M.c.raw).label("size"),
    )
