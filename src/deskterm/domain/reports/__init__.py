"""Reports: figures over a period.

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.reports.figures import Summary as Summary
    from deskterm.domain.reports.figures import parse_bound as parse_bound
    from deskterm.domain.reports.figures import summary_light as summary_light
    from deskterm.domain.reports.period import summary as summary

_SURFACE = Surface(
    __name__,
    {
        "figures": ("Summary", "parse_bound", "summary_light"),
        "period": ("summary",),
    },
)
__getattr__ = _SURFACE.getattr
