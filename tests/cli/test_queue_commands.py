"""``deskterm queue ...``, ``deskterm agent join|leave`` and escalation from the command line.

The desk: admin alice, agent bob, lead carol; Service Desk (L1) -> Network L2 ->
Infrastructure L3. Tests that are about the database run on both backends; those about
wording and option handling on SQLite only.
"""

from __future__ import annotations

import json

from clitools import ISO_UTC, SQLITE_ONLY, ok, ok_json, one_error_line

from deskterm.domain import queues, tickets
from deskterm.domain.desk import Desk

QUEUE_KEYS = [
    "id",
    "name",
    "tier",
    "escalates_to",
    "description",
    "member_count",
    "open_tickets",
    "escalations",
    "confidential",
]


def test_queue_list_json_has_tiers_links_members_open_tickets_and_escalations(
    cli_inproc, desk: Desk
) -> None:
    queues.join_queue(desk, "Network L2", ["bob", "carol"])
    first = tickets.create(desk, subject="VPN down")
    tickets.create(desk, subject="Wifi", queue="Network L2")
    ok(cli_inproc("ticket", "escalate", str(first.id), "--reason", "needs L2"))

    rows = ok_json(cli_inproc("queue", "list", "--format", "json"))

    assert [list(row) for row in rows] == [QUEUE_KEYS] * 3
    by_name = {row["name"]: row for row in rows}
    assert [row["name"] for row in rows] == ["Service Desk", "Network L2", "Infrastructure L3"]
    assert by_name["Service Desk"]["escalates_to"] == "Network L2"
    assert by_name["Infrastructure L3"]["escalates_to"] is None
    figures = {
        n: (r["member_count"], r["open_tickets"], r["escalations"]) for n, r in by_name.items()
    }
    assert figures == {
        "Service Desk": (0, 0, 1),
        "Network L2": (2, 2, 0),
        "Infrastructure L3": (0, 0, 0),
    }
    assert all(type(row["id"]) is int for row in rows)
    lines = ok(cli_inproc("queue", "list", "--format", "jsonl", "--since", "1h")).splitlines()
    assert [json.loads(line)["escalations"] for line in lines] == [1, 0, 0]
    csv = ok(cli_inproc("queue", "list", "--format", "csv")).splitlines()
    assert csv[0] == ",".join(QUEUE_KEYS)


@SQLITE_ONLY
def test_queue_list_table_and_a_bad_since(cli_inproc) -> None:
    table = ok(cli_inproc("queue", "list", "--format", "table")).splitlines()
    assert table[0].split() == ["NAME", "TIER", "ESCALATES", "TO", "MEMBERS", "OPEN", "ESCALATED"]
    assert table[1].split()[:4] == ["Service", "Desk", "L1", "Network"]
    line = one_error_line(cli_inproc("queue", "list", "--since", "soon"), 2)
    assert line.startswith('error: --since "soon"')


def test_queue_show_json_has_the_chain_and_members(cli_inproc, desk: Desk) -> None:
    queues.join_queue(desk, "Network L2", ["carol", "bob"])

    shown = ok_json(cli_inproc("queue", "show", "network l2", "--format", "json"))

    assert list(shown) == [
        *QUEUE_KEYS,
        "chain",
        "escalated_from",
        "members",
        "default_sla_policy",
        "auto_reply",
    ]
    assert (shown["name"], shown["chain"], shown["escalated_from"]) == (
        "Network L2",
        ["Infrastructure L3"],
        ["Service Desk"],
    )
    assert [list(m) for m in shown["members"]] == [["handle", "name", "role", "added_at"]] * 2
    assert [m["handle"] for m in shown["members"]] == ["bob", "carol"]
    assert ISO_UTC.match(shown["members"][0]["added_at"])
    table = ok(cli_inproc("queue", "show", "Network L2", "--format", "table"))
    assert "Chain           Infrastructure L3" in table
    assert "Members         bob, carol" in table


