"""``M``: pick a macro for the ticket in view, see what it would send and change, apply it.

Type to filter by name, ``up``/``down`` to move; the preview shows the reply or note as the
requester would get it (rendered for this ticket and this agent) and the fields it would
change. ``enter`` applies, ``escape`` cancels. A macro the ticket lacks a value for says so
in the preview, and ``enter`` does nothing then.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from deskterm.domain.macros import MacroPreview, preview
from deskterm.domain.models import Agent, Macro, Ticket
from deskterm.domain.text import one_line
from deskterm.domain.tickets import describe_change
from deskterm.tui.render import multiline


class MacroScreen(ModalScreen[Macro | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("enter", "apply", "Apply"),
    ]

    def __init__(self, ticket: Ticket, agent: Agent, macros: list[Macro]) -> None:
        super().__init__()
        self.ticket = ticket
        self.agent = agent
        self.macros = macros
        self.shown: list[Macro] = []
        self._previews: dict[int, MacroPreview] = {}

    def compose(self) -> ComposeResult:
        title = Text("Apply a macro to ", style="bold")
        title.append(f"#{self.ticket.id} ", style="bold")
        title.append(one_line(self.ticket.subject, 60))
        with Vertical(id="dialog", classes="macro"):
            yield Static(title, id="macro-title")
            yield Input(placeholder="type to filter", id="macro-filter")
            yield OptionList(id="macro-options")
            with VerticalScroll(id="macro-preview"):
                yield Static(id="macro-preview-text")

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False
        self._refilter("")
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._refilter(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self._show_preview()

    def _refilter(self, typed: str) -> None:
        needle = typed.strip().lower()
        self.shown = [m for m in self.macros if needle in m.name.lower()]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(self._label(m)) for m in self.shown)
        if self.shown:
            options.highlighted = 0
        self._show_preview()

    def _label(self, macro: Macro) -> Text:
        label = Text(one_line(macro.name, 50))
        kind = "reply" if macro.kind == "reply" else "note"
        label.append(f"  {kind}", style="dim")
        label.append("  shared" if macro.owner is None else "  yours", style="dim")
        return label

    @property
    def chosen(self) -> Macro | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not self.shown or index >= len(self.shown):
            return None
        return self.shown[index]

    def preview_of(self, macro: Macro) -> MacroPreview:
        if macro.id not in self._previews:
            self._previews[macro.id] = preview(macro, self.ticket, self.agent)
        return self._previews[macro.id]

    def _show_preview(self) -> None:
        box = self.query_one("#macro-preview-text", Static)
        macro = self.chosen
        if macro is None:
            box.update(Text("No macro matches.", style="italic"))
            return
        shown = self.preview_of(macro)
        text = Text()
        if shown.problem is not None:
            text.append("Cannot apply: ", style="bold")
            text.append(one_line(shown.problem, 400))
            text.append("\n\n")
        elif shown.text is None:
            text.append("No reply or note.\n\n", style="italic")
        else:
            head = "PUBLIC REPLY" if macro.kind == "reply" else "INTERNAL NOTE"
            text.append(f"{head}\n", style="bold")
            text.append_text(multiline(shown.text))
            text.append("\n\n")
        if shown.changes:
            text.append("CHANGES\n", style="bold")
            for change in shown.changes:
                text.append(describe_change(change) + "\n")
        else:
            text.append("No field changes.", style="italic")
        box.update(text)
        self.query_one("#macro-preview", VerticalScroll).scroll_home(animate=False)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.shown:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def action_apply(self) -> None:
        macro = self.chosen
        if macro is None:
            return
        problem = self.preview_of(macro).problem
        if problem is not None:
            self.notify(problem, title="Cannot apply", severity="warning", markup=False)
            return
        self.dismiss(macro)

    def action_cancel(self) -> None:
        self.dismiss(None)
