"""``deskterm config ...``: show, path, init."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from deskterm.cli.context import get

app = typer.Typer(
    help="Settings and the config file.\n\nExample: deskterm config show",
    rich_markup_mode=None,
    no_args_is_help=True,
)


@app.command("show")
def show(
    ctx: typer.Context,
    fmt: Annotated[str | None, typer.Option("--format", "-f")] = None,
) -> None:
    """Show every setting in force and where it came from (passwords masked).

    Example: deskterm config show --format json
    """
    from deskterm.cli.output import emit_list, resolve_format
    from deskterm.config import mask_url

    cli = get(ctx)
    s = cli.settings
    rows: list[dict[str, object]] = [
        {"setting": "store.url", "value": mask_url(s.url), "source": s.db_url.source},
        {"setting": "agent.handle", "value": s.handle, "source": s.agent.source},
        {"setting": "config", "value": str(s.config_file.value), "source": s.config_file.source},
        {"setting": "ui.color", "value": s.use_color, "source": s.color.source},
    ]
    from deskterm.cli.output import Column

    columns = (
        Column("setting", "SETTING", min_width=8),
        Column("value", "VALUE", ratio=3),
        Column("source", "FROM", ratio=2),
    )
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    emit_list(rows, columns=columns, fmt=chosen, out=cli.out, color=cli.color)


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print the config file's path.

    Example: $EDITOR "$(deskterm config path)"
    """
    print(get(ctx).settings.config_file.value)


@app.command("init")
def init(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented config file with every key (from config.example.toml).

    Example: deskterm config init && deskterm config path
    """
    from deskterm.config_template import TEMPLATE
    from deskterm.errors import Conflict

    target = Path(get(ctx).settings.config_file.value)
    if target.exists() and not force:
        raise Conflict(f"{target} already exists; use --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(TEMPLATE, encoding="utf-8")
    print(f"wrote {target}")
