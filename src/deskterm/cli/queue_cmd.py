"""``deskterm queue ...``: list, show, add, edit, delete, members.

Putting agents in queues is ``deskterm agent join|leave`` (cli/agent_cmd.py).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskterm.cli import completion
from deskterm.cli.context import get

if TYPE_CHECKING:
    from datetime import datetime

    from deskterm.cli.context import CliContext
    from deskterm.cli.output import Column

app = typer.Typer(
    help="Queues, their tiers, escalation and members.\n\n"
    "Example: deskterm queue add 'Network L2' --tier L2 --escalates-to 'Infrastructure L3'",
    rich_markup_mode=None,
    no_args_is_help=True,
)

FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="table, json, jsonl, csv, ids.")
]
QueueArg = Annotated[
    str, typer.Argument(metavar="QUEUE", help="A queue's name.", autocompletion=completion.queues)
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        metavar="D", help="Count escalations from: 2026-11-01, 2026-11-01T08:00 or 7d (else ever)."
    ),
]
TierOpt = Annotated[str | None, typer.Option(help="L1, L2 or L3.")]
DescriptionOpt = Annotated[str | None, typer.Option(help="What the queue is for.")]
ConfidentialOpt = Annotated[
    bool | None,
    typer.Option(
        "--confidential/--open",
        help="Confidential: only its members and admins see its tickets; open: every agent.",
        show_default=False,
    ),
]


def _not_blank(option: str, value: str | None) -> str | None:
    """A script's empty variable (``--escalates-to "$Q"``) must not mean "leave as is"."""
    if value is None or value.strip():
        return value
    from deskterm.errors import InvalidInput

    raise InvalidInput(f"{option} is empty; give a queue's name, or leave the option out")


def _since(cli: CliContext, raw: str | None) -> datetime | None:
    from deskterm.domain import reports

    return reports.parse_bound(raw, now=cli.desk().now(), end=False, what="--since")


def _columns() -> tuple[Column, ...]:
    from deskterm.cli.output import Column

    return (
        Column("name", "NAME", min_width=6, ratio=2),
        Column("tier", "TIER", min_width=4),
        Column("escalates_to", "ESCALATES TO", min_width=6, ratio=2),
        Column("member_count", "MEMBERS", min_width=7, justify="right"),
        Column("open_tickets", "OPEN", min_width=4, justify="right"),
        Column("escalations", "ESCALATED", min_width=9, justify="right"),
    )


@app.command("list")
def list_queues(ctx: typer.Context, since: SinceOpt = None, fmt: FormatOpt = None) -> None:
    """List the queues: tier, where each escalates to, members, unsolved tickets, and how
    many tickets were escalated out of each (since --since, else ever).

    Example: deskterm queue list --since 30d --format json
    """
    from deskterm.cli.output import emit_list, resolve_format
    from deskterm.domain.queues import queue_stats

    cli = get(ctx)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    rows = [dataclasses.asdict(q) for q in queue_stats(cli.desk(), since=_since(cli, since))]
    emit_list(rows, columns=_columns(), fmt=chosen, out=cli.out, color=cli.color)


@app.command("show")
def show(
    ctx: typer.Context, queue: QueueArg, since: SinceOpt = None, fmt: FormatOpt = None
) -> None:
    """Show a queue: its fields, figures, escalation chain and members.

    Example: deskterm queue show 'Network L2'
    """
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.domain.queues import queue_detail

    cli = get(ctx)
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    found = queue_detail(cli.desk(), queue, since=_since(cli, since))
    members = [_member(m) for m in found.members]
    data: dict[str, Any] = {
        **dataclasses.asdict(found.queue),
        "chain": list(found.chain),
        "escalated_from": list(found.escalated_from),
        "members": members,
        "default_sla_policy": found.default_sla_policy,
        "auto_reply": found.auto_reply,
    }
    if chosen != "table":
        emit_object(data, fmt=chosen, out=cli.out, color=cli.color)
        return
    shown = {
        **data,
        "chain": " -> ".join(found.chain) or "-",
        "escalated_from": ", ".join(found.escalated_from) or "-",
        "members": ", ".join(m["handle"] for m in members) or "-",
        "escalates_to": data["escalates_to"] or "-",
        "default_sla_policy": found.default_sla_policy or "-",
        "description": data["description"] or "-",
        "auto_reply": found.auto_reply or "-",
    }
    fields = [
        ("name", "Name"),
        ("tier", "Tier"),
        ("description", "Description"),
        ("escalates_to", "Escalates to"),
        ("default_sla_policy", "SLA policy"),
        ("auto_reply", "Auto reply"),
        ("confidential", "Confidential"),
        ("chain", "Chain"),
        ("escalated_from", "Escalated from"),
        ("members", "Members"),
        ("open_tickets", "Open tickets"),
        ("escalations", "Escalated"),
    ]
    emit_object(shown, fmt=chosen, out=cli.out, color=cli.color, fields=fields)


def _member(member: Any) -> dict[str, Any]:
    data = dataclasses.asdict(member)
    data.pop("queue")
    return data


