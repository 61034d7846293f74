"""The demo desk's macros, read as they are from ``data/automation.toml``."""

from __future__ import annotations

from deskterm.demo import resources
from deskterm.demo.records import SeedMacro


def demo_macros() -> list[SeedMacro]:
    """The shared macros of the demo desk, in the file's order."""
    return [
        SeedMacro(
            name=entry["name"],
            kind=entry.get("kind", "reply"),
            body=entry.get("body", "").strip("\n"),
            status=entry.get("status"),
            priority=entry.get("priority"),
            type=entry.get("type"),
            queue=entry.get("queue"),
            assignee=entry.get("assignee"),
            add_tags=tuple(entry.get("add_tags", ())),
            remove_tags=tuple(entry.get("remove_tags", ())),
        )
        for entry in resources.toml("automation.toml")["macros"]
    ]
