"""The sidebar: saved views and queues with live counts; ``1``..``9`` pick one."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from deskterm.domain.text import one_line
from deskterm.tui.views import BUILT_IN, View


class ViewList(OptionList):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.views: list[View] = list(BUILT_IN)
        self.counts: dict[str, int] = {}
        self.active_query: str | None = None

    def on_mount(self) -> None:
        self.border_title = "Views"
        self.redraw()

    def set_views(self, views: list[View]) -> None:
        self.views = views
        self.redraw()

    def set_counts(self, counts: dict[str, int]) -> None:
        """New counts for some views (after a write, only those it can have changed)."""
        self.counts.update(counts)
        self.redraw()

    def redraw(self) -> None:
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(self._option(i, v) for i, v in enumerate(self.views))
        if highlighted is not None and highlighted < len(self.views):
            self.highlighted = highlighted

    def _option(self, index: int, view: View) -> Option:
        key = str(index + 1) if index < 9 else " "
        count = self.counts.get(view.query)
        active = view.query == self.active_query
        text = Text(key + " ", style="bold")
        # Queue names are agent-made but still shown as plain text.
        text.append(one_line(view.label, 16), style="bold reverse" if active else "")
        if count is not None:
            text.append(f" {count:,}", style="dim" if not active else "bold")
        return Option(text, id=f"view-{index}")
