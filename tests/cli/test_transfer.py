"""``deskterm export`` / ``import``: the whole desk as JSON lines and back, byte for byte."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import Result

from deskterm.domain import tickets, transfer
from deskterm.domain.desk import Desk, connect, open_desk
from deskterm.domain.seed import seed_desk
from deskterm.domain.ticket_read import count, get
from deskterm.errors import InvalidInput
from deskterm.store import schema

Invoke = Callable[..., Result]


def _export(url: str) -> list[str]:
    desk = open_desk(url, "alice", initialize=False)
    try:
        return list(transfer.export_lines(desk))
    finally:
        desk.close()


def _import(url: str, lines: list[str]) -> transfer.ImportResult:
    store = connect(url)
    try:
        return transfer.import_lines(store, lines)
    finally:
        store.dispose()


def _with_forward_references(desk: Desk) -> None:
    """Ticket 1 merged into a newer ticket and linked to a problem: ids that point forward."""
    first = tickets.create(desk, subject="Mail bounces", tags=["mail"])
    problem = tickets.create(desk, subject="Mail relay unstable", type="problem")
    with desk.store.write() as conn:
        conn.execute(
            update(schema.tickets)
            .where(schema.tickets.c.id == first.id)
            .values(merged_into_id=problem.id, problem_id=problem.id)
        )


@pytest.mark.slow
def test_seeded_desk_round_trips_byte_identical(desk: Desk, empty_url: str) -> None:
    _with_forward_references(desk)
    # Before the seed: seed_desk writes explicit ids without moving PostgreSQL's sequences.
    tickets.note(desk, 2, "a note with émoji 🎉 and \x1b[31m escape")
    seed_desk(desk, tickets=2000, articles=20, seed=7)
    first = list(transfer.export_lines(desk))
    kinds = [json.loads(line)["type"] for line in first]
    assert kinds[0] == "header"
    assert kinds.count("ticket") == 2002
    assert kinds == sorted(kinds, key=lambda k: -1 if k == "header" else transfer._ORDER[k])
    result = _import(empty_url, first)
    assert result.counts["ticket"] == 2002
    assert _export(empty_url) == first

    restored = open_desk(empty_url, "alice")
    try:
        # Search was rebuilt, and new rows get fresh ids (sequences moved on PostgreSQL).
        assert count(restored, "relay") == count(desk, "relay") > 0
        new = tickets.create(restored, subject="After the import")
        assert new.id == 2003
        assert get(restored, 1).subject == "Mail bounces"
    finally:
        restored.close()


@pytest.mark.parametrize("backend", ["postgres"])
def test_sqlite_export_imports_into_postgresql_identically(
    sqlite_desk: Desk, empty_url: str
) -> None:
    _with_forward_references(sqlite_desk)
    seed_desk(sqlite_desk, tickets=2000, articles=20, seed=3)
    lines = list(transfer.export_lines(sqlite_desk))
    _import(empty_url, lines)
    assert _export(empty_url) == lines


def test_import_refuses_a_database_with_data_and_changes_nothing(desk: Desk) -> None:
    tickets.create(desk, subject="Keep me")
    lines = list(transfer.export_lines(desk))
    with pytest.raises(InvalidInput, match="import needs an empty database"):
        _import(desk.store.url, lines)
    assert count(desk) == 1


def test_a_bad_line_names_it_and_imports_nothing(desk: Desk, empty_url: str) -> None:
    tickets.create(desk, subject="One")
    lines = list(transfer.export_lines(desk))
    broken = [*lines[:-1], '{"type":"ticket","id":"x"}']
    with pytest.raises(InvalidInput, match=rf"^line {len(lines)}: "):
        _import(empty_url, broken)
    with pytest.raises(InvalidInput, match="line 1: not a deskterm export"):
        _import(empty_url, lines[1:])
    assert _import(empty_url, lines).counts["ticket"] == 1


def test_a_freshly_initialized_desk_accepts_an_import(desk: Desk, empty_url: str) -> None:
    lines = list(transfer.export_lines(desk))
    open_desk(empty_url, "zed").close()  # first use made admin zed and a default queue
    _import(empty_url, lines)
    assert _export(empty_url) == lines


def test_export_and_import_commands(
    invoke: Invoke, backend_url: str, empty_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "desk.jsonl"
    env = {"DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}
    exported = invoke("export", "-o", str(path), env=env)
    assert exported.exit_code == 0, exported.output
    imported = invoke("import", str(path), env={**env, "DESKTERM_DB": empty_url})
    assert imported.exit_code == 0, imported.output
    again = invoke("export", env={**env, "DESKTERM_DB": empty_url})
    assert again.stdout == path.read_text()
