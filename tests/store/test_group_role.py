"""Two desks set up at the same moment on one PostgreSQL server both create the agents' group
role (roles belong to the server, not to a database): the second must not fail because the
first got there while it was waiting (the suite's own workers met this setting up templates)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest

import support_pg
from deskterm.store.security import create_group_sql


@pytest.fixture
def role(pg_server: None) -> Iterator[str]:
    name = support_pg.new_name("role")
    yield name
    support_pg.execute(f'DROP ROLE IF EXISTS "{name}"')


def test_the_second_of_two_simultaneous_creations_finds_the_role_made(role: str) -> None:
    args = support_pg._connect_args()
    errors: list[BaseException] = []
    with psycopg.connect(**args) as first:
        first.execute(create_group_sql(role))  # type: ignore[arg-type]
        # The second creation saw no role and now waits on the first transaction's lock.

        def second() -> None:
            try:
                with psycopg.connect(**args) as conn:
                    conn.execute(create_group_sql(role))  # type: ignore[arg-type]
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)

        waiter = threading.Thread(target=second)
        waiter.start()
        waiter.join(0.5)
        assert waiter.is_alive(), "the second creation did not wait for the first"
        first.commit()
    waiter.join(30)
    assert not waiter.is_alive()
    assert errors == []
    with psycopg.connect(**args) as conn:
        found = conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    assert found == (1,)
