"""Migrations (ARCHITECTURE "Migrations"): an older database upgrades without losing a row,
the schema the migrations build is the schema the code declares, and a database that does not
match the code is refused with the exact thing to do."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import func, insert, inspect, select, text

from deskterm.domain import queues, tickets
from deskterm.domain.kb import articles as kb
from deskterm.domain.people import agents as agents
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.errors import PermissionDenied, SchemaMismatch, StoreUnavailable
from deskterm.store import migrate, schema
from deskterm.store.engine import Store, make_engine, new_id
from deskterm.store.migrate import SchemaStatus
from deskterm.store.migrations import HEAD, REVISIONS

FIRST = "0001_initial"
THEN = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)
COUNTED = [
    "agents",
    "organizations",
    "contacts",
    "queues",
    "tickets",
    "messages",
    "audit_events",
    "tags",
    "ticket_tags",
    "kb_articles",
    "kb_article_tags",
    "saved_views",
]


#: The columns of each counted table in the first release (0001_initial).
FIRST_COLUMNS = {name: {c.name for c in schema.metadata.tables[name].c} for name in COUNTED} | {
    "agents": {c.name for c in schema.agents.c} - {"db_role"},
    "queues": {c.name for c in schema.queues.c}
    - {"default_sla_policy_id", "auto_reply", "confidential"},
    "messages": {c.name for c in schema.messages.c} - {"automatic"},
    "audit_events": {c.name for c in schema.audit_events.c} - {"login"},
    "tickets": {c.name for c in schema.tickets.c}
    - {
        "sla_policy_id",
        "next_response_due",
        "next_response_started_at",
        "sla_paused_at",
        "sla_paused_seconds",
        "next_response_paused_seconds",
        "sla_due",
        "sla_warn_at",
        "sla_escalated_due",
    },
}


def store_for(url: str) -> Store:
    return Store(make_engine(url), url)


def alembic_config(conn) -> Config:
    """The same configuration ``deskterm.store.migrate.upgrade`` uses."""
    config = Config()
    config.set_main_option("script_location", "deskterm.store:migrations")
    config.attributes["connection"] = conn
    return config


def upgrade_to(store: Store, revision: str) -> None:
    with store.write() as conn:
        command.upgrade(alembic_config(conn), revision)


def fill_old_database(store: Store) -> dict[str, int]:
    """Rows as a desk of the first release holds them, written with plain SQL."""
    s = schema
    ids: dict[str, int] = {}

    def add(key: str, table, /, **values) -> int:
        ids[key] = new_id(conn.execute(insert(table).values(**values)))
        return ids[key]

    with store.write() as conn:
        alice = add("alice", s.agents, handle="alice", name="Alice", role="admin", created_at=THEN)
        bob = add("bob", s.agents, handle="bob", name="Bob", role="agent", created_at=THEN)
        acme = add(
            "acme", s.organizations, name="Acme Corp", domain="acme.example", created_at=THEN
        )
        jane = add(
            "jane",
            s.contacts,
            name="Jane Doe",
            email="jane@acme.example",
            organization_id=acme,
            created_at=THEN,
        )
        queue = add("queue", s.queues, name="Service Desk", tier="L1", created_at=THEN)
        for name, subject, status in [
            ("mailbox", "Mailbox quota exceeded", "open"),
            ("projector", "Projector in room 4 flickers", "new"),
            ("closed", "Old closed matter", "closed"),
        ]:
            add(
                name,
                s.tickets,
                subject=subject,
                type="incident",
                status=status,
                priority=2,
                queue_id=queue,
                assignee_id=bob if name == "mailbox" else None,
                requester_id=jane,
                created_by_id=alice,
                channel="email",
                created_at=THEN,
                updated_at=THEN,
                version=2,
            )
        mailbox, projector = ids["mailbox"], ids["projector"]
        add(
            "m1",
            s.messages,
            ticket_id=mailbox,
            kind="reply",
            author_contact_id=jane,
            body="My mailbox is full of attachments",
            created_at=THEN,
        )
        add(
            "m2",
            s.messages,
            ticket_id=mailbox,
            kind="note",
            author_agent_id=bob,
            body="Archive policy applies, see kangaroo procedure",
            created_at=THEN,
        )
        add(
            "m3",
            s.messages,
            ticket_id=projector,
            kind="event",
            body="eventonlyword",
            created_at=THEN,
        )
        for name in ("mailbox", "projector", "closed"):
            conn.execute(
                insert(s.audit_events).values(
                    ticket_id=ids[name],
                    actor_id=alice,
                    field="created",
                    new_value="x",
                    version=1,
                    at=THEN,
                )
            )
        mail = add("mail", s.tags, name="mail")
        av = add("av", s.tags, name="av")
        conn.execute(insert(s.ticket_tags).values(ticket_id=mailbox, tag_id=mail))
        conn.execute(insert(s.ticket_tags).values(ticket_id=projector, tag_id=av))
        article = add(
            "article",
            s.kb_articles,
            slug="mailbox-quota",
            title="Mailbox quota",
            body="Archive old mail to free space in your wombat folder",
            category="Mail",
            author_id=alice,
            created_at=THEN,
            updated_at=THEN,
            version=1,
        )
        conn.execute(insert(s.kb_article_tags).values(article_id=article, tag_id=mail))
        add("view", s.saved_views, name="Mine", query="is:mine", sort="updated", owner_id=alice)
    return ids


def counts(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return {
            name: int(
                conn.execute(
                    select(func.count()).select_from(schema.metadata.tables[name])
                ).scalar_one()
            )
            for name in COUNTED
        }


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every deskterm table, as plain tuples, for before/after comparisons.

    Only the columns the first release had: later revisions add columns (0008: the SLA
    columns of tickets and queues; 0009: the escalation mark; 0011: automatic messages; 0017:
    logins, confidential queues, the login of each audit event),
    which an older database cannot be asked for and whose defaults are not rows to keep.
    """
    with store.read() as conn:
        return {
            name: sorted(
                tuple(row)
                for row in conn.execute(
                    select(
                        *(
                            c
                            for c in schema.metadata.tables[name].c
                            if c.name in FIRST_COLUMNS[name]
                        )
                    )
                )
            )
            for name in COUNTED
        }


