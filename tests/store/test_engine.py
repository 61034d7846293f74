"""The engine (ARCHITECTURE "SQLite, many writers" and "PostgreSQL"): SQLite runs in WAL with
foreign keys and a busy timeout, every write transaction takes the write lock up front, and a
database that cannot be used says which one and why, without its password."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import select, text

from deskterm.domain.setup import connect, open_desk
from deskterm.errors import InvalidInput, StoreUnavailable
from deskterm.store import schema
from deskterm.store.engine import SQLITE_WAIT_SLICE_MS, Store, make_engine


def pragma(store: Store, name: str):
    with store.read() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(sqlite_desk):
    store = sqlite_desk.store
    assert pragma(store, "journal_mode") == "wal"
    assert pragma(store, "foreign_keys") == 1
    assert pragma(store, "busy_timeout") == 1_000 == SQLITE_WAIT_SLICE_MS
    assert pragma(store, "synchronous") == 1  # NORMAL


def test_sqlite_refuses_rows_that_point_nowhere(sqlite_desk):
    with pytest.raises(Exception, match="FOREIGN KEY"), sqlite_desk.store.write() as conn:
        conn.execute(text("INSERT INTO ticket_tags (ticket_id, tag_id) VALUES (123456, 654321)"))


def _raw(store: Store) -> sqlite3.Connection:
    """A plain sqlite3 connection that gives up at once when the database is locked."""
    assert store.sqlite_path is not None
    return sqlite3.connect(store.sqlite_path, timeout=0, isolation_level=None)


def test_write_transaction_takes_the_write_lock_before_its_first_statement(sqlite_desk):
    raw = _raw(sqlite_desk.store)
    try:
        with (
            sqlite_desk.store.write(),
            pytest.raises(sqlite3.OperationalError, match="locked"),
        ):
            raw.execute("BEGIN IMMEDIATE")
        raw.execute("BEGIN IMMEDIATE")  # released on commit
        raw.execute("ROLLBACK")
    finally:
        raw.close()


def test_read_transaction_does_not_take_the_write_lock(sqlite_desk):
    raw = _raw(sqlite_desk.store)
    try:
        with sqlite_desk.store.read() as conn:
            conn.execute(select(schema.agents.c.id)).all()
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("ROLLBACK")
    finally:
        raw.close()


def test_second_writer_waits_for_the_first_and_then_succeeds(sqlite_desk):
    url = sqlite_desk.store.url
    first, second = connect(url), connect(url)  # two processes' worth of engines
    holding = threading.Event()
    release = threading.Event()
    failures: list[BaseException] = []

    def hold_the_lock() -> None:
        try:
            with first.write() as conn:
                conn.execute(text("UPDATE queues SET description = 'first' WHERE tier = 'L1'"))
                holding.set()
                release.wait(10)
        except BaseException as exc:
            failures.append(exc)
            holding.set()

    thread = threading.Thread(target=hold_the_lock)
    thread.start()
    try:
        assert holding.wait(10)
        threading.Timer(0.4, release.set).start()
        started = time.monotonic()
        with second.write() as conn:
            waited = time.monotonic() - started
            # Read, then write: the deferred-transaction trap that no busy timeout can save.
            seen = conn.execute(text("SELECT description FROM queues WHERE tier = 'L1'")).scalar()
            conn.execute(text("UPDATE queues SET description = 'second' WHERE tier = 'L1'"))
    finally:
        release.set()
        thread.join(10)
        first.dispose()
        second.dispose()
    assert failures == []
    assert waited >= 0.3
    assert seen == "first"
    with sqlite_desk.store.read() as conn:
        assert conn.execute(text("SELECT description FROM queues WHERE tier = 'L1'")).scalar() == (
            "second"
        )


def test_many_read_then_write_transactions_at_once_lose_nothing(sqlite_desk):
    url = sqlite_desk.store.url
    workers, rounds = 4, 15
    stores = [connect(url) for _ in range(workers)]
    failures: list[BaseException] = []
    with sqlite_desk.store.write() as conn:
        conn.execute(text("UPDATE queues SET description = '0' WHERE tier = 'L1'"))

    def bump(store: Store) -> None:
        try:
            for _ in range(rounds):
                with store.write() as conn:
                    value = conn.execute(
                        text("SELECT description FROM queues WHERE tier = 'L1'")
                    ).scalar()
                    conn.execute(
                        text("UPDATE queues SET description = :v WHERE tier = 'L1'"),
                        {"v": str(int(value) + 1)},
                    )
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=bump, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for store in stores:
        store.dispose()
    assert failures == []
    with sqlite_desk.store.read() as conn:
        final = conn.execute(text("SELECT description FROM queues WHERE tier = 'L1'")).scalar()
    assert int(final) == workers * rounds


def test_failed_write_transaction_changes_nothing(sqlite_desk):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), sqlite_desk.store.write() as conn:
        conn.execute(text("UPDATE queues SET description = 'half done'"))
        raise Boom
    with sqlite_desk.store.read() as conn:
        assert "half done" not in conn.execute(text("SELECT description FROM queues")).scalars()


def test_unwritable_sqlite_path_is_store_unavailable_naming_the_path(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    url = f"sqlite:///{blocker}/desk.db"
    with pytest.raises(StoreUnavailable) as caught:
        open_desk(url, "alice", create=True)
    assert str(blocker) in str(caught.value)
    assert blocker.read_text() == "a file where a folder should be"


def test_missing_folder_for_a_new_sqlite_database_is_created_when_asked(tmp_path):
    path = tmp_path / "deep" / "er" / "desk.db"
    desk = open_desk(f"sqlite:///{path}", "alice", create=True)
    desk.close()
    assert path.exists()


def test_unreachable_postgres_names_the_host_and_hides_the_password():
    url = "postgresql+psycopg://postgres:secret@127.0.0.1:1/x"
    with pytest.raises(StoreUnavailable) as caught:
        open_desk(url, "alice")
    message = str(caught.value)
    assert "127.0.0.1" in message
    assert "secret" not in message
    assert "***" in message
    assert "secret" not in (caught.value.hint or "")


@pytest.mark.parametrize(
    "url",
    ["not a url", "desk.db", "", "://nothing"],
)
def test_text_that_is_not_a_database_url_is_invalid_input(url):
    with pytest.raises(InvalidInput, match="URL"):
        make_engine(url)
    with pytest.raises(InvalidInput):
        open_desk(url, "alice")


def test_unsupported_database_is_invalid_input_without_the_password():
    with pytest.raises(InvalidInput, match="unsupported") as caught:
        make_engine("mysql://root:hunter2@db.example/desk")
    assert "hunter2" not in str(caught.value)


def test_bare_postgresql_scheme_uses_psycopg_3():
    engine = make_engine("postgresql://postgres@127.0.0.1:1/x")
    try:
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()
