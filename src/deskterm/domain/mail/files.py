"""The files of a reply, for its mail: the hook by which outgoing mail carries what an agent
attached (``ticket reply --attach``; docs/mail.md, "Attachments").

:func:`attach_files` adds the kept files of one thread entry to an outgoing
``EmailMessage`` (base64; a non-ASCII name as RFC 2231 ``filename*``), so the requester's
client shows them with the names the desk lists. The outbox's composer calls it in the
transaction that reads the reply.
"""

from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy.engine import Connection

from deskterm.domain.tickets import message_files


def attach_files(mail: EmailMessage, conn: Connection, message_id: int) -> int:
    """Add the files kept with the thread entry ``message_id`` to ``mail`` (which already has
    its text), in the order they came; refused files are left out. Returns how many."""
    files = message_files(conn, message_id)
    for attachment, data in files:
        maintype, _, subtype = attachment.content_type.partition("/")
        mail.add_attachment(
            data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.name,
        )
    return len(files)
