"""The first use of an empty database from several processes at once initializes it once:
one schema, one first admin, one default queue, and no process fails (ARCHITECTURE
"PostgreSQL": the schema itself created at the same moment by several processes).

Real processes (``racing.race``: forked from a parent that has imported deskterm): each says
it is ready and waits for a line on its stdin; the test releases them all at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import func, select, text

from deskterm.store import schema
from deskterm.store.engine import Store, make_engine
from deskterm.store.migrations import HEAD
from racing import race

PROCESSES = 5

WORKER = """
import json, sys
from deskterm.domain.people import agents as agents
from deskterm.domain.setup import open_desk
url, handle = sys.argv[1], sys.argv[2]
options = {"create": True} if sys.argv[3] == "create" else {}
print("ready", flush=True)
sys.stdin.readline()
try:
    desk = open_desk(url, handle, **options)
    try:
        me = agents.whoami(desk)
        print(json.dumps({"handle": me.handle, "role": me.role}), flush=True)
    finally:
        desk.close()
except Exception as exc:
    print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
"""


def _first_use_at_once(url: str, *, create: bool, env: dict[str, str] | None = None) -> list[dict]:
    return race(
        [[sys.executable, "-c", WORKER, url, "alice", "create" if create else "open"]] * PROCESSES,
        env=env,
    )


def _assert_initialized_once(url: str) -> None:
    store = Store(make_engine(url), url)
    try:
        with store.read() as conn:
            agents = conn.execute(select(schema.agents.c.handle, schema.agents.c.role)).all()
            queues = conn.execute(select(func.count()).select_from(schema.queues)).scalar_one()
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    finally:
        store.dispose()
    assert [tuple(a) for a in agents] == [("alice", "admin")]
    assert queues == 1
    assert [v[0] for v in versions] == [HEAD]


def test_five_processes_opening_an_empty_database_at_once_initialize_it_once(
    empty_url: str,
) -> None:
    results = _first_use_at_once(empty_url, create=False)

    assert results == [{"handle": "alice", "role": "admin"}] * PROCESSES
    _assert_initialized_once(empty_url)


def test_five_processes_creating_the_default_desk_at_once_make_one_desk(tmp_path: Path) -> None:
    from deskterm import paths

    data = tmp_path / "five-at-once"
    env = {"XDG_DATA_HOME": str(data)}
    url = f"sqlite:///{data / paths.APP_NAME / 'desk.db'}"

    results = _first_use_at_once(url, create=True, env=env)

    assert results == [{"handle": "alice", "role": "admin"}] * PROCESSES
    _assert_initialized_once(url)
