"""Moving a whole desk: the JSON-lines export and import (``jsonl``) with their checks
(``check``, ``rules``), and ``db backup`` of a live SQLite desk (``snapshot``).

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.transfer.jsonl import check_lines as check_lines
    from deskterm.domain.transfer.jsonl import export_lines as export_lines
    from deskterm.domain.transfer.jsonl import restore as restore
    from deskterm.domain.transfer.jsonl import total_rows as total_rows
    from deskterm.domain.transfer.rules import plural as plural
    from deskterm.domain.transfer.snapshot import backup as backup

_SURFACE = Surface(
    __name__,
    {
        "jsonl": (
            "total_rows",
            "export_lines",
            "restore",
            "check_lines",
        ),
        "rules": ("plural",),
        "snapshot": ("backup",),
    },
)
__getattr__ = _SURFACE.getattr
