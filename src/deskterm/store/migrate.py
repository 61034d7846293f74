"""Where a database stands against the code's schema, and how to bring it up to date.

Checking is cheap and Alembic-free (one query on ``alembic_version``) because it runs before
every command; upgrading imports Alembic and runs the scripts in ``migrations/versions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy.engine import Connection

from deskterm.store.engine import Store
from deskterm.store.migrations import HEAD, REVISIONS


class SchemaStatus(Enum):
    EMPTY = "empty"  # no tables at all: a new database, safe to initialize
    CURRENT = "current"
    BEHIND = "behind"  # older than the code: `deskterm db migrate`
    AHEAD = "ahead"  # written by a newer deskterm: refuse, touch nothing
    FOREIGN = "foreign"  # has tables but is not a deskterm database


@dataclass(frozen=True)
class SchemaState:
    status: SchemaStatus
    current: str | None
    head: str = HEAD


def read_state(conn: Connection) -> SchemaState:
    tables = table_names(conn)
    if "alembic_version" not in tables:
        status = SchemaStatus.FOREIGN if tables else SchemaStatus.EMPTY
        return SchemaState(status, None)
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    current = row[0] if row else None
    if current == HEAD:
        return SchemaState(SchemaStatus.CURRENT, current)
    if current in REVISIONS or current is None:
        return SchemaState(SchemaStatus.BEHIND, current)
    return SchemaState(SchemaStatus.AHEAD, current)


def table_names(conn: Connection) -> set[str]:
    """The tables in the database (a plain catalog query: SQLAlchemy's inspector costs more
    to import than the whole check)."""
    if conn.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    return {str(name) for name in conn.exec_driver_sql(sql).scalars()}


def state(store: Store) -> SchemaState:
    with store.engine.connect() as conn:
        result = read_state(conn)
        conn.rollback()
        return result


#: The PostgreSQL advisory lock held while a schema is created or upgraded ("deskterm").
SETUP_LOCK = int.from_bytes(b"deskterm", "big")


def lock_for_setup(conn: Connection) -> None:
    """Hold, until the transaction ends, the lock that makes creating or upgrading the schema
    one process at a time: PostgreSQL's advisory lock (waits up to ``lock_timeout``); on
    SQLite the write transaction's ``BEGIN IMMEDIATE`` already is that lock.

    Whoever waited then reads the state again and finds the work done.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SETUP_LOCK})")


def upgrade(store: Store, target: str = "head") -> None:
    """Run the migrations up to ``target`` in one transaction (all or nothing), one process
    at a time (:func:`lock_for_setup`)."""
    with store.write() as conn:
        lock_for_setup(conn)
        upgrade_in(conn, target)


def upgrade_in(conn: Connection, target: str = "head") -> None:
    """Run the migrations on ``conn``, inside its write transaction (caller holds the lock).

    A migration rewrites whole tables on a large desk: on PostgreSQL it may run longer than
    ``statement_timeout`` allows an agent's statement, so that limit is off for it."""
    from alembic import command
    from alembic.config import Config

    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
    config = Config()
    config.set_main_option("script_location", "deskterm.store:migrations")
    config.attributes["connection"] = conn
    command.upgrade(config, target)


def script_revisions() -> list[str]:
    """The revisions Alembic finds in ``versions/``, oldest first (for the consistency test)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "deskterm.store:migrations")
    scripts = ScriptDirectory.from_config(config)
    return [s.revision for s in reversed(list(scripts.walk_revisions()))]
