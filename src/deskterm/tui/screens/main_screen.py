"""The main screen: views on the left, the ticket list, the selected ticket's detail.

At 100 columns and more the detail sits under the list; narrower, the sidebar and the detail
pane fold away and ``enter`` opens the ticket as its own screen (views stay on ``1``..``9``).
A ticket the detail pane shows is open, for presence, as on its own screen: the console
holds it as "viewing" (``tui/presence.py``) until the pane shows another, or nothing, or
folds away.

Start-up (issue 16): the first frame holds only the sidebar, the title and the list, with
empty placeholders where the detail pane and the footer go (so nothing moves when they come).
Once that frame is on its way to the terminal, ``_finish_start`` mounts the filter bar, the
detail pane and the footer (their modules are imported only then), and after that the detail
and the views' counts are read. Keys typed meanwhile wait (the app's start-up hold on
:class:`~deskterm.tui.typeahead.TypeAhead`) and are handled in order once all is mounted.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import DataTable, OptionList, Static

from deskterm.errors import DeskError
from deskterm.tui.access import desk_app
from deskterm.tui.keys import TICKET_BINDINGS
from deskterm.tui.messages import (
    CountsLoaded,
    DetailLoaded,
    PageFailed,
    PageLoaded,
    PresenceChanged,
    TicketsChanged,
)
from deskterm.tui.screens.ticket_actions import TicketActions
from deskterm.tui.views import View, all_views, count_may_change
from deskterm.tui.widgets.ticket_table import TicketTable
from deskterm.tui.widgets.view_list import ViewList

if TYPE_CHECKING:
    # Annotations only: Agent and Queue live in models_more, 20 ms to import before the
    # first frame (issue 16).
    from deskterm.domain.models import Agent, Queue, Ticket
    from deskterm.domain.views import ViewExists
    from deskterm.tui.widgets.filter_bar import FilterBar
    from deskterm.tui.widgets.ticket_view import TicketView

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
        #: The ticket the detail pane shows, and how to stop holding it as viewed.
        self._viewing: tuple[int, Callable[[], None]] | None = None
        #: Whether the filter bar, detail pane and footer are mounted (``_finish_start``).
        self.started = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield ViewList(id="sidebar")
            with Vertical(id="main"):
                yield Static("", id="title")
                yield TicketTable(id="tickets")
                # Where the detail pane and the footer go, blank until after the first frame.
                yield Static("", id="detail-slot")
        yield Static("", id="footer-slot")

    @property
    def table(self) -> TicketTable:
        return self.query_one(TicketTable)

    def detail_view(self) -> TicketView | None:
        """The detail pane, or None before it is mounted (the first frame has none)."""
        from textual.css.query import NoMatches

        try:
            return cast("TicketView", self.query_one("#detail"))
        except NoMatches:
            return None

    async def _finish_start(self) -> None:
        """After the first frame: mount what it did not show, then let the keys typed
        meanwhile through, then read the detail and the views' counts."""
        if self.started:
            return
        self.started = True
        from textual.widgets import Footer

        from deskterm.tui.widgets.filter_bar import FilterBar
        from deskterm.tui.widgets.ticket_view import TicketView

        try:
            desk_app(self).load_more_css()
            main = self.query_one("#main", Vertical)
            filter_bar = FilterBar(id="filter")
            filter_bar.display = False
            await main.mount(filter_bar, before=self.table)
            slot = self.query_one("#detail-slot")
            await main.mount(TicketView(id="detail"), after=slot)
            await slot.remove()
            slot = self.query_one("#footer-slot")
            await self.mount(Footer(), after=slot)
            await slot.remove()
            self.refresh_bindings()  # a footer fills itself when told the bindings
        finally:
            desk_app(self).started()
        self._schedule_detail()
        self.set_timer(FIRST_FRAME_GRACE, self._load_views)

    def _first_page_done(self) -> None:
        """The first page is in (or failed): finish starting once it is on screen."""
        if not self._loaded_once:
            self._loaded_once = True
            self.call_after_refresh(self._finish_start)

    def on_mount(self) -> None:
        self._update_layout()
        self.query_one(ViewList).active_query = self.query_text
        self.table.focus()
        self.table.load(self.query_text)
        self._update_title()

    def on_resize(self) -> None:
        was_narrow = self.has_class("-narrow")
        self._update_layout()
        if was_narrow and self.wide:
            self._schedule_detail()  # the pane is back: show the current ticket in it

    def on_unmount(self) -> None:
        self._view_in_pane(None)

    @property
    def wide(self) -> bool:
        return self.size.width >= WIDE

    def _update_layout(self) -> None:
        self.set_class(not self.wide, "-narrow")
        if not self.wide:
            # The pane folded away: nobody is looking at what it showed.
            self._view_in_pane(None)
            view = self.detail_view()
            if view is not None:
                view.clear_detail()

    # -- the list ------------------------------------------------------------------------------

    @on(PageLoaded)
    def _page_loaded(self, message: PageLoaded) -> None:
        self._update_title()
        # Only once the first page is on screen: the rest of the screen, the detail, counts
        # and vocab are not needed for it, and reading them imports the database library
        # (see cli/entry.py), which would hold up the first frame on its way to the terminal.
        self._first_page_done()
        if self.started:
            self._schedule_detail()

    @on(PageFailed)
    def _page_failed(self, message: PageFailed) -> None:
        self._first_page_done()
        desk_app(self).show_error(message.error)

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

    def current_view(self) -> View | None:
        return next((v for v in self.views if v.query == self.query_text), None)

    def take_queue(self) -> str | None:
        view = self.current_view()
        return view.queue if view is not None else None

    def tickets_changed(self, change: TicketsChanged) -> None:
        """Show the tickets as the write left them; re-read the detail if it shows one of
        them, and the counts the write can have changed (not every view's)."""
        for ticket in change.tickets:
            self.table.replace_ticket(ticket)
        if change.by_others and "created" in change.fields:
            # New tickets from others: in the list if they belong on its first page.
            self.table.read_top_again()
        view = self.detail_view()
        detail = view.detail if view is not None else None
        if detail is not None and any(t.id == detail.ticket.id for t in change.tickets):
            self._load_detail(detail.ticket.id)
        queries = {v.query for v in self.views} | {self.query_text}
        stale = sorted(q for q in queries if count_may_change(q, change.fields))
        if stale:
            self._recount(stale)

    def presence_changed(self, change: PresenceChanged) -> None:
        self.table.show_presence(change)
        view = self.detail_view()
        if view is not None:
            view.show_presence(change)

    def on_screen_resume(self) -> None:
        # Back from the editor: a draft may have been kept, sent or discarded.
        self.table.show_drafts()

    # -- the detail pane -----------------------------------------------------------------------

    def _schedule_detail(self) -> None:
        if not self.wide or not self.started:
            return
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self._detail_due)

    def _detail_due(self) -> None:
        current = self.table.current
        view = self.detail_view()
        if view is None:
            return
        if current is None:
            self._view_in_pane(None)
            view.clear_detail("No ticket selected")
        else:
            self._load_detail(current.id)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _load_detail(self, ticket_id: int) -> None:
        from deskterm.domain.tickets import detail

        try:
            self.post_message(DetailLoaded(detail(desk_app(self).desk, ticket_id)))
        except DeskError:
            return  # the ticket vanished or cannot be read: the list says so on refresh

    @on(DetailLoaded)
    def _detail_loaded(self, message: DetailLoaded) -> None:
        current = self.table.current
        view = self.detail_view()
        if (
            self.wide
            and view is not None
            and current is not None
            and current.id == message.detail.ticket.id
        ):
            view.show(message.detail, desk_app(self).now())
            self._view_in_pane(current.id)

    def _view_in_pane(self, ticket_id: int | None) -> None:
        """The detail pane now shows ``ticket_id`` (None: nothing): hold it as viewed, and
        stop holding what it showed before (others stop seeing this agent there at once)."""
        if self._viewing is not None and self._viewing[0] == ticket_id:
            return
        if self._viewing is not None:
            self._viewing[1]()
            self._viewing = None
        if ticket_id is not None:
            self._viewing = (ticket_id, desk_app(self).here.hold(ticket_id, "viewing"))

    # -- views and counts ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="views", exit_on_error=False)
    def _load_views(self) -> None:
        from deskterm.domain.people import list_agents
        from deskterm.domain.queues import list_queues
        from deskterm.domain.tickets import count
        from deskterm.domain.views import list_views

        desk = desk_app(self).desk
        try:
            queues = list_queues(desk)
            agents = list_agents(desk)
            saved = list_views(desk)
        except DeskError:
            return
        views = all_views(queues, saved)
        self.app.call_from_thread(self._set_views, views, queues, agents)
        counts: dict[str, int] = {}
        for query in dict.fromkeys([*(v.query for v in views), self.query_text]):
            with contextlib.suppress(DeskError):
                counts[query] = count(desk, query)
        self.post_message(CountsLoaded(counts))

    @work(thread=True, group="counts", exit_on_error=False)
    def _recount(self, queries: list[str]) -> None:
        from deskterm.domain.tickets import count

        desk = desk_app(self).desk
        counts: dict[str, int] = {}
        for query in queries:
            with contextlib.suppress(DeskError):
                counts[query] = count(desk, query)
        self.post_message(CountsLoaded(counts))

    def _set_views(self, views: list[View], queues: list[Queue], agents: list[Agent]) -> None:
        self.views = views
        self.query_one(ViewList).set_views(views)
        app = desk_app(self)
        app.vocab["queue"] = [q.name for q in queues]
        app.vocab["assignee"] = [a.handle for a in agents]
        app.vocab["tag"] = sorted(app.known_tags)
        self.table.show_drafts()  # the desk is open now, so its drafts are known

    @on(CountsLoaded)
    def _counts_loaded(self, message: CountsLoaded) -> None:
        self.query_one(ViewList).set_counts(message.counts)
        self._update_title()

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
        """Save the current filter as a view in the sidebar (``deskterm view`` lists them).
        A name already taken asks before replacing that view."""
        from deskterm.tui.screens.name_prompt import NamePromptScreen

        query = self.query_text
        question = Content.assemble("Save the filter ", (query or "(all tickets)", "bold"), " as:")
        self.app.push_screen(NamePromptScreen(question), lambda name: self._save_view(name, query))

    def _save_view(self, name: str | None, query: str, *, replace: bool = False) -> None:
        from deskterm.domain.models import SavedView
        from deskterm.domain.views import ViewExists, save_view

        if not name:
            return
        app = desk_app(self)
        desk = app.desk

        def saved(view: SavedView) -> None:
            self.notify(f'Saved view "{view.name}"', markup=False)
            self._load_views()

        def exists(exc: DeskError) -> bool:
            if not isinstance(exc, ViewExists):
                return False
            self._ask_replace(exc, query)
            return True

        app.run_domain(lambda: save_view(desk, name, query, replace=replace), saved, failed=exists)

    def _ask_replace(self, exc: ViewExists, query: str) -> None:
        from deskterm.tui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self._save_view(exc.name, query, replace=True)

        question = Content.assemble(
            "A view named ",
            (exc.name, "bold"),
            f" already exists ({exc.query or 'all tickets'}).\nReplace it with ",
            (query or "all tickets", "bold"),
            "?",
        )
        self.app.push_screen(ConfirmScreen(question, yes="Replace", no="Keep it"), answer)

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
            desk_app(self).open_ticket(current, take_queue=self.take_queue())

    async def action_filter(self) -> None:
        await self._finish_start()  # keys wait for it; this is for a caller that did not
        cast("FilterBar", self.query_one("#filter")).open(self.query_text)

    def on_filter_bar_applied(self, message: FilterBar.Applied) -> None:
        self.apply_query(message.query)
        self.table.focus()

    def on_filter_bar_closed(self) -> None:
        self.table.focus()

    def action_help(self) -> None:
        from deskterm.tui.screens.help_screen import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_quit(self) -> None:
        """Leave; with unsent drafts, say which and ask first (they stay on disk)."""
        drafts = desk_app(self).draft_list()
        if not drafts:
            self.app.exit()
            return
        from deskterm.tui.screens.confirm import ConfirmScreen

        which = ", ".join(f"#{d.ticket_id} {d.kind}" for d in drafts[:6])
        more = f" and {len(drafts) - 6} more" if len(drafts) > 6 else ""
        question = Content(
            f"{len(drafts)} unsent draft{'s' if len(drafts) > 1 else ''}: {which}{more}.\n"
            "They are kept and come back when you open those tickets. Quit now?"
        )

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.exit()

        self.app.push_screen(ConfirmScreen(question, yes="Quit", no="Stay"), answer)
