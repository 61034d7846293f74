"""``K``: knowledge-base search as you type (debounced, in a worker), matched words
highlighted from the snippet segments, ``enter`` opens the article rendered as Markdown.

Opened from the reply editor (``pick=True``) the article can be inserted into the reply."""

from __future__ import annotations

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

        try:
            hits = search_articles(self.app.desk, text, limit=LIMIT)  # type: ignore[attr-defined]
        except DeskError as exc:
            self.app.call_from_thread(self.app.show_error, exc)  # type: ignore[attr-defined]
            return
        self.post_message(self.Results(text, hits))

    @on(Results)
    def _results(self, message: Results) -> None:
        if message.text != self.query_one(Input).value:
            return  # the agent has typed on since
        self.hits = message.hits
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options(Option(hit_text(h)) for h in message.hits)
        if message.hits:
            results.highlighted = 0
        status = f"{len(message.hits)} article(s)" if message.text.strip() else ""
        if message.text.strip() and not message.hits:
            status = "no articles match"
        self.query_one("#kb-status", Static).update(Text(status, style="dim"))

    @on(OptionList.OptionSelected, "#kb-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._open(self.hits[event.option_index])

    def action_move(self, step: int) -> None:
        results = self.query_one(OptionList)
        if self.hits:
            current = results.highlighted or 0
            results.highlighted = max(0, min(len(self.hits) - 1, current + step))

    def action_open(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None and self.hits:
            self._open(self.hits[index])

    def _open(self, hit: ArticleHit) -> None:
        from deskterm.tui.screens.article_screen import ArticleScreen

        def inserted(body: str | None) -> None:
            if body is not None:
                self.dismiss(body)

        self.app.push_screen(ArticleScreen(hit.id, pick=self.pick), inserted)

    def action_back(self) -> None:
        self.dismiss(None)
