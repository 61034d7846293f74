"""Contacts: the people who ask, matched to organizations by their e-mail domain.

Two processes creating tickets for the same new requester at once both succeed and share one
contact (``ON CONFLICT DO NOTHING`` on the unique e-mail, then read).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from deskterm.store import schema
from deskterm.store.upsert import insert_unless_taken

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
    return new_contact(conn, email, now, name, organization_of_domain(conn, domain))


def organization_of_domain(conn: Connection, domain: str) -> int | None:
    """The organization whose e-mail domain is ``domain`` (any case), or None."""
    found = conn.execute(_ORG_OF_DOMAIN, {"domain": domain}).scalar()
    return None if found is None else int(found)


def new_contact(
    conn: Connection, email: str, now: datetime, name: str | None, organization_id: int | None
) -> int:
    """:func:`contact_for` of an address the caller found no contact for: inserted, or, when
    another process inserted it at this very moment, theirs."""
    if not name or not name.strip():
        name = email.split("@", 1)[0].replace(".", " ").replace("_", " ").title()
    name = " ".join(name.split())[:200]
    row = {"name": name, "email": email, "organization_id": organization_id, "created_at": now}
    made = insert_unless_taken(conn, C, row, "email")
    if made is not None:
        return made
    return int(conn.execute(_BY_EMAIL, {"email": email}).scalar_one())


def known_contacts(conn: Connection, emails: Sequence[str]) -> dict[str, tuple[int, int | None]]:
    """The contacts of ``emails`` (lower case) there are, as :func:`contact_for` finds them:
    address -> (contact id, organization id); a statement for each 500 addresses."""
    wanted = sorted(set(emails))
    found: dict[str, tuple[int, int | None]] = {}
    for start in range(0, len(wanted), 500):
        rows = conn.execute(_KNOWN, {"emails": wanted[start : start + 500]}).all()
        # Two contacts whose addresses differ in case only (an old desk): the first made,
        # as the look-up of one address reads it.
        for contact_id, email, org in sorted(rows, key=lambda row: -int(row[0])):
            found[str(email).lower()] = (int(contact_id), None if org is None else int(org))
    return found


_KNOWN = select(C.c.id, C.c.email, C.c.organization_id).where(
    func.lower(C.c.email).in_(bindparam("emails", expanding=True))
)
