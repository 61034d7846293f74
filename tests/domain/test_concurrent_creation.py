"""Rows that several writers may create at the same moment (issue 10): a new tag, a new
requester, an article slug. Each writer gets its work done and shares the one row; none fails
with a unique violation (on PostgreSQL they did, before ``ON CONFLICT DO NOTHING``)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.kb import articles as kb
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.store import schema

WRITERS = 6


def _at_once(url: str, work: Callable[[Desk, int], object]) -> list[object]:
    """Run ``work`` in WRITERS threads, each with its own desk (connection), released together."""
    desks = [open_desk(url, "alice", initialize=False) for _ in range(WRITERS)]
    barrier = threading.Barrier(WRITERS)
    results: list[object] = [None] * WRITERS

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = work(desks[n], n)
        except Exception as exc:  # reported by the assertion below, with its type
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for desk in desks:
        desk.close()
    return results


def _count(desk: Desk, table, where) -> int:
    from sqlalchemy import func, select

    with desk.store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(where)).scalar_one())


def test_tickets_with_the_same_new_tag_and_requester_at_once_all_succeed(desk, backend_url):
    def work(me: Desk, n: int) -> object:
        return tickets.create(
            me, subject=f"Same {n}", requester="new.person@acme.example", tags=["brand-new"]
        )

    results = _at_once(backend_url, work)
    assert [type(r).__name__ for r in results] == ["Ticket"] * WRITERS
    assert _count(desk, schema.tags, schema.tags.c.name == "brand-new") == 1
    contacts = schema.contacts
    assert _count(desk, contacts, contacts.c.email == "new.person@acme.example") == 1
    for result in results:
        ticket = ticket_read.get(desk, result.id)  # type: ignore[attr-defined]
        assert ticket.tags == ("brand-new",)
        assert ticket.requester == "new.person@acme.example"


def test_bulk_tagging_with_the_same_new_tag_at_once_all_succeed(desk, backend_url):
    ids = [tickets.create(desk, subject=f"T{n}").id for n in range(WRITERS)]

    def work(me: Desk, n: int) -> object:
        return tickets.update(me, ids[n], tickets.Changes(add_tags=("fresh-tag",)))

    results = _at_once(backend_url, work)
    assert [type(r).__name__ for r in results] == ["list"] * WRITERS
    assert all(ticket_read.get(desk, i).tags == ("fresh-tag",) for i in ids)


def test_articles_with_the_same_title_at_once_get_distinct_slugs(desk, backend_url):
    def work(me: Desk, n: int) -> object:
        return kb.add(me, title="Reset your VPN token", body=f"Version {n}", tags=["kb-new"])

    results = _at_once(backend_url, work)
    assert [type(r).__name__ for r in results] == ["Article"] * WRITERS
    slugs = sorted(r.slug for r in results)  # type: ignore[attr-defined]
    assert len(set(slugs)) == WRITERS
    assert "reset-your-vpn-token" in slugs
