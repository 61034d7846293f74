"""How ``deskterm view list`` writes the views (shared by ``view_cmd`` and the light path,
``quick``, so both write the same bytes)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from deskterm.cli.output import Column, emit_list

if TYPE_CHECKING:
    from deskterm.domain.models import SavedView

COLUMNS = (
    Column("name", "NAME", ratio=1),
    Column("query", "QUERY", ratio=3),
    Column("sort", "SORT", max_width=12),
    Column("owner", "OWNER", max_width=12),
)


def emit_views(views: Sequence[SavedView], *, fmt: str, out: TextIO, color: bool) -> None:
    rows = [dataclasses.asdict(view) for view in views]
    emit_list(rows, columns=COLUMNS, fmt=fmt, out=out, color=color)
