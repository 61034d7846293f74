"""``deskterm sla ...``: SLA policies (docs/sla.md), managed by leads and admins."""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskterm.cli.context import get

if TYPE_CHECKING:
    from deskterm.cli.context import CliContext
    from deskterm.domain.sla import PolicyChanges, SlaPolicy

app = typer.Typer(
    help="SLA policies: targets per priority, business calendar, pausing statuses.\n\n"
    "Example: deskterm sla add Standard --target urgent=first:30m,resolve:4h "
    "--zone Europe/Berlin --hours 'mon-fri 09:00-17:00'",
    rich_markup_mode=None,
    no_args_is_help=True,
)

FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="table, json, jsonl, csv, ids.")
]
NameArg = Annotated[str, typer.Argument(metavar="NAME", help="The policy's name (or #ID).")]
Description = Annotated[str | None, typer.Option("--description", "-d", help="What it is for.")]
QueueOpt = Annotated[
    str | None, typer.Option("--queue", metavar="QUEUE", help="Only tickets of this queue.")
]
TypeOpt = Annotated[
    str | None, typer.Option("--type", metavar="TYPE", help="Only tickets of this type.")
]
OrgOpt = Annotated[
    str | None,
    typer.Option("--org", metavar="ORG", help="Only tickets whose requester is of this org."),
]
TargetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--target",
        metavar="PRIORITY=CLOCK:TIME,...",
        help="Business-time targets of one priority, e.g. urgent=first:30m,next:2h,resolve:4h "
        "(clocks: first, next, resolve; times: 45m, 8h, 1h30m; CLOCK:none or PRIORITY=none "
        "removes). Repeat for each priority.",
    ),
]
ZoneOpt = Annotated[
    str | None, typer.Option("--zone", metavar="ZONE", help="Time zone, e.g. Europe/Berlin.")
]
HoursOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--hours",
        metavar="SPEC",
        help="Working hours: 'mon-fri 09:00-17:00', 'mon=09:00-12:00,13:00-17:00' or 24x7. "
        "Repeat to add days; days not named are off.",
    ),
]
HolidayOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--holiday",
        metavar="YYYY-MM-DD",
        help="A day off; repeat for more (on edit, replaces the list; none clears it).",
    ),
]
CountryOpt = Annotated[
    str | None,
    typer.Option(
        "--country", metavar="CC[-SUB]", help="Add this country's public holidays: DE, DE-BY."
    ),
]
PauseOpt = Annotated[
    str | None,
    typer.Option(
        "--pause", metavar="STATUSES", help="Statuses that pause the clocks: pending,on_hold|none."
    ),
]
WarnOpt = Annotated[
    int | None,
    typer.Option("--warn", metavar="PERCENT", help="Warning at this share of a target (80)."),
]
EscalateOpt = Annotated[
    bool | None,
    typer.Option(
        "--escalate/--no-escalate",
        help="Escalate breached tickets one tier up when `deskterm sla tick` runs (default: no).",
    ),
]
IfVersion = Annotated[
    int | None,
    typer.Option("--if-version", metavar="N", help="Refuse unless the policy is at version N."),
]


