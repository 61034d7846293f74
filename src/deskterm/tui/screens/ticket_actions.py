"""What ``a``, ``A``, ``s``, ``p``, ``t``, ``m``, ``e``, ``T``, ``r``, ``n``, ``M`` and ``K`` do,
for every screen that shows tickets. A screen supplies :meth:`selected_tickets` (the marked ones or
the one in view); each change is one domain call (one transaction), sent with the version the
agent saw for every ticket it changes, so a change nobody saw is never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.screen import Screen

from deskterm.domain.vocab import PRIORITIES, STATUSES
from deskterm.tui.access import desk_app
from deskterm.tui.messages import PresenceChanged, TicketsChanged

if TYPE_CHECKING:
    # Annotations only (UpdateResult is in models_more, imported on first use).
    from deskterm.domain.models import Ticket, UpdateResult
    from deskterm.domain.sla import SlaPolicy, Timeline
    from deskterm.domain.tickets import Changes
    from deskterm.errors import DeskError


def status_moves(tickets: list[Ticket]) -> list[str]:
    """The statuses every one of ``tickets`` may move to (its own status included: choosing
    it changes nothing), in workflow order."""
    from deskterm.domain.tickets import TRANSITIONS  # the workflow, not needed to start

    allowed = set(STATUSES)
    for ticket in tickets:
        allowed &= {ticket.status, *TRANSITIONS.get(ticket.status, ())}
    return [s for s in STATUSES if s in allowed]


def changed_fields(results: list[UpdateResult]) -> frozenset[str]:
    return frozenset(change.field for r in results for change in r.changes)


class TicketActions(Screen[None]):
    """Base for screens that act on tickets."""

    def on_mount(self) -> None:
        # Textual calls this as well as a subclass's own on_mount: do not call it again there.
        desk_app(self).ticket_changes.subscribe(self, self.tickets_changed)
        desk_app(self).presence_changes.subscribe(self, self.presence_changed)

    def tickets_changed(self, change: TicketsChanged) -> None:
        """Show what the console changed (subclasses re-read what the change can affect)."""

    def presence_changed(self, change: PresenceChanged) -> None:
        """Show who else is on which ticket (``tui/presence.py``)."""

    def selected_tickets(self) -> list[Ticket]:
        raise NotImplementedError

    def take_queue(self) -> str | None:
        """The queue ``T`` takes from: the queue of the view the agent is in, if it is one."""
        return None

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
        app = desk_app(self)
        desk = app.desk
        seen = {t.id: t.version for t in tickets}

        def call() -> list[UpdateResult]:
            from deskterm.domain.tickets import update

            if len(tickets) == 1:
                return update(desk, tickets[0].id, changes, if_version=tickets[0].version)
            return update(desk, list(seen), changes, seen_versions=seen)

        def done(results: list[UpdateResult]) -> None:
            self.clear_marks()
            fields = changed_fields(results)
            if fields:
                app.tickets_changed([r.ticket for r in results], fields)
            ids = ", ".join(f"#{r.ticket.id}" for r in results[:5])
            more = f" and {len(results) - 5} more" if len(results) > 5 else ""
            verb = what if fields else f"{what}: nothing to change on"
            self.notify(f"{verb} {ids}{more}", markup=False)

        ticket_id = tickets[0].id if len(tickets) == 1 else None
        self._confirm_bulk(tickets, what, lambda: app.run_domain(call, done, ticket_id=ticket_id))

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
        current: str | None = None,
    ) -> None:
        if not self._chosen():
            return
        from deskterm.tui.screens.picker import PickerScreen

        def picked(value: str | None) -> None:
            if value is not None:
                then(value)

        self.app.push_screen(
            PickerScreen(title, options, allow_new=allow_new, current=current), picked
        )

    def action_pick_status(self) -> None:
        from deskterm.domain.tickets import Changes

        tickets = self._chosen()
        if not tickets:
            return
        moves = status_moves(tickets)
        now = tickets[0].status
        if moves == [now] or not moves:
            self.notify(
                f"#{tickets[0].id} is {now}; its status cannot change"
                if len(tickets) == 1
                else "The marked tickets have no status move in common",
                severity="warning",
                markup=False,
            )
            return
        options = [(s, f"{s}  (now)" if s == now and len(tickets) == 1 else s) for s in moves]
        self._pick(
            "Set status",
            options,
            lambda v: self.apply_changes(Changes(status=v), f"Status {v}"),
            current=now if now in moves else None,
        )

    def action_pick_priority(self) -> None:
        from deskterm.domain.tickets import Changes

        tickets = self._chosen()
        if not tickets:
            return
        self._pick(
            "Set priority",
            [(p, p) for p in reversed(PRIORITIES)],
            lambda v: self.apply_changes(Changes(priority=v), f"Priority {v}"),
            current=tickets[0].priority,
        )

    def action_pick_assignee(self) -> None:
        from deskterm.domain.people import list_agents
        from deskterm.domain.tickets import Changes

        if not self._chosen():
            return

        def choose(agents: list[Any]) -> None:
            options = [("me", "me"), ("", "nobody (unassign)")]
            options += [(a.handle, f"{a.handle}  {a.name}  ({a.role})") for a in agents]

            def apply(value: str) -> None:
                label = f"Assigned to {value}" if value else "Unassigned"
                self.apply_changes(Changes(assignee=value or None), label)

            self._pick("Assign to", options, apply)

        app = desk_app(self)
        desk = app.desk
        app.run_domain(lambda: list_agents(desk), choose, group="read")

    def action_pick_queue(self) -> None:
        from deskterm.domain.queues import list_queues
        from deskterm.domain.tickets import Changes

        tickets = self._chosen()
        if not tickets:
            return

        def choose(queues: list[Any]) -> None:
            options = [(q.name, f"{q.name}  ({q.tier})") for q in queues]
            self._pick(
                "Move to queue",
                options,
                lambda v: self.apply_changes(Changes(queue=v), f"Moved to {v}"),
                current=tickets[0].queue,
            )

        app = desk_app(self)
        desk = app.desk
        app.run_domain(lambda: list_queues(desk), choose, group="read")

    def action_pick_tags(self) -> None:
        from deskterm.domain.tickets import Changes

        tickets = self.selected_tickets()
        current = sorted({tag for t in tickets for tag in t.tags})
        others = sorted(desk_app(self).known_tags - set(current))
        options = [(f"-{tag}", f"− remove {tag}") for tag in current]
        options += [(f"+{tag}", f"+ add {tag}") for tag in others]

        def apply(value: str) -> None:
            if value.startswith("-"):
                self.apply_changes(Changes(remove_tags=(value[1:],)), f"Removed tag {value[1:]}")
            else:
                tag = value.removeprefix("+")
                self.apply_changes(Changes(add_tags=(tag,)), f"Added tag {tag}")

        self._pick("Tags (type a new one to add it)", options, apply, allow_new="+")

    # -- escalate and take -----------------------------------------------------------------

    def action_escalate(self) -> None:
        """Show where the ticket would go, let the agent pick another tier, ask why."""
        tickets = self._chosen()
        if not tickets:
            return
        from deskterm.domain.tickets import escalation_targets

        app = desk_app(self)
        desk = app.desk

        def call() -> list[list[Any]]:
            return [escalation_targets(desk, t.id) for t in tickets]

        app.run_domain(call, lambda chains: self._ask_escalation(tickets, chains), group="read")

    def _ask_escalation(self, tickets: list[Ticket], chains: list[list[Any]]) -> None:
        from deskterm.tui.screens.escalate_screen import EscalateScreen, Escalation

        stuck = [t for t, chain in zip(tickets, chains, strict=True) if not chain]
        if stuck:
            where = ", ".join(f"#{t.id} ({t.queue})" for t in stuck[:5])
            self.notify(
                f"No higher tier to escalate to from {where}; move it with m instead",
                title="Not allowed now",
                severity="warning",
                markup=False,
            )
            return
        names = [[q.name for q in chain] for chain in chains]
        # A choice of tier makes sense only when every ticket climbs the same ladder.
        same = all(n == names[0] for n in names)
        targets = [(q.name, q.tier) for q in chains[0]] if same else []

        def escalate(answer: Escalation | None) -> None:
            if answer is not None:
                self._escalate(tickets, answer)

        self.app.push_screen(EscalateScreen(tickets, targets), escalate)

    def _escalate(self, tickets: list[Ticket], answer: Any) -> None:
        app = desk_app(self)
        desk = app.desk

        def call() -> list[UpdateResult]:
            from deskterm.domain.tickets import escalate

            return [
                escalate(desk, t.id, answer.reason, to_queue=answer.queue, if_version=t.version)
                for t in tickets
            ]

        def done(results: list[UpdateResult]) -> None:
            self.clear_marks()
            app.tickets_changed([r.ticket for r in results], changed_fields(results))
            where = results[-1].ticket.queue if results else ""
            count = f"{len(results)} tickets" if len(results) > 1 else f"#{results[0].ticket.id}"
            self.notify(f"Escalated {count} to {where}", markup=False)

        ticket_id = tickets[0].id if len(tickets) == 1 else None
        app.run_domain(call, done, ticket_id=ticket_id)

    def action_take_next(self) -> None:
        """Take the next ticket (``deskterm ticket take``): from this view's queue, if it is
        a queue's view, else from the agent's queues (every queue for an agent in none)."""
        from deskterm.domain.tickets import take
        from deskterm.errors import NothingToTake

        app = desk_app(self)
        desk = app.desk
        queue = self.take_queue()

        def done(ticket: Ticket) -> None:
            app.tickets_changed([ticket], frozenset({"assignee", "status"}))
            self.notify(f"Took #{ticket.id}: {ticket.subject}", markup=False)
            app.open_ticket(ticket, take_queue=queue)

        def nothing(exc: DeskError) -> bool:
            if not isinstance(exc, NothingToTake):
                return False
            if exc.queue:
                where = f" in {exc.queue}"
            elif exc.queues:
                where = f" in your queues ({', '.join(exc.queues)})"
            else:
                where = ""
            self.notify(f"No unassigned ticket is waiting{where}", title="Nothing to take")
            return True

        app.run_domain(lambda: take(desk, queue=queue), done, failed=nothing)

    # -- thread ----------------------------------------------------------------------------

    def action_reply(self) -> None:
        self._open_editor("reply")

    def action_note(self) -> None:
        self._open_editor("note")

    def _open_editor(self, kind: str) -> None:
        ticket = self._one()
        if ticket is None:
            return
        if ticket.status == "closed":
            what = "reply" if kind == "reply" else "note"
            self.notify(
                f"#{ticket.id} is closed: no {what} can be added. Open a new ticket that "
                "refers to it.",
                title="Not allowed now",
                severity="warning",
                markup=False,
            )
            return
        from deskterm.tui.screens.compose_screen import ComposeScreen

        self.app.push_screen(ComposeScreen(ticket, kind))

    def action_apply_macro(self) -> None:
        """``M``: pick a macro, see its text and changes for this ticket, apply it."""
        tickets = self._chosen()
        if not tickets:
            return
        if len(tickets) > 1:
            self.notify(
                "A macro is applied to one ticket at a time; unmark the others",
                severity="warning",
            )
            return
        from deskterm.tui.screens.macro_actions import pick_macro

        pick_macro(self, tickets[0])

    def action_clocks(self) -> None:
        """The ticket's SLA policy and the timeline of its clocks (``ticket sla ID``)."""
        ticket = self._one()
        if ticket is None:
            return
        from deskterm.domain.sla import get_policy
        from deskterm.domain.tickets import sla_timeline

        app = desk_app(self)
        desk = app.desk

        def call() -> tuple[Ticket, Timeline, SlaPolicy | None]:
            shown, story = sla_timeline(desk, ticket.id)
            policy_id = story.state.policy_id
            return shown, story, None if policy_id is None else get_policy(desk, f"#{policy_id}")

        def show(found: tuple[Ticket, Timeline, SlaPolicy | None]) -> None:
            from deskterm.tui.screens.clocks_screen import ClocksScreen

            self.app.push_screen(ClocksScreen(*found, now=app.now()))

        app.run_domain(call, show, group="read", ticket_id=ticket.id)

    def action_kb_search(self) -> None:
        from deskterm.tui.screens.kb_screen import KbScreen

        self.app.push_screen(KbScreen())
