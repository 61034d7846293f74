"""Under contention the store waits within limits and then says what happened, by kind
(store/failures.py): a desk another process keeps is ``Busy`` (exit 4), a deadlock or a
serialization failure is a ``RetryableConflict`` for the domain to retry, and nothing half
done is kept. Real locks, real connections: a raw SQLite connection holding the write lock,
PostgreSQL sessions deadlocking and idling in a transaction.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.setup import connect
from deskterm.domain.tickets import read as ticket_read
from deskterm.errors import Busy, InvalidInput, ReadOnlyDesk, RetryableConflict, StoreUnavailable
from deskterm.store.engine import Store
from deskterm.store.options import StoreOptions

POSTGRES_ONLY = pytest.mark.parametrize("backend", ["postgres"])
PG_TIMEOUTS = ("lock_timeout", "statement_timeout", "idle_in_transaction_session_timeout")


def _description(store: Store) -> str:
    with store.read() as conn:
        return str(conn.execute(text("SELECT description FROM queues WHERE tier = 'L1'")).scalar())


# -- SQLite: another process holds the write lock ---------------------------------------------


@pytest.fixture
def held_sqlite_lock(sqlite_desk: Desk) -> Iterator[sqlite3.Connection]:
    """Another process's connection in the middle of a write transaction."""
    path = sqlite_desk.store.sqlite_path
    assert path is not None
    raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    raw.execute("BEGIN IMMEDIATE")
    raw.execute("UPDATE queues SET description = 'held by the other process' WHERE tier = 'L1'")
    yield raw
    if raw.in_transaction:
        raw.execute("ROLLBACK")
    raw.close()


def test_a_sqlite_writer_kept_waiting_hears_about_it_and_then_writes(
    sqlite_desk: Desk, held_sqlite_lock: sqlite3.Connection
) -> None:
    heard: list[float] = []

    def waiting(seconds: float) -> None:
        heard.append(seconds)
        if len(heard) == 2:  # the other process finishes while we wait
            held_sqlite_lock.execute("COMMIT")

    options = StoreOptions(busy_timeout=0, notice_after=0, on_wait=waiting)
    store = connect(sqlite_desk.store.url, options=options)
    try:
        with store.write() as conn:
            conn.execute(text("UPDATE queues SET description = 'mine' WHERE tier = 'L1'"))
    finally:
        store.dispose()

    assert len(heard) == 2
    assert heard == sorted(heard)
    assert _description(sqlite_desk.store) == "mine"


def test_a_sqlite_writer_that_waits_past_busy_timeout_is_busy_and_changes_nothing(
    sqlite_desk: Desk, held_sqlite_lock: sqlite3.Connection
) -> None:
    store = connect(sqlite_desk.store.url, options=StoreOptions(busy_timeout=0.3))
    try:
        with pytest.raises(Busy) as caught, store.write() as conn:
            conn.execute(text("UPDATE queues SET description = 'lost?' WHERE tier = 'L1'"))
    finally:
        store.dispose()
    held_sqlite_lock.execute("ROLLBACK")

    assert "another process is writing to it" in caught.value.message
    assert "busy_timeout" in caught.value.message
    assert _description(sqlite_desk.store) != "lost?"


def test_a_domain_write_on_a_busy_sqlite_desk_raises_busy_and_creates_nothing(
    sqlite_desk: Desk, held_sqlite_lock: sqlite3.Connection
) -> None:
    store = connect(sqlite_desk.store.url, options=StoreOptions(busy_timeout=0.2))
    desk = Desk(store, "alice")
    try:
        with pytest.raises(Busy):
            tickets.create(desk, subject="Projector flickers")
    finally:
        desk.close()
    held_sqlite_lock.execute("ROLLBACK")

    assert ticket_read.list_page(sqlite_desk, "Projector").items == ()


# -- PostgreSQL ---------------------------------------------------------------------------------


def _psycopg(url: str) -> psycopg.Connection:
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        dbname=parsed.database,
    )


def _backend_gone(url: str, pid: int) -> bool:
    with _psycopg(url) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
        count = row.fetchone()
        return count is not None and count[0] == 0


@POSTGRES_ONLY
def test_every_postgresql_connection_carries_the_configured_timeouts(backend_url: str) -> None:
    options = StoreOptions(
        lock_timeout=2.5, statement_timeout=90, idle_in_transaction_session_timeout=0
    )
    store = connect(backend_url, options=options)
    try:
        with store.read() as conn:
            shown = {name: conn.exec_driver_sql(f"SHOW {name}").scalar() for name in PG_TIMEOUTS}
    finally:
        store.dispose()
    assert shown == {
        "lock_timeout": "2500ms",
        "statement_timeout": "90s",
        "idle_in_transaction_session_timeout": "0",
    }


@POSTGRES_ONLY
def test_the_default_postgresql_timeouts_are_the_documented_ones(desk: Desk) -> None:
    with desk.store.read() as conn:
        shown = [conn.exec_driver_sql(f"SHOW {name}").scalar() for name in PG_TIMEOUTS]
    assert shown == ["10s", "5min", "1min"]


@POSTGRES_ONLY
def test_a_writer_blocked_by_a_client_idle_in_a_transaction_is_busy_after_lock_timeout(
    desk: Desk, backend_url: str
) -> None:
    ticket = tickets.create(desk, subject="Mail relay queue growing")
    frozen = _psycopg(backend_url)  # a suspended laptop, mid-transaction, holding the row
    frozen.execute("UPDATE tickets SET subject = 'half-typed' WHERE id = %s", (ticket.id,))
    store = connect(backend_url, options=StoreOptions(lock_timeout=0.3))
    other = Desk(store, "bob")
    try:
        with pytest.raises(Busy) as caught:
            tickets.update(other, ticket.id, tickets.Changes(priority="urgent"))
    finally:
        other.close()
        frozen.rollback()
        frozen.close()

    assert "lock_timeout" in caught.value.message
    current = ticket_read.get(desk, ticket.id)
    assert (current.subject, current.priority, current.version) == (
        "Mail relay queue growing",
        "normal",
        ticket.version,
    )


