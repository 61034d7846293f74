"""Messages workers post back to the UI thread (the UI never waits on a query), and what the
app tells every screen after a write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from deskterm.domain.models import Page, Ticket
from deskterm.errors import DeskError

if TYPE_CHECKING:
    from deskterm.domain.models import TicketDetail
    from deskterm.domain.tickets import Presence


class PageLoaded(Message):
    """A page of the list arrived. ``mode``: reset, end (the ``G`` key), append or prepend."""

    def __init__(self, generation: int, mode: str, page: Page) -> None:
        super().__init__()
        self.generation = generation
        self.mode = mode
        self.page = page


class PageFailed(Message):
    def __init__(self, generation: int, error: DeskError) -> None:
        super().__init__()
        self.generation = generation
        self.error = error


class DetailLoaded(Message):
    def __init__(self, detail: TicketDetail) -> None:
        super().__init__()
        self.detail = detail


class CountsLoaded(Message):
    """Live counts for the sidebar: view key -> number of tickets."""

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__()
        self.counts = counts


@dataclass(frozen=True)
class TicketsChanged:
    """Published on :attr:`DeskApp.ticket_changes` after the console wrote to tickets (or
    reloaded one): the tickets as they are now and what changed, as the history names it
    (``status``, ``assignee``, ``reply``, ...). Empty ``fields`` means "anything may have":
    a reload after someone else's change. ``by_others``: other agents' changes the console
    found by itself (``tui/live.py``), not something this agent did or asked to see."""

    tickets: tuple[Ticket, ...]
    fields: frozenset[str] = frozenset()
    by_others: bool = False


@dataclass(frozen=True)
class PresenceChanged:
    """Published on :attr:`DeskApp.presence_changes` when the other agents on tickets changed:
    all of them by ticket (``Presence`` rows, most active first), and the tickets whose
    presence changed (to redraw just those rows)."""

    others: dict[int, tuple[Presence, ...]]
    changed: frozenset[int]

    def on(self, ticket_id: int) -> tuple[Presence, ...]:
        """The other agents on ``ticket_id``."""
        return self.others.get(ticket_id, ())


class LiveSignal(Message):
    """From the live listener's thread (``tui/live.py``): ``kind`` is ``changed`` (look now),
    ``lost`` (the listening connection is gone: ``error`` says why) or ``back``."""

    def __init__(self, kind: str, error: DeskError | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.error = error
