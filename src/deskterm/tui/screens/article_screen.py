"""One KB article rendered as Markdown, its title shown once. From the reply editor, ``i``
inserts the article as plain text and ``l`` a reference to it (title and slug)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Markdown

from deskterm.domain.models import Article
from deskterm.errors import DeskError
from deskterm.tui.access import desk_app
from deskterm.tui.article_text import article_reference, article_text, body_without_title


class ArticleScreen(Screen[str | None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("i", "insert", "Insert as text"),
        Binding("l", "insert_link", "Insert a reference"),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
    ]

    class Loaded(Message):
        def __init__(self, article: Article) -> None:
            super().__init__()
            self.article = article

    def __init__(self, article_id: int, *, pick: bool = False) -> None:
        super().__init__()
        self.article_id = article_id
        self.pick = pick
        self.article: Article | None = None
        self._release: Callable[[bool], None] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="article-scroll"):
            yield Markdown("*loading…*", id="article")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        # Keys typed on (``i`` to insert) wait until there is an article to act on.
        self._release = desk_app(self).typeahead.hold()
        self._load()

    def _loading_over(self, ok: bool) -> None:
        release, self._release = self._release, None
        if release is not None:
            release(not ok)

    def on_unmount(self) -> None:
        self._loading_over(False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("insert", "insert_link"):
            return self.pick
        return True

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load(self) -> None:
        from deskterm.domain.kb import show

        app = desk_app(self)
        try:
            self.post_message(self.Loaded(show(app.desk, self.article_id)))
        except DeskError as exc:
            self.app.call_from_thread(self._loading_over, False)
            self.app.call_from_thread(app.show_error, exc)

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.article = message.article
        article = message.article
        self.query_one(Markdown).update(f"# {article.title}\n\n{body_without_title(article)}")
        self._loading_over(True)

    def action_insert(self) -> None:
        if self.article is not None:
            self.dismiss(article_text(self.article))

    def action_insert_link(self) -> None:
        if self.article is not None:
            self.dismiss(article_reference(self.article))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)
