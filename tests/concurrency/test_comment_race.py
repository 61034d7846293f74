"""The comment race (issue 15), in the style of Request Tracker's: 50 processes, each an
agent, comment on one ticket at once on PostgreSQL, notes and public replies mixed. Every
comment is stored exactly once, with its own id, in the thread and in the history, and the
ticket's versions run one per comment with none skipped or reused.

Fifty processes on a shared two-core machine: one imports deskterm and forks the fifty
(comment_worker.py), which run at nice 10 (as the contention test's) and each write only a
few comments, so the test is about the moment they all start, not about volume."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import read as ticket_read
from racing import race

WORKERS = 50
#: Comments per process: a note, a reply, a note, a reply.
COMMENTS = 4
WORKER = Path(__file__).with_name("comment_worker.py")


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgres"])
def test_fifty_processes_commenting_on_one_ticket_lose_and_double_nothing(
    desk: Desk, backend_url: str
) -> None:
    ticket = tickets.create(desk, subject="VPN drops every ten minutes for the whole floor")
    (results,) = race(
        [[sys.executable, str(WORKER), backend_url, str(ticket.id), str(COMMENTS), str(WORKERS)]],
        timeout=300,
        nice=10,
    )

    assert [r["errors"] for r in results] == [[]] * WORKERS
    sent = [(kind, body, message_id) for r in results for kind, body, message_id in r["comments"]]
    assert len(sent) == WORKERS * COMMENTS

    detail = ticket_read.detail(desk, ticket.id)
    stored = [(m.kind, m.body, m.id) for m in detail.messages if m.kind in ("note", "reply")]
    # Nothing lost, nothing doubled: the thread holds each comment once, under the id its
    # writer was given, and no two comments share an id.
    assert Counter(stored) == Counter(sent)
    assert len({message_id for _k, _b, message_id in stored}) == len(stored)
    assert Counter(kind for kind, _b, _i in stored) == {
        "note": WORKERS * COMMENTS // 2,
        "reply": WORKERS * COMMENTS // 2,
    }

    # One version per comment (the first reply also opens the ticket, in the same version):
    # versions run 1..N with none skipped or shared by two comments.
    per_message = Counter(e.version for e in detail.history if e.field in ("note", "reply"))
    assert detail.ticket.version == 1 + WORKERS * COMMENTS
    versions = sorted({e.version for e in detail.history})
    assert versions == list(range(1, detail.ticket.version + 1))
    assert all(count == 1 for count in per_message.values())
