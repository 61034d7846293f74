"""``deskterm db ...``: init, migrate, status, doctor, seed."""

from __future__ import annotations

from typing import Annotated

import typer

from deskterm.cli.context import get

app = typer.Typer(
    help="Create, upgrade, check and fill the database.\n\nExample: deskterm db doctor",
    rich_markup_mode=None,
    no_args_is_help=True,
)


@app.command("init")
def init(ctx: typer.Context) -> None:
    """Create a desk: the SQLite file (owner-only) if missing, the schema, and on a new desk
    the acting agent as its admin.

    Example: deskterm --db postgresql+psycopg://deskterm@db.internal/desk --as alice db init
    """
    from deskterm.domain.setup import init_desk

    cli = get(ctx)
    done = init_desk(cli.settings.url, cli.settings.handle, options=cli.store_options())
    if done.was_current:
        print(f"{done.where} is already initialized (schema {done.head})")
    else:
        print(f"initialized {done.where} (schema {done.head})")
    if done.made_admin:
        print(f'agent "{cli.settings.handle}" is its admin')


@app.command("migrate")
def migrate(ctx: typer.Context) -> None:
    """Upgrade the schema to this version of deskterm, keeping every row.

    Example: deskterm db migrate
    """
    from deskterm.domain.setup import migrate_desk

    cli = get(ctx)
    done = migrate_desk(cli.settings.url, options=cli.store_options())
    if done.changed:
        print(f"migrated {done.where} from {done.before or 'empty'} to {done.head}")
    else:
        print(f"{done.where} is up to date (schema {done.head})")


@app.command("status")
def status(
    ctx: typer.Context,
    fmt: Annotated[str | None, typer.Option("--format", "-f")] = None,
) -> None:
    """Current and head schema revision, and how many rows each table holds.

    Example: deskterm db status --format json
    """
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.domain.setup import database_status

    cli = get(ctx)
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    emit_object(database_status(cli.settings.url), fmt=chosen, out=cli.out, color=cli.color)


@app.command("doctor")
def doctor(
    ctx: typer.Context,
    fmt: Annotated[str | None, typer.Option("--format", "-f")] = None,
) -> None:
    """Check settings (and where each came from), schema, search index and filesystem.

    Exits 1 when a check fails. Example: deskterm db doctor
    """
    from deskterm.cli.advice import advice
    from deskterm.cli.output import emit_list, resolve_format
    from deskterm.domain.setup import run_checks

    cli = get(ctx)
    checks = run_checks(cli.settings)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    if chosen == "table":
        marks = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL", "info": "    "}
        from deskterm.domain.text import sanitize

        for check in checks:
            hint = advice(check.error) if check.error is not None else None
            detail = check.detail + (f"; {hint}" if hint else "")
            cli.out.write(f"{marks[check.state]}  {check.name}: {sanitize(detail)}\n")
    else:
        emit_list(
            [{"check": c.name, "state": c.state, "detail": c.detail} for c in checks],
            columns=(),
            fmt=chosen,
            out=cli.out,
            color=cli.color,
        )
    if any(c.state == "fail" for c in checks):
        raise typer.Exit(1)


@app.command("seed")
def seed(
    ctx: typer.Context,
    tickets: Annotated[int, typer.Option(min=0, max=10_000_000)] = 2000,
    articles: Annotated[int, typer.Option(min=0, max=10_000)] = 30,
    seed_value: Annotated[int, typer.Option("--seed", help="Same seed, same data.")] = 1,
    days: Annotated[
        int, typer.Option(min=1, max=3650, help="History to spread the tickets over.")
    ] = 365,
) -> None:
    """Fill the desk with realistic generated IT help-desk data (a named SQLite desk that
    does not exist yet is created).

    Example: deskterm --db sqlite:////tmp/big.db db seed --tickets 1000000 --seed 7
    """
    from deskterm.cli.progress import progress_bar
    from deskterm.demo import seed_desk

    cli = get(ctx)
    with progress_bar(cli, "seeding", total=tickets) as advance:
        summary = seed_desk(
            cli.desk(create=True),
            tickets=tickets,
            articles=articles,
            seed=seed_value,
            days=days,
            progress=advance,
        )
    typer.echo(summary, err=True)


@app.command("backup")
def backup(
    ctx: typer.Context,
    path: Annotated[
        str, typer.Argument(metavar="PATH", help="The copy to write; replaced only when complete.")
    ],
) -> None:
    """Copy a live SQLite desk to PATH: consistent, checked, owner-only (admins only).

    Agents can go on working meanwhile: the copy is the desk as of one moment. It replaces
    PATH only once complete and checked, so a kill or a full disk leaves an older PATH as it
    was. A PostgreSQL desk is backed up with pg_dump (the error gives the command).

    Example: deskterm db backup ~/backups/desk-$(date +%F).db
    """
    from pathlib import Path

    from deskterm.config import mask_url
    from deskterm.domain.transfer import backup as copy_desk

    cli = get(ctx)
    result = copy_desk(cli.desk(initialize=False), Path(path).expanduser())
    size = f"{result.size / 1_000_000:.1f} MB"
    print(
        f"backed up {mask_url(cli.settings.url)} to {result.path} "
        f"({result.tickets:,} tickets, {size}); integrity check ok"
    )
