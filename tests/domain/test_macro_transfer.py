"""Macros survive export and import exactly; import refuses a macro the command line would
refuse (a bad template); a backup from before macros (format 2) imports without any."""

from __future__ import annotations

from typing import Any

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.macros import MacroSpec, add_macro, apply_macro, list_macros
from deskterm.domain.setup import open_desk
from deskterm.domain.transfer import jsonl as transfer
from deskterm.errors import InvalidInput
from exports import as_version_2, edit, rows
from support import as_agent


def _macros(desk: Desk) -> None:
    add_macro(
        as_agent(desk, "carol"),
        "Waiting for you",
        MacroSpec(
            body='Hi {{ requester.first_name | default("there") }},\nany news?',
            status="pending",
            add_tags=("waiting",),
            remove_tags=("triage",),
        ),
        shared=True,
    )
    add_macro(desk, "Mine", MacroSpec(kind="note", body="Checked by {{ agent.handle }}"))


def test_macros_round_trip_byte_identical_and_still_apply(desk: Desk, empty_url: str) -> None:
    _macros(desk)
    first = list(transfer.export_lines(desk))
    assert [d["name"] for _i, d in rows(first, "macro")] == ["Waiting for you", "Mine"]
    transfer.restore(empty_url, "alice", first)
    restored = open_desk(empty_url, "alice")
    try:
        assert list(transfer.export_lines(restored)) == first
        assert list_macros(restored) == list_macros(desk)
        ticket = tickets.create(restored, subject="Printer", requester="erin@acme.example")
        assert apply_macro(restored, ticket.id, "Waiting for you").text == "Hi Erin,\nany news?"
    finally:
        restored.close()


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"body": "Hi {{ requester.frist_name }}"}, "body: macro text: line 1: unknown variable"),
        ({"kind": "email"}, 'kind: unknown macro kind "email"'),
        ({"status": "pendng"}, 'status: unknown status "pendng"'),
        ({"add_tags": "Not A Tag"}, 'add_tags: invalid tag "Not A Tag"'),
    ],
)
def test_import_refuses_a_macro_the_command_line_would_refuse(
    desk: Desk, values: dict[str, Any], problem: str
) -> None:
    _macros(desk)
    lines = list(transfer.export_lines(desk))
    edited = edit(lines, "macro", lambda data: data.update(values))
    line = rows(lines, "macro")[0][0] + 1
    with pytest.raises(InvalidInput) as caught:
        transfer.check_lines(edited)
    assert caught.value.message.startswith(f"line {line}: {problem}"), caught.value.message


def test_a_backup_from_before_macros_imports_without_any(desk: Desk, empty_url: str) -> None:
    _macros(desk)
    older = as_version_2(list(transfer.export_lines(desk)))
    result = transfer.restore(empty_url, "alice", older)
    assert result.verified and result.counts["macro"] == 0
    restored = open_desk(empty_url, "alice")
    try:
        assert list_macros(restored) == []
    finally:
        restored.close()
