"""``deskterm view ...``: saved views (named queries) shown in the console's sidebar."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from deskterm.cli.context import get

app = typer.Typer(
    help="Saved views.\n\nExample: deskterm view save 'VPN fires' 'tag:vpn is:unsolved'",
    rich_markup_mode=None,
    no_args_is_help=True,
)

FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="table, json, jsonl, csv, ids.")
]


@app.command("list")
def list_views(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """List your saved views and the shared ones.

    Example: deskterm view list --format json
    """
    from deskterm.cli.output import resolve_format
    from deskterm.cli.view_list import emit_views
    from deskterm.domain.views import list_views as load

    cli = get(ctx)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    emit_views(load(cli.desk()), fmt=chosen, out=cli.out, color=cli.color)


@app.command("save")
def save(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The view's name in the sidebar.")],
    query: Annotated[str, typer.Argument(help="A query (SPEC section 6).")],
    sort: Annotated[str | None, typer.Option(help="updated, created, priority, due or id.")] = None,
    shared: Annotated[bool, typer.Option("--shared", help="For every agent (leads).")] = False,
    fmt: FormatOpt = None,
) -> None:
    """Save a view, or replace the one with that name.

    Example: deskterm view save 'Network fires' 'queue:"Network L2" priority:>=high is:unsolved'
    """
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.domain.views import save_view

    cli = get(ctx)
    view = save_view(cli.desk(), name, query, sort=sort, shared=shared)
    emit_object(
        dataclasses.asdict(view),
        fmt=resolve_format(fmt, many=False, stream=cli.out),
        out=cli.out,
        color=cli.color,
    )


@app.command("delete")
def delete(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The view to delete.")]
) -> None:
    """Delete one of your saved views.

    Example: deskterm view delete 'Network fires'
    """
    from deskterm.domain.views import delete_view

    delete_view(get(ctx).desk(), name)
