"""What every command shares: resolved settings, the lazily opened desk, output options."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

import typer

if TYPE_CHECKING:
    from deskterm.config import Settings
    from deskterm.domain.desk import Desk
    from deskterm.store.options import StoreOptions


@dataclass
class CliContext:
    settings: Settings
    debug: bool = False
    quiet: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)
    _desk: Desk | None = None
    _last_notice: int = -1

    def desk(self, *, initialize: bool = True, create: bool | None = None) -> Desk:
        """The desk for this command, opened on first use (database imports happen here).

        ``create``: may a missing SQLite file be created? By default only the default desk
        (no flag, variable or file named one) is; ``db init``, ``db seed`` and ``demo`` pass
        True. A writer kept waiting by another process says so on stderr (unless --quiet).
        """
        if self._desk is None:
            from deskterm.domain.setup import open_desk

            self._desk = open_desk(
                self.settings.url,
                self.settings.handle,
                handle_given=self.settings.handle_given,
                initialize=initialize,
                create=self.settings.default_desk if create is None else create,
                options=self.store_options(),
            )
        return self._desk

    def store_options(self) -> StoreOptions:
        """The config file's waiting limits, with a notice on stderr while a write waits."""
        return self.settings.store_options(on_wait=None if self.quiet else self._waiting)

    def _waiting(self, seconds: float) -> None:
        # Called about once a second while a write waits for another process: a line when
        # the wait becomes noticeable, then one every 10 s.
        whole = int(seconds)
        if self._last_notice < 0 or whole - self._last_notice >= 10:
            limit = self.settings.store_options().busy_timeout
            upto = f"; giving up after {limit:g} s" if limit else ""
            print(
                f"waiting for another deskterm that is writing to this desk ({whole} s{upto})...",
                file=sys.stderr,
                flush=True,
            )
            self._last_notice = whole

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
