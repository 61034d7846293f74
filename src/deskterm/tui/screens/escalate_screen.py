"""``e``: where the ticket would go, another tier if the agent wants one, and why.

The reason goes into the internal note that records the escalation. ``up``/``down`` choose
the tier while the reason is typed, ``enter`` escalates, ``escape`` cancels.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from deskterm.domain.models import Ticket
from deskterm.domain.text import one_line


@dataclass(frozen=True)
class Escalation:
    #: The queue chosen, or None for "the next tier up" (of each ticket).
    queue: str | None
    reason: str


class EscalateScreen(ModalScreen[Escalation | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Higher tier", show=False),
        Binding("up", "move(-1)", "Lower tier", show=False),
        Binding("enter", "escalate", "Escalate"),
    ]

    def __init__(self, tickets: list[Ticket], targets: list[tuple[str, str]]) -> None:
        """``targets``: (queue, tier) up the chain, nearest first; empty when the tickets
        climb different chains (each then goes up one tier)."""
        super().__init__()
        self.tickets = tickets
        self.targets = targets

    def compose(self) -> ComposeResult:
        first = self.tickets[0]
        title = Text("Escalate ", style="bold")
        if len(self.tickets) == 1:
            title.append(f"#{first.id} ", style="bold")
            title.append(one_line(first.subject, 50))
            title.append(f"\nfrom {one_line(first.queue, 40)}", style="dim")
        else:
            title.append(f"{len(self.tickets)} marked tickets", style="bold")
        with Vertical(id="dialog", classes="escalate"):
            yield Static(title, id="escalate-title")
            if self.targets:
                yield Static(Text("Goes to (up/down for another tier):"))
                yield OptionList(
                    *(Option(Text(f"{one_line(q, 40)}  ({tier})")) for q, tier in self.targets),
                    id="escalate-targets",
                )
            else:
                yield Static(Text("Each ticket goes up one tier from its own queue."))
            yield Static(Text("Why? (goes into an internal note)"))
            yield Input(placeholder="reason", id="escalate-reason")

    def on_mount(self) -> None:
        if self.targets:
            options = self.query_one(OptionList)
            options.highlighted = 0
            options.can_focus = False
        self.query_one(Input).focus()

    @property
    def chosen(self) -> str | None:
        if not self.targets:
            return None
        index = self.query_one(OptionList).highlighted or 0
        return self.targets[index][0]

    def action_move(self, step: int) -> None:
        if not self.targets:
            return
        options = self.query_one(OptionList)
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.targets) - 1, current + step))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_escalate()

    def action_escalate(self) -> None:
        self.dismiss(Escalation(self.chosen, self.query_one(Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)