def alembic_version(store: Store) -> str | None:
    with store.read() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


# ------------------------------------------------------------------ (a) upgrade keeps data


def test_database_of_the_first_release_upgrades_to_head_keeping_every_row(empty_url):
    store = store_for(empty_url)
    try:
        upgrade_to(store, FIRST)
        assert migrate.state(store).status is SchemaStatus.BEHIND
        ids = fill_old_database(store)
        before = dump(store)

        migrate.upgrade(store)

        assert migrate.state(store).status is SchemaStatus.CURRENT
        assert alembic_version(store) == HEAD
        assert dump(store) == before
        assert counts(store)["tickets"] == 3
    finally:
        store.dispose()

    desk = open_desk(empty_url, "bob")
    try:
        assert {t.subject for t in ticket_read.list_page(desk).items} == {
            "Mailbox quota exceeded",
            "Projector in room 4 flickers",
            "Old closed matter",
        }
        detail = ticket_read.detail(desk, ids["mailbox"])
        assert detail.ticket.requester == "jane@acme.example"
        assert detail.ticket.organization == "Acme Corp"
        assert detail.ticket.tags == ("mail",)
        assert detail.messages[0].body == "My mailbox is full of attachments"
        assert agents.whoami(desk).role == "agent"
    finally:
        desk.close()


def test_search_index_finds_tickets_and_articles_written_before_the_upgrade(empty_url):
    store = store_for(empty_url)
    try:
        upgrade_to(store, FIRST)
        ids = fill_old_database(store)
        migrate.upgrade(store)
    finally:
        store.dispose()

    desk = open_desk(empty_url, "alice")
    try:

        def found(query: str) -> set[int]:
            return {t.id for t in ticket_read.list_page(desk, query).items}

        mailbox, projector = ids["mailbox"], ids["projector"]
        assert found("mailbox") == {mailbox}
        assert found("projector") == {projector}
        assert found("kangaroo") == {mailbox}  # an internal note of the old thread
        assert found("attachments quota") == {mailbox}
        assert found("eventonlyword") == set()  # system events are not searched
        assert [h.slug for h in kb.search_articles(desk, "wombat")] == ["mailbox-quota"]
        # The index keeps up with new writes after the upgrade too.
        tickets.reply(desk, projector, "Replaced the platypus cable")
        assert found("platypus") == {projector}
        new = tickets.create(desk, subject="Fresh echidna problem")
        assert found("echidna") == {new.id}
    finally:
        desk.close()


