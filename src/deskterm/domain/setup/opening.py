"""Where a command meets its database: ``connect`` builds the store (and creates an SQLite
file only when asked), ``open_desk`` checks the schema against the code cheaply (without
Alembic), initializes a brand-new empty database, and refuses one that is older or newer
than the code with a SchemaMismatch that carries what the face needs to say what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskterm.domain.desk import Desk
from deskterm.domain.setup import create as creation
from deskterm.domain.setup.schema import schema_mismatch
from deskterm.store import migrate
from deskterm.store.engine import Store, make_engine, mask
from deskterm.store.migrate import SchemaStatus
from deskterm.store.options import StoreOptions


def connect(url: str, *, create: bool = False, options: StoreOptions | None = None) -> Store:
    """The store for ``url``, checked to answer (a clear error if it does not).

    An SQLite file that does not exist is created (owner-only, folder included) only with
    ``create=True`` (``db init``, ``db seed``, ``demo``, ``import``, the default desk);
    otherwise StoreUnavailable says how to create one. A file that is not an SQLite database
    is refused untouched; a desk that cannot be written opens read-only (``store.read_only``,
    writes raise ReadOnlyDesk). ``options`` carries the waiting limits of the config file.
    """
    store = Store(make_engine(url, create=create, options=options), url)
    try:
        with store.read() as conn:
            conn.exec_driver_sql("SELECT 1")
    except BaseException:
        store.dispose()
        raise
    return store


def open_desk(
    url: str,
    handle: str,
    *,
    handle_given: bool = True,
    initialize: bool = True,
    create: bool = False,
    options: StoreOptions | None = None,
) -> Desk:
    """Open the database at ``url`` for agent ``handle``.

    An empty database is initialized (schema at head, ``handle`` made an admin, a default
    queue) when ``initialize`` is true: that is the zero set-up first run, safe when several
    processes do it at once. ``create`` and ``options`` are as for :func:`connect`. A
    database older than the code, newer than it, or not deskterm's raises StoreUnavailable
    saying what to do. ``handle_given``: the handle was asked for, not the login name
    (on PostgreSQL the login's own agent replaces the login name; see ``Desk``).
    """
    store = connect(url, create=create, options=options)
    try:
        with store.read() as conn:
            state = migrate.read_state(conn)
        if state.status is SchemaStatus.CURRENT:
            return Desk(store, handle, handle_given=handle_given)
        if state.status is SchemaStatus.EMPTY and initialize:
            desk = Desk(store, handle, handle_given=handle_given)
            creation.initialize(desk)
            return desk
    except BaseException:
        store.dispose()
        raise
    store.dispose()
    raise schema_mismatch(url, state)


@dataclass(frozen=True)
class Initialized:
    """What ``db init`` did: whether the schema was new, its revision, and whether the acting
    agent became the desk's first admin."""

    where: str
    head: str
    was_current: bool
    made_admin: bool


def init_desk(url: str, handle: str, *, options: StoreOptions | None = None) -> Initialized:
    """Create a desk (``db init``): the SQLite file if missing, the schema, and on a desk
    with no agents ``handle`` as its admin. A database of another schema or application
    raises SchemaMismatch and is left untouched."""
    store = connect(url, create=True, options=options)
    try:
        current = migrate.state(store)
        if current.status not in (SchemaStatus.EMPTY, SchemaStatus.CURRENT):
            raise schema_mismatch(url, current)
        made_admin = creation.initialize(Desk(store, handle))
    finally:
        store.dispose()
    return Initialized(mask(url), current.head, current.status is SchemaStatus.CURRENT, made_admin)


@dataclass(frozen=True)
class Migrated:
    """What ``db migrate`` did: the revision before (None: empty) and after."""

    where: str
    before: str | None
    head: str
    changed: bool


def migrate_desk(url: str, *, options: StoreOptions | None = None) -> Migrated:
    """Upgrade the schema to this code's, keeping every row (``db migrate``). A database
    written by a newer deskterm or another application raises SchemaMismatch, untouched."""
    store = connect(url, options=options)
    try:
        before = migrate.state(store)
        if before.status in (SchemaStatus.AHEAD, SchemaStatus.FOREIGN):
            raise schema_mismatch(url, before)
        if before.status is SchemaStatus.CURRENT:
            return Migrated(mask(url), before.current, before.head, changed=False)
        migrate.upgrade(store)
    finally:
        store.dispose()
    return Migrated(mask(url), before.current, before.head, changed=True)
