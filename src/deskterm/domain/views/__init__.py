"""Saved views: named queries shown in the console's sidebar and by ``deskterm view``.

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.views.rows import list_light as list_light
    from deskterm.domain.views.saved import ViewExists as ViewExists
    from deskterm.domain.views.saved import delete_view as delete_view
    from deskterm.domain.views.saved import list_views as list_views
    from deskterm.domain.views.saved import save_view as save_view

_SURFACE = Surface(
    __name__,
    {
        "rows": ("list_light",),
        "saved": (
            "ViewExists",
            "list_views",
            "save_view",
            "delete_view",
        ),
    },
)
__getattr__ = _SURFACE.getattr