@SQLITE_ONLY
def test_unknown_queue_says_where_to_look(cli_inproc) -> None:
    for args in (
        ("queue", "show", "Printers"),
        ("ticket", "take", "--queue", "Printers"),
        ("ticket", "create", "--subject", "Jam", "--queue", "Printers"),
    ):
        line = one_error_line(cli_inproc(*args), 3)
        assert 'unknown queue "Printers"' in line
        assert line.endswith("(see: deskterm queue list)")


def test_a_lead_adds_edits_and_deletes_queues(cli_inproc) -> None:
    carol = {"DESKTERM_AGENT": "carol"}
    added = ok_json(
        cli_inproc(
            "queue",
            "add",
            "Printers",
            "--tier",
            "l2",
            "--description",
            "Paper and toner",
            "--escalates-to",
            "Infrastructure L3",
            "--format",
            "json",
            env=carol,
        )
    )
    assert added == {
        "id": added["id"],
        "name": "Printers",
        "tier": "L2",
        "escalates_to": "Infrastructure L3",
        "description": "Paper and toner",
        "confidential": False,
    }
    edited = ok_json(
        cli_inproc(
            "queue", "edit", "printers", "--name", "Print", "--escalates-to", "none", env=carol
        )
    )
    assert (edited["name"], edited["escalates_to"], edited["tier"]) == ("Print", None, "L2")
    said = ok(cli_inproc("queue", "delete", "Print", "--format", "table", env=carol))
    assert said == "Deleted queue Print\n"
    names = [row["name"] for row in ok_json(cli_inproc("queue", "list", "--format", "json"))]
    assert "Print" not in names


def test_a_queue_with_tickets_is_deleted_only_with_move_to(cli_inproc, desk: Desk) -> None:
    queues.add_queue(desk, "Printers")
    ticket = tickets.create(desk, subject="Jam", queue="Printers")

    line = one_error_line(cli_inproc("queue", "delete", "Printers"), 4)
    assert 'cannot delete queue "Printers": it holds 1 ticket; nothing was changed' in line
    assert line.endswith("(run: deskterm queue delete Printers --move-to QUEUE)")
    assert tickets.get(desk, ticket.id).queue == "Printers"

    gone = ok_json(
        cli_inproc("queue", "delete", "Printers", "--move-to", "Service Desk", "--format", "json")
    )
    assert gone == {"name": "Printers", "moved": 1, "moved_to": "Service Desk"}
    assert tickets.get(desk, ticket.id).queue == "Service Desk"


@SQLITE_ONLY
def test_a_queue_others_escalate_to_names_them_and_how_to_free_it(cli_inproc) -> None:
    line = one_error_line(cli_inproc("queue", "delete", "Network L2"), 4)
    assert "Service Desk escalates to it" in line
    assert line.endswith("(run: deskterm queue edit 'Service Desk' --escalates-to QUEUE|none)")


@SQLITE_ONLY
def test_a_loop_is_refused_with_its_path(cli_inproc) -> None:
    line = one_error_line(
        cli_inproc("queue", "edit", "Infrastructure L3", "--escalates-to", "Service Desk"), 2
    )
    assert "Infrastructure L3 -> Service Desk -> Network L2 -> Infrastructure L3" in line


@SQLITE_ONLY
def test_empty_option_values_are_refused(cli_inproc) -> None:
    for args in (
        ("queue", "edit", "Service Desk", "--escalates-to", " "),
        ("queue", "delete", "Service Desk", "--move-to", ""),
        ("queue", "add", "Printers", "--tier", ""),
        ("agent", "join", "Service Desk", ""),
    ):
        line = one_error_line(cli_inproc(*args), 2)
        assert "is empty" in line


def test_an_agent_may_not_manage_queues_or_membership(cli_inproc) -> None:
    bob = {"DESKTERM_AGENT": "bob"}
    for args in (
        ("queue", "add", "Printers"),
        ("queue", "edit", "Service Desk", "--tier", "L2"),
        ("queue", "delete", "Infrastructure L3"),
        ("agent", "join", "Service Desk"),
        ("agent", "leave", "Service Desk", "carol"),
    ):
        line = one_error_line(cli_inproc(*args, env=bob), 5)
        assert line == 'error: agent "bob" is agent; this needs lead or admin'
    ok(cli_inproc("queue", "list", env=bob))
    ok(cli_inproc("queue", "members", "Service Desk", env=bob))


