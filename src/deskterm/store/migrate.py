"""Where a database stands against the code's schema, and how to bring it up to date.

Checking is cheap and Alembic-free (one query on ``alembic_version``) because it runs before
every command; upgrading imports Alembic and runs the scripts in ``migrations/versions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import inspect
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
    inspector = inspect(conn)
    if not inspector.has_table("alembic_version"):
        status = SchemaStatus.FOREIGN if inspector.get_table_names() else SchemaStatus.EMPTY
        return SchemaState(status, None)
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    current = row[0] if row else None
    if current == HEAD:
        return SchemaState(SchemaStatus.CURRENT, current)
    if current in REVISIONS or current is None:
        return SchemaState(SchemaStatus.BEHIND, current)
    return SchemaState(SchemaStatus.AHEAD, current)


def state(store: Store) -> SchemaState:
    with store.engine.connect() as conn:
        result = read_state(conn)
        conn.rollback()
        return result


def upgrade(store: Store, target: str = "head") -> None:
    """Run the migrations up to ``target`` in one transaction (all or nothing)."""
    from alembic import command
    from alembic.config import Config

    with store.write() as conn:
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
