"""Opening the agent console, and the demo desk behind ``make run``."""

from __future__ import annotations

import sys
from pathlib import Path

from deskterm.cli.context import CliContext
from deskterm.config import Setting


def open_tui(cli: CliContext, *, query: str) -> None:
    """Open the TUI on the desk; without a terminal, print the list the TUI would show.

    Who is acting is checked before the console opens: a desk that refuses it (an unknown or
    deactivated agent, a PostgreSQL login that may not act as ``--as``) is one ``error:``
    line and exit 5, not a console that can read nothing."""
    desk = cli.desk()
    if on_terminal():
        from deskterm.domain.people import whoami
        from deskterm.tui.app import run_app

        whoami(desk)
        run_app(desk, query=query, color=cli.color)
        return
    from deskterm.cli.output import emit_list, resolve_format
    from deskterm.cli.ticket_view import LIST_COLUMNS, ticket_dict
    from deskterm.domain.tickets import list_page

    page = list_page(desk, query, limit=50)
    emit_list(
        [ticket_dict(t) for t in page.items],
        columns=LIST_COLUMNS,
        fmt=resolve_format(None, many=True, stream=cli.out),
        out=cli.out,
        color=cli.color,
    )


def on_terminal() -> bool:
    """Are standard input and output a terminal (the console can run)?"""
    return sys.stdout.isatty() and sys.stdin.isatty()


def open_demo(cli: CliContext, *, tickets: int, path: str | None) -> None:
    """Seed a demo database the first time, then open it (``make run``)."""
    from deskterm import paths

    target = Path(path).expanduser() if path else paths.data_dir() / "demo.db"
    url = f"sqlite:///{target.resolve()}"
    cli.settings = type(cli.settings)(
        db_url=Setting(url, "demo"),
        agent=Setting("demo", "demo"),
        config_file=cli.settings.config_file,
        color=cli.settings.color,
        config_exists=cli.settings.config_exists,
    )
    if not target.exists():
        from deskterm.cli.progress import progress_bar
        from deskterm.demo import seed_desk

        print(f"creating demo desk {target} with {tickets} tickets...", file=sys.stderr)
        with progress_bar(cli, "seeding", total=tickets) as advance:
            summary = seed_desk(
                cli.desk(create=True), tickets=tickets, articles=30, seed=1, progress=advance
            )
        print(summary, file=sys.stderr)
    open_tui(cli, query="")