@app.command("members")
def members(ctx: typer.Context, queue: QueueArg, fmt: FormatOpt = None) -> None:
    """List the agents in a queue (ticket take hands them its tickets).

    Example: deskterm queue members 'Network L2' --format csv
    """
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.domain.queues import queue_members

    cli = get(ctx)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    rows = [dataclasses.asdict(m) for m in queue_members(cli.desk(), queue)]
    columns = (
        Column("handle", "HANDLE", min_width=6),
        Column("name", "NAME", min_width=6, ratio=2),
        Column("role", "ROLE", min_width=5),
        Column("added_at", "ADDED", min_width=10),
    )
    emit_list(rows, columns=columns, fmt=chosen, out=cli.out, color=cli.color, id_key="handle")


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The new queue's name.")],
    tier: TierOpt = None,
    description: DescriptionOpt = None,
    escalates_to: Annotated[
        str | None,
        typer.Option(
            metavar="QUEUE",
            help="Where its tickets go when escalated.",
            autocompletion=completion.queues,
        ),
    ] = None,
    confidential: ConfidentialOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Add a queue (leads and admins). A confidential queue's tickets are seen only by its
    members and admins; a lead who adds one becomes its first member.

    Example: deskterm queue add 'Network L2' --tier L2 --escalates-to 'Infrastructure L3'
    """
    from deskterm.domain.queues import add_queue

    cli = get(ctx)
    created = add_queue(
        cli.desk(),
        name,
        tier=_not_blank("--tier", tier) or "L1",
        description=description or "",
        escalates_to=_not_blank("--escalates-to", escalates_to),
        confidential=bool(confidential),
    )
    _emit_queue(cli, created, fmt)


@app.command("edit")
def edit(
    ctx: typer.Context,
    queue: QueueArg,
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    tier: TierOpt = None,
    description: DescriptionOpt = None,
    escalates_to: Annotated[
        str | None,
        typer.Option(
            metavar="QUEUE|none",
            help="Where its tickets go when escalated; none: nowhere.",
            autocompletion=completion.queues,
        ),
    ] = None,
    sla: Annotated[
        str | None,
        typer.Option(
            "--sla",
            metavar="POLICY|none",
            help="The SLA policy its tickets fall back on; none: no default.",
        ),
    ] = None,
    auto_reply: Annotated[
        str | None,
        typer.Option(
            "--auto-reply",
            metavar="TEXT|none",
            help="Acknowledge each new ticket that lands here with this automatic reply (a "
            "template: {{ ticket.id }}, {{ requester.first_name | default('there') }}); "
            "none: no reply. A rule's own reply goes first.",
        ),
    ] = None,
    confidential: ConfidentialOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Change a queue's name, tier, description, escalation, default SLA policy, automatic
    first response or confidentiality (admins, and leads who are its members).

    A link that would close a loop (L3 escalating back to L1) is refused.

    Example: deskterm queue edit 'Service Desk' --escalates-to 'Network L2'
    """
    from deskterm.domain.queues import UNCHANGED, edit_queue

    cli = get(ctx)
    target: Any = UNCHANGED
    given = _not_blank("--escalates-to", escalates_to)
    if given is not None:
        target = None if given.strip().lower() == "none" else given
    policy: Any = UNCHANGED
    chosen = _not_blank("--sla", sla)
    if chosen is not None:
        policy = None if chosen.strip().lower() == "none" else chosen
    changed = edit_queue(
        cli.desk(),
        queue,
        new_name=_not_blank("--name", name),
        tier=_not_blank("--tier", tier),
        description=description,
        escalates_to=target,
        sla_policy=policy,
        auto_reply=_auto_reply(auto_reply),
        confidential=confidential,
    )
    _emit_queue(cli, changed, fmt)


def _auto_reply(text: str | None) -> Any:
    from deskterm.domain.queues import UNCHANGED

    if text is None:
        return UNCHANGED
    return None if text.strip().lower() in ("", "none") else text


def _emit_queue(cli: CliContext, queue: Any, fmt: str | None) -> None:
    from deskterm.cli.output import emit_object, resolve_format

    chosen = resolve_format(fmt, many=False, stream=cli.out)
    emit_object(dataclasses.asdict(queue), fmt=chosen, out=cli.out, color=cli.color)


@app.command("delete")
def delete(
    ctx: typer.Context,
    queue: QueueArg,
    move_to: Annotated[
        str | None,
        typer.Option(
            metavar="QUEUE",
            help="Move its tickets (closed ones too) to this queue first.",
            autocompletion=completion.queues,
        ),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Delete a queue (leads and admins).

    A queue that holds tickets is deleted only with --move-to, which moves them in the same
    transaction (each keeps a history entry); a queue others escalate to is kept until they
    point elsewhere.

    Example: deskterm queue delete 'Printers' --move-to 'Service Desk'
    """
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.domain.queues import delete_queue

    cli = get(ctx)
    gone = delete_queue(cli.desk(), queue, move_to=_not_blank("--move-to", move_to))
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    if chosen != "table":
        emit_object(dataclasses.asdict(gone), fmt=chosen, out=cli.out, color=cli.color)
        return
    from deskterm.domain.text import sanitize

    moved = ""
    if gone.moved_to is not None:
        many = "ticket" if gone.moved == 1 else "tickets"
        moved = f"; moved {gone.moved:,} {many} to {sanitize(gone.moved_to)}"
    cli.out.write(f"Deleted queue {sanitize(gone.name)}{moved}\n")
