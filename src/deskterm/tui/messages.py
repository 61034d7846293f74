"""Messages workers post back to the UI thread (the UI never waits on a query)."""

from __future__ import annotations

from textual.message import Message

from deskterm.domain.models import Page, TicketDetail
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
