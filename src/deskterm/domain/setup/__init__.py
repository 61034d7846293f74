"""Creating, opening and checking a desk: ``connect`` and ``open_desk`` (where every
command meets its database), ``db init`` and ``db migrate``, first use, ``db status`` and
``db doctor``.

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.setup.create import DEFAULT_QUEUE as DEFAULT_QUEUE
    from deskterm.domain.setup.create import initialize as initialize
    from deskterm.domain.setup.doctor import Check as Check
    from deskterm.domain.setup.doctor import database_status as database_status
    from deskterm.domain.setup.doctor import run_checks as run_checks
    from deskterm.domain.setup.opening import Initialized as Initialized
    from deskterm.domain.setup.opening import Migrated as Migrated
    from deskterm.domain.setup.opening import connect as connect
    from deskterm.domain.setup.opening import init_desk as init_desk
    from deskterm.domain.setup.opening import migrate_desk as migrate_desk
    from deskterm.domain.setup.opening import open_desk as open_desk
    from deskterm.domain.setup.schema import schema_mismatch as schema_mismatch

_SURFACE = Surface(
    __name__,
    {
        "opening": (
            "connect",
            "open_desk",
            "init_desk",
            "migrate_desk",
            "Initialized",
            "Migrated",
        ),
        "create": (
            "initialize",
            "DEFAULT_QUEUE",
        ),
        "schema": ("schema_mismatch",),
        "doctor": (
            "Check",
            "database_status",
            "run_checks",
        ),
    },
)
__getattr__ = _SURFACE.getattr
