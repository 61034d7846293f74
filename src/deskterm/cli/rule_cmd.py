"""``deskterm rule ...``: triage rules (docs/rules.md), managed by leads and admins."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskterm.cli.context import get

if TYPE_CHECKING:
    from deskterm.cli.context import CliContext
    from deskterm.domain.rules import Actions, Rule

app = typer.Typer(
    help="Triage rules: what happens to each new ticket, in order.\n\n"
    "Example: deskterm rule add 'VPN to network' --if vpn --queue 'Network L2' --priority high",
    rich_markup_mode=None,
    no_args_is_help=True,
)

FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="table, json, jsonl, csv, ids.")
]
NameArg = Annotated[str, typer.Argument(metavar="RULE", help="The rule's name (or #ID).")]
IfOpt = Annotated[
    str | None,
    typer.Option(
        "--if",
        metavar="QUERY",
        help="Which new tickets: a query as in ticket list, e.g. 'vpn priority:>=high'.",
    ),
]
QueueOpt = Annotated[str | None, typer.Option("--queue", metavar="QUEUE", help="Move it there.")]
PriorityOpt = Annotated[
    str | None, typer.Option("--priority", metavar="PRIORITY", help="Set the priority.")
]
TypeOpt = Annotated[str | None, typer.Option("--type", metavar="TYPE", help="Set the type.")]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", metavar="TAG", help="Add a tag; repeat for more.")
]
AssignOpt = Annotated[
    str | None, typer.Option("--assign", metavar="AGENT", help="Assign it to this agent.")
]
NoteOpt = Annotated[
    str | None, typer.Option("--note", metavar="TEXT", help="Add an internal note.")
]
ReplyOpt = Annotated[
    str | None,
    typer.Option(
        "--reply",
        metavar="TEXT",
        help="Send this automatic reply (marked automatic; never a first response).",
    ),
]
ThenOpt = Annotated[
    str | None,
    typer.Option(
        "--then",
        metavar="stop|continue",
        help="After a match: stop (first match wins, the default) or continue to later rules.",
    ),
]
IfVersion = Annotated[
    int | None,
    typer.Option("--if-version", metavar="N", help="Refuse unless the rule is at version N."),
]


@app.command("list")
def list_rules(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """List the rules in the order they run.

    Example: deskterm rule list --format json
    """
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.domain.rules import list_rules as load

    cli = get(ctx)
    rules = load(cli.desk())
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    rows = [_table_row(r) if chosen == "table" else _data(r) for r in rules]
    columns = (
        Column("position", "#", min_width=2, max_width=3, justify="right"),
        Column("name", "NAME", ratio=2),
        Column("condition", "IF", ratio=2),
        Column("does", "THEN", ratio=3),
        Column("after", "AFTER", max_width=8),
        Column("state", "STATE", max_width=8),
    )
    emit_list(rows, columns=columns, fmt=chosen, out=cli.out, color=cli.color)


@app.command("show")
def show(ctx: typer.Context, name: NameArg, fmt: FormatOpt = None) -> None:
    """Show one rule.

    Example: deskterm rule show 'VPN to network'
    """
    from deskterm.domain.rules import get_rule

    cli = get(ctx)
    _emit_rule(cli, get_rule(cli.desk(), name), fmt)


@app.command("add")
def add(
    ctx: typer.Context,
    name: NameArg,
    condition: IfOpt = None,
    queue: QueueOpt = None,
    priority: PriorityOpt = None,
    ticket_type: TypeOpt = None,
    tag: TagOpt = None,
    assign: AssignOpt = None,
    note: NoteOpt = None,
    reply: ReplyOpt = None,
    then: ThenOpt = None,
    position: Annotated[
        int | None,
        typer.Option("--position", metavar="N", help="Run it Nth (1 = first; default: last)."),
    ] = None,
    disabled: Annotated[bool, typer.Option("--disabled", help="Save it switched off.")] = False,
    fmt: FormatOpt = None,
) -> None:
    """Add a rule (leads and admins): --if QUERY and at least one action. Everything it names
    is checked now; a rule is never saved broken.

    Example: deskterm rule add 'Outage' --if 'outage' --priority urgent --then continue
    """
    from deskterm.domain.rules import add_rule

    cli = get(ctx)
    if condition is None:
        raise typer.BadParameter("give --if QUERY: which new tickets the rule applies to")
    actions = _actions(queue, priority, ticket_type, tag, assign, note, reply)
    rule = add_rule(
        cli.desk(),
        name,
        condition,
        actions,
        stop=_stop(then, default=True),
        enabled=not disabled,
        position=position,
    )
    _emit_rule(cli, rule, fmt)


@app.command("edit")
def edit(
    ctx: typer.Context,
    name: NameArg,
    rename: Annotated[str | None, typer.Option("--name", metavar="NEW", help="A new name.")] = None,
    condition: IfOpt = None,
    queue: QueueOpt = None,
    priority: PriorityOpt = None,
    ticket_type: TypeOpt = None,
    tag: TagOpt = None,
    assign: AssignOpt = None,
    note: NoteOpt = None,
    reply: ReplyOpt = None,
    then: ThenOpt = None,
    enable: Annotated[
        bool | None, typer.Option("--enable/--disable", help="Switch it on or off.")
    ] = None,
    if_version: IfVersion = None,
    fmt: FormatOpt = None,
) -> None:
    """Change a rule (leads and admins). Any action option replaces all the actions; what is
    not given stays.

    Example: deskterm rule edit 'VPN to network' --disable
    """
    from deskterm.domain.rules import RuleChanges, edit_rule

    cli = get(ctx)
    given = (queue, priority, ticket_type, tag, assign, note, reply)
    changes = RuleChanges(
        name=rename,
        condition=condition,
        actions=_actions(*given) if any(v for v in given) else None,
        stop=None if then is None else _stop(then, default=True),
        enabled=enable,
    )
    _emit_rule(cli, edit_rule(cli.desk(), name, changes, if_version=if_version), fmt)


@app.command("delete")
def delete(ctx: typer.Context, name: NameArg, if_version: IfVersion = None) -> None:
    """Delete a rule (leads and admins); the others keep their order.

    Example: deskterm rule delete 'Old routing'
    """
    from deskterm.domain.rules import delete_rule

    cli = get(ctx)
    gone = delete_rule(cli.desk(), name, if_version=if_version)
    if not cli.quiet:
        print(f'deleted rule "{gone.name}"', file=sys.stderr)


@app.command("move")
def move(
    ctx: typer.Context,
    name: NameArg,
    position: Annotated[int, typer.Argument(metavar="POSITION", help="1 runs first.")],
) -> None:
    """Move a rule to run at POSITION (1 = first; the others shift).

    Example: deskterm rule move 'VIP customers' 1
    """
    from deskterm.domain.rules import move_rule

    cli = get(ctx)
    moved = move_rule(cli.desk(), name, position)
    if not cli.quiet:
        print(f'rule "{moved.name}" now runs at position {moved.position}', file=sys.stderr)


@app.command("test")
def test(
    ctx: typer.Context,
    name: NameArg,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=10_000, help="At most this many tickets.")
    ] = 50,
    fmt: FormatOpt = None,
) -> None:
    """Show which existing tickets the rule's condition matches and what it would change on
    each. Changes nothing.

    Example: deskterm rule test 'VPN to network' --limit 20
    """
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.domain.tickets import preview_rule

    cli = get(ctx)
    rule, shown = preview_rule(cli.desk(), name, limit=limit)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    rows: list[dict[str, Any]] = []
    for p in shown:
        changes = [_change_text(c.field, c.old, c.new) for c in p.changes]
        rows.append(
            {
                "ticket_id": p.ticket_id,
                "subject": p.subject,
                "changes": "; ".join(changes) if chosen in ("table", "csv") else changes,
                "problem": p.problem,
            }
        )
    if chosen == "table":
        for row in rows:
            if row["problem"]:
                row["changes"] = f"cannot apply: {row['problem']}"
            elif not row["changes"]:
                row["changes"] = "(nothing to change)"
    columns = (
        Column("ticket_id", "TICKET", max_width=8, justify="right"),
        Column("subject", "SUBJECT", ratio=2),
        Column("changes", "WOULD CHANGE", ratio=3),
    )
    emit_list(rows, columns=columns, fmt=chosen, out=cli.out, color=cli.color, id_key="ticket_id")
    if not cli.quiet:
        print(
            f'rule "{rule.name}" matches {len(rows)} existing ticket'
            f"{'s' if len(rows) != 1 else ''}"
            f"{' (the first ' + str(limit) + ')' if len(rows) == limit else ''}; "
            "nothing was changed",
            file=sys.stderr,
        )


# ----------------------------------------------------------------------------- helpers


def _actions(
    queue: str | None,
    priority: str | None,
    ticket_type: str | None,
    tag: list[str] | None,
    assign: str | None,
    note: str | None,
    reply: str | None,
) -> Actions:
    from deskterm.domain.rules import Actions

    return Actions(
        queue=queue,
        priority=priority,
        type=ticket_type,
        add_tags=tuple(tag or ()),
        assignee=assign,
        note=note,
        reply=reply,
    )


def _stop(then: str | None, *, default: bool) -> bool:
    if then is None:
        return default
    word = then.strip().lower()
    if word not in ("stop", "continue"):
        raise typer.BadParameter(f'--then takes stop or continue, not "{then}"')
    return word == "stop"


def _change_text(field: str, old: str | None, new: str | None) -> str:
    if old is None and new is None:
        return field
    if field == "tags":
        return f"tags {new}"
    return f"{field}: {old or '-'} -> {new or '-'}"


def _data(rule: Rule) -> dict[str, Any]:
    actions = {
        key: value
        for key, value in {
            "queue": rule.actions.queue,
            "priority": rule.actions.priority,
            "type": rule.actions.type,
            "add_tags": list(rule.actions.add_tags),
            "assignee": rule.actions.assignee,
            "note": rule.actions.note,
            "reply": rule.actions.reply,
        }.items()
        if value
    }
    return {
        "id": rule.id,
        "name": rule.name,
        "position": rule.position,
        "enabled": rule.enabled,
        "condition": rule.condition,
        "actions": actions,
        "then": "stop" if rule.stop else "continue",
        "created_at": rule.created_at,
        "updated_at": rule.updated_at,
        "version": rule.version,
    }


def _table_row(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "position": rule.position,
        "name": rule.name,
        "condition": rule.condition,
        "does": ", ".join(rule.actions.describe()),
        "after": "stop" if rule.stop else "continue",
        "state": "on" if rule.enabled else "off",
    }


def _emit_rule(cli: CliContext, rule: Rule, fmt: str | None) -> None:
    from deskterm.cli.output import emit_object, resolve_format

    chosen = resolve_format(fmt, many=False, stream=cli.out)
    if chosen != "table":
        emit_object(_data(rule), fmt=chosen, out=cli.out, color=cli.color)
        return
    a = rule.actions
    shown = {
        "name": rule.name,
        "position": rule.position,
        "state": "on" if rule.enabled else "off",
        "condition": rule.condition,
        "does": ", ".join(a.describe()),
        "note": a.note or "-",
        "reply": a.reply or "-",
        "after": "stop (first match wins)" if rule.stop else "continue to later rules",
        "version": rule.version,
    }
    fields = [
        ("name", "Rule"),
        ("position", "Runs"),
        ("state", "State"),
        ("condition", "If"),
        ("does", "Then"),
        ("note", "Note"),
        ("reply", "Reply"),
        ("after", "After a match"),
        ("version", "Version"),
    ]
    emit_object(shown, fmt="table", out=cli.out, color=cli.color, fields=fields)
