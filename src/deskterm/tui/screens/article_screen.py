"""One KB article rendered as Markdown; from the reply editor, ``i`` inserts its text."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Markdown

from deskterm.domain.models import Article
from deskterm.errors import DeskError


class ArticleScreen(Screen[str | None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("i", "insert", "Insert into reply"),
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

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="article-scroll"):
            yield Markdown("*loading…*", id="article")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        self._load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "insert":
            return self.pick
        return True

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load(self) -> None:
        from deskterm.domain.kb import show

        try:
            self.post_message(self.Loaded(show(self.app.desk, self.article_id)))  # type: ignore[attr-defined]
        except DeskError as exc:
            self.app.call_from_thread(self.app.show_error, exc)  # type: ignore[attr-defined]

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.article = message.article
        self.query_one(Markdown).update(f"# {message.article.title}\n\n{message.article.body}")

    def action_insert(self) -> None:
        if self.article is not None:
            self.dismiss(self.article.body)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)
