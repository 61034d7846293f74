"""``deskterm sla list|show|add|edit|delete`` as an admin or lead types and scripts them."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from clitools import ok, ok_json, one_error_line

from conftest import Run
from deskterm.domain import tickets
from deskterm.domain.desk import Desk

STANDARD = (
    "sla",
    "add",
    "Standard",
    "--description",
    "Business hours in Munich",
    "--target",
    "urgent=first:30m,next:2h,resolve:4h",
    "--target",
    "high=first:1h,resolve:1h30m",
    "--zone",
    "Europe/Berlin",
    "--hours",
    "mon-fri 09:00-12:00,13:00-17:00",
    "--hours",
    "sat=10:00-14:00",
    "--holiday",
    "2026-12-24",
    "--holiday",
    "2026-12-25",
    "--pause",
    "pending,on_hold",
    "--warn",
    "75",
    "--format",
    "json",
)


def test_add_stores_targets_calendar_pause_and_warning_as_typed(cli_inproc: Run) -> None:
    policy = ok_json(cli_inproc(*STANDARD))
    assert policy["name"] == "Standard"
    assert policy["description"] == "Business hours in Munich"
    assert policy["targets"]["urgent"] == {
        "first_response": 30,
        "next_response": 120,
        "resolution": 240,
    }
    assert policy["targets"]["high"] == {
        "first_response": 60,
        "next_response": None,
        "resolution": 90,
    }
    assert policy["targets"]["low"] == {
        "first_response": None,
        "next_response": None,
        "resolution": None,
    }
    calendar = policy["calendar"]
    assert calendar["zone"] == "Europe/Berlin"
    assert calendar["hours"]["mon"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert calendar["hours"]["sat"] == [["10:00", "14:00"]]
    assert calendar["hours"]["sun"] == []
    assert calendar["holidays"] == ["2026-12-24", "2026-12-25"]
    assert policy["pause_statuses"] == ["pending", "on_hold"]
    assert policy["warning_percent"] == 75
    assert policy["version"] == 1
    assert (policy["queue"], policy["type"], policy["organization"]) == (None, None, None)


def test_defaults_are_24x7_utc_paused_while_pending_warning_at_80(cli_inproc: Run) -> None:
    policy = ok_json(
        cli_inproc("sla", "add", "Plain", "--target", "normal=resolve:8h", "-f", "json")
    )
    assert policy["calendar"]["zone"] == "UTC"
    assert policy["calendar"]["hours"]["sun"] == [["00:00", "24:00"]]
    assert (policy["pause_statuses"], policy["warning_percent"]) == (["pending"], 80)


def test_list_in_every_format(cli_inproc: Run) -> None:
    ok(cli_inproc(*STANDARD))
    ok(
        cli_inproc(
            "sla",
            "add",
            "Network",
            "--queue",
            "Network L2",
            "--type",
            "incident",
            "--target",
            "urgent=first:15m",
            "-f",
            "json",
        )
    )
    lines = ok(cli_inproc("sla", "list", "--format", "jsonl")).splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["Network", "Standard"]
    assert json.loads(ok(cli_inproc("sla", "list", "--format", "json")))[0]["queue"] == "Network L2"
    table = ok(cli_inproc("sla", "list", "--format", "table", columns=240))
    assert table.splitlines()[0].split()[:3] == ["NAME", "APPLIES", "TO"]
    assert "queue Network L2, type incident" in table
    assert "urgent: first 30m next 2h resolve 4h; high: first 1h resolve 1h 30m" in table
    assert "Europe/Berlin mon-fri 09:00-12:00,13:00-17:00 sat 10:00-14:00" in table
    parsed = list(csv.DictReader(io.StringIO(ok(cli_inproc("sla", "list", "--format", "csv")))))
    assert [row["name"] for row in parsed] == ["Network", "Standard"]
    assert json.loads(parsed[1]["targets"])["urgent"]["resolution"] == 240
    assert ok(cli_inproc("sla", "list", "--format", "ids")).split() == ["2", "1"]


def test_show_reads_as_a_page_for_people(cli_inproc: Run) -> None:
    ok(cli_inproc(*STANDARD))
    page = ok(cli_inproc("sla", "show", "standard", "--format", "table"))
    assert "Applies to    every ticket" in page
    assert "Targets       urgent: first 30m next 2h resolve 4h" in page
    assert "Hours         mon-fri 09:00-12:00,13:00-17:00" in page
    assert "Paused while  pending,on_hold" in page
    assert json.loads(ok(cli_inproc("sla", "show", "#1", "-f", "json")))["name"] == "Standard"


def test_edit_changes_only_what_is_given_and_refuses_a_stale_version(cli_inproc: Run) -> None:
    ok(cli_inproc(*STANDARD))
    edited = ok_json(
        cli_inproc(
            "sla",
            "edit",
            "Standard",
            "--target",
            "urgent=next:none",
            "--target",
            "low=resolve:40h",
            "--holiday",
            "none",
            "--if-version",
            "1",
            "-f",
            "json",
        )
    )
    assert edited["version"] == 2
    assert edited["targets"]["urgent"] == {
        "first_response": 30,
        "next_response": None,
        "resolution": 240,
    }
    assert edited["targets"]["low"]["resolution"] == 2400
    assert edited["calendar"]["holidays"] == []
    assert edited["calendar"]["zone"] == "Europe/Berlin"  # not given: kept
    assert edited["warning_percent"] == 75

    line = one_error_line(
        cli_inproc("sla", "edit", "Standard", "--warn", "50", "--if-version", "1"), 4
    )
    assert line == (
        'error: SLA policy "Standard" changed since you read it (version 1, now 2); '
        "nothing was changed (see: deskterm sla show 'Standard')"
    )
    assert ok_json(cli_inproc("sla", "show", "Standard", "-f", "json"))["warning_percent"] == 75

    renamed = ok_json(
        cli_inproc(
            "sla", "edit", "Standard", "--name", "Munich", "--queue", "Service Desk", "-f", "json"
        )
    )
    assert (renamed["name"], renamed["queue"]) == ("Munich", "Service Desk")
    cleared = ok_json(cli_inproc("sla", "edit", "Munich", "--queue", "none", "-f", "json"))
    assert cleared["queue"] is None


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--target", "urgent=first:1d"), 2, 'invalid duration "1d"; use minutes or hours'),
        (("--target", "urgent"), 2, 'invalid target "urgent"; expected PRIORITY=CLOCK:DURATION'),
        (("--target", "asap=first:1h"), 2, 'unknown priority "asap"; allowed: low, normal'),
        (("--target", "urgent=reply:1h"), 2, 'unknown clock "reply"; allowed: first'),
        (("--target", "urgent=first:0"), 2, "urgent first_response target must be a whole"),
        (("--zone", "Europe/Munich"), 2, 'unknown time zone "Europe/Munich"'),
        (("--hours", "weekdays 09:00-17:00"), 2, "'weekdays' is not a day or days (like mon"),
        (("--hours", "mon-fri 09:00-17:99"), 2, "has a time that is not on the clock"),
        (("--holiday", "25.12.2026"), 2, "'25.12.2026' is not a date or range (like 2026-12-24"),
        (("--pause", "open"), 2, '"open" cannot pause SLA clocks; pausing statuses: pending'),
        (("--warn", "0"), 2, "the warning threshold is a whole percentage of the target from 1"),
        (("--type", "bug"), 2, 'unknown type "bug"; allowed: incident'),
        (("--queue", "Nowhere"), 3, 'unknown queue "Nowhere"; queues: Infrastructure L3'),
        (("--org", "Initech"), 3, 'unknown organization "Initech"'),
    ],
)
def test_a_bad_option_is_one_error_line_with_its_exit_code_and_stores_nothing(
    cli_inproc: Run, args: tuple[str, ...], code: int, message: str
) -> None:
    base = ("sla", "add", "Bad", "--target", "normal=resolve:8h")
    result = cli_inproc(*base, *args)
    if args[0] == "--hours":  # the hours text is shown again with a caret under the mistake
        assert result.returncode == code, result.stderr
        line, shown, caret = result.stderr.splitlines()
        assert shown.strip() == args[1] and caret.strip() == "^", result.stderr
    else:
        line = one_error_line(result, code)
    assert message in line, line
    assert ok(cli_inproc("sla", "list", "-f", "jsonl")) == ""


def test_an_edit_without_any_change_is_refused(cli_inproc: Run) -> None:
    ok(cli_inproc(*STANDARD))
    line = one_error_line(cli_inproc("sla", "edit", "Standard"), 2)
    assert line == 'error: nothing to change in SLA policy "Standard"; nothing was changed'
    assert ok_json(cli_inproc("sla", "show", "Standard", "-f", "json"))["version"] == 1


def test_a_policy_without_targets_is_refused(cli_inproc: Run) -> None:
    line = one_error_line(cli_inproc("sla", "add", "Empty"), 2)
    assert (
        line
        == "error: a policy needs at least one target, e.g. --target urgent=first:30m,resolve:4h"
    )


def test_an_agent_may_list_but_not_add_edit_or_delete(cli_inproc: Run) -> None:
    ok(cli_inproc(*STANDARD))
    bob = {"DESKTERM_AGENT": "bob"}
    assert json.loads(ok(cli_inproc("sla", "list", "-f", "json", env=bob)))[0]["name"] == "Standard"
    for args in (
        ("sla", "add", "Mine", "--target", "low=resolve:1h"),
        ("sla", "edit", "Standard", "--warn", "50"),
        ("sla", "delete", "Standard"),
    ):
        line = one_error_line(cli_inproc(*args, env=bob), 5)
        assert line == 'error: agent "bob" is agent; this needs lead or admin'
    carol = {"DESKTERM_AGENT": "carol"}
    ok(cli_inproc("sla", "edit", "Standard", "--warn", "50", env=carol))


def test_delete_refuses_a_policy_in_use_unless_forced(cli_inproc: Run, backend_url: str) -> None:
    from deskterm.domain.setup import open_desk
    from deskterm.store import schema

    ok(cli_inproc(*STANDARD))
    created = ok_json(cli_inproc("ticket", "create", "--subject", "VPN down", "-f", "json"))
    # The workflow sets a ticket's policy; here the desk is told directly.
    desk = open_desk(backend_url, "alice")
    try:
        with desk.store.write() as conn:
            conn.execute(
                schema.tickets.update()
                .where(schema.tickets.c.id == created["id"])
                .values(sla_policy_id=1)
            )
    finally:
        desk.close()
    line = one_error_line(cli_inproc("sla", "delete", "Standard"), 4)
    assert line == (
        'error: SLA policy "Standard" is in use: 1 ticket runs under it; nothing was changed '
        "(to delete it anyway, leaving its tickets without policy, add --force)"
    )
    forced = cli_inproc("sla", "delete", "Standard", "--force")
    ok(forced)
    assert forced.stderr == 'deleted SLA policy "Standard"; left without policy: 1 ticket\n'
    line = one_error_line(cli_inproc("sla", "show", "Standard"), 3)
    assert line == 'error: no SLA policy "Standard"; policies: none yet (see: deskterm sla list)'


def test_tick_escalates_a_breached_ticket_once_and_says_so(cli_inproc: Run, desk: Desk) -> None:
    added = ok_json(
        cli_inproc(
            "sla", "add", "Escalating", "--target", "high=first:30m", "--escalate", "-f", "json"
        )
    )
    assert added["escalate_on_breach"] is True
    assert "On breach     escalate one tier up (deskterm sla tick)" in ok(
        cli_inproc("sla", "show", "Escalating", "-f", "table")
    )
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    ticket = tickets.create(
        Desk(desk.store, desk.handle, clock=lambda: two_hours_ago),
        subject="Core switch down",
        priority="high",
    )

    dry = cli_inproc("sla", "tick", "--dry-run", "-f", "table")
    assert f"{ticket.id}" in ok(dry) and "Network L2" in dry.stdout
    assert dry.stderr.strip() == "would escalate 1 ticket"
    assert tickets.get(desk, ticket.id).queue == "Service Desk"

    done = ok_json(cli_inproc("sla", "tick", "--format", "json"))
    assert [(e["ticket_id"], e["clock"], e["from_queue"], e["to_queue"]) for e in done] == [
        (ticket.id, "first_response", "Service Desk", "Network L2")
    ]
    again = cli_inproc("sla", "tick", "-f", "table")
    assert ok(again) == "" and again.stderr.strip() == "escalated 0 tickets"
    assert tickets.get(desk, ticket.id).queue == "Network L2"

    refused = one_error_line(cli_inproc("sla", "tick", env={"DESKTERM_AGENT": "bob"}), 5)
    assert "needs lead or admin" in refused
    quiet = ok(cli_inproc("sla", "edit", "Escalating", "--no-escalate", "-f", "json"))
    assert json.loads(quiet)["escalate_on_breach"] is False
