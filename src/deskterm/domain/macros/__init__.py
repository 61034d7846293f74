"""Macros: a canned reply or note (a sandboxed Jinja template with the ticket's, the
requester's and the agent's values) plus field changes, applied in one step (docs/macros.md).

The names below are this package's public surface (see ``deskterm.domain.surface``). Jinja
is imported only when a macro is saved, shown or applied.
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.macros.apply import MacroPreview as MacroPreview
    from deskterm.domain.macros.apply import apply_macro as apply_macro
    from deskterm.domain.macros.apply import preview as preview
    from deskterm.domain.macros.catalog import MacroSpec as MacroSpec
    from deskterm.domain.macros.catalog import add_macro as add_macro
    from deskterm.domain.macros.catalog import delete_macro as delete_macro
    from deskterm.domain.macros.catalog import edit_macro as edit_macro
    from deskterm.domain.macros.catalog import get_macro as get_macro
    from deskterm.domain.macros.catalog import list_macros as list_macros
    from deskterm.domain.macros.catalog import stored_values as stored_values

_SURFACE = Surface(
    __name__,
    {
        "apply": ("MacroPreview", "apply_macro", "preview"),
        "catalog": (
            "MacroSpec",
            "list_macros",
            "get_macro",
            "add_macro",
            "edit_macro",
            "delete_macro",
            "stored_values",
        ),
    },
)
__getattr__ = _SURFACE.getattr
