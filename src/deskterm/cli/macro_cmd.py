"""``deskterm macro ...``: canned replies and notes with field changes (docs/macros.md)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskterm.cli.context import get

if TYPE_CHECKING:
    from deskterm.cli.context import CliContext
    from deskterm.domain.models import Macro, MacroApplied

app = typer.Typer(
    help="Macros: a canned reply or note plus field changes, applied in one step.\n\n"
    "Example: deskterm macro apply 12 --macro 'Password reset'",
    rich_markup_mode=None,
    no_args_is_help=True,
)

FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="table, json, jsonl, csv, ids.")
]
NameArg = Annotated[str, typer.Argument(metavar="NAME", help="The macro's name (or #ID).")]
SharedOpt = Annotated[
    bool,
    typer.Option(
        "--shared", help="The shared macro of that name (else yours first, then the shared)."
    ),
]
BodyOpt = Annotated[
    str | None,
    typer.Option(
        "--body",
        "-b",
        metavar="TEXT",
        help="The reply or note, with {{ variables }} (docs/macros.md); - reads stdin.",
    ),
]
BodyFileOpt = Annotated[
    str | None, typer.Option("--body-file", metavar="PATH", help="Read the text from a file.")
]
KindOpt = Annotated[
    str | None,
    typer.Option("--kind", metavar="reply|note", help="Public reply (default) or internal note."),
]
StatusOpt = Annotated[str | None, typer.Option("--status", help="Set this status.")]
PriorityOpt = Annotated[str | None, typer.Option("--priority", help="Set this priority.")]
TypeOpt = Annotated[str | None, typer.Option("--type", help="Set this type.")]
QueueOpt = Annotated[str | None, typer.Option("--queue", help="Move to this queue.")]
AssigneeOpt = Annotated[
    str | None,
    typer.Option(
        "--assignee",
        metavar="HANDLE|me|none",
        help="Assign (me: whoever applies it) or unassign (none).",
    ),
]
AddTagOpt = Annotated[list[str] | None, typer.Option("--add-tag", help="Add a tag.")]
RemoveTagOpt = Annotated[list[str] | None, typer.Option("--remove-tag", help="Remove a tag.")]

#: What ``macro edit --clear`` can stop a macro from changing.
CLEARABLE = ("status", "priority", "type", "queue", "assignee", "tags")


@app.command("list")
def list_macros(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """List your macros and the shared ones, by name.

    Example: deskterm macro list --format json
    """
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.domain.macros import list_macros as load

    cli = get(ctx)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    macros = load(cli.desk())
    rows = [_table_row(m) if chosen == "table" else _data(m) for m in macros]
    columns = (
        Column("name", "NAME", ratio=2),
        Column("kind", "KIND", max_width=5),
        Column("changes", "CHANGES", ratio=3),
        Column("text", "TEXT", ratio=3),
        Column("owner", "OWNER", max_width=12),
    )
    emit_list(rows, columns=columns, fmt=chosen, out=cli.out, color=cli.color)


@app.command("show")
def show(
    ctx: typer.Context, name: NameArg, shared: SharedOpt = False, fmt: FormatOpt = None
) -> None:
    """Show one macro: its text and the fields it changes.

    Example: deskterm macro show 'Password reset' --format json
    """
    from deskterm.domain.macros import get_macro

    cli = get(ctx)
    _emit_macro(cli, get_macro(cli.desk(), name, shared=shared), fmt)


@app.command("add")
def add(
    ctx: typer.Context,
    name: NameArg,
    body: BodyOpt = None,
    body_file: BodyFileOpt = None,
    kind: KindOpt = None,
    status: StatusOpt = None,
    priority: PriorityOpt = None,
    ticket_type: TypeOpt = None,
    queue: QueueOpt = None,
    assignee: AssigneeOpt = None,
    add_tag: AddTagOpt = None,
    remove_tag: RemoveTagOpt = None,
    shared: Annotated[
        bool, typer.Option("--shared", help="For every agent (leads and admins).")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Add a macro: yours, or with --shared one for every agent. The text is checked now:
    an unknown variable or a syntax error is refused.

    Example: deskterm macro add 'Waiting for you' --status pending
    --body 'Hi {{ requester.first_name | default("there") }}, could you send us a screenshot?'
    """
    from deskterm.cli.decode import body_text
    from deskterm.domain.macros import MacroSpec, add_macro

    cli = get(ctx)
    fields = _fields(
        body=body_text(body, body_file),
        kind=kind,
        status=status,
        priority=priority,
        ticket_type=ticket_type,
        queue=queue,
        assignee=assignee,
        add_tag=add_tag,
        remove_tag=remove_tag,
    )
    macro = add_macro(cli.desk(), name, MacroSpec(**fields), shared=shared)
    _emit_macro(cli, macro, fmt)


