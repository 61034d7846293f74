"""``deskterm ticket ...`` as a script uses it, on SQLite and PostgreSQL.

The commands run in-process (``cli_inproc``, which answers as the installed script does:
tests/cli_inproc/test_inproc_runner.py); reading the description from a real pipe (stdin,
no ``--body``) goes through the installed script. Data is arranged through the domain
(``desk``) and checked back through it, so each test runs only the command it is about.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from clitools import ISO_UTC, SQLITE_ONLY, assert_ticket_json, cases, fails, ok, ok_json

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import read as ticket_read


def _as(desk: Desk, handle: str) -> Desk:
    return Desk(desk.store, handle, clock=desk.clock)


def _solved(desk: Desk, subject: str = "Solved one") -> int:
    ticket = tickets.create(desk, subject=subject)
    tickets.update(desk, ticket.id, tickets.Changes(status="solved"))
    return ticket.id


# -- create ---------------------------------------------------------------------------------


def test_create_prints_the_new_ticket_as_json_when_piped(cli_inproc, desk) -> None:
    data = ok_json(cli_inproc("ticket", "create", "--subject", "Printer on fire"))

    assert_ticket_json(data)
    assert data["subject"] == "Printer on fire"
    assert data["type"] == "incident"
    assert data["status"] == "new"
    assert data["priority"] == "normal"
    assert data["queue"] == "Service Desk"
    assert data["assignee"] is None
    assert data["requester"] is None
    assert data["tags"] == []
    assert data["channel"] == "api"
    assert data["version"] == 1
    assert data["sla_state"] == "none"
    assert data["first_response_due"] is None
    assert data["resolution_due"] is None
    assert data["created_at"] == data["updated_at"]
    stored = ticket_read.get(desk, data["id"])
    assert stored.subject == "Printer on fire"
    assert ticket_read.detail(desk, data["id"]).messages == ()


def test_create_takes_body_requester_tags_priority_type_and_queue(cli_inproc, desk) -> None:
    data = ok_json(
        cli_inproc(
            "ticket",
            "create",
            "--subject",
            "Need VPN access",
            "--body",
            "Starting Monday, please.",
            "--requester",
            "dana@acme.example",
            "--tag",
            "vpn",
            "--tag",
            "onboarding",
            "--priority",
            "high",
            "--type",
            "service_request",
            "--queue",
            "Network L2",
        )
    )

    assert_ticket_json(data)
    assert data["requester"] == "dana@acme.example"
    assert sorted(data["tags"]) == ["onboarding", "vpn"]
    assert data["priority"] == "high"
    assert data["type"] == "service_request"
    assert data["queue"] == "Network L2"
    (message,) = ticket_read.detail(desk, data["id"]).messages
    assert message.body == "Starting Monday, please."
    assert message.author == "dana@acme.example"


@pytest.mark.parametrize(
    "args",
    [pytest.param(["--body", "-"], id="body-dash"), pytest.param([], id="piped-stdin")],
)
def test_create_reads_the_description_from_stdin(cli, cli_inproc, desk, args: list[str]) -> None:
    """Stdin without ``--body`` through a real pipe into the installed script."""
    text = "The printer on floor 3\nshows error 0x41.\n"
    run = cli if not args else cli_inproc
    data = ok_json(run("ticket", "create", "--subject", "Printer", *args, input=text))

    (message,) = ticket_read.detail(desk, data["id"]).messages
    assert message.body.strip() == text.strip()
    assert "floor 3\nshows" in message.body


# -- update ---------------------------------------------------------------------------------


def test_update_changes_fields_and_tags_in_one_new_version(cli_inproc, desk) -> None:
    ticket = tickets.create(desk, subject="Old subject", tags=["old", "keep"])

    data = ok_json(
        cli_inproc(
            "ticket",
            "update",
            str(ticket.id),
            "--status",
            "open",
            "--priority",
            "urgent",
            "--type",
            "problem",
            "--queue",
            "Network L2",
            "--subject",
            "New subject",
            "--add-tag",
            "vpn",
            "--add-tag",
            "wifi",
            "--remove-tag",
            "old",
        )
    )

    assert_ticket_json(data)
    assert (data["status"], data["priority"], data["type"]) == ("open", "urgent", "problem")
    assert (data["queue"], data["subject"]) == ("Network L2", "New subject")
    assert sorted(data["tags"]) == ["keep", "vpn", "wifi"]
    assert data["version"] == 2
    history = ticket_read.detail(desk, ticket.id).history
    changed = {event.field for event in history if event.version == 2}
    assert {"status", "priority", "type", "queue", "subject", "tags"} <= changed
    assert all(event.actor == "alice" for event in history)


def test_update_assignee_me_takes_the_ticket_and_none_gives_it_back(cli_inproc, desk) -> None:
    ticket = tickets.create(desk, subject="Whose is it")

    mine = ok_json(cli_inproc("ticket", "update", str(ticket.id), "--assignee", "me"))
    assert mine["assignee"] == "alice"
    assert mine["status"] == "open"  # a new ticket that someone takes is open

    nobody = ok_json(cli_inproc("ticket", "update", str(ticket.id), "--assignee", "none"))
    assert nobody["assignee"] is None
    assert ticket_read.get(desk, ticket.id).assignee is None


def test_update_with_a_stale_version_is_a_conflict_naming_who_changed_what(
    cli_inproc, desk
) -> None:
    ticket = tickets.create(desk, subject="Contended", priority="normal")
    tickets.update(_as(desk, "bob"), ticket.id, tickets.Changes(priority="high"))

    result = cli_inproc(
        "ticket", "update", str(ticket.id), "--if-version", "1", "--priority", "low"
    )

    line = fails(result, 4)
    assert "bob" in line
    assert "priority" in line
    assert result.stdout == ""
    after = ticket_read.get(desk, ticket.id)
    assert (after.priority, after.version) == ("high", 2)


@SQLITE_ONLY
def test_update_with_an_unknown_status_names_the_allowed_values(cli_inproc, desk) -> None:
    ticket = tickets.create(desk, subject="Status typo")

    line = fails(cli_inproc("ticket", "update", str(ticket.id), "--status", "finished"), 2)

    assert '"finished"' in line
    for status in ("new", "open", "pending", "on_hold", "solved", "closed"):
        assert status in line
    assert ticket_read.get(desk, ticket.id).version == 1


# -- reply and note -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "kind", "args", "stdin"),
    cases(
        both=[
            pytest.param("reply", ["--body", "Please restart."], None, id="reply-option"),
            pytest.param("note", [], "RADIUS shows 5 failed logins.\n", id="note-piped"),
        ],
        sqlite=[
            pytest.param("reply", ["--body", "-"], "Please restart.\n", id="reply-body-dash"),
            pytest.param("note", ["-b", "RADIUS shows 5 failed logins."], None, id="note-option"),
        ],
    ),
)
def test_reply_and_note_add_a_message_from_the_option_or_stdin(
    cli_inproc, desk: Desk, backend: str, kind: str, args: list[str], stdin: str | None
) -> None:
    ticket = tickets.create(desk, subject="VPN drops")

    data = ok_json(cli_inproc("ticket", kind, str(ticket.id), *args, input=stdin))

    assert_ticket_json(data)
    assert data["version"] == 2
    (message,) = ticket_read.detail(desk, ticket.id).messages
    assert message.kind == kind
    assert message.author == "alice"
    assert message.body.strip() in ("Please restart.", "RADIUS shows 5 failed logins.")
    # An agent's reply opens a new ticket; an internal note does not.
    assert data["status"] == ("open" if kind == "reply" else "new")


@pytest.mark.parametrize(
    ("backend", "kind", "args", "stdin"),
    cases(
        both=[pytest.param("note", [], "  \n\n", id="note-blank-stdin")],
        sqlite=[
            pytest.param("reply", ["--body", ""], None, id="reply-empty-option"),
            pytest.param("reply", ["--body", "-"], "", id="reply-empty-body-dash"),
        ],
    ),
)
def test_an_empty_message_is_refused_with_exit_2_and_changes_nothing(
    cli_inproc, desk: Desk, backend: str, kind: str, args: list[str], stdin: str | None
) -> None:
    ticket = tickets.create(desk, subject="Quiet")

    line = fails(cli_inproc("ticket", kind, str(ticket.id), *args, input=stdin), 2)

    assert "empty" in line
    after = ticket_read.detail(desk, ticket.id)
    assert after.messages == ()
    assert after.ticket.version == 1


# -- one-word verbs -------------------------------------------------------------------------


def test_assign_gives_the_ticket_to_an_agent(cli_inproc, desk) -> None:
    ticket = tickets.create(desk, subject="For bob")

    data = ok_json(cli_inproc("ticket", "assign", str(ticket.id), "bob"))

    assert data["assignee"] == "bob"
    assert ticket_read.get(desk, ticket.id).assignee == "bob"


def test_close_closes_a_solved_ticket(cli_inproc, desk) -> None:
    ticket_id = _solved(desk)

    data = ok_json(cli_inproc("ticket", "close", str(ticket_id)))

    assert data["status"] == "closed"
    assert ticket_read.get(desk, ticket_id).status == "closed"


def test_close_of_an_open_ticket_is_a_conflict_naming_the_allowed_statuses(
    cli_inproc, desk
) -> None:
    ticket = tickets.create(desk, subject="Still broken")
    tickets.update(desk, ticket.id, tickets.Changes(status="open"))

    line = fails(cli_inproc("ticket", "close", str(ticket.id)), 4)

    assert "open" in line
    assert "allowed" in line
    assert "solved" in line
    after = ticket_read.get(desk, ticket.id)
    assert (after.status, after.version) == ("open", 2)


def test_reopen_puts_a_solved_ticket_back_to_open(cli_inproc, desk) -> None:
    ticket_id = _solved(desk)

    data = ok_json(cli_inproc("ticket", "reopen", str(ticket_id)))

    assert data["status"] == "open"
    assert ticket_read.get(desk, ticket_id).status == "open"


def test_escalate_moves_the_ticket_to_the_next_tier_and_keeps_the_reason(cli_inproc, desk) -> None:
    ticket = tickets.create(desk, subject="Core switch down", assignee="bob")

    data = ok_json(
        cli_inproc("ticket", "escalate", str(ticket.id), "--reason", "needs a firewall change")
    )

    assert data["queue"] == "Network L2"
    assert data["assignee"] is None
    notes = [m.body for m in ticket_read.detail(desk, ticket.id).messages]
    assert any("needs a firewall change" in body for body in notes)


# -- list and show --------------------------------------------------------------------------


@pytest.fixture
def three_tickets(desk: Desk) -> list[int]:
    ids = [
        tickets.create(desk, subject="VPN drops", tags=["vpn"], priority="high").id,
        tickets.create(desk, subject="Printer jam", requester="dana@acme.example").id,
        tickets.create(desk, subject="VPN slow", tags=["vpn", "wifi"]).id,
    ]
    return ids


def test_list_as_json_is_one_array_of_ticket_objects(cli_inproc, three_tickets: list[int]) -> None:
    data = ok_json(cli_inproc("ticket", "list", "--format", "json"))

    assert isinstance(data, list)
    assert sorted(row["id"] for row in data) == sorted(three_tickets)
    for row in data:
        assert_ticket_json(row)


def test_list_writes_json_lines_by_default_when_piped(cli_inproc, three_tickets: list[int]) -> None:
    lines = ok(cli_inproc("ticket", "list", "tag:vpn")).splitlines()

    rows = [json.loads(line) for line in lines]
    assert sorted(row["id"] for row in rows) == [three_tickets[0], three_tickets[2]]
    for row in rows:
        assert_ticket_json(row)


def test_list_as_csv_has_a_header_and_one_row_per_ticket(
    cli_inproc, three_tickets: list[int]
) -> None:
    out = ok(cli_inproc("ticket", "list", "--format", "csv"))

    header = out.splitlines()[0].split(",")
    assert header[:3] == ["id", "subject", "type"]
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(int(row["id"]) for row in rows) == sorted(three_tickets)
    by_subject = {row["subject"]: row for row in rows}
    assert by_subject["VPN slow"]["tags"] in ("vpn,wifi", "wifi,vpn")
    assert by_subject["Printer jam"]["requester"] == "dana@acme.example"
    assert by_subject["Printer jam"]["assignee"] == ""
    assert ISO_UTC.match(by_subject["VPN drops"]["created_at"])


def test_list_as_ids_prints_one_id_per_line(cli_inproc, three_tickets: list[int]) -> None:
    out = ok(cli_inproc("ticket", "list", "priority:>=high", "--format", "ids"))

    assert out == f"{three_tickets[0]}\n"


def test_show_as_json_has_the_fields_the_thread_and_the_history(cli_inproc, desk) -> None:
    ticket = tickets.create(desk, subject="Laptop", body="Screen flickers.", requester="d@x.io")
    tickets.note(desk, ticket.id, "Checked the cable.")

    data = ok_json(cli_inproc("ticket", "show", str(ticket.id), "--format", "json"))

    assert_ticket_json(data)
    assert data["id"] == ticket.id
    assert [m["kind"] for m in data["messages"]] == ["reply", "note"]
    for message in data["messages"]:
        assert {"id", "kind", "author", "body", "created_at"} <= message.keys()
        assert type(message["id"]) is int
        assert ISO_UTC.match(message["created_at"])
    assert data["messages"][0]["author"] == "d@x.io"
    assert data["messages"][1]["author"] == "alice"
    assert data["messages"][1]["body"] == "Checked the cable."
    fields = [event["field"] for event in data["history"]]
    assert fields[0] == "created"
    assert "note" in fields
    assert all(ISO_UTC.match(event["at"]) for event in data["history"])


@SQLITE_ONLY
def test_show_defaults_to_one_json_object_when_piped(cli_inproc, desk) -> None:
    ticket = tickets.create(desk, subject="Piped show")

    data = ok_json(cli_inproc("ticket", "show", str(ticket.id)))

    assert isinstance(data, dict)
    assert data["subject"] == "Piped show"


# -- errors every backend must get right ----------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "args"),
    cases(
        both=[pytest.param(["show", "999"], id="show")],
        sqlite=[pytest.param(["reply", "999", "--body", "hi"], id="reply")],
    ),
)
def test_an_unknown_ticket_is_not_found_with_exit_3(
    cli_inproc, backend: str, args: list[str]
) -> None:
    result = cli_inproc("ticket", *args)

    line = fails(result, 3)
    assert "#999" in line
    assert result.stdout == ""
