"""Triage rules over a batch of creates (issue 13's bench path), on both backends: the rules
of many new tickets are planned in memory and stored together, each ticket's steps as one
versioned write, and what a user sees (fields, thread, history with its versions, skips,
automatic replies and their hourly limit) is what creating the tickets one by one gives."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from typing import Any

from deskterm.domain import queues, tickets
from deskterm.domain.desk import Desk
from deskterm.domain.rules import Actions, add_rule
from deskterm.domain.tickets.new import insert_new, new_ticket
from deskterm.domain.tickets.plan import Request, plan
from deskterm.domain.tickets.write import names, read_one, store, transact
from deskterm.domain.vocab import PRIORITY_RANK


def _rules(desk: Desk) -> None:
    queues.add_queue(desk, "Temp")
    add_rule(
        desk, "VPN to network", "vpn", Actions(queue="Network L2", add_tags=("vpn",)), stop=False
    )
    add_rule(desk, "To temp", "vpn", Actions(queue="Temp", add_tags=("temp",)), stop=False)
    add_rule(
        desk,
        "Urgent note",
        "priority:>=high",
        Actions(priority="urgent", note="Paged the lead for a {{ ticket.priority }} ticket."),
        stop=False,
    )
    add_rule(
        desk,
        "Answer",
        "-laptop",
        Actions(
            add_tags=("answered",),
            reply="Hi {{ requester.first_name }}, {{ ticket.queue }} has your ticket.",
        ),
        stop=False,
    )
    add_rule(desk, "Laptops stop here", "laptop", Actions(add_tags=("laptop",)), stop=True)
    add_rule(desk, "Never after", "laptop", Actions(add_tags=("unreached",)), stop=False)
    queues.edit_queue(desk, "Service Desk", auto_reply="We have it, {{ requester.first_name }}.")
    # A queue a rule names, deleted since: that rule is skipped whole, said so in the history.
    queues.delete_queue(desk, "Temp")


def _specs(requester: str) -> list[dict[str, Any]]:
    """Five tickets of one requester (the hourly limit on automatic replies bites within
    the batch) and two without one (a template naming the requester cannot be filled in)."""
    return [
        {"subject": "VPN drops", "body": "since Monday", "requester": requester},
        {"subject": "Laptop is slow", "requester": requester, "priority": "high"},
        {"subject": "VPN again", "requester": requester, "priority": "high"},
        {"subject": "Printer jams", "requester": requester},
        {"subject": "Laptop fan", "requester": requester},
        {"subject": "VPN for the new office"},
        {"subject": "Laptop bag", "priority": "urgent"},
    ]


def _seen(desk: Desk, ticket_id: int) -> dict[str, Any]:
    """What a user sees of a ticket, its id and the message ids taken out."""
    detail = tickets.detail(desk, ticket_id)
    t = detail.ticket
    return {
        "fields": (t.status, t.priority, t.queue, t.tags, t.version, t.first_responded_at),
        "thread": [(m.kind, m.body, m.automatic) for m in detail.messages],
        "history": [
            (
                e.field,
                e.old,
                None if e.field in ("reply", "note") else (e.new or "").replace(f"#{t.id}", "#N"),
                e.version,
            )
            for e in detail.history
        ],
    }


def test_a_batch_of_creates_shows_what_creating_them_one_by_one_shows(desk: Desk) -> None:
    _rules(desk)
    alone = [tickets.create(desk, **spec).id for spec in _specs("ann.lee@example.com")]
    lines = [json.dumps({"op": "create", **spec}) for spec in _specs("bo.kim@example.com")]
    together = [result.id for result in tickets.run_batch(desk, lines)]
    for one, other in zip(alone, together, strict=True):
        mine, theirs = _seen(desk, one), _seen(desk, other)
        theirs["thread"] = [
            (kind, body.replace("Bo", "Ann"), auto) for kind, body, auto in theirs["thread"]
        ]
        assert theirs == mine, (one, other)
    first = _seen(desk, together[0])
    assert ("rule", None, "VPN to network", 2) in first["history"]
    skipped = [h for h in first["history"] if h[0] == "rule_skipped"]
    assert skipped and skipped[0][1] == "To temp" and "Temp" in (skipped[0][2] or "")
    held = [h for t in together for h in _seen(desk, t)["history"] if h[0] == "auto_reply_held"]
    assert held, "the fourth automatic reply in the hour to one requester is held"
    automatic = [m for t in together[:5] for m in tickets.detail(desk, t).messages if m.automatic]
    assert len([m for m in automatic if m.kind == "reply"]) == 3


def test_a_skip_in_a_batch_sits_in_the_history_where_it_happened(desk: Desk) -> None:
    _rules(desk)
    lines = [json.dumps({"op": "create", **spec}) for spec in _specs("cy.diaz@example.com")]
    vpn = tickets.run_batch(desk, lines)[0].id
    history = [(field, version) for field, _old, _new, version in _seen(desk, vpn)["history"]]
    assert history == [
        ("created", 1),
        ("queue", 2),  # VPN to network: one step
        ("tags", 2),
        ("rule", 2),
        ("rule_skipped", 2),  # To temp: its queue is gone; the version stays
        ("tags", 3),  # Answer: its fields, then its reply as a second step
        ("rule", 3),
        ("reply", 4),
    ]


def test_a_ticket_s_steps_are_stored_as_one_write_each_keeping_its_version(desk: Desk) -> None:
    ticket = tickets.create(desk, subject="Steps", tags=["old"])

    def work(ctx: Any) -> dict[int, Any]:
        current = read_one(ctx.conn, ticket.id)
        desk_names = names(ctx.conn)
        first = plan(current, Request(priority="high", add_tags=("a",)), ctx.now, desk_names)
        second_state = replace(
            current, priority=PRIORITY_RANK["high"], tags=("a", "old"), version=2
        )
        second = plan(
            second_state,
            Request(remove_tags=("a", "old"), add_tags=("b",)),
            ctx.now,
            desk_names,
        )
        return store(ctx, [first, second])

    written = transact(desk, work)
    after = tickets.get(desk, ticket.id)
    assert (after.version, after.priority, after.tags) == (3, "high", ("b",))
    history = [(e.field, e.version) for e in tickets.detail(desk, ticket.id).history]
    assert history == [("created", 1), ("priority", 2), ("tags", 2), ("tags", 3)]
    assert [c.field for c in written[ticket.id]] == ["priority", "tags", "tags"]


def test_a_new_ticket_as_inserted_is_the_ticket_as_read_back(desk: Desk) -> None:
    new = new_ticket(subject="Arrival", body="text", requester="dee@acme.example", priority="high")

    def work(ctx: Any) -> tuple[Any, Any]:
        arrival = insert_new(ctx, new)
        return arrival.ticket, read_one(ctx.conn, arrival.ticket.id)

    arrived, read = transact(desk, work)
    assert arrived == read


def test_sqlite_rules_ask_a_scratch_index_and_match_what_a_search_matches(
    sqlite_desk: Desk,
) -> None:
    """On SQLite the words of the rules are asked of a temporary index of the new tickets
    only: each rule tags exactly the tickets a search with its condition lists, and no
    scratch table is left in the desk's file."""
    conditions = {"vpn": "vpn -printer", "mailbox": '"shared mailbox"', "print": "print*"}
    for tag, condition in conditions.items():
        add_rule(sqlite_desk, tag, condition, Actions(add_tags=(tag,)), stop=False)
    texts = [
        ("VPN down", None),
        ("VPN and printer", None),
        ("Mailbox", "the shared mailbox is full"),
        ("Mailbox", "a mailbox shared with me"),
        ("Printing", "nothing prints"),
    ]
    lines = [json.dumps({"op": "create", "subject": s, "body": b}) for s, b in texts]
    ids = [r.id for r in tickets.run_batch(sqlite_desk, lines)]
    for tag, condition in conditions.items():
        tagged = [i for i in ids if tag in tickets.get(sqlite_desk, i).tags]
        listed = {t.id for t in tickets.list_page(sqlite_desk, condition, limit=100).items}
        assert tagged == [i for i in ids if i in listed], tag
    assert [len(tickets.get(sqlite_desk, i).tags) for i in ids] == [1, 1, 1, 0, 1]
    conn = sqlite3.connect(str(sqlite_desk.store.engine.url.database))
    try:
        found = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
    assert not any("scratch" in name for name in found)
