"""One agent taking tickets for the take-next race (test_take_race.py).

Says ``ready`` once its desk is open, waits for ``go`` on stdin so every process starts
taking at once, then takes until nothing is left and prints the ids it got, in order, as one
JSON object (with any error, of which there must be none).
"""

from __future__ import annotations

import json
import sys
import time

from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import take
from deskterm.errors import DeskError, NothingToTake


def main(url: str, handle: str) -> None:
    desk = open_desk(url, handle, initialize=False)
    taken: list[int] = []
    errors: list[str] = []
    print("ready", flush=True)
    sys.stdin.readline()
    while True:
        # A moment between takes, as an agent has: on SQLite a writer that loops without
        # one re-takes the lock before the waiting processes' busy handlers wake up, and
        # one process would take every ticket (the race this test is about would not run).
        time.sleep(0.005)
        try:
            taken.append(take(desk).id)
        except NothingToTake:
            break
        except DeskError as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            break
    desk.close()
    print(json.dumps({"handle": handle, "taken": taken, "errors": errors}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
