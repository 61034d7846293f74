"""The ``deskterm`` console script.

A bare ``deskterm`` on a terminal opens the agent console, and an agent judges it by how soon
the first tickets are on screen; so that case is handled before the command-line framework
(Typer, which builds its parameters with pydantic) or the database library is imported.
The read commands ``cli/quick.py`` recognises (``ticket list``, ``ticket show``... on
an SQLite or PostgreSQL desk) are answered next, with plain ``sqlite3`` or psycopg.
Everything else goes to ``deskterm.cli.main.run``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskterm.domain.desk import Desk


def run(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if _quick_console(args):
        return
    from deskterm.cli import quick

    if quick.run(args):
        return
    from deskterm.cli.main import run as run_command

    run_command(args)


def _quick_console(args: list[str]) -> bool:
    """Open the console for a bare ``deskterm`` (or ``deskterm tui``) on a terminal, the quick
    way: no command-line framework, and the first page read with plain sqlite3 while the
    database library loads later (domain/first_page.py). False when that does not apply
    (options given, not a terminal, not an SQLite desk ready for this agent): the ordinary
    path then runs and explains any problem."""
    if args not in ([], ["tui"]) or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    import gc

    # No cyclic garbage collection until the first frame is out (the app freezes what start-up
    # made and turns it back on: DeskApp.started): a full collection of all that was imported
    # landed in the middle of the first frame, 15 to 20 ms of it (issue 16).
    gc.disable()
    try:
        from deskterm.config import resolve
        from deskterm.domain.tickets import first_page
        from deskterm.tui.widgets.ticket_table import PAGE_SIZE

        settings = resolve()
        page = first_page(settings.url, settings.handle, limit=PAGE_SIZE)
    except Exception:
        gc.enable()
        return False
    if page is None:
        gc.enable()
        return False
    from deskterm.tui.app import run_app

    def open_desk() -> Desk:
        from deskterm.domain.setup import open_desk as open_

        return open_(
            settings.url,
            settings.handle,
            handle_given=settings.handle_given,
            options=settings.store_options(),
        )

    try:
        run_app(open_desk, query="", color=settings.use_color, first_page=page, collector_held=True)
    finally:
        gc.enable()
    return True