@app.command("list")
def list_policies(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """List the SLA policies.

    Example: deskterm sla list --format json
    """
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.domain.sla import list_policies as load

    cli = get(ctx)
    policies = load(cli.desk())
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    shape = _table_row if chosen == "table" else _data
    rows = [shape(p) for p in policies]
    columns = (
        Column("name", "NAME", ratio=2),
        Column("applies_to", "APPLIES TO", ratio=2),
        Column("targets", "TARGETS", ratio=4),
        Column("calendar", "CALENDAR", ratio=3),
        Column("pause", "PAUSE", max_width=16),
        Column("warn", "WARN", max_width=5, justify="right"),
        Column("on_breach", "ON BREACH", max_width=9),
        Column("version", "VER", max_width=4, justify="right"),
    )
    emit_list(rows, columns=columns, fmt=chosen, out=cli.out, color=cli.color)


@app.command("show")
def show(ctx: typer.Context, name: NameArg, fmt: FormatOpt = None) -> None:
    """Show one SLA policy.

    Example: deskterm sla show Standard --format json
    """
    from deskterm.domain.sla import get_policy

    cli = get(ctx)
    _emit_policy(cli, get_policy(cli.desk(), name), fmt)


@app.command("add")
def add(
    ctx: typer.Context,
    name: NameArg,
    description: Description = None,
    queue: QueueOpt = None,
    ticket_type: TypeOpt = None,
    org: OrgOpt = None,
    target: TargetOpt = None,
    zone: ZoneOpt = None,
    hours: HoursOpt = None,
    holiday: HolidayOpt = None,
    country: CountryOpt = None,
    pause: PauseOpt = None,
    warn: WarnOpt = None,
    escalate: EscalateOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Add an SLA policy (leads and admins). Without --hours the calendar is 24x7; without
    --zone it is UTC; without --pause the clocks pause while pending.

    Example: deskterm sla add 'Network urgent' --queue 'Network L2'
    --target urgent=first:15m,resolve:2h --target high=first:1h,resolve:8h
    --zone Europe/Berlin --hours 'mon-fri 08:00-18:00' --country DE-BY --warn 75
    """
    from deskterm.domain.sla import add_policy

    cli = get(ctx)
    changes = _changes(
        description=description,
        queue=queue,
        ticket_type=ticket_type,
        org=org,
        target=target,
        zone=zone,
        hours=hours,
        holiday=holiday,
        country=country,
        pause=pause,
        warn=warn,
        escalate=escalate,
    )
    _emit_policy(cli, add_policy(cli.desk(), name, changes), fmt)


@app.command("edit")
def edit(
    ctx: typer.Context,
    name: NameArg,
    rename: Annotated[str | None, typer.Option("--name", metavar="NEW", help="A new name.")] = None,
    description: Description = None,
    queue: QueueOpt = None,
    ticket_type: TypeOpt = None,
    org: OrgOpt = None,
    target: TargetOpt = None,
    zone: ZoneOpt = None,
    hours: HoursOpt = None,
    holiday: HolidayOpt = None,
    country: CountryOpt = None,
    pause: PauseOpt = None,
    warn: WarnOpt = None,
    escalate: EscalateOpt = None,
    if_version: IfVersion = None,
    fmt: FormatOpt = None,
) -> None:
    """Change an SLA policy (leads and admins); what is not given stays. --queue, --type,
    --org and --country take none to remove them; --hours replaces every day's hours.

    Example: deskterm sla edit Standard --target urgent=next:1h --holiday 2026-12-31
    --if-version 3
    """
    from deskterm.cli.progress import progress_bar
    from deskterm.domain.sla import KEEP, PolicyChanges, edit_policy, running_tickets

    cli = get(ctx)
    changes = _changes(
        description=description,
        queue=queue,
        ticket_type=ticket_type,
        org=org,
        target=target,
        zone=zone,
        hours=hours,
        holiday=holiday,
        country=country,
        pause=pause,
        warn=warn,
        escalate=escalate,
    )
    changes = dataclasses.replace(changes, name=KEEP if rename is None else rename)
    desk = cli.desk()
    # Nothing to change is refused before any count (edit_policy says so).
    total = 0 if changes == PolicyChanges() else running_tickets(desk, name)
    with progress_bar(cli, "Recomputing clocks", total=total) as advance:
        policy = edit_policy(desk, name, changes, if_version=if_version, progress=advance)
    _emit_policy(cli, policy, fmt)


@app.command("delete")
def delete(
    ctx: typer.Context,
    name: NameArg,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Delete even if tickets run under it or a queue falls back on it: they are "
            "left without policy (unsolved tickets lose their clocks).",
        ),
    ] = False,
    if_version: IfVersion = None,
) -> None:
    """Delete an SLA policy (leads and admins). One in use is refused unless --force.

    Example: deskterm sla delete 'Old standard' --force
    """
    from deskterm.domain.sla import delete_policy

    cli = get(ctx)
    gone = delete_policy(cli.desk(), name, force=force, if_version=if_version)
    if gone.tickets or gone.queues:
        left = []
        if gone.tickets:
            left.append(f"{gone.tickets:,} ticket{'s' if gone.tickets != 1 else ''}")
        if gone.queues:
            left.append("queue " + ", ".join(gone.queues))
        print(
            f'deleted SLA policy "{gone.policy.name}"; left without policy: {" and ".join(left)}',
            file=sys.stderr,
        )


@app.command("tick")
def tick(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be escalated; change nothing.")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Escalate breached tickets whose policy escalates (--escalate) one tier up their
    queue's chain, once per breach (leads and admins). Run it every minute or five from cron
    or a systemd timer; running it again, or from two hosts at once, escalates nothing twice.

    Example: deskterm --quiet --as lead sla tick   (in a crontab: */5 * * * * ...)
    """
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.domain.tickets import escalate_breached

    cli = get(ctx)
    result = escalate_breached(cli.desk(), dry_run=dry_run)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    rows: list[dict[str, Any]] = [
        {
            "ticket_id": e.ticket_id,
            "clock": e.clock,
            "due": e.due,
            "policy": e.policy,
            "from_queue": e.from_queue,
            "to_queue": e.to_queue,
        }
        for e in result.escalations
    ]
    if chosen == "table":
        for row in rows:
            row["clock"] = row["clock"].replace("_", " ")
            row["to_queue"] = row["to_queue"] or "(no higher tier)"
    columns = (
        Column("ticket_id", "TICKET", max_width=8, justify="right"),
        Column("clock", "BREACHED", max_width=14),
        Column("due", "DUE", max_width=16),
        Column("from_queue", "FROM", ratio=2),
        Column("to_queue", "TO", ratio=2),
        Column("policy", "POLICY", ratio=2),
    )
    if rows or chosen != "table":
        emit_list(rows, columns=columns, fmt=chosen, out=cli.out, color=cli.color)
    if not cli.quiet:
        verb = "would escalate" if dry_run else "escalated"
        moved, stayed = len(result.moved), len(result.stayed)
        summary = f"{verb} {moved} ticket{'s' if moved != 1 else ''}"
        if stayed:
            summary += f"; {stayed} breached in a queue with no higher tier"
        print(summary, file=sys.stderr)


# ----------------------------------------------------------------------------- helpers


def _none(value: str | None) -> str | None:
    """``none`` (any case) or an empty value: remove."""
    return None if value is None or value.strip().lower() in ("", "none") else value


def _changes(
    *,
    description: str | None,
    queue: str | None,
    ticket_type: str | None,
    org: str | None,
    target: list[str] | None,
    zone: str | None,
    hours: list[str] | None,
    holiday: list[str] | None,
    country: str | None,
    pause: str | None,
    warn: int | None,
    escalate: bool | None,
) -> PolicyChanges:
    """The options as the domain's changes; each option not given is KEEP."""
    from deskterm.domain.sla import KEEP, PolicyChanges, parse_hours, parse_targets

    holidays: Any = KEEP
    if holiday:
        holidays = [day for day in holiday if day.strip().lower() != "none"]
    return PolicyChanges(
        description=KEEP if description is None else description,
        queue=KEEP if queue is None else _none(queue),
        type=KEEP if ticket_type is None else _none(ticket_type),
        organization=KEEP if org is None else _none(org),
        targets=parse_targets(target or ()),
        zone=KEEP if zone is None else zone,
        hours=KEEP if not hours else parse_hours(hours),
        holidays=holidays,
        country=KEEP if country is None else _none(country),
        pause_statuses=KEEP if pause is None else [pause],
        warning_percent=KEEP if warn is None else warn,
        escalate_on_breach=KEEP if escalate is None else escalate,
    )


def _data(policy: SlaPolicy) -> dict[str, Any]:
    """A policy for machine formats: every stored field, ids of what it applies to beside
    their names."""
    data = dataclasses.asdict(policy)
    data["pause_statuses"] = list(policy.pause_statuses)
    return data


def _on_breach(policy: SlaPolicy, *, long: bool = False) -> str:
    if not policy.escalate_on_breach:
        return "nothing" if long else "-"
    return "escalate one tier up (deskterm sla tick)" if long else "escalate"


def _table_row(policy: SlaPolicy) -> dict[str, Any]:
    from deskterm.domain.sla import applies_to, calendar_text, targets_text

    return {
        "id": policy.id,
        "name": policy.name,
        "applies_to": applies_to(policy),
        "targets": targets_text(policy, one_line=True),
        "calendar": calendar_text(policy),
        "pause": ",".join(policy.pause_statuses) or "none",
        "warn": f"{policy.warning_percent}%",
        "on_breach": _on_breach(policy),
        "version": policy.version,
    }


def _emit_policy(cli: CliContext, policy: SlaPolicy, fmt: str | None) -> None:
    from deskterm.cli.output import emit_object, resolve_format

    chosen = resolve_format(fmt, many=False, stream=cli.out)
    if chosen != "table":
        emit_object(_data(policy), fmt=chosen, out=cli.out, color=cli.color)
        return
    calendar = policy.calendar
    from deskterm.domain.sla import applies_to, describe_hours, targets_text

    sub = calendar.get("subdivision")
    shown = {
        "name": policy.name,
        "description": policy.description,
        "applies_to": applies_to(policy),
        "targets": targets_text(policy, one_line=False),
        "zone": calendar["zone"],
        "hours": describe_hours(calendar["hours"]),
        "holidays": ", ".join(calendar.get("holidays") or []) or "none",
        "country": (calendar.get("country") or "none") + (f"-{sub}" if sub else ""),
        "pause": ",".join(policy.pause_statuses) or "none",
        "warning": f"{policy.warning_percent}% of a target",
        "on_breach": _on_breach(policy, long=True),
        "updated_at": policy.updated_at,
        "version": policy.version,
    }
    fields = [
        ("name", "Policy"),
        ("description", "Description"),
        ("applies_to", "Applies to"),
        ("targets", "Targets"),
        ("zone", "Time zone"),
        ("hours", "Hours"),
        ("holidays", "Holidays"),
        ("country", "Country"),
        ("pause", "Paused while"),
        ("warning", "Warning at"),
        ("on_breach", "On breach"),
        ("updated_at", "Updated"),
        ("version", "Version"),
    ]
    emit_object(shown, fmt="table", out=cli.out, color=cli.color, fields=fields)
