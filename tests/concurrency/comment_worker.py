"""One agent commenting for the comment race (test_comment_race.py): notes and public
replies on one ticket, as Request Tracker's race test has its processes comment at once.

Says ``ready`` once its desk is open, waits for ``go`` on stdin so that every process writes
at the same moment, then adds its comments, alternating note and reply, and prints the body
and the message id of each one stored as one JSON object (with any error: there must be none).
"""

from __future__ import annotations

import json
import sys

from deskterm.domain import tickets
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.errors import DeskError


def main(url: str, handle: str, worker: int, ticket_id: int, comments: int) -> None:
    desk = open_desk(url, handle, initialize=False)
    ticket_read.get(desk, ticket_id)  # connected and warm before the start
    done: dict[str, list] = {"comments": [], "errors": []}
    print("ready", flush=True)
    sys.stdin.readline()
    for n in range(comments):
        kind = "note" if n % 2 == 0 else "reply"
        body = f"{kind} {n} from worker {worker}"
        try:
            _ticket, message = tickets.add_message(desk, ticket_id, kind, body)
            done["comments"].append([kind, body, message.id])
        except DeskError as exc:
            done["errors"].append(f"{kind}: {type(exc).__name__}: {exc}")
    desk.close()
    print(json.dumps(done))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
