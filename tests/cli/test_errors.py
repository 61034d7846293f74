"""Exit codes and one-line errors (SPEC section 5): what a script can branch on.

Every failure is one ``error:`` line on stderr, nothing on stdout, no traceback (unless
``--debug``) and no Click ``Usage:`` block. Most of these do not depend on the backend and
run on SQLite only; the query caret also runs on PostgreSQL. They run in-process
(``cli_inproc``); tests/cli/test_inproc_runner.py checks each class of error (exit 1 to 5)
against the installed script.
"""

from __future__ import annotations

import re

import pytest
from clitools import SQLITE_ONLY, cases, fails, ok, one_error_line

from conftest import Run
from deskterm.domain.people import agents as agents
from deskterm.domain.tickets.read import count


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("via", "args", "mentions"),
    [
        pytest.param("cli_inproc", ["ticket", "list", "--bogus"], "--bogus", id="unknown-option"),
        pytest.param("cli_inproc", ["ticket", "show"], "ID", id="missing-argument"),
        pytest.param("cli_inproc", ["ticket", "create"], "--subject", id="missing-required-option"),
        pytest.param("cli_inproc", ["tickets", "list"], "tickets", id="unknown-command"),
        pytest.param("cli_inproc", ["ticket", "list", "--limit", "0"], "--limit", id="range"),
        pytest.param("cli_inproc", ["ticket", "list", "--limit", "x"], "--limit", id="not-int"),
    ],
)
def test_usage_errors_are_one_error_line_with_exit_2(
    request: pytest.FixtureRequest, backend: str, via: str, args: list[str], mentions: str
) -> None:
    result = request.getfixturevalue(via)(*args)

    line = one_error_line(result, 2)
    assert mentions in line
    assert "--help" in line
    assert result.stdout == ""


@SQLITE_ONLY
def test_a_command_group_without_a_subcommand_is_not_a_multi_line_error(cli_inproc) -> None:
    result = cli_inproc("ticket")

    assert not result.stderr.startswith("error: Usage:")
    assert len(result.stderr.splitlines()) <= 1


@SQLITE_ONLY
def test_an_invalid_ticket_id_is_a_usage_error(cli_inproc) -> None:
    line = one_error_line(cli_inproc("ticket", "show", "abc"), 2)

    assert '"abc"' in line


@SQLITE_ONLY
def test_an_unknown_output_format_names_the_allowed_formats(cli_inproc) -> None:
    line = one_error_line(cli_inproc("ticket", "list", "--format", "yaml"), 2)

    for fmt in ("table", "json", "jsonl", "csv", "ids"):
        assert fmt in line


@SQLITE_ONLY
def test_an_unknown_priority_on_create_names_the_allowed_values_and_creates_nothing(
    cli_inproc, desk
) -> None:
    line = one_error_line(cli_inproc("ticket", "create", "-s", "x", "--priority", "asap"), 2)

    assert "low, normal, high, urgent" in line
    assert count(desk) == 0


# -- the query language: the query and a caret under the problem ----------------------------


@pytest.mark.parametrize(
    ("backend", "via", "query", "problem"),
    cases(
        both=[pytest.param("cli_inproc", "status:open foo:bar", "foo", id="unknown-field")],
        sqlite=[
            pytest.param("cli_inproc", "priority:>=huge", "huge", id="bad-value"),
            pytest.param("cli_inproc", 'vpn "drops every', '"', id="unclosed-quote"),
            pytest.param("cli_inproc", "status:open,,pending", ",pending", id="empty-value"),
        ],
    ),
)
def test_a_bad_query_shows_the_query_and_a_caret_under_the_problem(
    request: pytest.FixtureRequest, backend: str, via: str, query: str, problem: str
) -> None:
    result = request.getfixturevalue(via)("ticket", "list", query)

    line = fails(result, 2)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    shown, caret = lines[1], lines[2]
    offset = shown.index(query)
    assert shown == " " * offset + query
    column = query.index(problem)
    assert caret == " " * (offset + column) + "^", f"caret misplaced:\n{shown}\n{caret}"
    assert re.search(rf"\bcolumn {column + 1}\b", line), line


# -- who is acting ----------------------------------------------------------------------------


@SQLITE_ONLY
def test_an_unknown_acting_agent_is_permission_denied_with_a_hint(cli_inproc) -> None:
    result = cli_inproc("--as", "nobody", "ticket", "list")

    line = one_error_line(result, 5)
    assert '"nobody"' in line
    assert "--as" in line
    assert "DESKTERM_AGENT" in line
    assert "deskterm agent add nobody" in line
    assert result.stdout == ""


@SQLITE_ONLY
def test_an_agent_adding_an_agent_is_permission_denied_and_adds_nobody(cli_inproc, desk) -> None:
    result = cli_inproc("agent", "add", "x", env={"DESKTERM_AGENT": "bob"})

    line = one_error_line(result, 5)
    assert "bob" in line
    assert "admin" in line
    assert "x" not in {agent.handle for agent in agents.list_agents(desk)}


# -- --debug ----------------------------------------------------------------------------------


@SQLITE_ONLY
def test_debug_shows_the_traceback_that_is_otherwise_hidden(cli_inproc) -> None:
    debug = cli_inproc("--debug", "ticket", "show", "999")

    assert debug.returncode != 0
    assert "Traceback" in debug.stderr
    assert "NotFound" in debug.stderr


def test_debug_in_the_wrong_place_is_a_usage_error_not_a_traceback(cli_inproc: Run) -> None:
    """Found by the query fuzzer: ``ticket list --debug`` made --debug show the traceback of
    the wrong option instead of saying so."""
    line = one_error_line(cli_inproc("ticket", "list", "--debug"), 2)
    assert line.startswith("error: No such option: --debug")


def test_the_root_help_is_the_same_after_another_command_ran_in_the_process(
    cli_inproc: Run,
) -> None:
    fresh = ok(cli_inproc("--help", columns=60))
    ok(cli_inproc("sla", "list"))  # loads the sla command into this process
    assert ok(cli_inproc("--help", columns=60)) == fresh


def test_an_error_with_two_short_quoted_values_keeps_the_text_between_them() -> None:
    """The shortening of long quoted values took the text between two short ones for one
    (the macros' "did you mean" messages lost their middle)."""
    from deskterm.cli.main import MAX_QUOTED, one_line

    middle = "y" * (MAX_QUOTED + 20)
    message = f'unknown variable "x" in {middle} use "z"'
    assert one_line(message) == message
    long_value = "v" * (MAX_QUOTED + 5)
    shortened = one_line(f'bad "{long_value}" here')
    assert shortened.startswith('bad "vvv') and shortened.endswith('…" here')
