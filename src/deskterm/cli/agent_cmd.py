"""``deskterm agent ...``: list, add, set-role, whoami, and join/leave a queue."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskterm.cli import completion
from deskterm.cli.context import get

if TYPE_CHECKING:
    from deskterm.cli.context import CliContext
    from deskterm.cli.output import Column

app = typer.Typer(
    help="Agents, their roles and queues.\n\nExample: deskterm agent add bwong --role lead",
    rich_markup_mode=None,
    no_args_is_help=True,
)

FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="table, json, jsonl, csv, ids.")
]


def _columns() -> tuple[Column, ...]:
    from deskterm.cli.output import Column

    return (
        Column("handle", "HANDLE", min_width=6),
        Column("name", "NAME", min_width=6, ratio=2),
        Column("email", "E-MAIL", min_width=6, ratio=2),
        Column("role", "ROLE", min_width=5),
    )


@app.command("list")
def list_agents(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """List the agents of this desk.

    Example: deskterm agent list --format csv
    """
    from deskterm.cli.output import emit_list, resolve_format
    from deskterm.domain.people import list_agents as load

    cli = get(ctx)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    rows = [dataclasses.asdict(a) for a in load(cli.desk())]
    emit_list(rows, columns=_columns(), fmt=chosen, out=cli.out, color=cli.color)


@app.command("add")
def add(
    ctx: typer.Context,
    handle: Annotated[str, typer.Argument(help="Login-like handle, e.g. bwong.")],
    name: Annotated[str | None, typer.Option(help="Full name.")] = None,
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    role: Annotated[str, typer.Option(help="agent, lead or admin.")] = "agent",
    login: Annotated[
        str | None,
        typer.Option(
            metavar="ROLE",
            help="PostgreSQL only: the database login they connect as, created (in the group "
            "deskterm_agent, no password) or mapped if it exists (docs/team.md).",
        ),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Add an agent (admins only).

    Example: deskterm agent add bwong --name 'Bea Wong' --role lead --login bwong
    """
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.domain.people import add_agent

    cli = get(ctx)
    agent = add_agent(cli.desk(), handle, name=name, email=email, role=role, login=login)
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    emit_object(dataclasses.asdict(agent), fmt=chosen, out=cli.out, color=cli.color)


@app.command("set-role")
def set_role(
    ctx: typer.Context,
    handle: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Argument(help="agent, lead or admin.")],
    fmt: FormatOpt = None,
) -> None:
    """Change an agent's role (admins only).

    Example: deskterm agent set-role bwong admin
    """
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.domain.people import set_role as change

    cli = get(ctx)
    agent = change(cli.desk(), handle, role)
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    emit_object(dataclasses.asdict(agent), fmt=chosen, out=cli.out, color=cli.color)


@app.command("set-login")
def set_login(
    ctx: typer.Context,
    handle: Annotated[str, typer.Argument(autocompletion=completion.agents)],
    login: Annotated[
        str, typer.Argument(metavar="ROLE|none", help="A PostgreSQL login; none: unmap.")
    ],
    fmt: FormatOpt = None,
) -> None:
    """Map an agent to the PostgreSQL login they connect as (admins only; PostgreSQL only).

    The login is created (in the group deskterm_agent, no password) or mapped if it exists;
    none unmaps it (the login itself is kept). See docs/team.md.

    Example: deskterm agent set-login bwong bwong
    """
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.domain.people import set_login as change

    cli = get(ctx)
    agent = change(cli.desk(), handle, None if login.strip().lower() == "none" else login)
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    emit_object(dataclasses.asdict(agent), fmt=chosen, out=cli.out, color=cli.color)


@app.command("whoami")
def whoami(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """Show the acting agent.

    Example: DESKTERM_AGENT=bwong deskterm agent whoami
    """
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.domain.people import whoami as me

    cli = get(ctx)
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    emit_object(dataclasses.asdict(me(cli.desk())), fmt=chosen, out=cli.out, color=cli.color)


HandlesArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="HANDLE...",
        help="Agents' handles (default: you).",
        autocompletion=completion.agents,
    ),
]
QueueArg = Annotated[
    str, typer.Argument(metavar="QUEUE", help="A queue's name.", autocompletion=completion.queues)
]


@app.command("join")
def join(
    ctx: typer.Context, queue: QueueArg, handles: HandlesArg = None, fmt: FormatOpt = None
) -> None:
    """Put agents in a queue (leads and admins).

    An agent in any queue takes (ticket take, T) only from their queues; an agent in no
    queue takes from all of them.

    Example: deskterm agent join 'Network L2' bob carol
    """
    from deskterm.domain.queues import join_queue

    cli = get(ctx)
    _emit_membership(cli, join_queue(cli.desk(), queue, _handles(handles)), fmt)


@app.command("leave")
def leave(
    ctx: typer.Context, queue: QueueArg, handles: HandlesArg = None, fmt: FormatOpt = None
) -> None:
    """Take agents out of a queue (leads and admins).

    Example: deskterm agent leave 'Network L2' bob
    """
    from deskterm.domain.queues import leave_queue

    cli = get(ctx)
    _emit_membership(cli, leave_queue(cli.desk(), queue, _handles(handles)), fmt)


def _handles(handles: list[str] | None) -> list[str]:
    from deskterm.errors import InvalidInput

    for handle in handles or ():
        if not handle.strip():
            raise InvalidInput("HANDLE is empty; give an agent's handle, or me")
    return list(handles or ())


def _emit_membership(cli: CliContext, changes: list[Any], fmt: str | None) -> None:
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.domain.text import sanitize

    chosen = resolve_format(fmt, many=True, stream=cli.out)
    if chosen != "table":
        rows = [dataclasses.asdict(c) for c in changes]
        columns = (Column("queue", "QUEUE"), Column("handle", "HANDLE"))
        emit_list(rows, columns=columns, fmt=chosen, out=cli.out, id_key="handle")
        return
    for change in changes:
        queue = sanitize(change.queue)
        if change.member:
            said = "joined" if change.changed else "is already in"
        else:
            said = "left" if change.changed else "was not in"
        cli.out.write(f"{change.handle} {said} {queue}\n")