@POSTGRES_ONLY
def test_a_client_idle_in_a_transaction_is_cut_off_and_its_change_is_lost_not_kept(
    desk: Desk, backend_url: str
) -> None:
    ticket = tickets.create(desk, subject="Badge reader at door 3")
    store = connect(backend_url, options=StoreOptions(idle_in_transaction_session_timeout=0.3))
    try:
        with pytest.raises(StoreUnavailable) as caught, store.write() as conn:
            conn.execute(
                text("UPDATE tickets SET subject = 'never saved' WHERE id = :id"), {"id": ticket.id}
            )
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            while not _backend_gone(backend_url, pid):  # the client is frozen meanwhile
                threading.Event().wait(0.05)
            conn.execute(text("SELECT 1"))
    finally:
        store.dispose()

    assert "idle_in_transaction_session_timeout" in caught.value.message
    assert ticket_read.get(desk, ticket.id).subject == "Badge reader at door 3"


@POSTGRES_ONLY
def test_a_statement_over_statement_timeout_is_busy(backend_url: str) -> None:
    store = connect(backend_url, options=StoreOptions(statement_timeout=0.2))
    try:
        with pytest.raises(Busy) as caught, store.read() as conn:
            conn.exec_driver_sql("SELECT pg_sleep(30)")
    finally:
        store.dispose()
    assert "statement_timeout" in caught.value.message


@POSTGRES_ONLY
def test_a_real_deadlock_is_a_retryable_conflict_for_one_side_and_loses_nothing(
    desk: Desk, backend_url: str
) -> None:
    first = tickets.create(desk, subject="Deadlock A")
    second = tickets.create(desk, subject="Deadlock B")
    both_hold_one = threading.Barrier(2, timeout=30)
    outcomes: dict[str, BaseException | None] = {}

    def writer(name: str, mine: int, theirs: int) -> None:
        store = connect(backend_url)
        try:
            with store.write() as conn:
                update = text("UPDATE tickets SET subject = subject || :s WHERE id = :id")
                conn.execute(update, {"s": f" [{name}]", "id": mine})
                both_hold_one.wait()
                conn.execute(update, {"s": f" [{name}]", "id": theirs})
            outcomes[name] = None
        except BaseException as exc:
            outcomes[name] = exc
        finally:
            store.dispose()

    threads = [
        threading.Thread(target=writer, args=("one", first.id, second.id)),
        threading.Thread(target=writer, args=("two", second.id, first.id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    failed = {name: exc for name, exc in outcomes.items() if exc is not None}
    assert len(outcomes) == 2 and len(failed) == 1, outcomes
    ((loser, error),) = failed.items()
    assert isinstance(error, RetryableConflict), repr(error)
    assert "deadlock" in error.message
    winner = "two" if loser == "one" else "one"
    subjects = {ticket_read.get(desk, t.id).subject for t in (first, second)}
    assert subjects == {f"Deadlock A [{winner}]", f"Deadlock B [{winner}]"}


@POSTGRES_ONLY
def test_a_real_serialization_failure_is_a_retryable_conflict(desk: Desk, backend_url: str) -> None:
    ticket = tickets.create(desk, subject="Serialized")
    read = text("SELECT subject FROM tickets WHERE id = :id")
    write = text("UPDATE tickets SET subject = 'mine' WHERE id = :id")
    store = connect(backend_url)
    try:
        with (
            pytest.raises(RetryableConflict, match="serialization failure"),
            store.translated(),
            store.engine.connect() as raw,
        ):
            conn = raw.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                conn.execute(read, {"id": ticket.id})
                with _psycopg(backend_url) as other:  # commits in between
                    other.execute(
                        "UPDATE tickets SET subject = 'theirs' WHERE id = %s", [ticket.id]
                    )
                conn.execute(write, {"id": ticket.id})
    finally:
        store.dispose()
    assert ticket_read.get(desk, ticket.id).subject == "theirs"


@POSTGRES_ONLY
def test_a_read_only_postgresql_database_is_read_only_desk(desk: Desk, backend_url: str) -> None:
    ticket = tickets.create(desk, subject="Before the freeze")
    database = make_url(backend_url).database
    with desk.store.write() as conn:
        conn.exec_driver_sql(f'ALTER DATABASE "{database}" SET default_transaction_read_only = on')
    store = connect(backend_url)
    frozen = Desk(store, "alice")
    try:
        assert ticket_read.get(frozen, ticket.id).subject == "Before the freeze"
        with pytest.raises(ReadOnlyDesk, match="read-only"):
            tickets.note(frozen, ticket.id, "during the freeze")
    finally:
        frozen.close()


@POSTGRES_ONLY
def test_a_number_out_of_range_for_postgresql_is_invalid_input_without_sql(
    backend_url: str,
) -> None:
    store = connect(backend_url)
    try:
        with pytest.raises(InvalidInput) as caught, store.read() as conn:
            conn.execute(text("SELECT CAST(:n AS bigint)"), {"n": 2**63})
    finally:
        store.dispose()
    assert "SELECT" not in caught.value.message
    assert "out of range" in caught.value.message


def test_store_options_defaults_are_what_the_docs_say() -> None:
    options = StoreOptions()
    assert (
        options.busy_timeout,
        options.lock_timeout,
        options.statement_timeout,
        options.idle_in_transaction_session_timeout,
    ) == (60, 10, 300, 60)
