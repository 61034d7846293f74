"""Updating many tickets at once: ids or a query, dry runs, confirmation, one transaction."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from deskterm.cli.context import CliContext
from deskterm.errors import InvalidInput

if TYPE_CHECKING:
    from deskterm.domain.models import UpdateResult
    from deskterm.domain.tickets import Changes


def run_update(
    cli: CliContext,
    *,
    ids: list[int],
    query: str | None,
    changes: Changes,
    if_version: int | None,
    dry_run: bool,
    yes: bool,
    fmt: str | None,
) -> None:
    from deskterm.domain import tickets
    from deskterm.domain.tickets import matching_ids

    if ids and query is not None:
        raise InvalidInput("give ticket ids or --query, not both")
    if not ids and query is None:
        raise InvalidInput("no tickets given; pass ids, - to read ids from stdin, or --query")
    desk = cli.desk()
    if query is not None:
        ids = matching_ids(desk, query)
        if not ids:
            if not cli.quiet:
                print("0 tickets match; nothing to change", file=sys.stderr)
            return
    if not dry_run and len(ids) > 1 and not yes:
        _confirm(len(ids))
    from deskterm.cli.progress import progress_bar

    label = "checking" if dry_run else "updating"
    with progress_bar(cli, label, total=len(ids) if len(ids) > 1 else 0) as advance:
        results = tickets.update(
            desk, ids, changes, if_version=if_version, dry_run=dry_run, progress=advance
        )
    if dry_run:
        _print_plan(cli, results, fmt)
    else:
        _print_results(cli, results, fmt)


def _confirm(count: int) -> None:
    if not (sys.stdin is not None and sys.stdin.isatty()):
        raise InvalidInput(
            f"refusing to update {count} tickets without confirmation; add --yes "
            "(or try --dry-run first)"
        )
    answer = input(f"Update {count} tickets? [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        raise InvalidInput("cancelled; nothing was changed")


def _plan_rows(results: list[UpdateResult]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.ticket.id,
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in r.changes],
        }
        for r in results
    ]


def _print_plan(cli: CliContext, results: list[UpdateResult], fmt: str | None) -> None:
    from deskterm.cli.output import emit_list, resolve_format
    from deskterm.domain.text import sanitize

    chosen = resolve_format(fmt, many=True, stream=cli.out)
    changed = sum(1 for r in results if r.changes)
    if chosen != "table":
        emit_list(_plan_rows(results), columns=(), fmt=chosen, out=cli.out, color=cli.color)
        return
    for result in results:
        for change in result.changes:
            old = sanitize(change.old) if change.old is not None else "-"
            new = sanitize(change.new) if change.new is not None else "-"
            cli.out.write(f"#{result.ticket.id}  {change.field}: {old} -> {new}\n")
    unchanged = len(results) - changed
    cli.out.write(
        f"dry run: {changed} ticket{'s' if changed != 1 else ''} would change"
        + (f", {unchanged} already as asked" if unchanged else "")
        + "; nothing was changed\n"
    )


def _print_results(cli: CliContext, results: list[UpdateResult], fmt: str | None) -> None:
    from deskterm.cli.output import emit_list, emit_object, resolve_format
    from deskterm.cli.ticket_view import LIST_COLUMNS, SHOW_FIELDS, ticket_dict

    many = len(results) > 1
    chosen = resolve_format(fmt, many=many, stream=cli.out)
    if not many:
        emit_object(
            ticket_dict(results[0].ticket),
            fmt=chosen,
            out=cli.out,
            color=cli.color,
            fields=SHOW_FIELDS,
        )
        return
    emit_list(
        [ticket_dict(r.ticket) for r in results],
        columns=LIST_COLUMNS,
        fmt=chosen,
        out=cli.out,
        color=cli.color,
    )
