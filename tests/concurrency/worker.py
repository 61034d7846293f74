"""One writer process for the concurrency test: notes plus versioned field changes.

Prints ``ready`` once its desk is open and waits for a line on stdin (the test releases every
writer at the same moment, so their rounds overlap however slowly each one started), then one
JSON object: the notes it added, the tag of each versioned update that succeeded, the tag of
each one refused as stale, and any other error (there must be none).
"""

from __future__ import annotations

import json
import sys

from deskterm.domain import tickets
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.errors import Conflict, DeskError


def main(url: str, worker: int, ticket_id: int, rounds: int) -> None:
    desk = open_desk(url, "alice" if worker % 2 == 0 else "bob", initialize=False)
    result: dict[str, list[str]] = {"notes": [], "applied": [], "stale": [], "errors": []}
    priorities = ("low", "normal", "high", "urgent")
    ticket_read.get(desk, ticket_id)  # connected and warm before the start
    print("ready", flush=True)
    sys.stdin.readline()
    for n in range(rounds):
        body = f"worker {worker} note {n}"
        try:
            tickets.note(desk, ticket_id, body)
            result["notes"].append(body)
            seen = ticket_read.get(desk, ticket_id).version
            tag = f"w{worker}-{n}"
            changes = tickets.Changes(priority=priorities[(worker + n) % 4], add_tags=(tag,))
            try:
                tickets.update(desk, ticket_id, changes, if_version=seen)
                result["applied"].append(tag)
            except Conflict:
                result["stale"].append(tag)
        except DeskError as exc:
            result["errors"].append(f"{type(exc).__name__}: {exc}")
    desk.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
