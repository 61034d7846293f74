"""``ticket show`` says in words what each history entry changed (the same wording as the
console), never a message id."""

from __future__ import annotations

from clitools import ok

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import read as ticket_read


def test_show_table_history_names_changes_in_words(cli_inproc, desk: Desk) -> None:
    ticket = tickets.create(desk, subject="VPN drops", requester="dana@x.io")
    tickets.reply(desk, ticket.id, "Please restart the client.")
    tickets.note(desk, ticket.id, "RADIUS shows five failed logins.")
    tickets.update(desk, ticket.id, tickets.Changes(status="pending"))

    out = ok(cli_inproc("ticket", "show", str(ticket.id), "--format", "table", columns=120))

    history = out[out.index("History") :]
    assert "replied: Please restart the client." in history
    assert "noted: RADIUS shows five failed logins." in history
    assert "status: open -> pending" in history
    ids = [str(m.id) for m in ticket_read.detail(desk, ticket.id).messages]
    assert not any(f"-> {i}" in history for i in ids)
