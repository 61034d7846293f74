"""Lost-update protection (ARCHITECTURE "Lost updates"): a stale write is refused with a
conflict that names who changed what, and nothing is written.

A second ``Desk`` on the same store is a second person at another terminal.
"""

from __future__ import annotations

import threading

import pytest

from deskterm.domain import tickets
from deskterm.domain.tickets import Changes
from deskterm.domain.tickets import read as ticket_read
from deskterm.errors import Conflict, InvalidInput, StaleVersion
from support import as_agent


def test_stale_update_is_refused_and_names_who_changed_what(desk):
    ticket = tickets.create(desk, subject="Printer offline", tags=["printer"])
    bob, carol = as_agent(desk, "bob"), as_agent(desk, "carol")
    seen = ticket_read.get(bob, ticket.id)  # bob looks at the screen
    tickets.update(carol, ticket.id, Changes(priority="urgent", add_tags=("floor3",)))
    after_carol = ticket_read.detail(desk, ticket.id)

    with pytest.raises(Conflict) as caught:
        tickets.update(bob, ticket.id, Changes(priority="low"), if_version=seen.version)

    message = str(caught.value)
    assert "carol" in message
    assert "priority" in message
    assert "tags" in message
    assert f"#{ticket.id}" in message
    assert "version 1" in message and "now 2" in message
    assert ticket_read.detail(desk, ticket.id) == after_carol
    assert after_carol.ticket.priority == "urgent"


def test_stale_reply_is_refused_and_names_who_changed_it(desk):
    ticket = tickets.create(desk, subject="VPN")
    bob, carol = as_agent(desk, "bob"), as_agent(desk, "carol")
    seen = ticket_read.get(bob, ticket.id)
    tickets.note(carol, ticket.id, "I am on it")
    tickets.update(desk, ticket.id, Changes(status="pending"))
    before = ticket_read.detail(desk, ticket.id)

    with pytest.raises(Conflict) as caught:
        tickets.reply(bob, ticket.id, "Restart it", if_version=seen.version)

    message = str(caught.value)
    assert "carol" in message and "note" in message
    assert "alice" in message and "status" in message
    assert ticket_read.detail(desk, ticket.id) == before


def test_stale_write_from_a_second_terminal_of_the_same_agent_is_refused(desk):
    ticket = tickets.create(desk, subject="Twice")
    laptop, desktop = as_agent(desk, "bob"), as_agent(desk, "bob")
    seen = ticket_read.get(laptop, ticket.id).version
    tickets.assign(desktop, ticket.id, "me")
    with pytest.raises(Conflict, match="bob changed assignee, status"):
        tickets.assign(laptop, ticket.id, None, if_version=seen)
    assert ticket_read.get(desk, ticket.id).assignee == "bob"


def test_write_with_the_current_version_goes_through(desk):
    ticket = tickets.create(desk, subject="Fresh")
    tickets.update(desk, ticket.id, Changes(priority="high"))
    current = ticket_read.get(desk, ticket.id).version
    (result,) = tickets.update(
        as_agent(desk, "bob"), ticket.id, Changes(priority="low"), if_version=current
    )
    assert result.ticket.priority == "low"
    assert result.ticket.version == current + 1


def test_version_check_takes_a_single_ticket(desk):
    first = tickets.create(desk, subject="one")
    second = tickets.create(desk, subject="two")
    with pytest.raises(InvalidInput, match="single ticket"):
        tickets.update(desk, [first.id, second.id], Changes(priority="low"), if_version=1)


def test_versions_strictly_increase_with_every_change(desk):
    ticket = tickets.create(desk, subject="Busy ticket", requester="kim@example.com")
    bob = as_agent(desk, "bob")
    steps = [
        lambda: tickets.update(desk, ticket.id, Changes(priority="high"))[0].ticket,
        lambda: tickets.reply(bob, ticket.id, "Looking")[0],
        lambda: tickets.note(bob, ticket.id, "DNS?")[0],
        lambda: tickets.assign(bob, ticket.id, "me").ticket,
        lambda: tickets.escalate(bob, ticket.id, reason="L2").ticket,
        lambda: tickets.update(desk, ticket.id, Changes(status="solved"))[0].ticket,
        lambda: tickets.reopen(desk, ticket.id).ticket,
    ]
    versions = [ticket.version]
    for step in steps:
        versions.append(step().version)
    assert versions == list(range(1, len(steps) + 2))
    events = ticket_read.detail(desk, ticket.id).history
    assert [e.version for e in events] == sorted(e.version for e in events)
    assert {e.version for e in events} == set(versions)


