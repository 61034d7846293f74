"""``db status`` and ``db doctor``: what the database holds and whether all is well."""

from __future__ import annotations

from dataclasses import dataclass
from time import monotonic
from typing import Any
from uuid import uuid4

from sqlalchemy import func, select

from deskterm.config import Settings, mask_url
from deskterm.domain.desk import Desk
from deskterm.domain.setup.opening import connect
from deskterm.domain.setup.schema import schema_mismatch
from deskterm.errors import DeskError, UnknownAgent
from deskterm.store import schema, search
from deskterm.store.engine import Store, filesystem_type, on_network_filesystem
from deskterm.store.migrate import SchemaStatus, read_state

COUNTED = (
    "tickets",
    "messages",
    "audit_events",
    "agents",
    "contacts",
    "organizations",
    "queues",
    "tags",
    "kb_articles",
    "saved_views",
)


@dataclass(frozen=True)
class Check:
    name: str
    state: str  # ok, warn, fail, info
    detail: str
    #: The error behind a failed check, for a face to say what to do about it.
    error: DeskError | None = None


def database_status(url: str) -> dict[str, Any]:
    store = connect(url)
    try:
        with store.read() as conn:
            state = read_state(conn)
            counts: dict[str, int] = {}
            if state.status in (SchemaStatus.CURRENT, SchemaStatus.BEHIND):
                for name in COUNTED:
                    table = schema.metadata.tables[name]
                    counts[name] = int(
                        conn.execute(select(func.count()).select_from(table)).scalar_one()
                    )
        return {
            "url": mask_url(url),
            "backend": store.dialect,
            "schema_current": state.current,
            "schema_head": state.head,
            "schema_status": state.status.value,
            "counts": counts,
        }
    finally:
        store.dispose()


def run_checks(settings: Settings) -> list[Check]:
    """Every check ``db doctor`` prints; a failure does not stop the later checks."""
    checks = [
        Check("database url", "info", f"{mask_url(settings.url)} (from {settings.db_url.source})"),
        Check("acting agent", "info", f"{settings.handle} (from {settings.agent.source})"),
        Check(
            "config file",
            "info",
            f"{settings.config_file.value} (from {settings.config_file.source}"
            + (")" if settings.config_exists else "; not present, defaults in force)"),
        ),
        Check(
            "colour",
            "info",
            f"{'on' if settings.use_color else 'off'} (from {settings.color.source})",
        ),
    ]
    try:
        store = connect(settings.url, options=settings.store_options())
    except DeskError as exc:
        checks.append(Check("connection", "fail", exc.message, exc))
        return checks
    try:
        checks.append(Check("connection", "ok", f"{store.dialect} answers"))
        checks.extend(_schema_checks(store, settings))
        checks.extend(_backend_checks(store))
    finally:
        store.dispose()
    return checks


def _schema_checks(store: Store, settings: Settings) -> list[Check]:
    with store.read() as conn:
        state = read_state(conn)
    if state.status is not SchemaStatus.CURRENT:
        problem = schema_mismatch(settings.url, state)
        return [Check("schema", "fail", problem.message, problem)]
    checks = [Check("schema", "ok", f"at {state.current} (head)")]
    with store.read() as conn:
        if store.read_only:  # SQLite's FTS5 integrity check is a write
            checks.append(Check("search index", "info", "not checked on a read-only desk"))
        else:
            in_step, detail = search.index_in_step(conn)
            checks.append(Check("search index", "ok" if in_step else "fail", detail))
    checks.append(_agent_check(store, settings))
    return checks


def _agent_check(store: Store, settings: Settings) -> Check:
    """Who this desk takes you for: on PostgreSQL the database login's agent (docs/team.md)."""
    desk = Desk(store, settings.handle, handle_given=settings.handle_given)
    try:
        with store.read() as conn:
            agent = desk.actor(conn)
            login = desk.login(conn)
    except UnknownAgent as exc:
        return Check("agent", "fail", f'"{settings.handle}" is not an agent of this desk', exc)
    except DeskError as exc:
        return Check("agent", "fail", exc.message, exc)
    if login is None:
        return Check("agent", "ok", f"{agent.handle} is {agent.role}")
    trusted = login.superuser or login.owner or agent.role == "admin"
    detail = f'{agent.handle} is {agent.role}, as the database login "{login.name}"'
    return Check("agent", "ok", detail + (" (may act for others)" if trusted else ""))


def _backend_checks(store: Store) -> list[Check]:
    checks = []
    if store.read_only:
        checks.append(Check("access", "warn", f"read-only: {store.read_only}"))
    path = store.sqlite_path
    if path is not None:
        fs = filesystem_type(path) or "unknown"
        if on_network_filesystem(path):
            checks.append(
                Check(
                    "filesystem",
                    "warn",
                    f"{path} is on {fs}, a network filesystem: SQLite locking is unreliable "
                    "there; use a local disk or PostgreSQL for a team",
                )
            )
        else:
            checks.append(Check("filesystem", "ok", f"{path} on {fs}"))
        if not store.read_only:  # read-only, SQLite reports the mode it reads with
            with store.read() as conn:
                mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            checks.append(Check("journal mode", "ok" if mode == "wal" else "warn", str(mode)))
        checks.append(
            Check(
                "live updates",
                "info",
                "consoles and watch look at PRAGMA data_version (SQLite has no notifications)",
            )
        )
    elif store.dialect == "postgresql":
        with store.read() as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar()
            extensions = (
                conn.exec_driver_sql(
                    "SELECT extname || ' ' || extversion FROM pg_extension ORDER BY extname"
                )
                .scalars()
                .all()
            )
            limits = ", ".join(
                f"{name} {conn.exec_driver_sql(f'SHOW {name}').scalar()}"
                for name in (
                    "lock_timeout",
                    "statement_timeout",
                    "idle_in_transaction_session_timeout",
                )
            )
        checks.append(Check("server", "ok", f"PostgreSQL {version}"))
        checks.append(Check("timeouts", "info", limits))
        checks.append(Check("extensions", "info", ", ".join(extensions) or "none"))
        checks.append(_notifications(store))
    return checks


#: How long ``db doctor`` waits for its own notification to come back.
NOTIFY_WAIT = 2.0


def _notifications(store: Store) -> Check:
    """Whether a notification reaches a listener (docs/live.md): not through a pooler in
    transaction mode, where a LISTEN is lost with its transaction."""
    from sqlalchemy import text

    from deskterm.store.notify import CHANNEL, change_signal

    token = f"doctor:{uuid4().hex}"
    try:
        signal = change_signal(store)
    except DeskError as exc:
        return Check("live updates", "warn", f"cannot LISTEN: {exc.message}")
    try:
        with store.read() as conn:
            conn.execute(
                text("SELECT pg_notify(:channel, :token)"), {"channel": CHANNEL, "token": token}
            )
        deadline = monotonic() + NOTIFY_WAIT
        while (left := deadline - monotonic()) > 0:
            if token in signal.wait(left):
                return Check(
                    "live updates",
                    "ok",
                    "LISTEN/NOTIFY delivers: consoles and watch are woken at once",
                )
    except DeskError as exc:
        return Check("live updates", "warn", f"LISTEN failed: {exc.message}")
    finally:
        signal.close()
    return Check(
        "live updates",
        "warn",
        f"a notification sent did not arrive within {NOTIFY_WAIT:g} s (a pooler in transaction "
        "mode?): consoles and watch fall back to looking every few seconds; give them a "
        "direct connection (docs/live.md, pgbouncer)",
    )
