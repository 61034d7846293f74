"""``deskterm config ...``: show, path, init, check."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deskterm.cli.context import get

if TYPE_CHECKING:
    from deskterm.cli.context import CliContext

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
        *_other_tables(cli),
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


def _other_tables(cli: CliContext) -> list[dict[str, object]]:
    """The keys the config file sets in its other tables ([mail], [attachments], ...), a
    password as ``***`` (and where a password in the environment wins, that it does)."""
    import os

    from deskterm.cli.mail_cmd import ENV_IMAP_PASSWORD, ENV_SMTP_PASSWORD

    s = cli.settings
    source = f"config file {s.config_file.value}"
    rows: list[dict[str, object]] = []
    for table, values in s.extra.items():
        if table in ("store", "agent", "ui") or not isinstance(values, dict):
            continue
        for key, value in values.items():
            secret = key.endswith("password")
            rows.append(
                {"setting": f"{table}.{key}", "value": "***" if secret else value, "source": source}
            )
    for name, setting in ((ENV_IMAP_PASSWORD, "imap"), (ENV_SMTP_PASSWORD, "smtp")):
        if os.environ.get(name):
            rows.append(
                {
                    "setting": f"mail.{setting}_password",
                    "value": "***",
                    "source": f"environment {name}",
                }
            )
    return rows


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


# ------------------------------------------------------------------------------ check


@dataclass(frozen=True)
class Check:
    """One thing ``config check`` tries. ``run`` returns what it found (one line), or None
    when the config does not set that thing up at all (nothing to try); it raises a
    DeskError when the thing is set up but does not work."""

    name: str
    run: Callable[[CliContext], str | None]


def _config_file(cli: CliContext) -> str:
    s = cli.settings
    if not s.config_exists:
        return f"none at {s.config_file.value} (defaults in force)"
    return f"{s.config_file.value} reads"


def _imap(cli: CliContext) -> str | None:
    from deskterm.cli.mail_cmd import check_imap

    return check_imap(cli)


def _smtp(cli: CliContext) -> str | None:
    from deskterm.cli.mail_cmd import check_smtp

    return check_smtp(cli)


#: What ``config check`` tries, in order. Each new server the config names adds its own.
CHECKS: list[Check] = [
    Check("config", _config_file),
    Check("imap", _imap),
    Check("smtp", _smtp),
]


@app.command("check")
def check(
    ctx: typer.Context,
    fmt: Annotated[str | None, typer.Option("--format", "-f")] = None,
) -> None:
    """Try what the config file sets up: that it reads, and the mail server logins.

    Each check says ok, failed (with why) or not set. The exit code is 0 when nothing failed,
    else the first failure's (75 a server cannot be reached now, 77 a login refused, 78 the
    settings cannot work).

    Example: deskterm config check
    """
    from deskterm.cli.advice import advice
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.errors import DeskError

    cli = get(ctx)
    rows: list[dict[str, object]] = []
    code = 0
    for item in CHECKS:
        try:
            found = item.run(cli)
        except DeskError as exc:
            hint = advice(exc)
            rows.append(
                {
                    "check": item.name,
                    "result": "failed",
                    "detail": exc.message + (f" ({hint})" if hint else ""),
                }
            )
            code = code or exc.exit_code
            continue
        result = "not set" if found is None else "ok"
        rows.append({"check": item.name, "result": result, "detail": found or ""})
    columns = (
        Column("check", "CHECK", min_width=5, max_width=10),
        Column("result", "RESULT", min_width=7, max_width=7),
        Column("detail", "DETAIL", ratio=1),
    )
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    emit_list(rows, columns=columns, fmt=chosen, out=cli.out, color=cli.color)
    if chosen == "table":
        # A table cuts long text to the terminal's width; why a check failed is said whole.
        from deskterm.cli.main import one_line

        for row in rows:
            if row["result"] == "failed":
                print(f"error: {row['check']}: {one_line(str(row['detail']))}", file=sys.stderr)
    if code:
        raise typer.Exit(code)
