"""One declaration of a ticket's fields (``domain/tickets/fields.py``, issue 11): the Ticket,
both readers, the machine formats and the tables all follow it, so adding a field is one
declaration plus the checks here telling what else to touch."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from deskterm.cli.ticket_view import LIST_COLUMNS, SHOW_FIELDS, ticket_dict
from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.models import Ticket
from deskterm.domain.tickets.fields import BY_NAME, FIELDS, SELECTED, TIME_POSITIONS
from deskterm.domain.tickets.quick import FIRST_PAGE_SQL
from deskterm.domain.tickets.read import ticket_select
from deskterm.tui.widgets.ticket_table import COLUMNS as CONSOLE_COLUMNS


def test_the_ticket_has_exactly_the_declared_fields_in_their_order() -> None:
    assert Ticket._fields == tuple(field.name for field in FIELDS)


def test_the_list_select_returns_the_selected_fields_in_order() -> None:
    for dialect in ("sqlite", "postgresql"):
        names = [column.name for column in ticket_select(dialect).selected_columns]
        assert names == [field.name for field in SELECTED]


def test_the_quick_reader_and_the_domain_reader_give_the_same_tickets(sqlite_desk: Desk) -> None:
    tickets.create(sqlite_desk, subject="One", requester="ann@acme.example", tags=["b", "a"])
    tickets.create(sqlite_desk, subject="Two", assignee="bob", priority="urgent")
    path = Path(str(sqlite_desk.store.sqlite_path))
    with sqlite3.connect(path) as conn:
        raw = conn.execute(FIRST_PAGE_SQL, (10,)).fetchall()
    assert len(raw[0]) == len(SELECTED)
    assert all(isinstance(raw[0][i], str) for i in TIME_POSITIONS[:2])  # created, updated
    quick = tickets.first_page(sqlite_desk.store.url, "alice", limit=10)
    assert quick is not None
    assert list(quick.items) == list(tickets.list_page(sqlite_desk, "", limit=10).items)


def test_json_keys_are_the_fields() -> None:
    ticket = Ticket(*(None for _ in FIELDS))
    assert list(ticket_dict(ticket)) == [field.name for field in FIELDS]


def test_tables_head_their_columns_as_declared() -> None:
    assert all(column.header == BY_NAME[column.key].header for column in LIST_COLUMNS)
    assert all(label == BY_NAME[key].label for key, label in SHOW_FIELDS)
    shown = [(header, key) for header, key, _width in CONSOLE_COLUMNS if key != "mark"]
    assert shown == [(BY_NAME[key].header, key) for _header, key in shown]
