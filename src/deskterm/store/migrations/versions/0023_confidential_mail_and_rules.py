"""Mail to, and rules filing into, a confidential queue the acting agent may not see
(docs/mail.md, docs/rules.md, docs/team.md).

**Mail.** Row security hides such a ticket, and its mail, from the gateway's login: the requester's
reply was not recognised as a reply and became a new ticket in the default queue, open to
every agent, where SQLite (no row security) refused it as "not found" and kept the mail.
``deskterm_mail_thread(keys, tagged)`` says which ticket a mail answers (the first of its
references the desk stored, else the ticket of its subject tag, followed through merges),
whoever may see it, and nothing else: an id, no content. The desk then refuses the mail on
both backends alike, and it waits until the gateway may see that queue.

**Rules.** A triage rule may file a new ticket in a confidential queue its creator is not a
member of: the ticket is made and filed (the creator is told), not refused whole. Row
security would refuse the creator's login that move; ``deskterm_file_new_ticket(ticket,
queue)`` makes it, for a ticket created in the calling transaction only (its row and its
``created`` audit event written by this transaction), as that transaction's last write.

The function is SECURITY DEFINER, owned by the desk's owner; with FORCE ROW LEVEL SECURITY
the owner is subject to the policies too, so ``tickets`` and ``mail_messages`` get one more
read policy, and ``tickets`` one more update policy: rows are visible, and changeable, to
a statement running as a member of the owner role on behalf of another login
(``current_user <> session_user``: inside such a function; no login can get there
otherwise, since ``SET ROLE`` to the owner needs its membership, which makes a login
trusted anyway).

Revision ID: 0023_confidential_mail_and_rules
Revises: 0022_mail_templates
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

from deskterm.store import security

revision = "0023_confidential_mail_and_rules"
down_revision = "0022_mail_templates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        security.definer_paths(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        security.drop_definer_paths(conn)