def test_agent_join_and_leave_then_take_only_from_ones_queues(cli_inproc, desk: Desk) -> None:
    tickets.create(desk, subject="L1 urgent", priority="urgent")
    l2 = tickets.create(desk, subject="L2", queue="Network L2")
    joined = ok_json(cli_inproc("agent", "join", "Network L2", "bob", "--format", "json"))
    assert joined == [{"queue": "Network L2", "handle": "bob", "member": True, "changed": True}]
    said = ok(cli_inproc("agent", "join", "network l2", "bob", "carol", "--format", "table"))
    assert said == "bob is already in Network L2\ncarol joined Network L2\n"
    members = ok(cli_inproc("queue", "members", "Network L2", "--format", "ids"))
    assert members == "bob\ncarol\n"

    taken = ok_json(cli_inproc("ticket", "take", "--format", "json", env={"DESKTERM_AGENT": "bob"}))
    assert (taken["id"], taken["assignee"]) == (l2.id, "bob")
    line = one_error_line(cli_inproc("ticket", "take", env={"DESKTERM_AGENT": "bob"}), 3)
    assert "in the queues bob works (Network L2); nothing to take" in line
    line = one_error_line(
        cli_inproc("ticket", "take", "--queue", "Service Desk", env={"DESKTERM_AGENT": "bob"}), 5
    )
    assert 'bob is not a member of queue "Service Desk"' in line
    assert line.endswith("ask a lead to run: deskterm agent join 'Service Desk' bob)")

    left = ok(cli_inproc("agent", "leave", "Network L2", "bob", "alice", "--format", "table"))
    assert left == "bob left Network L2\nalice was not in Network L2\n"
    # In no queue again: bob takes from every queue.
    taken = ok_json(cli_inproc("ticket", "take", "--format", "json", env={"DESKTERM_AGENT": "bob"}))
    assert taken["subject"] == "L1 urgent"


def test_escalate_to_a_chosen_tier_from_the_command_line(cli_inproc, desk: Desk) -> None:
    ticket = tickets.create(desk, subject="Core switch down", assignee="bob")
    moved = ok_json(
        cli_inproc(
            "ticket",
            "escalate",
            str(ticket.id),
            "--to",
            "infrastructure l3",
            "--reason",
            "site outage",
            "--format",
            "json",
            env={"DESKTERM_AGENT": "bob"},
        )
    )
    assert (moved["queue"], moved["assignee"]) == ("Infrastructure L3", None)
    shown = ok_json(cli_inproc("ticket", "show", str(ticket.id), "--format", "json"))
    assert shown["messages"][-1]["kind"] == "note"
    assert shown["messages"][-1]["body"] == (
        "Escalated from Service Desk to Infrastructure L3: site outage"
    )
    line = one_error_line(cli_inproc("ticket", "escalate", str(ticket.id)), 4)
    assert "no higher tier" in line
    counted = ok_json(cli_inproc("queue", "show", "Service Desk", "--format", "json"))
    assert counted["escalations"] == 1


def test_queue_edit_sets_and_clears_the_default_sla_policy(cli_inproc) -> None:
    ok(cli_inproc("sla", "add", "Silver", "--target", "urgent=resolve:8h"))
    ok(cli_inproc("queue", "edit", "Service Desk", "--sla", "silver"))
    shown = json.loads(ok(cli_inproc("queue", "show", "Service Desk", "-f", "json")))
    assert shown["default_sla_policy"] == "Silver"
    line = one_error_line(cli_inproc("queue", "edit", "Service Desk", "--sla", "Bronze"), 3)
    assert line == 'error: unknown SLA policy "Bronze" (see: deskterm sla list)'
    ok(cli_inproc("queue", "edit", "Service Desk", "--sla", "none"))
    shown = json.loads(ok(cli_inproc("queue", "show", "Service Desk", "-f", "json")))
    assert shown["default_sla_policy"] is None
