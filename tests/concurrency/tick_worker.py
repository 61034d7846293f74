"""One host running ``sla tick`` for the tick race (test_tick_race.py).

Says ``ready`` once its desk is open, waits for ``go`` on stdin so every process ticks at
once, runs one tick at the fixed time given (ISO), and prints the ids it escalated as one
JSON object (with any error, of which there must be none).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

from deskterm.domain.desk import Desk
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import escalate_breached
from deskterm.errors import DeskError


def main(url: str, handle: str, when: str) -> None:
    opened = open_desk(url, handle, initialize=False)
    now = datetime.fromisoformat(when)
    desk = Desk(opened.store, handle, clock=lambda: now)
    escalated: list[int] = []
    errors: list[str] = []
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        escalated = [e.ticket_id for e in escalate_breached(desk).moved]
    except DeskError as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    opened.close()
    print(json.dumps({"escalated": escalated, "errors": errors}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
