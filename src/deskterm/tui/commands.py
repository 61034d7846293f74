"""The ``ctrl+p`` palette: every action of the screen it is opened over, plus the views."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from deskterm.tui.keys import key_label, screen_bindings


class DeskCommands(Provider):
    def _commands(self) -> list[tuple[str, str, str]]:
        screen = self.screen
        found = []
        for binding in screen_bindings(screen):
            if binding.key.isdigit():
                continue
            key = ", ".join(key_label(k) for k in binding.key.split(","))
            found.append((binding.description, binding.action, f"key: {key}"))
        views = getattr(screen, "views", None)
        if views:
            for number, view in enumerate(views, start=1):
                found.append((f"View: {view.label}", f"view({number})", view.query or "all"))
        return found

    def _run(self, action: str) -> None:
        self.app.call_later(self.screen.run_action, action)

    async def discover(self) -> Hits:
        for title, action, help_text in self._commands():
            yield DiscoveryHit(
                Content(title), partial(self._run, action), text=title, help=help_text
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                command = partial(self._run, action)
                yield Hit(score, matcher.highlight(title), command, title, help_text)
