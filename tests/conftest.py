"""Shared fixtures: a desk on a real SQLite file and on a real PostgreSQL database.

``backend_url`` is parametrized over ``sqlite`` and ``postgres``; every test that uses it (or
``desk``) runs on both. PostgreSQL is found at ``DESKTERM_TEST_PG`` (default: the local
server, user postgres). Each test gets its own database, cloned from a migrated template made
once per test process, so tests are isolated and still quick. When no server answers the
PostgreSQL runs are skipped with the reason, except with ``CI=true``, where that is a failure:
CI has a server and must test against it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskterm.domain.desk import Desk, open_desk

PG_URL = os.environ.get("DESKTERM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ADMIN = "alice"
EXTRA_AGENTS = (("bob", "Bob Stone", "agent"), ("carol", "Carol Diaz", "lead"))


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may read the developer's own config, database or colour settings."""
    for name in ("DESKTERM_DB", "DESKTERM_AGENT", "DESKTERM_CONFIG", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _pg_admin_url(database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


def _pg_execute(sql: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    with psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        dbname=url.database or "postgres",
        autocommit=True,
        connect_timeout=3,
    ) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def pg_available() -> str | None:
    """None when PostgreSQL answers, otherwise the reason it does not."""
    try:
        _pg_execute("SELECT 1")
    except Exception as exc:  # any failure to connect means: no server for these tests
        return f"PostgreSQL not reachable at {PG_URL}: {str(exc).strip().splitlines()[0]}"
    return None


def require_pg(pg_available: str | None) -> None:
    if pg_available is None:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {pg_available}; the PostgreSQL tests must run in CI")
    pytest.skip(pg_available)


def _seed_template(url: str) -> None:
    from deskterm.domain.agents import add_agent

    desk = open_desk(url, ADMIN, create=True)
    try:
        for handle, name, role in EXTRA_AGENTS:
            add_agent(desk, handle, name=name, role=role, email=f"{handle}@corp.example")
        _add_queues(desk)
    finally:
        desk.close()


def _add_queues(desk: Desk) -> None:
    """Service Desk (L1) -> Network L2 -> Infrastructure L3, as a real desk has."""
    from sqlalchemy import insert, select, update

    from deskterm.store import schema

    q = schema.queues
    now = desk.now()
    with desk.store.write() as conn:
        conn.execute(
            insert(q),
            [
                {"name": "Network L2", "tier": "L2", "description": "", "created_at": now},
                {"name": "Infrastructure L3", "tier": "L3", "description": "", "created_at": now},
            ],
        )
        ids = dict(conn.execute(select(q.c.name, q.c.id)).all())
        conn.execute(
            update(q).where(q.c.name == "Service Desk").values(escalates_to_id=ids["Network L2"])
        )
        conn.execute(
            update(q)
            .where(q.c.name == "Network L2")
            .values(escalates_to_id=ids["Infrastructure L3"])
        )


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    _seed_template(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_available: str | None) -> Iterator[str]:
    require_pg(pg_available)
    name = f"deskterm_tpl_{_worker()}_{uuid.uuid4().hex[:8]}"
    _pg_execute(f'CREATE DATABASE "{name}"')
    _seed_template(_pg_admin_url(name))
    yield name
    _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def backend_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, initialized desk database (admin alice, agents bob and carol, three queues)."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "desk.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    pg_template_name: str = request.getfixturevalue("pg_template")
    name = f"deskterm_t_{uuid.uuid4().hex[:12]}"
    _pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template_name}"')
    try:
        yield _pg_admin_url(name)
    finally:
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it yet, on either backend (on SQLite an empty file, as an
    empty PostgreSQL database exists: a desk named explicitly must exist to be used)."""
    if backend == "sqlite":
        path = tmp_path / "empty.db"
        path.touch(mode=0o600)
        yield f"sqlite:///{path}"
        return
    require_pg(request.getfixturevalue("pg_available"))
    name = f"deskterm_e_{uuid.uuid4().hex[:12]}"
    _pg_execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_admin_url(name)
    finally:
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def desk(backend_url: str) -> Iterator[Desk]:
    desk = open_desk(backend_url, ADMIN)
    yield desk
    desk.close()


@pytest.fixture
def sqlite_desk(tmp_path: Path, sqlite_template: Path) -> Iterator[Desk]:
    """A desk on SQLite only, for tests about SQLite itself."""
    target = tmp_path / "desk.db"
    shutil.copyfile(sqlite_template, target)
    desk = open_desk(f"sqlite:///{target}", ADMIN)
    yield desk
    desk.close()
