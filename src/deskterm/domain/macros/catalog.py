"""Macros as stored: add, edit, delete, find and list them (docs/macros.md).

A macro is personal (its owner alone sees and uses it) or shared (every agent sees and uses
it; leads and admins add, edit and delete it). Names are unique per owner, in any case: a
personal macro may share a shared one's name, and then the personal one is what its owner
gets by that name (``shared=True`` asks for the shared one). Everything is checked when a
macro is saved: its text (``templates.check_template``), its values, and that the queue and
agent it names exist, so applying it later fails only when the ticket or the desk changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Row

from deskterm.domain import lookup, tickets, validate
from deskterm.domain.desk import Desk
from deskterm.domain.models import Agent, Macro
from deskterm.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from deskterm.store import schema

M = schema.macros
MAX_NAME: Final = 60
KINDS: Final = ("reply", "note")
#: Who may add, edit and delete shared macros.
MANAGERS: Final = ("lead", "admin")


@dataclass(frozen=True)
class MacroSpec:
    """What a macro does; a field left None is not changed by it. ``assignee``: a handle,
    ``me`` (whoever applies it) or ``none`` (unassign)."""

    kind: str = "reply"
    body: str = ""
    status: str | None = None
    priority: str | None = None
    type: str | None = None
    queue: str | None = None
    assignee: str | None = None
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()


def spec_of(macro: Macro) -> MacroSpec:
    return MacroSpec(
        **{f.name: getattr(macro, f.name) for f in dataclasses.fields(MacroSpec)},
    )


# ------------------------------------------------------------------------------ reading


def list_macros(desk: Desk) -> list[Macro]:
    """The acting agent's own macros and the shared ones, by name (the picker's order)."""
    with desk.store.read() as conn:
        me = desk.actor(conn)
        rows = conn.execute(
            _select().where(or_(M.c.owner_id == me.id, M.c.owner_id.is_(None)))
        ).all()
    macros = [_macro(row) for row in rows]
    return sorted(macros, key=lambda m: (m.name.casefold(), m.owner is None))


def get_macro(desk: Desk, name: str, *, shared: bool = False) -> Macro:
    """The macro ``name`` (or ``#ID``) the acting agent sees: their own, else the shared
    one (only the shared one with ``shared``). NotFound lists the names there are."""
    with desk.store.read() as conn:
        return find(conn, desk.actor(conn), name, shared=shared)


def find(conn: Connection, me: Agent, name: str, *, shared: bool = False) -> Macro:
    """:func:`get_macro` in an open transaction."""
    visible = (
        M.c.owner_id.is_(None) if shared else or_(M.c.owner_id == me.id, M.c.owner_id.is_(None))
    )
    wanted = name.strip()
    if wanted.startswith("#") and wanted[1:].isdigit():
        where = M.c.id == validate.identifier(wanted[1:], what="macro id")
    else:
        where = func.lower(M.c.name) == " ".join(wanted.split()).lower()
    rows = list(conn.execute(_select().where(where, visible)))
    # The agent's own macro of that name comes before the shared one.
    rows.sort(key=lambda row: row.owner_id is None)
    if rows:
        return _macro(rows[0])
    names = sorted({r for (r,) in conn.execute(select(M.c.name).where(visible))}, key=str.casefold)
    listed = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
    what = "shared macro" if shared else "macro"
    raise NotFound(
        f'no {what} "{name}"' + (f"; macros: {listed}" if names else "; there are none yet"),
        what="macro",
    )


def _select() -> Any:
    a = schema.agents
    return (
        select(M, a.c.handle.label("owner_handle"))
        .select_from(M.outerjoin(a, M.c.owner_id == a.c.id))
        .order_by(M.c.id)
    )


def _macro(row: Row[Any]) -> Macro:
    return Macro(
        id=row.id,
        name=row.name,
        kind=row.kind,
        body=row.body,
        status=row.status,
        priority=row.priority,
        type=row.type,
        queue=row.queue,
        assignee=row.assignee,
        add_tags=_tags(row.add_tags),
        remove_tags=_tags(row.remove_tags),
        owner=row.owner_handle,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _tags(text: str) -> tuple[str, ...]:
    return tuple(t for t in text.split(",") if t)


# ------------------------------------------------------------------------------ writing


def add_macro(desk: Desk, name: str, spec: MacroSpec, *, shared: bool = False) -> Macro:
    """Save a new macro: the acting agent's own, or with ``shared`` one for every agent
    (leads and admins). InvalidInput names what is wrong with it (an unknown variable, a
    syntax error with its line, a value); Conflict if that owner has a macro of that name."""
    clean = _name(name)

    def work(ctx: tickets.Context) -> Macro:
        conn = ctx.conn
        me = ctx.desk.require_role(conn, *MANAGERS) if shared else ctx.actor
        values = stored_values(conn, me, spec)
        owner = None if shared else me.id
        _unique(conn, clean, owner)
        conn.execute(
            insert(M).values(
                name=clean, owner_id=owner, created_at=ctx.now, updated_at=ctx.now, **values
            )
        )
        return find(conn, me, clean, shared=shared)

    return tickets.transact(desk, work)


def edit_macro(desk: Desk, name: str, changes: Mapping[str, Any], *, shared: bool = False) -> Macro:
    """Change a macro: ``changes`` holds the fields of :class:`MacroSpec` to set (None
    stops the macro changing that field) and ``name`` to rename it. The whole macro is
    checked again, as when it was added. A shared macro needs a lead or an admin."""
    new_name = _name(changes["name"]) if changes.get("name") is not None else None
    fields = {k: v for k, v in changes.items() if k != "name"}

    def work(ctx: tickets.Context) -> Macro:
        conn = ctx.conn
        macro = find(conn, ctx.actor, name, shared=shared)
        _may_change(ctx.desk, conn, macro)
        owner = None if macro.owner is None else ctx.actor.id
        spec = dataclasses.replace(spec_of(macro), **fields)
        values = stored_values(conn, ctx.actor, spec)
        if new_name is not None and new_name.lower() != macro.name.lower():
            _unique(conn, new_name, owner)
        conn.execute(
            update(M)
            .where(M.c.id == macro.id)
            .values(name=new_name or macro.name, updated_at=ctx.now, **values)
        )
        return find(conn, ctx.actor, f"#{macro.id}")

    return tickets.transact(desk, work)


def delete_macro(desk: Desk, name: str, *, shared: bool = False) -> Macro:
    """Delete a macro (a shared one needs a lead or an admin); returns what was deleted."""

    def work(ctx: tickets.Context) -> Macro:
        macro = find(ctx.conn, ctx.actor, name, shared=shared)
        _may_change(ctx.desk, ctx.conn, macro)
        ctx.conn.execute(delete(M).where(M.c.id == macro.id))
        return macro

    return tickets.transact(desk, work)


def _may_change(desk: Desk, conn: Connection, macro: Macro) -> None:
    if macro.owner is None:
        me = desk.actor(conn)
        if me.role not in MANAGERS:
            raise PermissionDenied(
                f'"{macro.name}" is a shared macro; agent "{me.handle}" is {me.role}, and '
                "changing a shared macro needs lead or admin"
            )


def _name(name: str) -> str:
    clean = validate.storable(" ".join(name.split()))
    if not clean or len(clean) > MAX_NAME:
        raise InvalidInput(f"a macro name is 1 to {MAX_NAME} characters", field="name")
    if clean.startswith("#"):
        raise InvalidInput(
            f'a macro name may not start with "#" (#ID names a macro by its id): "{clean}"',
            field="name",
        )
    return clean


def _unique(conn: Connection, name: str, owner: int | None) -> None:
    mine = M.c.owner_id.is_(None) if owner is None else M.c.owner_id == owner
    found = conn.execute(select(M.c.name).where(func.lower(M.c.name) == name.lower(), mine))
    taken = found.scalar()
    if taken is not None:
        whose = "a shared macro" if owner is None else "one of your macros"
        raise Conflict(f'{whose} is already named "{taken}"; edit it or choose another name')


def stored_values(conn: Connection, me: Agent, spec: MacroSpec) -> dict[str, Any]:
    """The stored columns of ``spec``, every value checked (InvalidInput names the field),
    in an open transaction: what :func:`add_macro` stores (the demo desk's loader too)."""
    from deskterm.domain.templates import check_template

    kind = validate.choice("macro kind", spec.kind, KINDS)
    body = validate.storable(spec.body.strip("\n"))
    if len(body) > validate.MAX_BODY:
        raise InvalidInput(f"macro text is {len(body)} characters; at most {validate.MAX_BODY}")
    check_template(body)
    add = validate.tags(spec.add_tags)
    remove = validate.tags(spec.remove_tags)
    both = sorted(set(add) & set(remove))
    if both:
        raise InvalidInput(f"tag {both[0]} is both added and removed", field="tags")
    values: dict[str, Any] = {
        "kind": kind,
        "body": body,
        "status": tickets.check_status(spec.status) if spec.status else None,
        "priority": validate.priority(spec.priority) if spec.priority else None,
        "type": validate.ticket_type(spec.type) if spec.type else None,
        "queue": _queue(conn, spec.queue) if spec.queue else None,
        "assignee": _assignee(conn, me, spec.assignee) if spec.assignee else None,
        "add_tags": ",".join(add),
        "remove_tags": ",".join(remove),
    }
    if not body.strip() and not any(
        values[k]
        for k in ("status", "priority", "type", "queue", "assignee", "add_tags", "remove_tags")
    ):
        raise InvalidInput("a macro needs a text or at least one field change", field="body")
    return values


def _queue(conn: Connection, name: str) -> str:
    q = schema.queues
    found = lookup.queue_id(conn, name)
    return str(conn.execute(select(q.c.name).where(q.c.id == found)).scalar_one())


def _assignee(conn: Connection, me: Agent, handle: str) -> str:
    wanted = handle.strip().lower()
    if wanted in ("me", "none"):
        return wanted
    a = schema.agents
    found = lookup.agent_id(conn, me, wanted)
    return str(conn.execute(select(a.c.handle).where(a.c.id == found)).scalar_one())
