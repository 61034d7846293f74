"""The tables, as SQLAlchemy Core.

Why Core and not SQLModel classes: the domain turns rows into its own dataclasses anyway,
and importing SQLModel (pydantic + the ORM) costs about twice what SQLAlchemy Core does,
which is the whole start-up budget of ``deskterm ticket list`` and of the TUI's first page.
See docs/DECISIONS.md.

Times are stored as timezone-aware UTC. Priority is stored as its rank (0 low .. 3 urgent) so
``priority:>=high`` and the priority sort are plain indexed comparisons. The ticket id is the
ticket number users see (``#123``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# What UTCDateTime writes on SQLite (also for bulk loads and the light reader):
from deskterm.store.light import sqlite_datetime as sqlite_datetime

#: The exact condition of ``ix_tickets_unsolved_updated``, a partial covering index over the
#: unsolved tickets agents actually work (migration 0003): the usual views then cost the same
#: on a million tickets as on a thousand. SQLite uses a partial index only when the query
#: contains this same text, so the query builder adds it verbatim (domain/query_sql.py).
#: The index is not declared on the Table below: dialect-specific index options make
#: SQLAlchemy import every dialect (and asyncio) at start-up; like the search objects it lives
#: in the migrations only and is left out of autogenerate (migrations/env.py).
UNSOLVED_PREDICATE = "status IN ('new', 'open', 'pending', 'on_hold')"

# A naming convention lets later migrations alter constraints by name on both backends.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on both backends.

    PostgreSQL keeps ``timestamptz``. SQLite has no time zones, so values are stored as naive
    UTC text in SQLAlchemy's own DATETIME format (which sorts correctly as text) and parsed
    back with ``datetime.fromisoformat``, which is several times faster than the generic
    regex parser; list pages convert hundreds of these per screen.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Any:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is None:
                raise ValueError("naive datetime given to the store; use UTC-aware datetimes")
            return sqlite_datetime(value)

        return process

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        # PostgreSQL only: SQLite has its own bind_processor above.
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware datetimes")
        return value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        parse = datetime.fromisoformat

        def process(value: str | None) -> datetime | None:
            # Appending the offset makes the parser return an aware UTC value directly.
            return None if value is None else parse(value + "+00:00")

        return process

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        result: datetime = value
        if result.tzinfo is None:
            return result.replace(tzinfo=UTC)
        return result.astimezone(UTC)


def _utc() -> UTCDateTime:
    return UTCDateTime()


#: Every id, reference and version: 64-bit on both backends. SQLite's INTEGER already is
#: (and only ``INTEGER PRIMARY KEY`` is the rowid, so SQLite keeps that spelling); PostgreSQL
#: needs BIGINT (migration 0006). ``domain/validate.py`` refuses what does not fit.
ID = BigInteger().with_variant(Integer(), "sqlite")


agents = Table(
    "agents",
    metadata,
    Column("id", ID, primary_key=True),
    Column("handle", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=True),
    Column("role", String(16), nullable=False, server_default="agent"),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", _utc(), nullable=False),
    #: The PostgreSQL login this agent connects as (migration 0017, docs/team.md): on
    #: PostgreSQL the acting agent is the one whose ``db_role`` is the session's login.
    Column("db_role", String(63), nullable=True),
    Index("ix_agents_db_role", "db_role", unique=True),
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("domain", String(253), nullable=True, index=True),
    Column("created_at", _utc(), nullable=False),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False, unique=True),
    Column("organization_id", ID, ForeignKey("organizations.id"), nullable=True, index=True),
    Column("created_at", _utc(), nullable=False),
)
#: A contact by its address in any case (``people.contact_for``, mail intake's look-up of each
#: sender): without it each look-up read every contact (migration 0024).
Index("ix_contacts_email_lower", func.lower(contacts.c.email))

queues = Table(
    "queues",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("tier", String(2), nullable=False, server_default="L1"),
    Column("escalates_to_id", ID, ForeignKey("queues.id"), nullable=True),
    Column("description", Text, nullable=False, server_default=""),
    Column("created_at", _utc(), nullable=False),
    # The policy a queue's tickets fall back on (migration 0008). ``use_alter``: the policies
    # may name a queue in turn, and SQLAlchemy must know which reference to add last.
    Column(
        "default_sla_policy_id",
        ID,
        ForeignKey("sla_policies.id", use_alter=True),
        nullable=True,
    ),
    # Sent, marked automatic, to a new ticket that lands here when no rule replied (0013).
    Column("auto_reply", Text, nullable=True),
    #: Only the queue's members (and admins) see its tickets (migration 0017).
    Column("confidential", Boolean, nullable=False, server_default="0"),
)

#: SLA policies (migration 0008, docs/sla.md "What a policy is"). What a policy applies to
#: (queue, type, organization) is each optional; ``calendar`` and ``targets`` are JSON text
#: whose shape ``domain/sla/policies.py`` writes and checks; ``pause_statuses`` is
#: comma-separated.
sla_policies = Table(
    "sla_policies",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("description", Text, nullable=False, server_default=""),
    Column("queue_id", ID, ForeignKey("queues.id"), nullable=True),
    Column("type", String(20), nullable=True),
    Column("organization_id", ID, ForeignKey("organizations.id"), nullable=True),
    Column("calendar", Text, nullable=False),
    Column("targets", Text, nullable=False),
    Column("pause_statuses", String(100), nullable=False, server_default="pending"),
    Column("warning_percent", SmallInteger, nullable=False, server_default="80"),
    Column("created_at", _utc(), nullable=False),
    Column("updated_at", _utc(), nullable=False),
    Column("version", ID, nullable=False, server_default="1"),
    # ``deskterm sla tick`` escalates breached tickets under this policy (migration 0009).
    Column("escalate_on_breach", Boolean, nullable=False, server_default="0"),
)

#: Every version of each SLA policy, as the clocks read it, from when it took effect
#: (migration 0010): ``ticket sla ID`` explains old clocks by the version they ran under.
sla_policy_versions = Table(
    "sla_policy_versions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("policy_id", ID, ForeignKey("sla_policies.id", ondelete="CASCADE"), nullable=False),
    Column("version", ID, nullable=False),
    Column("calendar", Text, nullable=False),
    Column("targets", Text, nullable=False),
    Column("pause_statuses", String(100), nullable=False),
    Column("warning_percent", SmallInteger, nullable=False),
    Column("valid_from", _utc(), nullable=False),
    UniqueConstraint("policy_id", "version"),
)

#: Which agents work which queue (migration 0007): ``ticket take`` and ``T`` hand a queue's
#: tickets to its members.
queue_members = Table(
    "queue_members",
    metadata,
    Column("queue_id", ID, ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True),
    Column("agent_id", ID, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    Column("added_at", _utc(), nullable=False),
    Index("ix_queue_members_agent", "agent_id", "queue_id"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", ID, primary_key=True),
    Column("subject", Text, nullable=False),
    Column("type", String(20), nullable=False),
    Column("status", String(10), nullable=False),
    Column("priority", SmallInteger, nullable=False),
    Column("queue_id", ID, ForeignKey("queues.id"), nullable=False),
    Column("assignee_id", ID, ForeignKey("agents.id"), nullable=True),
    Column("requester_id", ID, ForeignKey("contacts.id"), nullable=True),
    Column("created_by_id", ID, ForeignKey("agents.id"), nullable=True),
    Column("channel", String(16), nullable=False),
    Column("created_at", _utc(), nullable=False),
    Column("updated_at", _utc(), nullable=False),
    Column("first_responded_at", _utc(), nullable=True),
    Column("solved_at", _utc(), nullable=True),
    Column("closed_at", _utc(), nullable=True),
    Column("first_response_due", _utc(), nullable=True),
    Column("resolution_due", _utc(), nullable=True),
    Column("merged_into_id", ID, ForeignKey("tickets.id"), nullable=True),
    Column("problem_id", ID, ForeignKey("tickets.id"), nullable=True),
    Column("version", ID, nullable=False, server_default="1"),
    # What the SLA workflow stores (migration 0008, docs/sla.md "What is stored on the
    # ticket"): ``sla_due`` is the earliest due of the running clocks, NULL when none runs.
    Column("sla_policy_id", ID, ForeignKey("sla_policies.id"), nullable=True),
    Column("next_response_due", _utc(), nullable=True),
    Column("next_response_started_at", _utc(), nullable=True),
    Column("sla_paused_at", _utc(), nullable=True),
    Column("sla_paused_seconds", ID, nullable=False, server_default="0"),
    Column("next_response_paused_seconds", ID, nullable=False, server_default="0"),
    Column("sla_due", _utc(), nullable=True),
    Column("sla_warn_at", _utc(), nullable=True),
    # The ``sla_due`` of the breach ``sla tick`` last escalated on (migration 0009).
    Column("sla_escalated_due", _utc(), nullable=True),
    # One index per list sort and per common filter + sort (ARCHITECTURE "Lists of any size").
    Index("ix_tickets_updated", "updated_at", "id"),
    Index("ix_tickets_created", "created_at", "id"),
    Index("ix_tickets_status_updated", "status", "updated_at", "id"),
    Index("ix_tickets_queue_updated", "queue_id", "updated_at", "id"),
    Index("ix_tickets_assignee_updated", "assignee_id", "updated_at", "id"),
    Index("ix_tickets_priority_updated", "priority", "updated_at", "id"),
    Index("ix_tickets_sla_due", "sla_due", "id"),
    Index("ix_tickets_queue_status", "queue_id", "status"),
    Index("ix_tickets_requester", "requester_id"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", ID, primary_key=True),
    Column("ticket_id", ID, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("author_agent_id", ID, ForeignKey("agents.id"), nullable=True),
    Column("author_contact_id", ID, ForeignKey("contacts.id"), nullable=True),
    Column("body", Text, nullable=False),
    Column("created_at", _utc(), nullable=False),
    # Written by the desk itself (a rule's acknowledgement): never a response (0011).
    Column("automatic", Boolean, nullable=False, server_default="0"),
    Index("ix_messages_ticket", "ticket_id", "id"),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", ID, primary_key=True),
    Column("ticket_id", ID, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("actor_id", ID, ForeignKey("agents.id"), nullable=True),
    Column("field", String(40), nullable=False),
    Column("old_value", Text, nullable=True),
    Column("new_value", Text, nullable=True),
    # The ticket's version after this change: "what changed since version N" is one query.
    Column("version", ID, nullable=False),
    Column("at", _utc(), nullable=False),
    #: The database login that made the change (migration 0017): on PostgreSQL its default
    #: is ``session_user``, beside ``actor_id``, the agent it acted as; NULL on SQLite.
    Column("login", String(63), nullable=True),
    Index("ix_audit_events_ticket", "ticket_id", "version"),
    Index("ix_audit_events_at", "at"),
)

#: Time spent on tickets (migration 0015, docs/time-and-ratings.md): one row per entry, by
#: the agent who logged it, with the reply or note it came with (None: an update alone).
time_entries = Table(
    "time_entries",
    metadata,
    Column("id", ID, primary_key=True),
    Column("ticket_id", ID, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("agent_id", ID, ForeignKey("agents.id"), nullable=False),
    Column("seconds", Integer, nullable=False),
    Column("at", _utc(), nullable=False),
    Column("message_id", ID, ForeignKey("messages.id", ondelete="SET NULL"), nullable=True),
    Index("ix_time_entries_ticket", "ticket_id"),
)

#: Satisfaction ratings (migration 0015): the requester's good or bad for one solve of a
#: ticket (``solved_at``: the ticket's ``solved_at`` when rated), one per solve; recorded by
#: an agent (``recorded_by_id``) or, later, by mail (None).
ratings = Table(
    "ratings",
    metadata,
    Column("id", ID, primary_key=True),
    Column("ticket_id", ID, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("rating", String(4), nullable=False),
    Column("comment", Text, nullable=True),
    Column("solved_at", _utc(), nullable=False),
    Column("recorded_at", _utc(), nullable=False),
    Column("recorded_by_id", ID, ForeignKey("agents.id"), nullable=True),
    UniqueConstraint("ticket_id", "solved_at"),
)

#: Presence (migration 0016): one heartbeat row per agent and ticket open in a console
#: (``activity``: viewing, replying or noting), counted while ``seen_at`` is recent; never a
#: lock (domain/tickets/presence.py).
presence = Table(
    "presence",
    metadata,
    Column("agent_id", ID, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    Column("ticket_id", ID, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("activity", String(16), nullable=False),
    Column("seen_at", _utc(), nullable=False),
    Index("ix_presence_seen_at", "seen_at"),
)

tags = Table(
    "tags",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
)

ticket_tags = Table(
    "ticket_tags",
    metadata,
    Column(
        "ticket_id",
        ID,
        ForeignKey("tickets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("tag_id", ID, ForeignKey("tags.id"), primary_key=True),
    Index("ix_ticket_tags_tag", "tag_id", "ticket_id"),
)

kb_articles = Table(
    "kb_articles",
    metadata,
    Column("id", ID, primary_key=True),
    Column("slug", String(200), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("category", String(100), nullable=False, server_default=""),
    Column("author_id", ID, ForeignKey("agents.id"), nullable=True),
    Column("created_at", _utc(), nullable=False),
    Column("updated_at", _utc(), nullable=False),
    Column("version", ID, nullable=False, server_default="1"),
)

kb_article_tags = Table(
    "kb_article_tags",
    metadata,
    Column(
        "article_id",
        ID,
        ForeignKey("kb_articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("tag_id", ID, ForeignKey("tags.id"), primary_key=True),
)

#: Triage rules (migration 0011, docs/rules.md): applied in ``position`` order to every new
#: ticket; ``actions`` is JSON; ``stop``: a match ends the run.
rules = Table(
    "rules",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("position", Integer, nullable=False),
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("condition", Text, nullable=False),
    Column("actions", Text, nullable=False),
    Column("stop", Boolean, nullable=False, server_default="1"),
    Column("created_at", _utc(), nullable=False),
    Column("updated_at", _utc(), nullable=False),
    Column("version", ID, nullable=False, server_default="1"),
)

saved_views = Table(
    "saved_views",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("query", Text, nullable=False),
    Column("sort", String(40), nullable=False, server_default="updated"),
    Column("position", SmallInteger, nullable=True),
    Column("owner_id", ID, ForeignKey("agents.id"), nullable=True),
    UniqueConstraint("owner_id", "name"),
)

#: Macros (migration 0012): a canned reply or note (a Jinja template, docs/macros.md) plus
#: field changes, applied to a ticket in one workflow step. ``owner_id`` None: shared.
macros = Table(
    "macros",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("kind", String(10), nullable=False, server_default="reply"),
    Column("body", Text, nullable=False, server_default=""),
    Column("status", String(20), nullable=True),
    Column("priority", String(10), nullable=True),
    Column("type", String(20), nullable=True),
    Column("queue", String(100), nullable=True),
    Column("assignee", String(100), nullable=True),
    Column("add_tags", Text, nullable=False, server_default=""),
    Column("remove_tags", Text, nullable=False, server_default=""),
    Column("owner_id", ID, ForeignKey("agents.id"), nullable=True),
    Column("created_at", _utc(), nullable=False),
    Column("updated_at", _utc(), nullable=False),
    UniqueConstraint("owner_id", "name"),
)


#: The notifications' templates as the desk's admins changed them (migration 0022,
#: docs/mail.md "Notifications"): one row per ``kind`` (received, replied, solved) that is not
#: the built-in text (``domain/mail/notices.py``); no row, the built-in one.
mail_templates = Table(
    "mail_templates",
    metadata,
    Column("id", ID, primary_key=True),
    Column("kind", String(10), nullable=False, unique=True),
    Column("body", Text, nullable=False),
    Column("updated_at", _utc(), nullable=False),
    Column("updated_by_id", ID, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True),
)


#: Mail the desk took in (and, later, sent out), migration 0014 (docs/mail.md). ``mail_key``
#: is the message's identity across deliveries: ``<Message-ID>`` (a long one as ``mid-sha256:``
#: its hash), or ``sha256:`` of the raw bytes when it has none; unique, so the same message
#: delivered twice, even at the same moment, is taken once. Threading looks replies up by the
#: keys of their In-Reply-To/References, incoming and outgoing rows alike (``direction``).
#: ``outcome``: created, appended, held (``held_reason`` says why); ``ticket_id`` and
#: ``message_id`` the ticket and thread entry the mail became. ``raw`` is the message as it
#: came, byte for byte.
mail_messages = Table(
    "mail_messages",
    metadata,
    Column("id", ID, primary_key=True),
    Column("mail_key", String(300), nullable=False, unique=True),
    Column("direction", String(3), nullable=False, server_default="in"),
    Column("message_id_header", Text, nullable=True),
    Column("content_sha256", String(64), nullable=False),
    Column("sender", String(320), nullable=True),
    Column("subject", Text, nullable=False, server_default=""),
    Column("outcome", String(10), nullable=False),
    Column("held_reason", Text, nullable=True),
    Column("ticket_id", ID, ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True),
    Column("message_id", ID, ForeignKey("messages.id", ondelete="SET NULL"), nullable=True),
    Column("received_at", _utc(), nullable=False),
    Column("raw", LargeBinary, nullable=False),
    Index("ix_mail_messages_ticket_id", "ticket_id"),
    Index("ix_mail_messages_received_at", "received_at"),
)

#: Mail the desk is to send, migration 0021 (docs/mail.md, "Sending"): a public reply
#: (``message_id``) or a notification (``kind`` received, solved), enqueued in the transaction
#: that wrote it. ``status``: queued, sending (claimed until ``claimed_until``), retrying,
#: sent, failed, skipped; ``version`` guards every change, so two senders never take one row.
mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", ID, primary_key=True),
    Column("ticket_id", ID, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("message_id", ID, ForeignKey("messages.id", ondelete="CASCADE"), nullable=True),
    Column("kind", String(10), nullable=False),
    Column("automatic", Boolean, nullable=False, server_default="0"),
    Column("recipient", String(320), nullable=False),
    Column("status", String(10), nullable=False, server_default="queued"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_try", _utc(), nullable=False),
    Column("failing_since", _utc(), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("claimed_until", _utc(), nullable=True),
    Column("message_id_header", Text, nullable=True),
    Column("created_at", _utc(), nullable=False),
    Column("sent_at", _utc(), nullable=True),
    Column("version", ID, nullable=False, server_default="1"),
    Index("ix_mail_outbox_status_next_try", "status", "next_try"),
    Index("ix_mail_outbox_ticket_id", "ticket_id"),
    Index("ix_mail_outbox_message_id", "message_id"),
)


#: Attachments (migration 0019, docs/mail.md "Attachments"). ``attachment_blobs`` holds each
#: distinct content once, its SHA-256 unique (the same file in two mails is stored once);
#: attachments name their blob by that hash, so that under row security a login can add a
#: file whose bytes are already stored for a ticket it cannot see;
#: ``attachments`` one row per file as it came with a thread entry (``message_id``): its
#: sanitized name, content type and size. ``refused`` says why a file was not kept (larger
#: than ``[attachments] max_size``): such a row has no blob. A ticket's attachments are
#: numbered 1, 2, ... in ``id`` order.
attachment_blobs = Table(
    "attachment_blobs",
    metadata,
    Column("id", ID, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("size", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", _utc(), nullable=False),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", ID, primary_key=True),
    Column("ticket_id", ID, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("message_id", ID, ForeignKey("messages.id", ondelete="SET NULL"), nullable=True),
    Column("name", String(255), nullable=False),
    Column("content_type", String(255), nullable=False),
    Column("size", BigInteger, nullable=False),
    # Deferred: the attachment row goes first, so that under row security the blob it holds
    # is visible to the login adding it (store/security.py: secure_attachments).
    Column(
        "sha256",
        String(64),
        ForeignKey("attachment_blobs.sha256", deferrable=True, initially="DEFERRED"),
        nullable=True,
    ),
    Column("inline", Boolean, nullable=False, server_default="0"),
    Column("refused", Text, nullable=True),
    Column("created_at", _utc(), nullable=False),
    Index("ix_attachments_ticket", "ticket_id", "id"),
    Index("ix_attachments_sha256", "sha256"),
)
