"""``K``: knowledge-base search as you type (debounced, in a worker), matched words
highlighted from the snippet segments, ``enter`` opens the article rendered as Markdown.

``down`` from the search box goes to the first hit; ``enter`` opens the hit chosen, or the
first one (waiting for the results of what was just typed, if they are not in yet).
Opened from the reply editor (``pick=True``) the article can be inserted into the reply."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from deskterm.domain.models import ArticleHit
from deskterm.domain.text import one_line, sanitize
from deskterm.errors import DeskError
from deskterm.tui.access import desk_app

DEBOUNCE = 0.2
LIMIT = 30


def hit_text(hit: ArticleHit) -> Text:
    text = Text()
    text.append(one_line(hit.title, 80), style="bold")
    text.append(f"  {one_line(hit.category, 30)}  {hit.slug}\n", style="dim")
    for segment, matched in hit.snippet:
        text.append(sanitize(segment), style="bold reverse" if matched else "")
    return text


class KbScreen(Screen[str | None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("enter", "open", "Open article"),
    ]

    class Results(Message):
        def __init__(self, text: str, hits: list[ArticleHit]) -> None:
            super().__init__()
            self.text = text
            self.hits = hits

    def __init__(self, *, pick: bool = False) -> None:
        super().__init__()
        self.pick = pick
        self.hits: list[ArticleHit] = []
        self._timer: Timer | None = None
        #: The text the hits on screen answer (None before the first search).
        self._answered: str | None = None
        #: ``enter`` came before the results for the text typed: open the first on arrival,
        #: and let the keys typed after it wait for that (``release`` them then).
        self._open_when_found: Callable[[bool], None] | None = None

    def compose(self) -> ComposeResult:
        title = "Knowledge base" + (" — choose an article to insert" if self.pick else "")
        yield Static(Text(title, style="bold"), id="kb-title")
        yield Input(placeholder="search articles", id="kb-input")
        yield Static("", id="kb-status")
        yield OptionList(id="kb-results")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed, "#kb-input")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        text = event.value
        self._timer = self.set_timer(DEBOUNCE, lambda: self._search(text))

    @on(Input.Submitted, "#kb-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    @work(thread=True, exclusive=True, group="kb", exit_on_error=False)
    def _search(self, text: str) -> None:
        from deskterm.domain.kb import search_articles

        app = desk_app(self)
        try:
            hits = search_articles(app.desk, text, limit=LIMIT)
        except DeskError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.post_message(self.Results(text, hits))

    def _failed(self, exc: DeskError) -> None:
        release, self._open_when_found = self._open_when_found, None
        if release is not None:
            release(True)
        desk_app(self).show_error(exc)

    @on(Results)
    def _results(self, message: Results) -> None:
        if message.text != self.query_one(Input).value:
            return  # the agent has typed on since
        self.hits = message.hits
        self._answered = message.text
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options(Option(hit_text(h)) for h in message.hits)
        # Nothing chosen yet: the cursor is in the search box, and down goes to the first hit.
        results.highlighted = None
        release, self._open_when_found = self._open_when_found, None
        if release is not None:
            if message.hits:
                self._open(message.hits[0])
            release(not message.hits)
        status = f"{len(message.hits)} article(s)" if message.text.strip() else ""
        if message.text.strip() and not message.hits:
            status = "no articles match"
        self.query_one("#kb-status", Static).update(Text(status, style="dim"))

    @on(OptionList.OptionSelected, "#kb-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._open(self.hits[event.option_index])

    def action_move(self, step: int) -> None:
        """Up and down walk the hits; up from the first one is back in the search box."""
        results = self.query_one(OptionList)
        if not self.hits:
            return
        current = results.highlighted
        if current is None:
            results.highlighted = 0 if step > 0 else None
        elif current + step < 0:
            results.highlighted = None
        else:
            results.highlighted = min(len(self.hits) - 1, current + step)

    def action_open(self) -> None:
        """The hit chosen, or the first one; if the results for the text just typed are not
        in yet, the first of those when they come."""
        if self._answered != self.query_one(Input).value:
            if self._open_when_found is None:
                self._open_when_found = desk_app(self).typeahead.hold()
            return
        index = self.query_one(OptionList).highlighted
        if self.hits:
            self._open(self.hits[index or 0])

    def _open(self, hit: ArticleHit) -> None:
        from deskterm.tui.screens.article_screen import ArticleScreen

        def inserted(body: str | None) -> None:
            if body is not None:
                self.dismiss(body)

        self.app.push_screen(ArticleScreen(hit.id, pick=self.pick), inserted)

    def on_unmount(self) -> None:
        release, self._open_when_found = self._open_when_found, None
        if release is not None:
            release(True)

    def action_back(self) -> None:
        self.dismiss(None)
