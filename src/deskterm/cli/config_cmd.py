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
        *(
            {"setting": f"store.{key}", "value": setting.value, "source": setting.source}
            for key, setting in s.timeouts.items()
        ),
        {"setting": "agent.handle", "value": s.handle, "source": s.agent.source},
        {"setting": "config", "value": str(s.config_file.value), "source": s.config_file.source},
        {"setting": "ui.color", "value": s.use_color, "source": s.color.source},
    ]
    from deskterm.cli.output import Column

    # The value (a database URL) is what a reader checks: it keeps its width; the setting's
    # name and where it came from give way on a narrow terminal.
    longest = max(len(str(row["value"])) for row in rows)
    columns = (
        Column("setting", "SETTING", min_width=12),
        Column("value", "VALUE", min_width=max(5, min(longest, 64))),
        Column("source", "FROM", min_width=7, ratio=1),
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
    """Write a commented config file with every key (from config.example.toml), readable by
    you alone.

    Example: deskterm config init && deskterm config path
    """
    from deskterm.config_template import TEMPLATE
    from deskterm.errors import Conflict, InvalidInput
    from deskterm.files import atomic_write, private_dir

    target = Path(get(ctx).settings.config_file.value)
    if target.exists() and not force:
        raise Conflict(f"{target} already exists; use --force to overwrite it")
    try:
        private_dir(target.parent)
        with atomic_write(target) as handle:
            handle.write(TEMPLATE)
    except OSError as exc:
        raise InvalidInput(f"cannot write config file {target}: {exc.strerror}") from None
    print(f"wrote {target}")
