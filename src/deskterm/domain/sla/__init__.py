"""Service levels: the state of a ticket's clocks and how a time left reads.

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.sla.clock import human_duration as human_duration
    from deskterm.domain.sla.clock import sla_state as sla_state

_SURFACE = Surface(
    __name__,
    {
        "clock": (
            "sla_state",
            "human_duration",
        ),
    },
)
__getattr__ = _SURFACE.getattr
