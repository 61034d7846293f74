"""``import`` checks every value with the workflow's own rules, and writes all or nothing.

Each bad value is put into a real export by a careful hand (the file signed again, so its
checksum still matches) and must be refused as ``line N: field: problem`` before anything is
written. Today's alternative was a status "bogus", a role "god" or a message kind "weird"
stored as they came, breaking ``ticket show`` later.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from deskterm.domain import queues, tickets
from deskterm.domain.desk import Desk
from deskterm.domain.kb import articles as kb
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets.read import detail
from deskterm.domain.transfer import jsonl as transfer
from deskterm.domain.views.saved import save_view
from deskterm.errors import InvalidInput
from exports import as_version_2, edit, rows

Change = Callable[[dict[str, Any]], None]
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> tuple[str, ...]:
    """The export of a small desk with one of everything: tickets with requesters, tags,
    threads and history, a forward reference, a KB article, a saved view."""
    path = tmp_path_factory.mktemp("check") / "desk.db"
    shutil.copyfile(sqlite_template, path)
    desk = open_desk(f"sqlite:///{path}", "alice")
    try:
        first = tickets.create(
            desk,
            subject="VPN drops",
            body="Every hour.",
            requester="bob@acme.example",
            tags=["vpn"],
        )
        tickets.note(desk, first.id, "RADIUS logs attached")
        tickets.create(desk, subject="Mail bounces", tags=["mail", "vpn"], assignee="bob")
        kb.add(desk, title="Reset a VPN token", body="Steps.", tags=["vpn"])
        save_view(desk, "Mine", "assignee:me")
        queues.join_queue(desk, "Service Desk", ["bob", "carol"])
        return tuple(transfer.export_lines(desk))
    finally:
        desk.close()


def _set(**values: Any) -> Change:
    return lambda data: data.update(values)


def _drop(key: str) -> Change:
    return lambda data: data.pop(key)


CASES: list[tuple[str, Change, str, int]] = [
    # (kind, change, the error after "line N: ", which row of the kind)
    ("ticket", _set(status="bogus"), 'status: unknown status "bogus"; allowed: new, open', 0),
    ("agent", _set(role="god"), 'role: unknown role "god"; allowed: agent, lead, admin', 0),
    ("message", _set(kind="weird"), 'kind: unknown message kind "weird"; allowed: reply', 0),
    ("ticket", _set(ticket_type="bug"), 'ticket_type: unknown type "bug"', 0),
    ("ticket", _set(priority="p1"), 'priority: unknown priority "p1"', 0),
    ("ticket", _set(channel="fax"), 'channel: unknown channel "fax"', 0),
    ("queue", _set(tier="L9"), 'tier: unknown tier "L9"; allowed: L1, L2, L3', 0),
    ("ticket", _set(version=0), "version: 0 is out of range; allowed: 1 to 9223372036854775807", 0),
    ("audit_event", _set(version=-3), "version: -3 is out of range", 0),
    ("kb_article", _set(version="2"), 'version: must be an integer, not "2"', 0),
    ("ticket", _set(queue_id=999), "queue_id: no queue 999 before this line", 0),
    ("ticket", _set(assignee_id=999), "assignee_id: no agent 999 before this line", 0),
    ("message", _set(ticket_id=999), "ticket_id: no ticket 999 before this line", 0),
    ("contact", _set(organization_id=7), "organization_id: no organization 7 before", 0),
    ("ticket", _set(merged_into_id=999), "merged_into_id: no ticket 999 in the file", 0),
    ("ticket", _set(created_at="2026-01-01T00:00:00"), 'created_at: time "2026-01-01T00:00:00"', 0),
    ("message", _set(created_at="yesterday"), 'created_at: "yesterday" is not an ISO 8601 time', 0),
    ("ticket", _set(id=0), "id: 0 is out of range; allowed: 1 to", 0),
    ("ticket", _set(id=2**63), "id: 9223372036854775808 is out of range", 0),
    ("ticket", _set(id=1), "id: 1 after ticket 1; ids are unique and in increasing order", 1),
    ("agent", _set(active="yes"), 'active: must be true or false, not "yes"', 0),
    ("agent", _set(active=1), "active: must be true or false, not 1", 0),
    ("ticket", _set(subject=None), "subject: is required, not null", 0),
    ("agent", _set(handle=42), "handle: must be a string, not 42", 0),
    ("agent", _set(handle="h" * 65), "handle: is 65 characters; at most 64 allowed", 0),
    ("agent", _set(handle="alice"), 'handle: "alice" is taken by the agent on line 2', 1),
    ("ticket", _set(colour="red"), "colour: not a field of a ticket", 0),
    ("ticket", _drop("subject"), "subject: missing", 0),
    ("ticket", _drop("tags"), "tags: missing", 0),
    ("ticket", _set(tags=["nope"]), 'tags: no tag "nope" before this line', 0),
    ("ticket", _set(tags="vpn"), "tags: must be a list of strings", 0),
    ("ticket", _set(tags=["vpn", "vpn"]), 'tags: "vpn" is listed twice', 0),
    ("kb_article", _set(tags=["bad tag"]), 'tags: invalid tag "bad tag"', 0),
    ("saved_view", _set(sort="sideways"), 'sort: unknown sort "sideways"', 0),
    ("saved_view", _set(query="status:opne"), 'query: unknown status "opne"', 0),
    ("ticket", _set(type="widget"), 'type: unknown type "widget"', 0),
    ("queue", _drop("members"), "members: missing", 0),
    ("queue", _set(members={"agent_id": 2}), "members: must be a list of objects", 0),
    ("queue", _set(members=[2]), "members: each must be an object of agent_id, added_at", 0),
    (
        "queue",
        _set(members=[{"agent_id": 99, "added_at": "2026-11-01T00:00:00Z"}]),
        "members: agent_id: no agent 99 before this line",
        0,
    ),
    (
        "queue",
        _set(members=[{"agent_id": 2, "added_at": "soon"}]),
        'members: added_at: "soon" is not an ISO 8601 time',
        0,
    ),
    (
        "queue",
        _set(members=[{"agent_id": 2, "added_at": None}]),
        "members: added_at: is required, not null",
        0,
    ),
    (
        "queue",
        _set(members=[{"agent_id": 2, "added_at": "2026-11-01T00:00:00Z"}] * 2),
        "members: 2 is listed twice",
        0,
    ),
]


@pytest.mark.parametrize(
    ("kind", "change", "problem", "which"),
    CASES,
    ids=[f"{kind}-{problem.split(':')[0]}-{i}" for i, (kind, _c, problem, _w) in enumerate(CASES)],
)
def test_a_value_the_workflow_refuses_is_refused_naming_line_and_field(
    lines: tuple[str, ...], kind: str, change: Change, problem: str, which: int
) -> None:
    edited = edit(list(lines), kind, change, which)
    line = rows(list(lines), kind)[which][0] + 1
    with pytest.raises(InvalidInput) as caught:
        transfer.check_lines(edited)
    message = caught.value.message
    if "in the file" in problem:  # a forward reference is checked once every row is read
        assert message == f"line {line}: {problem}"
    else:
        assert message.startswith(f"line {line}: {problem}"), message


def test_rows_out_of_export_order_are_refused(lines: tuple[str, ...]) -> None:
    message_line = rows(list(lines), "message")[0][0]
    ticket_line = rows(list(lines), "ticket")[-1][0]
    swapped = list(lines)
    swapped.insert(message_line + 1, swapped.pop(ticket_line))
    with pytest.raises(InvalidInput, match="a ticket after the messages; keep the export order"):
        transfer.check_lines(swapped)


def test_nul_and_lone_surrogates_are_stored_as_the_workflow_stores_them(
    lines: tuple[str, ...], empty_url: str
) -> None:
    # dumps() writes them as the JSON escapes \u0000 and \ud800: valid JSON, not storable text.
    edited = edit(list(lines), "message", _set(body="nul\x00 and half\ud800 a pair"))
    transfer.restore(empty_url, "alice", edited)
    desk = open_desk(empty_url, "alice", initialize=False)
    try:
        assert detail(desk, 1).messages[0].body == "nul\ufffd and half\ufffd a pair"
    finally:
        desk.close()


@SQLITE_ONLY
def test_a_bad_value_on_the_last_line_leaves_an_existing_empty_desk_as_it_was(
    desk: Desk, lines: tuple[str, ...], empty_url: str
) -> None:
    open_desk(empty_url, "alice").close()  # a freshly initialized desk: alice and one queue
    edited = edit(list(lines), "saved_view", _set(sort="sideways"))
    with pytest.raises(InvalidInput, match="sort:"):
        transfer.restore(empty_url, "alice", edited)
    fresh = open_desk(empty_url, "alice", initialize=False)
    try:
        assert tickets.create(fresh, subject="still mine").id == 1
    finally:
        fresh.close()


def test_queue_members_ride_on_their_queue_and_round_trip(
    lines: tuple[str, ...], empty_url: str
) -> None:
    (_index, service_desk), *_others = rows(list(lines), "queue")
    assert [m["agent_id"] for m in service_desk["members"]] == [2, 3]
    assert list(service_desk["members"][0]) == ["agent_id", "added_at"]
    assert all(data["members"] == [] for _i, data in _others)
    transfer.restore(empty_url, "alice", list(lines))
    desk = open_desk(empty_url, "alice", initialize=False)
    try:
        assert [m.handle for m in queues.queue_members(desk, "Service Desk")] == ["bob", "carol"]
        assert list(transfer.export_lines(desk)) == list(lines)
    finally:
        desk.close()


def test_a_version_2_export_without_members_imports_with_queues_empty_of_members(
    lines: tuple[str, ...], empty_url: str
) -> None:
    older = as_version_2(list(lines))
    result = transfer.restore(empty_url, "alice", older)
    assert (result.version, result.verified) == (2, True)
    desk = open_desk(empty_url, "alice", initialize=False)
    try:
        assert queues.queue_members(desk, "Service Desk") == []
    finally:
        desk.close()
