"""Attachments stored with the desk (docs/mail.md, "Attachments").

Files come with a thread entry: mail's attachments through intake, an agent's through
``ticket reply/note --attach``. :func:`attach_in` writes them in the transaction that writes
the entry, so a message and its files are stored together or not at all. The bytes go to
``attachment_blobs`` once per content (keyed by SHA-256: the same file in two mails is
stored once, also when two deliveries store it at the same moment); each file gets its row
in ``attachments`` with its sanitized name. A file over the size limit is recorded as
refused, with why, and its bytes are not kept: the message itself is never lost for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from deskterm.domain.desk import Desk
from deskterm.domain.models import Attachment
from deskterm.domain.tickets.file_names import safe_name, size_text
from deskterm.domain.tickets.read import attachments, load_ticket
from deskterm.errors import Conflict, InvalidInput, NotFound
from deskterm.store import schema
from deskterm.store.upsert import insert_missing

A = schema.attachments
B = schema.attachment_blobs
#: The content type of a file whose type is missing or malformed.
OCTET: Final = "application/octet-stream"


@dataclass(frozen=True)
class NewFile:
    """A file to store with a thread entry, as it came (the name is sanitized on storing)."""

    name: str | None
    content_type: str
    data: bytes
    #: Shown in the message's body (an inline image) rather than attached to it.
    inline: bool = False


def attach_in(
    conn: Connection,
    ticket_id: int,
    message_id: int | None,
    files: Sequence[NewFile],
    *,
    max_size: int,
    now: datetime,
) -> list[str]:
    """Store ``files`` with the thread entry ``message_id`` of ``ticket_id``, in an open
    write transaction. Returns why each refused file was refused (one line each)."""
    refusals: list[str] = []
    for file in files:
        name = safe_name(file.name, file.content_type)
        kind = _content_type(file.content_type)
        size = len(file.data)
        digest: str | None = None
        refused: str | None = None
        if size > max_size:
            refused = f"larger than the limit of {size_text(max_size)} ({size_text(size)})"
            refusals.append(f"{name}: {refused}")
        else:
            digest = hashlib.sha256(file.data).hexdigest()
        # The row first, then its blob (the key is deferred): under row security a login
        # sees a blob only through an attachment it sees.
        conn.execute(
            insert(A).values(
                ticket_id=ticket_id,
                message_id=message_id,
                name=name,
                content_type=kind,
                size=size,
                sha256=digest,
                inline=file.inline,
                refused=refused,
                created_at=now,
            )
        )
        if digest is not None:
            _store_blob(conn, digest, file.data, now)
    return refusals


def _store_blob(conn: Connection, digest: str, data: bytes, now: datetime) -> None:
    known = conn.execute(select(B.c.sha256).where(B.c.sha256 == digest)).first()
    if known is None:
        row = {"sha256": digest, "size": len(data), "data": data, "created_at": now}
        insert_missing(conn, B, [row], "sha256")


def _content_type(value: str) -> str:
    kind = " ".join(value.split()).lower()[:255]
    main, slash, sub = kind.partition("/")
    if not slash or not main or not sub or any(c in kind for c in " ;,\"'"):
        return OCTET
    return kind


def check_files(files: Sequence[NewFile], max_size: int) -> None:
    """Refuse (InvalidInput) an agent's file over the limit before anything is written: the
    agent can leave it out or share it otherwise (mail's files are recorded as refused
    instead, :func:`attach_in`)."""
    for file in files:
        if len(file.data) > max_size:
            name = safe_name(file.name, file.content_type)
            raise InvalidInput(
                f"{name} is {size_text(len(file.data))}, larger than the limit of "
                f"{size_text(max_size)} ([attachments] max_size); nothing was changed"
            )


def list_attachments(desk: Desk, ticket_id: int) -> tuple[Attachment, ...]:
    """The attachments of ``#ticket_id``, numbered in the order they came. NotFound if
    there is no such ticket."""
    with desk.store.read() as conn:
        desk.actor(conn)
        load_ticket(conn, desk, ticket_id)
        return attachments(conn, ticket_id)


def attachment_data(desk: Desk, ticket_id: int, number: int) -> tuple[Attachment, bytes]:
    """Attachment ``number`` of ``#ticket_id`` and its bytes. NotFound for no such ticket
    or attachment; Conflict for a file that was refused (its bytes were never kept)."""
    with desk.store.read() as conn:
        desk.actor(conn)
        load_ticket(conn, desk, ticket_id)
        found = attachments(conn, ticket_id)
        if not 1 <= number <= len(found):
            have = f"it has {len(found)}" if found else "it has none"
            raise NotFound(
                f"ticket #{ticket_id} has no attachment {number} ({have})", what="attachment"
            )
        attachment = found[number - 1]
        if attachment.sha256 is None:
            raise Conflict(
                f"attachment {number} of #{ticket_id} ({attachment.name}) was not kept: "
                f"{attachment.refused}"
            )
        data = conn.execute(select(B.c.data).where(B.c.sha256 == attachment.sha256)).scalar_one()
    return attachment, bytes(data)


def message_files(conn: Connection, message_id: int) -> list[tuple[Attachment, bytes]]:
    """The files kept with the thread entry ``message_id`` and their bytes, in the order
    they came (refused ones left out): what a reply's mail carries."""
    rows = conn.execute(select(A.c.ticket_id).where(A.c.message_id == message_id).limit(1)).first()
    if rows is None:
        return []
    found = [a for a in attachments(conn, int(rows.ticket_id)) if a.message_id == message_id]
    result = []
    for attachment in found:
        if attachment.sha256 is None:
            continue
        data = conn.execute(select(B.c.data).where(B.c.sha256 == attachment.sha256)).scalar_one()
        result.append((attachment, bytes(data)))
    return result