# ------------------------------------------------------------------ (b) revision list


def test_revision_list_matches_the_migration_scripts():
    assert list(REVISIONS) == migrate.script_revisions()
    assert REVISIONS[-1] == HEAD
    assert REVISIONS[0] == FIRST


# ------------------------------------------------------------------ (c) refusing databases


def test_database_behind_the_code_is_refused_saying_it_is_behind(empty_url):
    store = store_for(empty_url)
    try:
        upgrade_to(store, FIRST)
        fill_old_database(store)
        before = dump(store)
    finally:
        store.dispose()
    with pytest.raises(SchemaMismatch) as caught:
        open_desk(empty_url, "alice")
    assert FIRST in str(caught.value) and HEAD in str(caught.value)
    assert caught.value.status == "behind"  # the CLI adds: deskterm db migrate
    store = store_for(empty_url)
    try:
        assert alembic_version(store) == FIRST
        assert dump(store) == before
    finally:
        store.dispose()


def test_database_from_a_newer_deskterm_is_refused_and_left_untouched(backend_url):
    desk = open_desk(backend_url, "alice")
    tickets.create(desk, subject="Written by the future")
    with desk.store.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    before = dump(desk.store)
    desk.close()

    with pytest.raises(StoreUnavailable) as caught:
        open_desk(backend_url, "alice")
    message = str(caught.value)
    assert "newer" in message
    assert "9999_future" in message
    assert "nothing was changed" in message

    store = store_for(backend_url)
    try:
        assert alembic_version(store) == "9999_future"
        assert dump(store) == before
        assert migrate.state(store).status is SchemaStatus.AHEAD
    finally:
        store.dispose()


def test_foreign_database_is_refused_and_left_untouched(empty_url):
    store = store_for(empty_url)
    try:
        with store.write() as conn:
            conn.execute(text("CREATE TABLE invoices (id integer primary key, total integer)"))
            conn.execute(text("INSERT INTO invoices (id, total) VALUES (1, 100)"))
    finally:
        store.dispose()

    with pytest.raises(StoreUnavailable, match="not a deskterm database"):
        open_desk(empty_url, "alice")

    store = store_for(empty_url)
    try:
        with store.read() as conn:
            assert set(inspect(conn).get_table_names()) == {"invoices"}
            assert conn.execute(text("SELECT total FROM invoices")).scalar() == 100
    finally:
        store.dispose()


def test_empty_database_is_initialized_on_first_open_with_the_actor_as_admin(empty_url):
    desk = open_desk(empty_url, "dave")
    try:
        me = agents.whoami(desk)
        assert (me.handle, me.role) == ("dave", "admin")
        assert [q.name for q in queues.list_queues(desk)] == ["Service Desk"]
        assert migrate.state(desk.store).status is SchemaStatus.CURRENT
        assert tickets.create(desk, subject="First!").queue == "Service Desk"
    finally:
        desk.close()

    # The second person to open it is not made an admin, nor an agent at all.
    erin = open_desk(empty_url, "erin")
    try:
        with pytest.raises(PermissionDenied, match="erin"):
            agents.whoami(erin)
    finally:
        erin.close()


def test_empty_database_without_initialize_is_refused_saying_it_has_no_schema(empty_url):
    with pytest.raises(SchemaMismatch, match="no deskterm schema yet") as caught:
        open_desk(empty_url, "dave", initialize=False)
    assert caught.value.status == "empty"  # the CLI adds: deskterm db init
    store = store_for(empty_url)
    try:
        assert migrate.state(store).status is SchemaStatus.EMPTY
    finally:
        store.dispose()


