"""``deskterm watch [QUERY]``: ticket events as JSON lines until interrupted."""

from __future__ import annotations

from typing import Annotated

import typer

from deskterm.cli.context import get


def watch(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Only tickets this query selects.")] = "",
    interval: Annotated[
        float, typer.Option(min=0.05, max=3600, help="Seconds between polls.")
    ] = 1.0,
) -> None:
    """Stream ticket events as JSON lines until interrupted.

    One line per ticket change (ticket_id, version, actor, field, old, new, at) as it
    happens, until Ctrl-C.

    Example: deskterm watch 'queue:"Network L2" priority:>=high' | jq -r .field
    """
    import json
    import time

    from deskterm.cli.output import to_jsonable
    from deskterm.domain import tickets as events

    cli = get(ctx)
    desk = cli.desk()
    events.check_query(desk, query)
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
            time.sleep(interval)
    except KeyboardInterrupt:
        # Ctrl-C is how a watch ends: quietly, exit 0.
        return
