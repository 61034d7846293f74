"""A modal picker: type to filter, up/down to move, enter to choose, escape to cancel."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from deskterm.domain.text import one_line


class PickerScreen(ModalScreen[str | None]):
    """``options`` are (value, label); with ``allow_new`` the typed text is offered too,
    returned as ``allow_new + text`` (e.g. ``+newtag``). The list starts on ``current`` (the
    ticket's value now) and, once the agent types, on the first match."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("enter", "choose", "Choose"),
    ]

    def __init__(
        self,
        title: str,
        options: list[tuple[str, str]],
        *,
        allow_new: str | None = None,
        current: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.allow_new = allow_new
        self.current = current
        self.shown: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="picker"):
            yield Static(Text(self.title_text, style="bold"), id="picker-title")
            yield Input(placeholder="type to filter", id="picker-filter")
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self._refilter("")
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._refilter(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_choose()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index])

    def _refilter(self, typed: str) -> None:
        needle = typed.strip().lower()
        matches = [(v, label) for v, label in self.options if needle in label.lower()]
        if self.allow_new is not None and needle:
            exact = any(v.lower().endswith(needle) for v, _ in matches)
            if not exact:
                new = typed.strip()
                matches.insert(0, (self.allow_new + new, f"+ add new: {new}"))
        self.shown = [v for v, _ in matches]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(Text(one_line(label, 60))) for _, label in matches)
        if matches:
            current = self.current
            at_current = not needle and current is not None and current in self.shown
            options.highlighted = self.shown.index(current) if at_current and current else 0

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.shown:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def action_choose(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not self.shown:
            return
        self.dismiss(self.shown[index])

    def action_cancel(self) -> None:
        self.dismiss(None)
