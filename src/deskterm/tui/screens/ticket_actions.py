"""What ``a``, ``A``, ``s``, ``p``, ``t``, ``m``, ``e``, ``T``, ``r``, ``n`` and ``K`` do, for
every screen that shows tickets. A screen supplies :meth:`selected_tickets` (the marked ones or
the one in view); each change is one domain call (one transaction), sent with the version the
agent saw, so a stale write is refused with a Conflict naming who changed what.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.screen import Screen

from deskterm.domain.models import Ticket, UpdateResult
from deskterm.domain.vocab import PRIORITIES, STATUSES

if TYPE_CHECKING:
    from deskterm.domain.tickets import Changes
    from deskterm.tui.app import DeskApp


class TicketActions(Screen[None]):
    """Base for screens that act on tickets."""

    @property
    def desk_app(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def selected_tickets(self) -> list[Ticket]:
        raise NotImplementedError

    def clear_marks(self) -> None:
        """Forget marks after a bulk action (the main screen has them)."""

    def _chosen(self) -> list[Ticket]:
        """The tickets an action applies to; says so when there are none."""
        tickets = self.selected_tickets()
        if not tickets:
            self.notify("No ticket selected", severity="warning")
        return tickets

    def _one(self) -> Ticket | None:
        tickets = self._chosen()
        return tickets[0] if tickets else None

    # -- field changes ---------------------------------------------------------------------

    def apply_changes(self, changes: Changes, what: str) -> None:
        tickets = self._chosen()
        if not tickets:
            return
        desk = self.desk_app.desk

        def call() -> list[UpdateResult]:
            from deskterm.domain.tickets import update

            if len(tickets) == 1:
                return update(desk, tickets[0].id, changes, if_version=tickets[0].version)
            return update(desk, [t.id for t in tickets], changes)

        def done(results: list[UpdateResult]) -> None:
            changed = [r.ticket for r in results if r.changes]
            self.clear_marks()
            self.desk_app.tickets_changed([r.ticket for r in results])
            ids = ", ".join(f"#{r.ticket.id}" for r in results[:5])
            more = f" and {len(results) - 5} more" if len(results) > 5 else ""
            verb = what if changed else f"{what}: nothing to change on"
            self.notify(f"{verb} {ids}{more}", markup=False)

        ticket_id = tickets[0].id if len(tickets) == 1 else None
        self._confirm_bulk(
            tickets, what, lambda: self.desk_app.run_domain(call, done, ticket_id=ticket_id)
        )

    def _confirm_bulk(self, tickets: list[Ticket], what: str, go: Callable[[], Any]) -> None:
        if len(tickets) == 1:
            go()
            return
        from deskterm.tui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                go()

        self.app.push_screen(
            ConfirmScreen(Content(f"{what} on {len(tickets)} marked tickets?"), yes="Apply"),
            answer,
        )

    def action_assign_me(self) -> None:
        from deskterm.domain.tickets import Changes

        self.apply_changes(Changes(assignee="me"), "Assigned to you")

    def _pick(
        self,
        title: str,
        options: list[tuple[str, str]],
        then: Callable[[str], Any],
        *,
        allow_new: str | None = None,
    ) -> None:
        if not self._chosen():
            return
        from deskterm.tui.screens.picker import PickerScreen

        def picked(value: str | None) -> None:
            if value is not None:
                then(value)

        self.app.push_screen(PickerScreen(title, options, allow_new=allow_new), picked)

    def action_pick_status(self) -> None:
        from deskterm.domain.tickets import Changes

        self._pick(
            "Set status",
            [(s, s) for s in STATUSES],
            lambda v: self.apply_changes(Changes(status=v), f"Status {v}"),
        )

    def action_pick_priority(self) -> None:
        from deskterm.domain.tickets import Changes

        self._pick(
            "Set priority",
            [(p, p) for p in reversed(PRIORITIES)],
            lambda v: self.apply_changes(Changes(priority=v), f"Priority {v}"),
        )

    def action_pick_assignee(self) -> None:
        from deskterm.domain.agents import list_agents
        from deskterm.domain.tickets import Changes

        def choose(agents: list[Any]) -> None:
            options = [("me", "me"), ("", "nobody (unassign)")]
            options += [(a.handle, f"{a.handle}  {a.name}  ({a.role})") for a in agents]

            def apply(value: str) -> None:
                label = f"Assigned to {value}" if value else "Unassigned"
                self.apply_changes(Changes(assignee=value or None), label)

            self._pick("Assign to", options, apply)

        desk = self.desk_app.desk
        self.desk_app.run_domain(lambda: list_agents(desk), choose, group="read")

    def action_pick_queue(self) -> None:
        from deskterm.domain.agents import list_queues
        from deskterm.domain.tickets import Changes

        def choose(queues: list[Any]) -> None:
            options = [(q.name, f"{q.name}  ({q.tier})") for q in queues]
            self._pick(
                "Move to queue",
                options,
                lambda v: self.apply_changes(Changes(queue=v), f"Moved to {v}"),
            )

        desk = self.desk_app.desk
        self.desk_app.run_domain(lambda: list_queues(desk), choose, group="read")

    def action_pick_tags(self) -> None:
        from deskterm.domain.tickets import Changes

        tickets = self.selected_tickets()
        current = sorted({tag for t in tickets for tag in t.tags})
        others = sorted(self.desk_app.known_tags - set(current))
        options = [(f"-{tag}", f"− remove {tag}") for tag in current]
        options += [(f"+{tag}", f"+ add {tag}") for tag in others]

        def apply(value: str) -> None:
            if value.startswith("-"):
                self.apply_changes(Changes(remove_tags=(value[1:],)), f"Removed tag {value[1:]}")
            else:
                tag = value.removeprefix("+")
                self.apply_changes(Changes(add_tags=(tag,)), f"Added tag {tag}")

        self._pick("Tags (type a new one to add it)", options, apply, allow_new="+")

    def action_escalate(self) -> None:
        tickets = self._chosen()
        if not tickets:
            return
        desk = self.desk_app.desk

        def call() -> list[UpdateResult]:
            from deskterm.domain.tickets import escalate

            return [escalate(desk, t.id) for t in tickets]

        def done(results: list[UpdateResult]) -> None:
            self.clear_marks()
            self.desk_app.tickets_changed([r.ticket for r in results])
            where = results[-1].ticket.queue if results else ""
            self.notify(f"Escalated {len(results)} ticket(s) to {where}", markup=False)

        self._confirm_bulk(tickets, "Escalate", lambda: self.desk_app.run_domain(call, done))

    def action_take_next(self) -> None:
        from deskterm.tui.take import take_next

        desk = self.desk_app.desk

        def done(ticket: Ticket | None) -> None:
            if ticket is None:
                self.notify("No unassigned unsolved ticket to take")
                return
            self.desk_app.tickets_changed([ticket])
            self.notify(f"Took #{ticket.id}: {ticket.subject}", markup=False)
            self.desk_app.open_ticket(ticket)

        self.desk_app.run_domain(lambda: take_next(desk), done)

    # -- thread ----------------------------------------------------------------------------

    def action_reply(self) -> None:
        self._open_editor("reply")

    def action_note(self) -> None:
        self._open_editor("note")

    def _open_editor(self, kind: str) -> None:
        ticket = self._one()
        if ticket is None:
            return
        from deskterm.tui.screens.compose_screen import ComposeScreen

        self.app.push_screen(ComposeScreen(ticket, kind))

    def action_kb_search(self) -> None:
        from deskterm.tui.screens.kb_screen import KbScreen

        self.app.push_screen(KbScreen())
