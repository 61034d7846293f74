"""Contacts: the people who ask, matched to organizations by their e-mail domain.

Two processes creating tickets for the same new requester at once both succeed and share one
contact (``ON CONFLICT DO NOTHING`` on the unique e-mail, then read).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from deskterm.store import schema
from deskterm.store.upsert import insert_missing

C, ORGS = schema.contacts, schema.organizations
#: Built once: a mail import looks up a contact for each message.
_BY_LOWER = select(C.c.id).where(func.lower(C.c.email) == bindparam("email"))
_BY_EMAIL = select(C.c.id).where(C.c.email == bindparam("email"))
_ORG_OF_DOMAIN = select(ORGS.c.id).where(func.lower(ORGS.c.domain) == bindparam("domain"))


def contact_for(conn: Connection, email: str, now: datetime, name: str | None = None) -> int:
    """The contact with ``email`` (already lower case), created if new: named ``name`` when
    given (a mail's From), else after the address."""
    found = conn.execute(_BY_LOWER, {"email": email}).scalar()
    if found is not None:
        return int(found)
    domain = email.rsplit("@", 1)[1]
    org_id = conn.execute(_ORG_OF_DOMAIN, {"domain": domain}).scalar()
    if not name or not name.strip():
        name = email.split("@", 1)[0].replace(".", " ").replace("_", " ").title()
    name = " ".join(name.split())[:200]
    insert_missing(
        conn,
        C,
        [{"name": name, "email": email, "organization_id": org_id, "created_at": now}],
        "email",
    )
    return int(conn.execute(_BY_EMAIL, {"email": email}).scalar_one())
