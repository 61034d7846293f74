"""Applying a macro to a ticket: its text rendered for that ticket and its field changes, as
one workflow request (one transaction, one version, one audit entry naming the macro).

:func:`preview` says the same without the database, for the console's picker: the text as
it would be sent and the fields it would change, from the ticket as the agent sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.macros.catalog import find
from deskterm.domain.models import Agent, FieldChange, Macro, MacroApplied, Ticket
from deskterm.domain.templates import render
from deskterm.errors import DeskError, InvalidInput

#: Audit entries that are the macro's own record, not a field it changed.
_OWN = frozenset({"reply", "note", "macro"})


def changes_of(macro: Macro) -> tickets.Changes:
    """The field changes ``macro`` asks for, as ``ticket update`` takes them."""
    assignee: str | tickets.Unset | None = tickets.UNSET
    if macro.assignee is not None:
        assignee = None if macro.assignee == "none" else macro.assignee
    return tickets.Changes(
        status=macro.status,
        priority=macro.priority,
        type=macro.type,
        queue=macro.queue,
        assignee=assignee,
        add_tags=macro.add_tags,
        remove_tags=macro.remove_tags,
    )


def apply_macro(
    desk: Desk,
    ticket_id: int,
    name: str,
    *,
    shared: bool = False,
    if_version: int | None = None,
    dry_run: bool = False,
) -> MacroApplied:
    """Apply the macro ``name`` (see ``get_macro``) to ticket ``ticket_id``.

    Its text, rendered for the ticket and the acting agent, becomes a public reply or an
    internal note, and its field changes are made, all as one change: one new version, the
    workflow's rules (a move it does not allow is Conflict; a closed ticket refuses), and
    the audit entries of each field plus ``macro`` with the macro's name. With
    ``if_version`` a stale ticket is refused (StaleVersion names who changed what) as a
    reply or field change would be. A variable the ticket has no value for is InvalidInput
    naming it. ``dry_run`` works it all out and changes nothing.
    """

    def work(ctx: tickets.Context) -> MacroApplied:
        conn = ctx.conn
        macro = find(conn, ctx.actor, name, shared=shared)
        tickets.lock(conn, [ticket_id])
        ticket = tickets.load_ticket(conn, ctx.desk, ticket_id)
        text = render(macro.body, ticket, ctx.actor, source=f'macro "{macro.name}"')
        message = (macro.kind, text) if text.strip() else None
        result = tickets.act_in(
            ctx,
            ticket_id,
            changes_of(macro),
            message=message,
            events=(FieldChange("macro", None, macro.name),),
            if_version=if_version,
        )
        changed = tuple(c for c in result.changes if c.field not in _OWN)
        if message is None and not changed:
            raise InvalidInput(
                f'macro "{macro.name}" changes nothing on ticket #{ticket_id}: it has no '
                "text for this ticket and its fields are already as it sets them"
            )
        if dry_run:
            conn.rollback()
        return MacroApplied(result.ticket, macro.name, macro.kind, message and message[1], changed)

    return tickets.transact(desk, work)


@dataclass(frozen=True, slots=True)
class MacroPreview:
    """What applying a macro to a ticket would do, as far as can be told without asking
    the database: the rendered text (None: no message) and the fields it would change, or
    why it cannot be applied (``problem``: a value the ticket lacks)."""

    text: str | None
    changes: tuple[FieldChange, ...]
    problem: str | None = None


def preview(macro: Macro, ticket: Ticket, agent: Agent) -> MacroPreview:
    """:func:`apply_macro`'s text and changes for ``ticket`` as the agent sees it (pure)."""
    try:
        text: str | None = render(macro.body, ticket, agent, source=f'macro "{macro.name}"')
        problem = None
    except DeskError as exc:
        text, problem = None, exc.message
    if text is not None and not text.strip():
        text = None
    return MacroPreview(text, _changes(macro, ticket, agent), problem)


def _changes(macro: Macro, ticket: Ticket, agent: Agent) -> tuple[FieldChange, ...]:
    found: list[FieldChange] = []
    for field, new in (
        ("status", macro.status),
        ("priority", macro.priority),
        ("type", macro.type),
    ):
        old = getattr(ticket, field)
        if new is not None and new != old:
            found.append(FieldChange(field, old, new))
    if macro.queue is not None and macro.queue.lower() != ticket.queue.lower():
        found.append(FieldChange("queue", ticket.queue, macro.queue))
    if macro.assignee is not None:
        target = {"me": agent.handle, "none": None}.get(macro.assignee, macro.assignee)
        if target != ticket.assignee:
            found.append(FieldChange("assignee", ticket.assignee, target))
    tags = tickets.tag_diff(ticket.tags, macro.add_tags, macro.remove_tags)[2]
    if tags is not None:
        found.append(tags)
    return tuple(found)