# ------------------------------------------------------------------ (d) schema drift

_SEARCH_TABLES = ("ticket_fts", "kb_fts", "ticket_search")
_SEARCH_INDEXES = ("ix_kb_articles_search", "ix_ticket_search_doc")


def _not_search(obj, name, type_, reflected, compare_to) -> bool:
    """Skip what the search migration builds with raw SQL (FTS tables, tsvector, triggers)."""
    if type_ == "table" and name and (name.startswith(_SEARCH_TABLES) or name == "alembic_version"):
        return False
    if type_ == "index" and (name in _SEARCH_INDEXES or name.startswith("ix_tickets_unsolved_")):
        return False
    return not (type_ == "column" and name == "search_doc")


# SQLite's reflection cannot read an expression index (0024) and says so; PostgreSQL compares it.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_migrated_schema_matches_the_declared_tables(empty_url, backend, request):
    store = store_for(empty_url)
    try:
        migrate.upgrade(store)
        with store.read() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": _not_search, "compare_type": True}
            )
            differences = compare_metadata(context, schema.metadata)
    finally:
        store.dispose()
    assert differences == []


def test_alembic_check_through_the_shipped_env_finds_no_drift(empty_url, backend, request):
    store = store_for(empty_url)
    try:
        migrate.upgrade(store)
        with store.write() as conn:
            command.check(alembic_config(conn))
    finally:
        store.dispose()


# ------------------------------------------------------------------ (e) 64-bit ids


@pytest.mark.parametrize("backend", ["postgres"])
def test_upgrading_the_previous_release_makes_every_id_and_version_64_bit_keeping_rows(
    empty_url,
):
    store = store_for(empty_url)
    try:
        upgrade_to(store, "0005_planner_statistics")
        fill_old_database(store)
        before = dump(store)

        migrate.upgrade(store)

        assert dump(store) == before
        with store.read() as conn:
            narrow = conn.execute(
                text(
                    "SELECT table_name || '.' || column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND data_type <> 'bigint' "
                    "AND (column_name IN ('id', 'version') OR column_name LIKE '%\\_id')"
                )
            ).scalars()
            sequences = conn.execute(
                text("SELECT DISTINCT data_type FROM information_schema.sequences")
            ).scalars()
            assert (sorted(narrow), sorted(sequences)) == ([], ["bigint"])
        with store.write() as conn:
            setval = "SELECT setval(pg_get_serial_sequence('tickets', 'id'), :n)"
            conn.execute(text(setval), {"n": 2**33})
    finally:
        store.dispose()

    desk = open_desk(empty_url, "alice")
    try:
        ticket = tickets.create(desk, subject="Quokka loose in the server room")
        tickets.note(desk, ticket.id, "Wombat spotted near rack 12")
        assert ticket.id == 2**33 + 1
        assert [t.id for t in ticket_read.list_page(desk, "wombat").items] == [ticket.id]
    finally:
        desk.close()


# ------------------------------------------------------------------ (f) 0024: contacts by address


def test_upgrading_to_0024_indexes_contacts_by_their_address_in_any_case_keeping_rows(empty_url):
    store = store_for(empty_url)
    try:
        upgrade_to(store, "0023_confidential_mail_and_rules")
        ids = fill_old_database(store)
        before = dump(store)

        upgrade_to(store, "0024_contact_email_index")

        assert dump(store) == before
        with store.write() as conn:
            lookup = "SELECT id FROM contacts WHERE lower(email) = 'jane@acme.example'"
            if conn.dialect.name == "sqlite":
                plan = " ".join(
                    str(row[-1]) for row in conn.execute(text("EXPLAIN QUERY PLAN " + lookup))
                )
            else:
                # Three contacts are a sequential scan's to read; the index must be usable.
                conn.execute(text("SET LOCAL enable_seqscan = off"))
                plan = " ".join(str(row[0]) for row in conn.execute(text("EXPLAIN " + lookup)))
            assert "ix_contacts_email_lower" in plan
            assert conn.execute(text(lookup)).scalar() == ids["jane"]
    finally:
        store.dispose()
