"""Take next: claim the most urgent unassigned unsolved ticket, never one someone else got."""

from __future__ import annotations

from deskterm.domain.desk import Desk
from deskterm.domain.models import Ticket
from deskterm.errors import Conflict

CANDIDATES = 20


def take_next(desk: Desk, query: str = "is:unassigned is:unsolved") -> Ticket | None:
    """Assign the first ticket of ``query`` by priority to the acting agent.

    Each claim is sent with the version read, so two agents taking at once never get the
    same ticket: the loser's write is refused (Conflict) and it tries the next candidate.
    """
    from deskterm.domain.ticket_read import list_page
    from deskterm.domain.tickets import assign

    page = list_page(desk, query, sort="priority", limit=CANDIDATES)
    for ticket in page.items:
        try:
            return assign(desk, ticket.id, "me", if_version=ticket.version).ticket
        except Conflict:
            continue
    return None
