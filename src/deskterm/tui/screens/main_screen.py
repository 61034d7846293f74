"""The main screen: views on the left, the ticket list, the selected ticket's detail.

At 100 columns and more the detail sits under the list; narrower, the sidebar and the detail
pane fold away and ``enter`` opens the ticket as its own screen (views stay on ``1``..``9``).
"""

from __future__ import annotations

import contextlib

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Footer, OptionList, Static

from deskterm.domain.models import Ticket
from deskterm.errors import DeskError
from deskterm.tui.keys import TICKET_BINDINGS
from deskterm.tui.messages import CountsLoaded, DetailLoaded, PageFailed, PageLoaded
from deskterm.tui.screens.ticket_actions import TicketActions
from deskterm.tui.views import View, all_views
from deskterm.tui.widgets.filter_bar import FilterBar
from deskterm.tui.widgets.ticket_table import TicketTable
from deskterm.tui.widgets.ticket_view import TicketView
from deskterm.tui.widgets.view_list import ViewList

WIDE = 100
DETAIL_DELAY = 0.12
#: Seconds after the first frame before the views' counts start loading.
FIRST_FRAME_GRACE = 0.15


class MainScreen(TicketActions):
    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        Binding("slash", "filter", "Filter"),
        Binding("enter", "open", "Open"),
        Binding("j", "down", "Down", show=False),
        Binding("k", "up", "Up", show=False),
        Binding("g", "top", "Top", show=False),
        Binding("G", "bottom", "Bottom", show=False),
        Binding("space", "mark", "Mark", show=False),
        *TICKET_BINDINGS,
        Binding("escape", "back", "Clear marks", show=False),
        Binding("S", "save_view", "Save view", show=False),
        Binding("q", "quit", "Quit"),
        *(Binding(str(n), f"view({n})", f"View {n}", show=False) for n in range(1, 10)),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.query_text = query
        self.views: list[View] = all_views([])
        self._detail_timer: Timer | None = None
        self._loaded_once = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield ViewList(id="sidebar")
            with Vertical(id="main"):
                yield Static("", id="title")
                filter_bar = FilterBar(id="filter")
                filter_bar.display = False
                yield filter_bar
                yield TicketTable(id="tickets")
                yield TicketView(id="detail")
        yield Footer()

    @property
    def table(self) -> TicketTable:
        return self.query_one(TicketTable)

    def on_mount(self) -> None:
        self._update_layout()
        self.query_one(ViewList).active_query = self.query_text
        self.table.focus()
        self.table.load(self.query_text)
        self._update_title()

    def on_resize(self) -> None:
        self._update_layout()

    @property
    def wide(self) -> bool:
        return self.size.width >= WIDE

    def _update_layout(self) -> None:
        self.set_class(not self.wide, "-narrow")

    # -- the list ------------------------------------------------------------------------------

    @on(PageLoaded)
    def _page_loaded(self, message: PageLoaded) -> None:
        self._update_title()
        self._schedule_detail()
        if not self._loaded_once:
            # Only once the first page is on screen: counts and vocab are not needed for it,
            # and loading them may import the database library (see cli/entry.py), which
            # would hold up the first frame on its way to the terminal.
            self._loaded_once = True
            self.call_after_refresh(self.set_timer, FIRST_FRAME_GRACE, self._load_views)

    @on(PageFailed)
    def _page_failed(self, message: PageFailed) -> None:
        self.desk_app.show_error(message.error)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._schedule_detail()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()

    def _update_title(self) -> None:
        table = self.table
        label = next((v.label for v in self.views if v.query == self.query_text), None)
        text = Text()
        text.append(label or "Filter", style="bold")
        if self.query_text and label is None:
            text.append(" " + self.query_text)
        count = self.query_one(ViewList).counts.get(self.query_text)
        if count is not None:
            text.append(f"  {count:,} tickets", style="dim")
        elif table.tickets and table.pages[-1].next_cursor is table.pages[0].prev_cursor is None:
            text.append(f"  {len(table.tickets):,} tickets", style="dim")
        if not table.tickets and table.pages:
            text.append("  (no tickets match)", style="dim")
        if table.marks:
            text.append(f"  ● {len(table.marks)} marked", style="bold reverse")
        self.query_one("#title", Static).update(text)

    def selected_tickets(self) -> list[Ticket]:
        return self.table.selected()

    def clear_marks(self) -> None:
        self.table.clear_marks()
        self._update_title()

    def ticket_changed(self, ticket: Ticket) -> None:
        self.table.replace_ticket(ticket)
        detail = self.query_one(TicketView).detail
        if detail is not None and detail.ticket.id == ticket.id:
            self._load_detail(ticket.id)

    # -- the detail pane -----------------------------------------------------------------------

    def _schedule_detail(self) -> None:
        if not self.wide:
            return
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self._detail_due)

    def _detail_due(self) -> None:
        current = self.table.current
        if current is None:
            self.query_one(TicketView).clear_detail("No ticket selected")
        else:
            self._load_detail(current.id)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _load_detail(self, ticket_id: int) -> None:
        from deskterm.domain.ticket_read import detail

        try:
            self.post_message(DetailLoaded(detail(self.desk_app.desk, ticket_id)))
        except DeskError:
            return  # the ticket vanished or cannot be read: the list says so on refresh

    @on(DetailLoaded)
    def _detail_loaded(self, message: DetailLoaded) -> None:
        current = self.table.current
        if current is not None and current.id == message.detail.ticket.id:
            self.query_one(TicketView).show(message.detail, self.desk_app.now())

    # -- views and counts ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="views", exit_on_error=False)
    def _load_views(self) -> None:
        from deskterm.domain.agents import list_agents, list_queues
        from deskterm.domain.ticket_read import count
        from deskterm.domain.views import list_views

        desk = self.desk_app.desk
        try:
            queues = list_queues(desk)
            agents = list_agents(desk)
            saved = list_views(desk)
        except DeskError:
            return
        views = all_views(queues, saved)
        self.app.call_from_thread(self._set_views, views, queues, agents)
        counts: dict[str, int] = {}
        for view in views:
            try:
                counts[view.query] = count(desk, view.query)
            except DeskError:
                continue
        if self.query_text not in counts:
            with contextlib.suppress(DeskError):
                counts[self.query_text] = count(desk, self.query_text)
        self.post_message(CountsLoaded(counts))

    def _set_views(self, views: list[View], queues: list[object], agents: list[object]) -> None:
        self.views = views
        self.query_one(ViewList).set_views(views)
        vocab = self.desk_app.vocab
        vocab["queue"] = [q.name for q in queues]  # type: ignore[attr-defined]
        vocab["assignee"] = [a.handle for a in agents]  # type: ignore[attr-defined]
        vocab["tag"] = sorted(self.desk_app.known_tags)

    @on(CountsLoaded)
    def _counts_loaded(self, message: CountsLoaded) -> None:
        self.query_one(ViewList).set_counts(message.counts)
        self._update_title()

    def refresh_counts(self) -> None:
        self._load_views()

    @on(OptionList.OptionSelected, "#sidebar")
    def _view_chosen(self, event: OptionList.OptionSelected) -> None:
        self.apply_query(self.views[event.option_index].query)
        self.table.focus()

    def apply_query(self, query: str) -> None:
        self.query_text = query
        self.table.marks.clear()
        view_list = self.query_one(ViewList)
        view_list.active_query = query
        view_list.redraw()
        self.table.load(query)
        self._update_title()
        if query not in view_list.counts:
            self._load_views()

    # -- keys ----------------------------------------------------------------------------------

    def action_save_view(self) -> None:
        """Save the current filter as a view in the sidebar (``deskterm view`` lists them)."""
        from textual.content import Content

        from deskterm.domain.views import save_view
        from deskterm.tui.screens.name_prompt import NamePromptScreen

        query = self.query_text

        def named(name: str | None) -> None:
            if not name:
                return
            self.desk_app.run_domain(
                lambda: save_view(self.desk_app.desk, name, query),
                lambda _view: self._load_views(),
            )

        question = Content.assemble("Save the filter ", (query or "(all tickets)", "bold"), " as:")
        self.app.push_screen(NamePromptScreen(question), named)

    def action_view(self, number: int) -> None:
        if number <= len(self.views):
            self.apply_query(self.views[number - 1].query)

    def action_down(self) -> None:
        self.table.action_cursor_down()

    def action_up(self) -> None:
        self.table.action_cursor_up()

    def action_top(self) -> None:
        table = self.table
        if table.pages and table.pages[0].prev_cursor is None:
            table.move_cursor(row=0, animate=False)
        else:
            table.load()

    def action_bottom(self) -> None:
        table = self.table
        if table.pages and table.pages[-1].next_cursor is None:
            table.move_cursor(row=len(table.tickets) - 1, animate=False)
        else:
            table.load(from_end=True)

    def action_mark(self) -> None:
        self.table.toggle_mark()
        self.table.action_cursor_down()
        self._update_title()

    def action_back(self) -> None:
        if self.table.marks:
            self.clear_marks()

    def action_refresh(self) -> None:
        self.table.load()
        self._load_views()

    def action_open(self) -> None:
        current = self.table.current
        if current is not None:
            self.desk_app.open_ticket(current)

    def action_filter(self) -> None:
        self.query_one(FilterBar).open(self.query_text)

    @on(FilterBar.Applied)
    def _filter_applied(self, message: FilterBar.Applied) -> None:
        self.apply_query(message.query)
        self.table.focus()

    @on(FilterBar.Closed)
    def _filter_closed(self) -> None:
        self.table.focus()

    def action_help(self) -> None:
        from deskterm.tui.screens.help_screen import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_quit(self) -> None:
        self.app.exit()

    def notify_error(self, exc: DeskError) -> None:
        self.notify(exc.message, markup=False, severity="error")
