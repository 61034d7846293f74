"""The filter bar (``/``): the query language with completion, inline errors and history."""

from __future__ import annotations

import os

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from deskterm.domain.query import complete, completion_start, parse
from deskterm.domain.text import sanitize
from deskterm.errors import InvalidInput
from deskterm.tui.access import desk_app

MAX_HISTORY = 50
MAX_SHOWN = 8


class QueryInput(Input):
    BINDINGS = [
        Binding("tab", "complete", "Complete", show=False),
        Binding("up", "history(-1)", "Older filter", show=False),
        Binding("down", "history(1)", "Newer filter", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="filter: status:open priority:>=high queue:… words", id=id)
        self._history_at: int | None = None

    def candidates(self) -> tuple[int, list[str]]:
        text, cursor = self.value, self.cursor_position
        return completion_start(text, cursor), complete(text, cursor, vocab=desk_app(self).vocab)

    def action_complete(self) -> None:
        start, found = self.candidates()
        if not found:
            return
        cursor = self.cursor_position
        insert = found[0] if len(found) == 1 else os.path.commonprefix(found)  # noqa: RUF071 (strings, not paths)
        if len(found) == 1 and not insert.endswith(":"):
            insert += " "
        if len(insert) < cursor - start:
            return
        self.value = self.value[:start] + insert + self.value[cursor:]
        self.cursor_position = start + len(insert)

    def action_history(self, step: int) -> None:
        history = desk_app(self).filter_history
        if not history:
            return
        at = len(history) if self._history_at is None else self._history_at
        at = max(0, min(len(history), at + step))
        self._history_at = at
        self.value = history[at] if at < len(history) else ""
        self.cursor_position = len(self.value)


class FilterBar(Vertical):
    """Hidden until ``/``; ``enter`` applies a query that parses, ``escape`` closes."""

    BINDINGS = [Binding("escape", "close", "Close filter")]

    class Applied(Message):
        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Closed(Message):
        pass

    def compose(self) -> ComposeResult:
        yield QueryInput(id="filter-input")
        yield Static("", id="filter-error")
        yield Static("", id="filter-hint")

    @property
    def input(self) -> QueryInput:
        return self.query_one(QueryInput)

    def open(self, current: str) -> None:
        self.display = True
        self.input.value = current
        self.input.cursor_position = len(current)
        self.input._history_at = None
        self._show_error(None)
        self.input.focus()

    def action_close(self) -> None:
        self.display = False
        self.post_message(self.Closed())

    @on(Input.Changed, "#filter-input")
    def _changed(self) -> None:
        _start, found = self.input.candidates()
        hint = self.query_one("#filter-hint", Static)
        if found and self.input.value:
            shown = "  ".join(found[:MAX_SHOWN]) + ("  …" if len(found) > MAX_SHOWN else "")
            hint.update(Text("tab: " + shown, style="dim"))
        else:
            hint.update("")

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        query = event.value.strip()
        try:
            parse(query)
        except InvalidInput as exc:
            self._show_error(exc)
            return
        history = desk_app(self).filter_history
        if query and (not history or history[-1] != query):
            if query in history:
                history.remove(query)
            history.append(query)
            del history[:-MAX_HISTORY]
        self._show_error(None)
        self.display = False
        self.post_message(self.Applied(query))

    def _show_error(self, exc: InvalidInput | None) -> None:
        error = self.query_one("#filter-error", Static)
        if exc is None:
            error.update("")
            error.display = False
            return
        text = Text("✖ " + exc.message, style="bold")
        caret = exc.caret()
        if caret:
            text.append("\n" + sanitize(caret, multiline=True))
        error.update(text)
        error.display = True
