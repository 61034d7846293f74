"""``deskterm watch [QUERY]``: ticket events as JSON lines until interrupted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskterm.cli.context import get

if TYPE_CHECKING:
    from deskterm.domain.desk import Desk
    from deskterm.store.notify import ChangeSignal


def watch(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Only tickets this query selects.")] = "",
    interval: Annotated[
        float,
        typer.Option(
            min=0.05,
            max=3600,
            help="Longest wait between two looks; a change wakes the watch at once.",
        ),
    ] = 1.0,
) -> None:
    """Stream ticket events as JSON lines until interrupted.

    One line per ticket change (ticket_id, version, actor, field, old, new, at) as it
    happens, until Ctrl-C. On PostgreSQL a notification wakes the watch (LISTEN: it needs a
    direct connection, not a transaction-mode pgbouncer); on SQLite it looks at the file's
    change counter. Either way it reads the events itself, at least every --interval.

    Example: deskterm watch 'queue:"Network L2" priority:>=high' | jq -r .field
    """
    import json
    import time

    from deskterm.cli.output import to_jsonable
    from deskterm.domain import tickets as events
    from deskterm.domain.people import whoami
    from deskterm.errors import DeskError

    cli = get(ctx)
    desk = cli.desk()
    events.check_query(desk, query)
    # Who is acting first: a refused --as is one error line, before any connection listens.
    whoami(desk)
    # Listening before reading where "now" is: a change in between wakes the first wait.
    signal = _signal(desk)
    last = events.last_event_id(desk)
    try:
        while True:
            batch = events.events_after(desk, last, query)
            for event in batch:
                row = {
                    "id": event.id,
                    "ticket_id": event.ticket_id,
                    "version": event.version,
                    "actor": event.actor,
                    "field": event.field,
                    "old": event.old,
                    "new": event.new,
                    "at": event.at,
                }
                cli.out.write(json.dumps(to_jsonable(row), ensure_ascii=False) + "\n")
                last = event.id
            if batch:
                cli.out.flush()
                # A full page means more are waiting: read on without sleeping.
                if len(batch) >= 1000:
                    continue
            if signal is None:
                time.sleep(interval)
                signal = _signal(desk)  # again: a lost connection comes back
                continue
            try:
                signal.wait(interval)
            except DeskError:
                signal.close()
                signal = None  # the next look reads anyway, then listens again
    except KeyboardInterrupt:
        # Ctrl-C is how a watch ends: quietly, exit 0.
        return
    finally:
        if signal is not None:
            signal.close()


def _signal(desk: Desk) -> ChangeSignal | None:
    """The desk's change signal, or None (then the watch looks every --interval)."""
    from deskterm.domain import tickets
    from deskterm.errors import DeskError

    try:
        return tickets.change_signal(desk)
    except DeskError:
        return None
