"""The PostgreSQL database a test gets is the template's desk, whatever the test before did.

tests/support_pg.py reuses one working database per test process and puts it back after each
test; these tests change it the ways tests do and check what the next test would see.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, func, select, text

from deskterm.domain import tickets
from deskterm.domain.people import agents as agents
from deskterm.domain.setup import open_desk
from deskterm.store import schema
from support_pg import ReusedDatabase, admin_url


@pytest.fixture
def desk_database(pg_desk_database: ReusedDatabase) -> Iterator[ReusedDatabase]:
    """The working desk database, put back after the test as ``backend_url`` does."""
    yield pg_desk_database
    pg_desk_database.reset()


@pytest.fixture
def empty_database(pg_empty_database: ReusedDatabase) -> Iterator[ReusedDatabase]:
    yield pg_empty_database
    pg_empty_database.reset()


def _everything(url: str) -> dict[str, object]:
    """Every row of every table, and the next value of every sequence, as a comparable value."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            ).scalars()
            state: dict[str, object] = {}
            for table in list(tables):
                rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
                state[table] = sorted(tuple(map(str, row)) for row in rows)
            sequences = conn.execute(
                text("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")
            ).all()
            state["sequences"] = [tuple(row) for row in sequences]
            return state
    finally:
        engine.dispose()


def test_rows_agents_sequences_and_the_schema_version_come_back(
    desk_database: ReusedDatabase,
) -> None:
    url = desk_database.url()
    first = _everything(url)
    replaced = desk_database.replaced

    desk = open_desk(url, "alice")
    made = tickets.create(desk, subject="Left behind", body="by the test before", tags=["x"])
    tickets.note(desk, made.id, "and a note")
    agents.add_agent(desk, "zoe", name="Zoe", role="agent", email="zoe@corp.example")
    with desk.store.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    desk.close()
    assert _everything(url) != first

    desk_database.reset()

    assert desk_database.replaced == replaced, desk_database.why_replaced
    assert desk_database.url() == url  # the same database, not a new one
    assert _everything(url) == first
    again = open_desk(url, "alice")
    try:
        assert tickets.create(again, subject="First of the next test").id == made.id
    finally:
        again.close()


def test_a_connection_left_open_in_a_transaction_does_not_block_the_reset(
    desk_database: ReusedDatabase,
) -> None:
    url = desk_database.url()
    first = _everything(url)
    leaked = create_engine(url).connect()
    leaked.begin()
    leaked.execute(text("UPDATE agents SET name = 'changed by a test that never ended'"))
    leaked.execute(text("LOCK TABLE tickets IN ACCESS EXCLUSIVE MODE"))

    desk_database.reset()

    assert _everything(url) == first


def test_a_test_that_changes_the_schema_gets_a_new_database_for_the_next(
    desk_database: ReusedDatabase,
) -> None:
    url = desk_database.url()
    first = _everything(url)
    replaced = desk_database.replaced
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE tickets DISABLE TRIGGER ticket_search_ticket"))
    engine.dispose()

    desk_database.reset()

    assert desk_database.replaced == replaced + 1
    fresh = desk_database.url()
    assert fresh != url
    assert _everything(fresh) == first
    engine = create_engine(fresh)
    with engine.connect() as conn:
        enabled = conn.execute(
            text("SELECT tgenabled FROM pg_trigger WHERE tgname = 'ticket_search_ticket'")
        ).scalar_one()
    engine.dispose()
    assert enabled == "O"


def _sizes(url: str) -> dict[str, tuple[object, ...]]:
    """Every user relation's planner statistics and size estimates, by name."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            sizes = conn.execute(
                text(
                    "SELECT c.relname, c.relpages, c.reltuples, c.relallvisible, "
                    "(SELECT count(*) FROM pg_statistic s WHERE s.starelid = c.oid) "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public'"
                )
            ).all()
            return {row[0]: tuple(row[1:]) for row in sizes}
    finally:
        engine.dispose()


@pytest.mark.parametrize("analyze", ["ANALYZE tickets", "ANALYZE"])
def test_planner_statistics_left_by_a_test_are_not_kept(
    desk_database: ReusedDatabase, analyze: str
) -> None:
    url = desk_database.url()
    replaced = desk_database.replaced
    forgotten = desk_database.statistics_forgotten
    desk = open_desk(url, "alice")
    for n in range(20):
        tickets.create(desk, subject=f"Ticket {n}")
    desk.close()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(analyze))  # ``db seed`` ends with a bare ANALYZE
    engine.dispose()
    assert _sizes(url)["tickets"][3] > 0  # the test did leave statistics

    desk_database.reset()

    # Forgotten in place, not by a new clone: the next test's planner sees what the
    # template's clone shows it.
    assert desk_database.replaced == replaced, desk_database.why_replaced
    assert desk_database.statistics_forgotten == forgotten + 1
    assert desk_database.url() == url
    assert desk_database.template is not None
    assert _sizes(url) == _sizes(admin_url(desk_database.template))
    engine = create_engine(desk_database.url())
    with engine.connect() as conn:
        kept = conn.execute(
            text("SELECT count(*) FROM pg_stats WHERE tablename = 'tickets'")
        ).scalar_one()
        count = conn.execute(select(func.count()).select_from(schema.tickets)).scalar_one()
    engine.dispose()
    assert (kept, count) == (0, 0)
    assert _everything(url) == _everything(admin_url(desk_database.template))


def test_statistics_with_another_change_of_shape_still_get_a_new_database(
    desk_database: ReusedDatabase,
) -> None:
    url = desk_database.url()
    replaced = desk_database.replaced
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.execute(text("CREATE INDEX tickets_subject_test ON tickets (subject)"))
    engine.dispose()

    desk_database.reset()

    assert desk_database.replaced == replaced + 1
    assert desk_database.why_replaced.startswith("its shape changed"), desk_database.why_replaced
    new_url = desk_database.url()
    assert new_url != url
    assert "tickets_subject_test" not in _sizes(new_url)
    assert _sizes(new_url) == _sizes(admin_url(desk_database.template or ""))


def test_an_empty_database_is_empty_again_after_a_test_migrated_it(
    empty_database: ReusedDatabase,
) -> None:
    url = empty_database.url()
    replaced = empty_database.replaced
    open_desk(url, "dave").close()  # first use: schema at head, dave its admin

    empty_database.reset()

    assert empty_database.replaced == replaced, empty_database.why_replaced
    assert empty_database.url() == url  # emptied, not replaced

    engine = create_engine(empty_database.url())
    with engine.connect() as conn:
        left = conn.execute(
            text(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public'"
            )
        ).scalar_one()
        usage = conn.execute(
            text("SELECT has_schema_privilege('public', 'public', 'USAGE')")
        ).scalar_one()
    engine.dispose()
    assert left == 0
    assert usage is True
