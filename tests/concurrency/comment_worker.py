"""The processes of the comment race (test_comment_race.py): agents adding notes and public
replies to one ticket, as Request Tracker's race test has its processes comment at once.

One process imports deskterm once, then forks the racing processes (an import costs each
process half a second of CPU; fifty of them would cost the suite more than the race itself).
Each forked process opens its own desk and connection, and all wait at a barrier until every
one is connected; then this process says ``ready``, waits for ``go`` on stdin, lets them all
go at the same moment and prints one JSON list: each process's comments (kind, body, the
message id it was given) and errors (there must be none).
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from multiprocessing.synchronize import Barrier
from typing import Any

from deskterm.domain import tickets
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.errors import DeskError

AGENTS = ("alice", "bob", "carol")


def comment(
    url: str, worker: int, ticket_id: int, comments: int, barrier: Barrier, results: Any
) -> None:
    desk = open_desk(url, AGENTS[worker % len(AGENTS)], initialize=False)
    ticket_read.get(desk, ticket_id)  # connected and warm before the start
    done: dict[str, Any] = {"worker": worker, "comments": [], "errors": []}
    barrier.wait()  # every process connected
    barrier.wait()  # go
    for n in range(comments):
        kind = "note" if n % 2 == 0 else "reply"
        body = f"{kind} {n} from worker {worker}"
        try:
            _ticket, message = tickets.add_message(desk, ticket_id, kind, body)
            done["comments"].append([kind, body, message.id])
        except DeskError as exc:
            done["errors"].append(f"{kind}: {type(exc).__name__}: {exc}")
    desk.close()
    results.put(done)


def main(url: str, ticket_id: int, comments: int, workers: int) -> None:
    fork = multiprocessing.get_context("fork")
    barrier = fork.Barrier(workers + 1)
    results = fork.SimpleQueue()
    processes = [
        fork.Process(target=comment, args=(url, w, ticket_id, comments, barrier, results))
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=120)
    print("ready", flush=True)
    sys.stdin.readline()
    barrier.wait(timeout=30)
    found = sorted((results.get() for _ in processes), key=lambda r: r["worker"])
    for process in processes:
        process.join(timeout=30)
    assert all(process.exitcode == 0 for process in processes), "a racing process failed"
    print(json.dumps(found))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