def test_concurrent_writers_on_one_ticket_lose_nothing(desk):
    ticket = tickets.create(desk, subject="Hot ticket")
    per_agent = 6
    errors: list[BaseException] = []

    def work(handle: str) -> None:
        me = as_agent(desk, handle)
        try:
            for n in range(per_agent):
                tickets.update(me, ticket.id, Changes(add_tags=(f"{handle}-{n}",)))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(h,)) for h in ("bob", "carol")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    final = ticket_read.get(desk, ticket.id)
    assert final.version == 1 + 2 * per_agent
    assert len(final.tags) == 2 * per_agent


def test_a_bulk_change_refuses_a_ticket_whose_field_changed_since_it_was_shown(desk):
    first = tickets.create(desk, subject="Shown at version 1")
    second = tickets.create(desk, subject="Also shown at version 1")
    tickets.update(as_agent(desk, "carol"), second.id, Changes(priority="high"))
    shown = {first.id: first.version, second.id: second.version}
    with pytest.raises(StaleVersion) as refused:
        tickets.update(desk, [first.id, second.id], Changes(priority="low"), seen_versions=shown)
    assert refused.value.ticket_id == second.id
    assert (refused.value.seen, refused.value.now) == (1, 2)
    assert refused.value.changes == (("carol", ("priority",)),)
    assert ticket_read.get(desk, first.id).priority == "normal"
    results = tickets.update(
        desk, [first.id, second.id], Changes(status="pending"), seen_versions=shown
    )
    assert [r.ticket.status for r in results] == ["pending", "pending"]


def test_a_colleagues_tag_does_not_block_my_priority_change_and_both_are_kept(desk):
    ticket = tickets.create(desk, subject="VPN")
    bob, carol = as_agent(desk, "bob"), as_agent(desk, "carol")
    seen = ticket_read.get(bob, ticket.id)
    tickets.update(carol, ticket.id, Changes(add_tags=("vpn",)))
    (result,) = tickets.update(bob, ticket.id, Changes(priority="high"), if_version=seen.version)
    assert (result.ticket.priority, result.ticket.tags) == ("high", ("vpn",))
    changes = {(e.actor, e.field) for e in ticket_read.detail(desk, ticket.id).history}
    assert {("carol", "tags"), ("bob", "priority")} <= changes


def test_a_colleagues_tag_or_note_does_not_block_my_reply(desk):
    ticket = tickets.create(desk, subject="Printer")
    bob, carol = as_agent(desk, "bob"), as_agent(desk, "carol")
    seen = ticket_read.get(bob, ticket.id).version
    tickets.update(carol, ticket.id, Changes(add_tags=("printer",)))
    tickets.note(carol, ticket.id, "Toner ordered")
    ticket_after, message = tickets.reply(bob, ticket.id, "It is on its way", if_version=seen)
    assert message.body == "It is on its way"
    assert ticket_after.tags == ("printer",)


def test_a_reply_after_an_unseen_reply_is_refused_but_a_note_is_not(desk):
    ticket = tickets.create(desk, subject="Outage")
    bob, carol = as_agent(desk, "bob"), as_agent(desk, "carol")
    seen = ticket_read.get(bob, ticket.id).version
    tickets.reply(carol, ticket.id, "We are looking into it")
    with pytest.raises(StaleVersion, match="carol changed a reply"):
        tickets.reply(bob, ticket.id, "Looking into it!", if_version=seen)
    tickets.note(bob, ticket.id, "Carol answered already", if_version=seen)
    bodies = [m.body for m in ticket_read.detail(desk, ticket.id).messages]
    assert bodies == ["We are looking into it", "Carol answered already"]


def test_solving_after_an_unseen_reply_is_refused(desk):
    ticket = tickets.create(desk, subject="Still broken?", assignee="bob")
    bob = as_agent(desk, "bob")
    seen = ticket_read.get(bob, ticket.id).version
    tickets.reply(as_agent(desk, "carol"), ticket.id, "Can you try again?")
    with pytest.raises(StaleVersion):
        tickets.update(bob, ticket.id, Changes(status="solved"), if_version=seen)
    assert ticket_read.get(desk, ticket.id).status == "open"


def test_a_version_the_ticket_never_had_is_refused(desk):
    ticket = tickets.create(desk, subject="Typo in --if-version")
    with pytest.raises(StaleVersion, match="is at version 1, not 7"):
        tickets.update(desk, ticket.id, Changes(priority="low"), if_version=7)
