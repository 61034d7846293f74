"""``deskterm rule list|show|add|edit|delete|move|test`` as a lead types and scripts them."""

from __future__ import annotations

from clitools import fails, ok, ok_json, one_error_line

from conftest import Run


def test_add_list_show_and_a_new_ticket_routed_by_it(cli_inproc: Run) -> None:
    added = ok_json(
        cli_inproc(
            "rule", "add", "VPN to network", "--if", "vpn", "--queue", "Network L2",
            "--priority", "high", "--tag", "vpn", "--note", "Check the concentrator", "-f", "json",
        )
    )  # fmt: skip
    assert added["actions"] == {
        "queue": "Network L2",
        "priority": "high",
        "add_tags": ["vpn"],
        "note": "Check the concentrator",
    }
    assert (added["position"], added["then"], added["enabled"]) == (1, "stop", True)
    ok(cli_inproc("rule", "add", "Ack", "--if", "is:unsolved", "--reply", "Got it",
                  "--then", "continue", "--position", "1"))  # fmt: skip
    listed = ok_json(cli_inproc("rule", "list", "-f", "json"))
    assert [(r["position"], r["name"]) for r in listed] == [(1, "Ack"), (2, "VPN to network")]
    table = ok(cli_inproc("rule", "list", "-f", "table"))
    assert "queue Network L2, priority high, tags +vpn" in table
    ticket = ok_json(cli_inproc("ticket", "create", "--subject", "VPN drops", "-f", "json"))
    assert (ticket["queue"], ticket["priority"], ticket["tags"]) == ("Network L2", "high", ["vpn"])
    shown = ok(cli_inproc("ticket", "show", str(ticket["id"]), "-f", "table"))
    assert "rule Ack applied" in shown and "rule VPN to network applied" in shown
    assert "automatic reply" in shown


def test_test_shows_what_would_change_and_changes_nothing(cli_inproc: Run) -> None:
    old = ok_json(cli_inproc("ticket", "create", "--subject", "VPN slow", "-f", "json"))
    ok(cli_inproc("rule", "add", "VPN high", "--if", "vpn", "--priority", "high"))
    result = cli_inproc("rule", "test", "vpn high", "-f", "json")
    assert ok_json(result) == [
        {
            "ticket_id": old["id"],
            "subject": "VPN slow",
            "changes": ["priority: normal -> high"],
            "problem": None,
        }
    ]
    assert 'rule "VPN high" matches 1 existing ticket; nothing was changed' in result.stderr
    after = ok_json(cli_inproc("ticket", "show", str(old["id"]), "-f", "json"))
    assert (after["priority"], after["version"]) == ("normal", old["version"])


def test_edit_move_delete_and_refusals(cli_inproc: Run) -> None:
    ok(cli_inproc("rule", "add", "One", "--if", "vpn", "--priority", "high"))
    ok(cli_inproc("rule", "add", "Two", "--if", "printer", "--tag", "printer"))
    edited = ok_json(
        cli_inproc("rule", "edit", "one", "--disable", "--if-version", "1", "-f", "json")
    )
    assert (edited["enabled"], edited["version"]) == (False, 2)
    stale = one_error_line(cli_inproc("rule", "edit", "One", "--enable", "--if-version", "1"), 4)
    assert "changed since you read it" in stale
    ok(cli_inproc("rule", "move", "Two", "1"))
    assert [r["name"] for r in ok_json(cli_inproc("rule", "list", "-f", "json"))] == ["Two", "One"]
    ok(cli_inproc("rule", "delete", "Two"))
    assert [r["position"] for r in ok_json(cli_inproc("rule", "list", "-f", "json"))] == [1]
    assert "no rule" in fails(cli_inproc("rule", "show", "Two"), 3)
    bad = fails(cli_inproc("rule", "add", "Bad", "--if", "status:opne", "--priority", "high"), 2)
    assert 'unknown status "opne"' in bad
    gone = one_error_line(cli_inproc("rule", "add", "Bad", "--if", "vpn", "--queue", "Nowhere"), 3)
    assert 'unknown queue "Nowhere"' in gone
    agent = one_error_line(
        cli_inproc(
            "rule", "add", "Mine", "--if", "vpn", "--tag", "x", env={"DESKTERM_AGENT": "bob"}
        ),
        5,
    )
    assert "needs lead or admin" in agent


def test_a_rule_skipped_at_create_is_a_warning_and_the_ticket_is_made(cli_inproc: Run) -> None:
    ok(cli_inproc("queue", "add", "Temp", "--tier", "L2"))
    ok(cli_inproc("rule", "add", "To temp", "--if", "printer", "--queue", "Temp"))
    ok(cli_inproc("queue", "delete", "Temp"))
    made = cli_inproc("ticket", "create", "--subject", "Printer jam", "-f", "json")
    ticket = ok_json(made)
    assert ticket["queue"] == "Service Desk"
    assert made.stderr.startswith(
        f'warning: rule "To temp" skipped for #{ticket["id"]}: unknown queue "Temp"'
    )
