"""A yes/no question in a modal: ``y``/``enter`` yes, ``n``/``escape`` no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: Content, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="question")
            yield Static(
                Content.assemble(
                    ("y", "bold reverse"), f" {self.yes}    ", ("n", "bold reverse"), f" {self.no}"
                ),
                id="answers",
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
