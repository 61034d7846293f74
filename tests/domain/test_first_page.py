"""The console's quick first page (plain sqlite3) is exactly the ordinary first page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import update

from deskterm.demo import seed_desk
from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import first_page
from deskterm.domain.tickets import read as ticket_read
from deskterm.store import schema


@pytest.fixture
def seeded(sqlite_desk: Desk) -> Desk:
    seed_desk(sqlite_desk, tickets=300, articles=0, seed=3)
    tickets.create(sqlite_desk, subject="Newest, with tags", tags=["vip", "laptop"])
    return sqlite_desk


def test_quick_first_page_equals_the_ordinary_one_and_pages_on(seeded: Desk) -> None:
    quick = first_page(seeded.store.url, "alice", limit=100)
    ordinary = ticket_read.list_page(seeded, "", limit=100)

    assert quick is not None
    assert quick.items == ordinary.items
    assert quick.next_cursor == ordinary.next_cursor
    following = ticket_read.list_page(seeded, "", limit=100, after=quick.next_cursor)
    assert (
        following.items
        == ticket_read.list_page(seeded, "", limit=100, after=ordinary.next_cursor).items
    )


def test_quick_first_page_of_a_small_desk_has_no_next_page(sqlite_desk: Desk) -> None:
    tickets.create(sqlite_desk, subject="Printer jams", tags=["printer"])
    quick = first_page(sqlite_desk.store.url, "alice", limit=100)
    assert quick is not None
    assert [t.subject for t in quick.items] == ["Printer jams"]
    assert quick.items[0].tags == ("printer",)
    assert quick.next_cursor is None


def test_quick_path_steps_aside_when_it_cannot_answer(sqlite_desk: Desk, tmp_path: Path) -> None:
    url = sqlite_desk.store.url
    assert first_page(url, "nobody", limit=10) is None  # unknown agent: the CLI explains
    assert first_page(f"sqlite:///{tmp_path / 'missing.db'}", "alice", limit=10) is None
    assert first_page("postgresql+psycopg://postgres@127.0.0.1/x", "alice", limit=10) is None
    with sqlite_desk.store.write() as conn:
        conn.execute(
            update(schema.agents).where(schema.agents.c.handle == "bob").values(active=False)
        )
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001_initial'")
    assert first_page(url, "bob", limit=10) is None
    assert first_page(url, "alice", limit=10) is None  # schema behind: `db migrate` message


def test_quick_first_page_imports_no_database_library() -> None:
    code = (
        "import sys, deskterm.domain.tickets.quick\n"
        "print(sorted(m for m in ('sqlalchemy', 'psycopg', 'alembic') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
