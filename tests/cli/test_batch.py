"""``deskterm batch``: JSON-lines operations, checked first, applied all or nothing."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from clitools import fails, ok
from sqlalchemy import func, select

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import batch as batch
from deskterm.domain.tickets.read import detail, get
from deskterm.errors import Conflict, InvalidInput, NotFound
from deskterm.store import schema

Run = Callable[..., "subprocess.CompletedProcess[str]"]


def _counts(desk: Desk) -> tuple[int, int, int]:
    with desk.store.read() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (schema.tickets, schema.messages, schema.audit_events)
        )


def _lines(*ops: dict[str, Any]) -> list[str]:
    return [json.dumps(op) for op in ops]


def test_every_op_applies_and_reports_one_result_per_line(desk: Desk) -> None:
    solved = tickets.create(desk, subject="Printer jam")
    tickets.update(desk, solved.id, tickets.Changes(status="solved"))
    results = batch.run_batch(
        desk,
        _lines(
            {
                "op": "create",
                "subject": "VPN drops",
                "body": "every hour",
                "requester": "bob@acme.example",
                "priority": "high",
                "tags": ["vpn"],
                "channel": "email",
            },
            {"op": "update", "id": solved.id, "set": {"status": "open", "add_tags": ["hw"]}},
            {"op": "note", "id": solved.id, "body": "checked the tray"},
            {"op": "reply", "id": solved.id, "body": "fixed", "status": "solved"},
            {"op": "close", "id": solved.id},
            {"op": "assign", "id": solved.id + 1, "assignee": "bob"},
        ),
    )
    assert [r.op for r in results] == ["create", "update", "note", "reply", "close", "assign"]
    new_id = results[0].id
    created = get(desk, new_id)
    assert (created.priority, created.tags, created.assignee) == ("high", ("vpn",), "bob")
    assert created.status == "open"
    closed = detail(desk, solved.id)
    assert closed.ticket.status == "closed"
    assert closed.ticket.tags == ("hw",)
    assert [m.kind for m in closed.messages] == ["note", "reply"]
    assert results[4].version == closed.ticket.version


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("{not json", "not valid JSON"),
        ('{"op":"explode","id":1}', '"op" must be one of'),
        ('{"op":"close","id":1,"colour":"red"}', 'unknown key "colour"'),
        ('{"op":"close","id":"one"}', '"id" must be an integer'),
        ('{"op":"update","id":1,"set":{"priority":"huge"}}', '"set.priority"'),
        ('{"op":"update","id":1,"set":{"owner":"x"}}', 'unknown key "set.owner"'),
        ('{"op":"create","subject":"x","tags":[1]}', '"tags" must be a list of strings'),
        ('{"op":"reply","id":1}', 'reply needs "body"'),
        ('{"op":"close","id":true}', '"id" must be an integer'),
    ],
)
def test_bad_lines_are_refused_naming_line_and_field(line: str, needle: str) -> None:
    good = '{"op":"close","id":1}'
    with pytest.raises(InvalidInput) as info:
        batch.parse_batch([good, "", line])
    assert info.value.message.startswith("line 3: ")
    assert needle in info.value.message


def test_a_failing_line_rolls_back_everything_and_keeps_the_error_class(desk: Desk) -> None:
    ticket = tickets.create(desk, subject="One")
    before = _counts(desk)
    with pytest.raises(NotFound, match=r"^line 3: ticket #999999 not found"):
        batch.run_batch(
            desk,
            _lines(
                {"op": "create", "subject": "Two"},
                {"op": "note", "id": ticket.id, "body": "n"},
                {"op": "note", "id": 999999, "body": "n"},
            ),
        )
    with pytest.raises(Conflict, match=r"^line 2: ticket #\d+ changed since you read it"):
        batch.run_batch(
            desk,
            _lines(
                {"op": "update", "id": ticket.id, "set": {"priority": "high"}},
                {"op": "update", "id": ticket.id, "set": {"priority": "low"}, "if_version": 1},
            ),
        )
    assert _counts(desk) == before
    assert get(desk, ticket.id).version == 1


@pytest.mark.slow
def test_thousand_operations_with_a_bad_one_at_line_700_change_nothing(desk: Desk) -> None:
    seed = tickets.create(desk, subject="Existing")
    before = _counts(desk)
    ops: list[dict[str, Any]] = []
    for n in range(1, 1001):
        if n == 700:
            # Valid JSON and values, but the workflow refuses it: found only when applying.
            ops.append({"op": "close", "id": seed.id})
        elif n % 3 == 0:
            ops.append({"op": "note", "id": seed.id, "body": f"note {n}"})
        else:
            ops.append({"op": "create", "subject": f"Batch ticket {n}", "tags": ["batch"]})
    with pytest.raises(Conflict) as info:
        batch.run_batch(desk, _lines(*ops))
    assert info.value.message.startswith("line 700: ")
    assert _counts(desk) == before
    assert get(desk, seed.id).version == seed.version


def test_batch_command_reads_a_file_and_prints_results(cli_inproc: Run, tmp_path: Any) -> None:
    path = tmp_path / "ops.jsonl"
    path.write_text(
        '{"op":"create","subject":"From a file","priority":"urgent"}\n'
        '{"op":"note","id":1,"body":"hello"}\n'
    )
    out = ok(cli_inproc("batch", str(path)))
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["line"] == 1 and rows[0]["op"] == "create" and rows[0]["version"] == 1
    assert rows[1] == {"line": 2, "op": "note", "id": 1, "version": 2}


def test_batch_command_on_a_bad_line_exits_2_naming_it(cli_inproc: Run) -> None:
    line = fails(
        cli_inproc("batch", "-", input='{"op":"create","subject":"ok"}\n{"op":"nope"}\n'), 2
    )
    assert "line 2" in line
    listed = ok(cli_inproc("ticket", "list", "--format", "ids"))
    assert listed == ""
