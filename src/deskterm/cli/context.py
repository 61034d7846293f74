"""What every command shares: resolved settings, the lazily opened desk, output options."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

import typer

if TYPE_CHECKING:
    from deskterm.config import Settings
    from deskterm.domain.desk import Desk


@dataclass
class CliContext:
    settings: Settings
    debug: bool = False
    quiet: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)
    _desk: Desk | None = None

    def desk(self, *, initialize: bool = True) -> Desk:
        """The desk for this command, opened on first use (database imports happen here)."""
        if self._desk is None:
            from deskterm.domain.desk import open_desk

            self._desk = open_desk(self.settings.url, self.settings.handle, initialize=initialize)
        return self._desk

    @property
    def color(self) -> bool:
        return self.settings.use_color

    def close(self) -> None:
        if self._desk is not None:
            self._desk.close()
            self._desk = None


def get(ctx: typer.Context) -> CliContext:
    """The shared context; every command calls this first, so it also refuses arguments that
    are not valid UTF-8 before the command does anything (see ``cli/decode.py``)."""
    from deskterm.cli.decode import check_arguments

    obj: Any = ctx.find_root().obj
    if not isinstance(obj, CliContext):  # pragma: no cover - the root callback always sets it
        raise RuntimeError("deskterm context missing")
    check_arguments(ctx)
    return obj
