"""``--time`` on reply, note and update, and ``ticket rate``, as an agent types and scripts
them; ``ticket show`` shows the totals and the rating."""

from __future__ import annotations

from clitools import TICKET_KEYS, ok, ok_json, one_error_line

from conftest import Run


def _ticket(cli: Run) -> str:
    created = ok_json(cli("ticket", "create", "-s", "VPN drops", "--body", "x", "-f", "json"))
    return str(created["id"])


def test_time_with_reply_note_and_update_totals_in_show(cli_inproc: Run) -> None:
    ticket = _ticket(cli_inproc)
    ok(cli_inproc("ticket", "reply", ticket, "--body", "Restart it.", "--time", "15m"))
    ok(
        cli_inproc(
            "ticket", "note", ticket, "--body", "Logs.", "--time", "1h30m",
            env={"DESKTERM_AGENT": "bob"},
        )
    )  # fmt: skip
    updated = ok_json(cli_inproc("ticket", "update", ticket, "--time", "90", "-f", "json"))
    assert updated["version"] == 4
    shown = ok_json(cli_inproc("ticket", "show", ticket, "-f", "json"))
    assert shown["time_spent_seconds"] == 15 * 60 + 90 * 60 + 90 * 60
    assert shown["time_by_agent"] == {"alice": 105 * 60, "bob": 90 * 60}
    assert [h["new"] for h in shown["history"] if h["field"] == "time"] == ["15m", "1h30m", "1h30m"]
    table = ok(cli_inproc("ticket", "show", ticket, "-f", "table"))
    assert "Time spent    3h15m (alice 1h45m, bob 1h30m)" in table
    assert "time spent: 1h30m" in table


def test_list_keys_stay_as_they_were(cli_inproc: Run) -> None:
    ticket = _ticket(cli_inproc)
    ok(cli_inproc("ticket", "update", ticket, "--time", "5m"))
    (row,) = ok_json(cli_inproc("ticket", "list", "-f", "json"))
    assert set(TICKET_KEYS) <= set(row)
    assert not {"time_spent_seconds", "time_by_agent", "rating"} & set(row)


def test_a_wrong_time_is_one_line_and_changes_nothing(cli_inproc: Run) -> None:
    ticket = _ticket(cli_inproc)
    line = one_error_line(
        cli_inproc("ticket", "reply", ticket, "--body", "Hi", "--time", "1.5h"), 2
    )
    assert line == (
        'error: invalid time spent "1.5h"; use minutes or hours: 15m, 1h30m, 2h, '
        "or 90 for 90 minutes"
    )
    one_error_line(cli_inproc("ticket", "update", ticket, "--time", ""), 2)
    shown = ok_json(cli_inproc("ticket", "show", ticket, "-f", "json"))
    assert (shown["version"], shown["time_spent_seconds"], len(shown["messages"])) == (1, 0, 1)


def test_dry_run_shows_the_time_entry(cli_inproc: Run) -> None:
    ticket = _ticket(cli_inproc)
    out = ok(cli_inproc("ticket", "update", ticket, "--time", "2h", "--dry-run", "-f", "table"))
    assert f"#{ticket}  time: - -> 2h" in out
    assert ok_json(cli_inproc("ticket", "show", ticket, "-f", "json"))["time_spent_seconds"] == 0


def test_rate_a_solved_ticket_once_per_solve(cli_inproc: Run) -> None:
    ticket = _ticket(cli_inproc)
    line = one_error_line(cli_inproc("ticket", "rate", ticket, "good"), 4)
    assert line == f"error: ticket #{ticket} is new; only a solved or closed ticket can be rated"
    ok(cli_inproc("ticket", "update", ticket, "--status", "solved"))
    rated = ok_json(
        cli_inproc("ticket", "rate", ticket, "bad", "--comment", "Took a week", "-f", "json")
    )
    assert (rated["rating"], rated["comment"], rated["recorded_by"]) == (
        "bad",
        "Took a week",
        "alice",
    )
    again = one_error_line(cli_inproc("ticket", "rate", ticket, "good"), 4)
    assert again == (
        f"error: ticket #{ticket} is already rated bad for this solve; one rating per solve "
        "(to change it, add --replace)"
    )
    ok(cli_inproc("ticket", "rate", ticket, "good", "--replace"))
    shown = ok_json(cli_inproc("ticket", "show", ticket, "-f", "json"))
    assert (shown["rating"], shown["rating_comment"]) == ("good", None)
    assert shown["rated_at"].endswith("Z")
    assert "Satisfaction  good (" in ok(cli_inproc("ticket", "show", ticket, "-f", "table"))


def test_rate_refuses_other_words(cli_inproc: Run) -> None:
    ticket = _ticket(cli_inproc)
    line = one_error_line(cli_inproc("ticket", "rate", ticket, "great"), 2)
    assert line == 'error: unknown rating "great"; allowed: good, bad'


def test_batch_takes_time_and_rate(cli_inproc: Run) -> None:
    ticket = _ticket(cli_inproc)
    ops = "\n".join(
        [
            f'{{"op":"note","id":{ticket},"body":"Checked","time":"20m"}}',
            f'{{"op":"update","id":{ticket},"set":{{"status":"solved","time":"1h"}}}}',
            f'{{"op":"rate","id":{ticket},"rating":"good","comment":"ok"}}',
        ]
    )
    ok(cli_inproc("batch", "-", input=ops))
    shown = ok_json(cli_inproc("ticket", "show", ticket, "-f", "json"))
    assert (shown["time_spent_seconds"], shown["rating"]) == (80 * 60, "good")
    bad = f'{{"op":"reply","id":{ticket},"body":"x","time":"2d"}}'
    assert one_error_line(cli_inproc("batch", "-", input=bad), 2).startswith(
        'error: line 1: "time": invalid time spent "2d"'
    )
