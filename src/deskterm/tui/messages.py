"""Messages workers post back to the UI thread (the UI never waits on a query), and what the
app tells every screen after a write."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from deskterm.domain.models import Page, Ticket, TicketDetail
from deskterm.errors import DeskError


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
    a reload after someone else's change."""

    tickets: tuple[Ticket, ...]
    fields: frozenset[str] = frozenset()
