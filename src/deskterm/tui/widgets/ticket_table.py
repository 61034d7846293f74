"""The ticket list: a DataTable that pages through the database by keyset.

It holds a window of at most ``MAX_PAGES`` pages; moving near either end loads the next or
previous page (``after=``/``before=`` the window's cursors) and drops the far one. ``g``/``G``
reload from the first or last page, so both are instant on a million rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey
from textual.worker import Worker, WorkerState

from deskterm.domain.models import Cursor, Page, Ticket
from deskterm.domain.tickets import BY_NAME
from deskterm.errors import DeskError
from deskterm.tui.access import desk_app
from deskterm.tui.messages import PageFailed, PageLoaded, PresenceChanged
from deskterm.tui.presence import mark
from deskterm.tui.render import row_cells

PAGE_SIZE = 100
MAX_PAGES = 6
NEAR = 15
# Most useful first: at 80 columns the SLA clock is in view beside the subject; at 120
# beside the sidebar everything up to "updated" is; requester and queue are one scroll away
# (and in the detail pane).
#: (field, width): the ticket fields the list shows, headed as ``fields.FIELDS`` says.
SHOWN = (
    ("id", 6),
    ("priority", 7),
    ("status", 7),
    ("sla_state", 10),
    ("subject", 27),
    ("assignee", 9),
    ("updated_at", 11),
    ("requester", 20),
    ("queue", 14),
)
COLUMNS = (("", "mark", 2), *((BY_NAME[key].header, key, width) for key, width in SHOWN))


class TicketTable(DataTable[object]):
    """Rows are keyed by ticket id (as a string); ``tickets`` mirrors the rows in order."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.query_text = ""
        self.generation = 0
        self.pages: list[Page] = []
        self.tickets: list[Ticket] = []
        self.marks: set[int] = set()
        #: Tickets that hold an unsent reply or note (marked in the first column).
        self.drafts: frozenset[int] = frozenset()
        #: The other agents' markers by ticket (``tui/presence.py``).
        self.present: dict[int, str] = {}
        #: The ticket to keep selected when the first page is read again (``read_top_again``).
        self._keep: int | None = None
        self._loading = False

    def on_mount(self) -> None:
        for label, key, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Textual's, without measuring every new cell when no column sizes to its cells.

        ``DataTable._update_dimensions`` (private; Textual 8.2, pinned by
        ``tests/tui/test_textual_pin.py``) measures each cell of each new row to widen
        auto-width columns and the row-label column, then sizes rows of automatic height,
        then sets ``virtual_size``. Every column here has a fixed width and ``add_rows`` gives
        no labels and height 1, so the measuring changes nothing (7 to 12 ms of the first
        frame for a page of 100 rows); only ``virtual_size`` is set. Anything else (an
        auto-width column, a label, an automatic height) goes to Textual's own method.
        """
        new_rows = list(new_rows)
        if any(column.auto_width for column in self.columns.values()) or any(
            (row := self.rows.get(key)) is not None and (row.label is not None or row.auto_height)
            for key in new_rows
        ):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            width + self._row_label_column_width, self._total_row_height + header_height
        )

    # -- what the screen asks for -------------------------------------------------------------

    @property
    def current(self) -> Ticket | None:
        if not self.tickets or not 0 <= self.cursor_row < len(self.tickets):
            return None
        return self.tickets[self.cursor_row]

    def selected(self) -> list[Ticket]:
        """The marked tickets in list order, or else the one under the cursor."""
        if self.marks:
            return [t for t in self.tickets if t.id in self.marks]
        current = self.current
        return [current] if current else []

    def load(self, query: str | None = None, *, from_end: bool = False) -> None:
        """Start again from the first page (or the last one, for ``G``)."""
        if query is not None:
            self.query_text = query
        self.generation += 1
        self._loading = True
        ready = None if from_end else desk_app(self).take_first_page(self.query_text)
        if ready is not None:
            self.post_message(PageLoaded(self.generation, "reset", ready))
            return
        self._fetch(self.generation, "end" if from_end else "reset")

    def read_top_again(self) -> bool:
        """Read the first page again (other agents made new tickets), keeping the selected
        ticket selected; only while the list holds just its first page, so nothing the agent
        scrolled to is dropped. Whether it did."""
        if self._loading or len(self.pages) != 1 or self.pages[0].prev_cursor is not None:
            return False
        current = self.current
        self._keep = current.id if current is not None else None
        self.generation += 1
        self._loading = True
        self._fetch(self.generation, "reset")
        return True

    def toggle_mark(self) -> None:
        ticket = self.current
        if ticket is None:
            return
        self.marks.symmetric_difference_update({ticket.id})
        self._redraw_row(ticket)

    def clear_marks(self) -> None:
        marked = [t for t in self.tickets if t.id in self.marks]
        self.marks.clear()
        for ticket in marked:
            self._redraw_row(ticket)

    def show_drafts(self) -> None:
        """Mark the rows of tickets that hold a draft (read from disk: it is a folder list)."""
        drafts = frozenset(d.ticket_id for d in desk_app(self).draft_list())
        if drafts == self.drafts:
            return
        changed = drafts ^ self.drafts
        self.drafts = drafts
        for ticket in self.tickets:
            if ticket.id in changed:
                self._redraw_row(ticket)

    def show_presence(self, change: PresenceChanged) -> None:
        """Mark the rows of tickets other agents have open (only the rows that changed)."""
        self.present = {ticket_id: mark(others) for ticket_id, others in change.others.items()}
        for ticket in self.tickets:
            if ticket.id in change.changed:
                self._redraw_row(ticket)

    def replace_ticket(self, ticket: Ticket) -> None:
        """Show a ticket's new version in place (it keeps its row until the next reload)."""
        for index, old in enumerate(self.tickets):
            if old.id == ticket.id:
                self.tickets[index] = ticket
                self._redraw_row(ticket)
                return

    # -- paging --------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="page", exit_on_error=False)
    def _fetch(self, generation: int, mode: str, after: Cursor | None = None) -> None:
        from deskterm.domain.tickets import list_page

        desk = desk_app(self).desk
        try:
            if mode == "append":
                page = list_page(desk, self.query_text, limit=PAGE_SIZE, after=after)
            elif mode == "prepend":
                page = list_page(desk, self.query_text, limit=PAGE_SIZE, before=after)
            else:
                page = list_page(desk, self.query_text, limit=PAGE_SIZE, from_end=mode == "end")
        except DeskError as exc:
            self.post_message(PageFailed(generation, exc))
            return
        self.post_message(PageLoaded(generation, mode, page))

    @on(PageLoaded)
    def _page_loaded(self, message: PageLoaded) -> None:
        # Not stopped: the screen hears it next, after the rows are in place.
        if message.generation != self.generation:
            return  # an answer to a filter or jump that has since been replaced
        self._loading = False
        page, mode = message.page, message.mode
        for ticket in page.items:
            desk_app(self).known_tags.update(ticket.tags)
        if mode in ("reset", "end"):
            keep, self._keep = self._keep, None
            row = len(page.items) - 1 if mode == "end" else 0
            if keep is not None:
                row = next((i for i, t in enumerate(page.items) if t.id == keep), self.cursor_row)
            self.pages = [page]
            self._rebuild(row)
        elif mode == "append":
            self.pages.append(page)
            if len(self.pages) > MAX_PAGES:
                dropped = self.pages.pop(0)
                self._rebuild(self.cursor_row - len(dropped.items))
            else:
                self._add_rows(page.items)
        else:
            self.pages.insert(0, page)
            shift = len(page.items)
            if len(self.pages) > MAX_PAGES:
                self.pages.pop()
            self._rebuild(self.cursor_row + shift)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A page read that broke with something other than a DeskError (which ``_fetch``
        reports) failed all the same: say so, so the screen does not wait for it (while
        it starts, the keys wait for the first page)."""
        if event.state is WorkerState.ERROR and event.worker.group == "page":
            error = DeskError(f"The list could not be read: {event.worker.error}")
            self.post_message(PageFailed(self.generation, error))

    @on(PageFailed)
    def _page_failed(self, message: PageFailed) -> None:
        if message.generation == self.generation:
            self._loading = False

    def _rebuild(self, cursor: int) -> None:
        self.tickets = []
        self.clear()
        for page in self.pages:
            self._add_rows(page.items)
        if self.tickets:
            self.move_cursor(row=max(0, min(cursor, len(self.tickets) - 1)), animate=False)

    def _add_rows(self, tickets: tuple[Ticket, ...]) -> None:
        now = desk_app(self).now()
        known = {t.id for t in self.tickets}
        fresh = [t for t in tickets if t.id not in known]
        self.tickets.extend(fresh)
        self.add_rows(
            (self._cells(t, now) for t in fresh),
        )
        # Row keys are only needed to redraw one row; DataTable gives each row a key anyway.

    def _cells(self, ticket: Ticket, now: datetime) -> list[Text]:
        cells = row_cells(
            ticket,
            now,
            marked=ticket.id in self.marks,
            draft=ticket.id in self.drafts,
            color=desk_app(self).color,
            present=self.present.get(ticket.id, ""),
        )
        return [cells[key] for _header, key, _width in COLUMNS]

    def _redraw_row(self, ticket: Ticket) -> None:
        try:
            index = next(i for i, t in enumerate(self.tickets) if t.id == ticket.id)
        except StopIteration:
            return
        now = desk_app(self).now()
        for column, cell in enumerate(self._cells(ticket, now)):
            self.update_cell_at(Coordinate(index, column), cell)

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self.maybe_load_more()

    def maybe_load_more(self) -> None:
        if self._loading or not self.pages:
            return
        row = self.cursor_row
        if row >= len(self.tickets) - NEAR and self.pages[-1].next_cursor is not None:
            self._loading = True
            self._fetch(self.generation, "append", self.pages[-1].next_cursor)
        elif row < NEAR and self.pages[0].prev_cursor is not None:
            self._loading = True
            self._fetch(self.generation, "prepend", self.pages[0].prev_cursor)
