"""``?``: every key of the screen it was opened from, read from that screen's bindings."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from deskterm.tui.keys import key_label, screen_bindings

MOVES = (
    ("j / k, ↓ / ↑", "Move down / up"),
    ("g / G", "Top / bottom"),
    ("1 … 9", "Saved views"),
    ("space", "Mark ticket (actions apply to all marked)"),
    ("ctrl+p", "Command palette: every action by name"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close"),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
    ]

    def __init__(self, for_screen: Screen[Any]) -> None:
        super().__init__()
        self.for_screen = for_screen

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        shown: set[str] = set()
        for binding in screen_bindings(self.for_screen):
            if binding.key.isdigit() or binding.key in ("j", "k", "g", "G", "space"):
                continue
            keys = ", ".join(key_label(k) for k in binding.key.split(","))
            table.add_row(Text(keys), Text(binding.description))
            shown.add(binding.key)
        if "enter" in shown:
            for keys, what in MOVES:
                table.add_row(Text(keys), Text(what))
        with VerticalScroll(id="dialog", classes="help"):
            yield Static(Text("deskterm keys  (esc closes)", style="bold"), id="help-title")
            yield Static(table, id="help-keys")

    def action_close(self) -> None:
        self.dismiss()

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)
