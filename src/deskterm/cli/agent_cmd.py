"""``deskterm agent ...``: list, add, set-role, whoami."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated

import typer

from deskterm.cli.context import get

if TYPE_CHECKING:
    from deskterm.cli.output import Column

app = typer.Typer(
    help="Agents and their roles.\n\nExample: deskterm agent add bwong --role lead",
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
    fmt: FormatOpt = None,
) -> None:
    """Add an agent (admins only).

    Example: deskterm agent add bwong --name 'Bea Wong' --email bwong@corp.example --role lead
    """
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.domain.people import add_agent

    cli = get(ctx)
    agent = add_agent(cli.desk(), handle, name=name, email=email, role=role)
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
