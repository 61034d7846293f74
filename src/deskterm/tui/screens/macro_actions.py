"""``M`` from a ticket screen: load the macros, show the picker, apply the one chosen.

The macros and the acting agent are read in a worker; applying is one domain call sent with
the version of the ticket the agent saw (``apply_macro(..., if_version=...)``), so a ticket
that changed since is refused with who changed what, as any other change is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskterm.tui.access import desk_app

if TYPE_CHECKING:
    from textual.screen import Screen

    from deskterm.domain.models import Agent, Macro, MacroApplied, Ticket


def pick_macro(screen: Screen[None], ticket: Ticket) -> None:
    from deskterm.domain.macros import list_macros
    from deskterm.domain.people import whoami

    app = desk_app(screen)
    desk = app.desk

    def load() -> tuple[Agent, list[Macro]]:
        return whoami(desk), list_macros(desk)

    def show(found: tuple[Agent, list[Macro]]) -> None:
        agent, macros = found
        if not macros:
            screen.notify(
                "No macros yet: add one with deskterm macro add (see docs/macros.md)",
                title="No macros",
                severity="warning",
            )
            return
        from deskterm.tui.screens.macro_screen import MacroScreen

        def chosen(macro: Macro | None) -> None:
            if macro is not None:
                _apply(screen, ticket, macro)

        screen.app.push_screen(MacroScreen(ticket, agent, macros), chosen)

    app.run_domain(load, show, group="read")


def _apply(screen: Screen[None], ticket: Ticket, macro: Macro) -> None:
    from deskterm.domain.macros import apply_macro

    app = desk_app(screen)
    desk = app.desk

    def call() -> MacroApplied:
        return apply_macro(desk, ticket.id, f"#{macro.id}", if_version=ticket.version)

    def done(result: MacroApplied) -> None:
        fields = {c.field for c in result.changes}
        if result.text is not None:
            fields.add(result.kind)
        app.tickets_changed([result.ticket], frozenset(fields))
        screen.notify(f"Applied {macro.name} to #{ticket.id}", markup=False)

    app.run_domain(call, done, ticket_id=ticket.id)