@app.command("edit")
def edit(
    ctx: typer.Context,
    name: NameArg,
    rename: Annotated[str | None, typer.Option("--name", metavar="NEW", help="A new name.")] = None,
    body: BodyOpt = None,
    body_file: BodyFileOpt = None,
    kind: KindOpt = None,
    status: StatusOpt = None,
    priority: PriorityOpt = None,
    ticket_type: TypeOpt = None,
    queue: QueueOpt = None,
    assignee: AssigneeOpt = None,
    add_tag: AddTagOpt = None,
    remove_tag: RemoveTagOpt = None,
    clear: Annotated[
        list[str] | None,
        typer.Option(
            "--clear",
            metavar="FIELD",
            help="Stop changing this field: status, priority, type, queue, assignee, tags.",
        ),
    ] = None,
    shared: SharedOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """Change a macro; what is not given stays. --add-tag and --remove-tag replace the
    macro's tag lists. A shared macro needs a lead or an admin.

    Example: deskterm macro edit 'Waiting for you' --priority low --clear queue
    """
    from deskterm.cli.decode import body_text
    from deskterm.domain.macros import edit_macro
    from deskterm.errors import InvalidInput

    cli = get(ctx)
    fields: dict[str, Any] = _fields(
        body=body_text(body, body_file),
        kind=kind,
        status=status,
        priority=priority,
        ticket_type=ticket_type,
        queue=queue,
        assignee=assignee,
        add_tag=add_tag,
        remove_tag=remove_tag,
    )
    for item in clear or ():
        what = item.strip().lower()
        if what not in CLEARABLE:
            raise InvalidInput(f'cannot clear "{item}"; allowed: {", ".join(CLEARABLE)}')
        if what == "tags":
            fields["add_tags"] = ()
            fields["remove_tags"] = ()
        else:
            fields[what] = None
    if rename is not None:
        fields["name"] = rename
    if not fields:
        raise InvalidInput("nothing to change; give at least one option")
    _emit_macro(cli, edit_macro(cli.desk(), name, fields, shared=shared), fmt)


@app.command("delete")
def delete(ctx: typer.Context, name: NameArg, shared: SharedOpt = False) -> None:
    """Delete a macro (a shared one: leads and admins).

    Example: deskterm macro delete 'Old greeting'
    """
    from deskterm.domain.macros import delete_macro

    delete_macro(get(ctx).desk(), name, shared=shared)


@app.command("apply")
def apply(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID")],
    macro: Annotated[str, typer.Option("--macro", "-m", metavar="NAME", help="The macro.")],
    shared: SharedOpt = False,
    if_version: Annotated[
        int | None,
        typer.Option(
            "--if-version",
            metavar="N",
            min=0,
            max=2**63 - 1,
            help="Refuse unless the ticket is at version N.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the text and the changes, change nothing.")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Apply a macro to a ticket: its text as a reply or note, and its field changes, in
    one change (one version, one audit entry naming the macro).

    Example: deskterm macro apply 12 --macro 'Password reset' --if-version 4 --dry-run
    """
    from deskterm.domain.macros import apply_macro
    from deskterm.domain.validate import ticket_id

    cli = get(ctx)
    result = apply_macro(
        cli.desk(),
        ticket_id(ticket),
        macro,
        shared=shared,
        if_version=if_version,
        dry_run=dry_run,
    )
    _emit_applied(cli, result, fmt, dry_run=dry_run)


# ------------------------------------------------------------------------------ helpers


def _fields(
    *,
    body: str | None,
    kind: str | None,
    status: str | None,
    priority: str | None,
    ticket_type: str | None,
    queue: str | None,
    assignee: str | None,
    add_tag: list[str] | None,
    remove_tag: list[str] | None,
) -> dict[str, Any]:
    """The options given, as MacroSpec fields (an option not given is left out)."""
    given = {
        "body": body,
        "kind": kind,
        "status": status,
        "priority": priority,
        "type": ticket_type,
        "queue": queue,
        "assignee": assignee,
        "add_tags": tuple(add_tag) if add_tag else None,
        "remove_tags": tuple(remove_tag) if remove_tag else None,
    }
    return {key: value for key, value in given.items() if value is not None}


def _data(macro: Macro) -> dict[str, Any]:
    return dataclasses.asdict(macro)


def _changes_text(macro: Macro) -> str:
    parts = [
        f"{name} {value}"
        for name, value in (
            ("status", macro.status),
            ("priority", macro.priority),
            ("type", macro.type),
            ("queue", macro.queue),
            ("assignee", macro.assignee),
        )
        if value is not None
    ]
    parts += [f"+{t}" for t in macro.add_tags] + [f"-{t}" for t in macro.remove_tags]
    return ", ".join(parts) or "–"


def _table_row(macro: Macro) -> dict[str, Any]:
    first = next((line.strip() for line in macro.body.splitlines() if line.strip()), "")
    return {
        "name": macro.name,
        "kind": macro.kind,
        "changes": _changes_text(macro),
        "text": first or "–",
        "owner": macro.owner or "shared",
    }


def _emit_macro(cli: CliContext, macro: Macro, fmt: str | None) -> None:
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.domain.text import sanitize

    chosen = resolve_format(fmt, many=False, stream=cli.out)
    if chosen != "table":
        emit_object(_data(macro), fmt=chosen, out=cli.out, color=cli.color)
        return
    kind = "public reply" if macro.kind == "reply" else "internal note"
    lines = [
        f"Macro: {sanitize(macro.name)}  (#{macro.id}, {macro.owner or 'shared'})",
        f"Kind: {kind}",
        f"Changes: {_changes_text(macro)}",
        "",
        sanitize(macro.body, multiline=True) if macro.body else "(no text)",
    ]
    cli.out.write("\n".join(lines) + "\n")


def _emit_applied(cli: CliContext, result: MacroApplied, fmt: str | None, *, dry_run: bool) -> None:
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.cli.ticket_view import ticket_dict
    from deskterm.domain.text import sanitize
    from deskterm.domain.tickets import describe_change

    chosen = resolve_format(fmt, many=False, stream=cli.out)
    if chosen != "table":
        data = {
            "macro": result.macro,
            "kind": result.kind,
            "text": result.text,
            "changes": [dataclasses.asdict(c) for c in result.changes],
            "dry_run": dry_run,
            "ticket": ticket_dict(result.ticket),
        }
        emit_object(data, fmt=chosen, out=cli.out, color=cli.color)
        return
    done = "would apply (dry run, nothing changed)" if dry_run else "applied"
    kind = "Public reply" if result.kind == "reply" else "Internal note"
    lines = [f'Macro "{sanitize(result.macro)}" {done} on #{result.ticket.id}', ""]
    if result.text is not None:
        lines += [f"{kind}:", sanitize(result.text, multiline=True), ""]
    else:
        lines += ["No reply or note.", ""]
    if result.changes:
        lines.append("Changes:")
        lines += [f"  {describe_change(c)}" for c in result.changes]
    else:
        lines.append("No field changes.")
    if not dry_run:
        lines.append(f"Ticket #{result.ticket.id} is now at version {result.ticket.version}.")
    cli.out.write("\n".join(lines) + "\n")
