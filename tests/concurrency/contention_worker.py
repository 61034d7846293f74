"""One process of the contention test: batches, bulk updates, notes and takes, mixed at random,
a number of operations or until a number of seconds have passed. Says ``ready`` once its
desk is open and starts on ``go`` (the processes' set-up takes longest on a busy machine, and
is not part of the time), then prints one JSON object with everything that succeeded, every
error, and the number of transactions the database aborted that the domain ran again."""

from __future__ import annotations

import contextlib
import json
import random
import sys
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy.engine import Connection

from deskterm.domain import tickets
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import batch as batch
from deskterm.errors import DeskError, NotFound, RetryableConflict
from deskterm.store.engine import Store


def count_retries(store: Store, done: dict[str, Any]) -> None:
    """Count the transactions the database aborted (a deadlock broken; the domain runs them
    again) in ``done["retried"]``."""
    write = store.write

    @contextlib.contextmanager
    def counted() -> Iterator[Connection]:
        try:
            with write() as conn:
                yield conn
        except RetryableConflict:
            done["retried"] += 1
            raise

    store.write = counted  # type: ignore[method-assign]


def main(url: str, worker: int, shared: list[int], seconds: float, seed: int, ops: int) -> None:
    rng = random.Random(seed * 100 + worker)
    desk = open_desk(url, ("alice", "bob", "carol")[worker % 3], initialize=False)
    done: dict[str, Any] = {
        "notes": [],
        "tags": [],
        "batch_notes": [],
        "taken": [],
        "errors": [],
        "retried": 0,
    }
    count_retries(desk.store, done)
    print("ready", flush=True)
    sys.stdin.readline()
    deadline = time.monotonic() + seconds
    n = 0
    while n < ops and time.monotonic() < deadline:
        n += 1
        tag = f"w{worker}-{n}"
        try:
            kind = rng.choice(("batch", "bulk", "note", "take"))
            if kind == "note":
                ticket_id = rng.choice(shared)
                body = f"note {tag}"
                tickets.note(desk, ticket_id, body)
                done["notes"].append([ticket_id, body])
            elif kind == "bulk":
                ids = rng.sample(shared, rng.randint(2, 8))
                priority = rng.choice(("low", "normal", "high", "urgent"))
                tickets.update(desk, ids, tickets.Changes(priority=priority, add_tags=(tag,)))
                done["tags"] += [[ticket_id, tag] for ticket_id in ids]
            elif kind == "batch":
                ids = rng.sample(shared, 3)
                lines = [
                    json.dumps({"op": "note", "id": ids[0], "body": f"batch {tag}"}),
                    json.dumps({"op": "update", "id": ids[1], "set": {"add_tags": [tag]}}),
                    json.dumps({"op": "update", "id": ids[2], "set": {"add_tags": [tag]}}),
                ]
                batch.run_batch(desk, lines)
                done["batch_notes"].append([ids[0], f"batch {tag}"])
                done["tags"] += [[ids[1], tag], [ids[2], tag]]
            else:
                # An empty pool (NotFound: nothing to take) is not an error.
                with contextlib.suppress(NotFound):
                    done["taken"].append(tickets.take(desk, queue="Network L2").id)
        except DeskError as exc:
            done["errors"].append(f"{kind}: {type(exc).__name__}: {exc}")
    desk.close()
    print(json.dumps(done))


if __name__ == "__main__":
    main(
        sys.argv[1],
        int(sys.argv[2]),
        [int(i) for i in sys.argv[3].split(",")],
        float(sys.argv[4]),
        int(sys.argv[5]),
        int(sys.argv[6]),
    )
