"""The one typed way for a screen or widget to reach the console app.

Screens and widgets need the app's desk, drafts and signals, but must not import the app
module for its type at run time (that would make an import circle); ``DeskApp`` is named for
the type checker only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from deskterm.tui.app import DeskApp


def desk_app(node: MessagePump) -> DeskApp:
    """The console app ``node`` runs in."""
    return cast("DeskApp", node.app)
