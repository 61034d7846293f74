"""``deskterm macro list|show|add|edit|delete|apply`` as an agent types and scripts them."""

from __future__ import annotations

from pathlib import Path

from clitools import ok, ok_json, one_error_line

from conftest import Run

PASSWORD = (
    "Hi {{ requester.first_name }},\n\n"
    "you can reset your password at https://pw.example.\n\n"
    "{{ agent.name }}"
)


def _ticket(cli: Run) -> int:
    return int(
        ok_json(
            cli(
                "ticket", "create", "-s", "Forgot my password",
                "--requester", "dana.smith@acme.example", "--body", "Locked out.",
                "-f", "json",
            )
        )["id"]
    )  # fmt: skip


def test_add_from_stdin_then_apply_replies_and_sets_the_fields(cli_inproc: Run) -> None:
    ticket_id = _ticket(cli_inproc)
    macro = ok_json(
        cli_inproc(
            "macro", "add", "Password reset", "--body", "-", "--status", "pending",
            "--add-tag", "password", "--assignee", "me", "-f", "json",
            input=PASSWORD,
        )
    )  # fmt: skip
    assert (macro["name"], macro["kind"], macro["owner"]) == ("Password reset", "reply", "alice")
    assert macro["add_tags"] == ["password"]
    applied = ok_json(
        cli_inproc("macro", "apply", str(ticket_id), "--macro", "password reset", "-f", "json")
    )
    assert applied["text"].startswith("Hi Dana,\n\nyou can reset your password at https://")
    assert {c["field"] for c in applied["changes"]} == {"status", "assignee", "tags"}
    assert applied["ticket"]["status"] == "pending"
    assert applied["ticket"]["version"] == 2
    shown = ok_json(cli_inproc("ticket", "show", str(ticket_id), "-f", "json"))
    assert shown["messages"][-1]["body"] == applied["text"]
    assert shown["history"][-1]["field"] == "macro"


def test_dry_run_prints_the_text_and_changes_and_changes_nothing(cli_inproc: Run) -> None:
    ticket_id = _ticket(cli_inproc)
    ok(cli_inproc("macro", "add", "Pw", "--body", PASSWORD, "--status", "pending"))
    out = ok(
        cli_inproc("macro", "apply", str(ticket_id), "--macro", "Pw", "--dry-run", "-f", "table")
    )
    assert "dry run, nothing changed" in out
    assert "Public reply:\nHi Dana," in out
    assert "status: new → pending" in out
    assert "applied macro" not in out
    assert ok_json(cli_inproc("ticket", "show", str(ticket_id), "-f", "json"))["version"] == 1


def test_a_bad_macro_is_one_error_line_and_exit_2(cli_inproc: Run) -> None:
    line = one_error_line(
        cli_inproc("macro", "add", "Bad", "--body", "Hi {{ requester.frist_name }}"), 2
    )
    assert 'unknown variable "requester.frist_name"' in line
    assert "variables: requester.name, requester.first_name, requester.email" in line
    line = one_error_line(cli_inproc("macro", "add", "Bad", "--body", "{% if x %}"), 2)
    assert "line 1" in line
    assert ok(cli_inproc("macro", "list", "-f", "jsonl")) == ""


def test_body_file_edit_clear_and_delete(cli_inproc: Run, tmp_path: Path) -> None:
    text = tmp_path / "vpn.txt"
    text.write_text("Please reinstall the VPN client, {{ requester.first_name }}.\n")
    ok(cli_inproc("macro", "add", "VPN", "--body-file", str(text), "--queue", "network l2"))
    edited = ok_json(
        cli_inproc(
            "macro", "edit", "VPN", "--name", "VPN reinstall", "--clear", "queue",
            "--priority", "high", "--kind", "note", "-f", "json",
        )
    )  # fmt: skip
    assert (edited["name"], edited["queue"], edited["priority"], edited["kind"]) == (
        "VPN reinstall",
        None,
        "high",
        "note",
    )
    assert edited["body"] == "Please reinstall the VPN client, {{ requester.first_name }}."
    table = ok(cli_inproc("macro", "list", "-f", "table"))
    assert "VPN reinstall" in table and "priority high" in table
    ok(cli_inproc("macro", "delete", "VPN reinstall"))
    line = one_error_line(cli_inproc("macro", "show", "VPN reinstall"), 3)
    assert 'no macro "VPN reinstall"' in line


def test_stale_apply_is_exit_4_and_a_shared_edit_by_an_agent_exit_5(cli_inproc: Run) -> None:
    ticket_id = _ticket(cli_inproc)
    ok(cli_inproc("macro", "add", "Pw", "--body", PASSWORD, "--shared"))
    ok(cli_inproc("ticket", "reply", str(ticket_id), "--body", "On it."))
    line = one_error_line(
        cli_inproc("macro", "apply", str(ticket_id), "--macro", "Pw", "--if-version", "1"), 4
    )
    assert "changed since you read it" in line
    bob = {"DESKTERM_AGENT": "bob"}
    line = one_error_line(cli_inproc("macro", "delete", "Pw", env=bob), 5)
    assert "shared macro" in line
    assert [m["name"] for m in ok_json(cli_inproc("macro", "list", "-f", "json", env=bob))] == [
        "Pw"
    ]


def test_a_ticket_without_the_value_is_refused_naming_the_variable(cli_inproc: Run) -> None:
    ticket_id = ok_json(
        cli_inproc("ticket", "create", "-s", "Phone call", "--body", "x", "-f", "json")
    )["id"]
    ok(cli_inproc("macro", "add", "Pw", "--body", PASSWORD))
    line = one_error_line(cli_inproc("macro", "apply", str(ticket_id), "--macro", "Pw"), 2)
    assert "requester.first_name" in line and "default(" in line
