"""Progress bars for long work: on a terminal only, never when piped or with ``--quiet``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from deskterm.cli.context import CliContext


@contextmanager
def progress_bar(cli: CliContext, label: str, *, total: int) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``; draws a Rich bar on stderr when it is a terminal."""
    if cli.quiet or total <= 0 or not sys.stderr.isatty():
        yield lambda _n: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True, no_color=not cli.color, highlight=False)
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)
