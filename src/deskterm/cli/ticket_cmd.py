"""``deskterm ticket ...``: list, show, create, update, reply, note, assign, close, reopen,
escalate. Domain imports live inside the commands so ``--help`` stays fast."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from deskterm.cli import attachment_cmd, completion
from deskterm.cli.context import get

if TYPE_CHECKING:
    from deskterm.domain.desk import Desk
    from deskterm.domain.query import Query

app = typer.Typer(
    help="Work with tickets.\n\nExample: deskterm ticket list 'assignee:me status:open,pending'",
    rich_markup_mode=None,
    no_args_is_help=True,
)
app.add_typer(attachment_cmd.app, name="attachment")

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="table, json, jsonl, csv or ids.",
        autocompletion=completion.formats,
    ),
]
StatusOpt = Annotated[
    str | None,
    typer.Option(help="Also set this status.", autocompletion=completion.statuses),
]
ColumnsOpt = Annotated[
    str | None,
    typer.Option(
        "--columns",
        metavar="KEY,KEY...",
        help="Table and csv columns, from the ticket JSON keys, e.g. id,status,subject.",
    ),
]
TimeOpt = Annotated[
    str | None,
    typer.Option(
        "--time",
        metavar="DURATION",
        help="Log time spent with it: 15m, 1h30m, 2h, or 90 (minutes).",
    ),
]
AttachOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--attach",
        "-a",
        metavar="FILE",
        help="Attach a file (repeat for more); [attachments] max_size applies.",
    ),
]
IfVersionOpt = Annotated[
    int | None,
    typer.Option(
        "--if-version",
        metavar="N",
        min=0,
        max=2**63 - 1,
        help="Refuse unless the ticket is at version N.",
    ),
]


def _not_blank(option: str, value: str | None) -> str | None:
    """``value`` unless it was given but empty: a script's empty variable (``--queue "$Q"``)
    must not silently mean "leave as is", "no requester" or, for ``--query``, every ticket."""
    if value is None or value.strip():
        return value
    from deskterm.domain import vocab
    from deskterm.errors import InvalidInput

    allowed = {
        "--status": f"allowed: {', '.join(vocab.STATUSES)}",
        "--priority": f"allowed: {', '.join(vocab.PRIORITIES)}",
        "--type": f"allowed: {', '.join(vocab.TYPES)}",
        "--channel": f"allowed: {', '.join(vocab.CHANNELS)}",
        "--assignee": "give an agent's handle, me or none",
        "HANDLE": "give an agent's handle, me or none",
        "--time": "give a duration such as 15m or 1h30m, or leave the option out",
        "good|bad": "allowed: good, bad",
        "--query": "to select every ticket say so: --query 'id:>0'",
        "--sort": "allowed: updated, created, priority, due or id, with :asc or :desc",
    }.get(option, "leave the option out instead")
    raise InvalidInput(f"{option} is empty; {allowed}")


def _not_blank_all(option: str, values: list[str] | None) -> list[str]:
    for value in values or ():
        _not_blank(option, value)
    return list(values or ())


def _ticket_id(value: str) -> int:
    from deskterm.domain.validate import ticket_id

    return ticket_id(value)


def _emit_ticket(ctx: typer.Context, ticket: object, fmt: str | None) -> None:
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.cli.ticket_view import SHOW_FIELDS, ticket_dict

    cli = get(ctx)
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    emit_object(
        ticket_dict(ticket),  # type: ignore[arg-type]
        fmt=chosen,
        out=cli.out,
        color=cli.color,
        fields=SHOW_FIELDS,
    )


@app.command("list")
def list_tickets(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(
            help="Query language filter (SPEC section 6).", autocompletion=completion.query
        ),
    ] = "",
    sort: Annotated[
        str | None,
        typer.Option(help="updated (default), created, priority, due or id; add :asc or :desc."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(min=1, max=10_000, help="At most N tickets (default 50)."),
    ] = None,
    every: Annotated[
        bool,
        typer.Option("--all", help="Every match, streamed page by page (for pipes and files)."),
    ] = False,
    fmt: FormatOpt = None,
    columns: ColumnsOpt = None,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No note on stderr when --limit cuts the list."),
    ] = False,
) -> None:
    """List tickets matching a query, newest update first.

    When there are more than --limit matches, stderr says so ("50 of 171 shown"); --all
    streams every match at constant memory in every format.

    Example: deskterm ticket list 'status:open,pending priority:>=high' --format json

    Example: deskterm ticket list 'tag:vpn' --all --format ids | deskterm ticket update - --yes
    --add-tag network
    """
    from deskterm.cli.output import emit_list, emit_pages, resolve_format
    from deskterm.cli.ticket_view import DEFAULT_LIMIT, list_columns, ticket_dict
    from deskterm.domain.query import parse
    from deskterm.domain.tickets import list_page, sort_spec, stream_pages
    from deskterm.errors import InvalidInput

    cli = get(ctx)
    _not_blank("--sort", sort)
    if every and limit is not None:
        raise InvalidInput("--all and --limit do not go together; give one of them")
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    table_columns, csv_keys = list_columns(columns)
    desk = cli.desk()
    parsed = parse(query, now=desk.now())
    sort_spec(sort)
    if every:
        emit_pages(
            ([ticket_dict(t) for t in page] for page in stream_pages(desk, parsed, sort=sort)),
            columns=table_columns,
            fmt=chosen,
            out=cli.out,
            color=cli.color,
            csv_keys=csv_keys,
        )
        return
    shown = limit or DEFAULT_LIMIT
    page = list_page(desk, parsed, sort=sort, limit=shown)
    emit_list(
        [ticket_dict(t) for t in page.items],
        columns=table_columns,
        fmt=chosen,
        out=cli.out,
        color=cli.color,
        csv_keys=csv_keys,
    )
    if page.next_cursor is not None and not (quiet or cli.quiet):
        cli.out.flush()
        print(_more_note(desk, parsed, len(page.items)), file=sys.stderr)


def _more_note(desk: Desk, query: Query, shown: int) -> str:
    """What stderr says when ``--limit`` cut the list (``ticket_view.more_note``)."""
    from deskterm.cli.ticket_view import COUNT_CAP, more_note
    from deskterm.domain.tickets import count

    if query.text_terms:
        return more_note(shown, None)
    # The count is a read of its own: a ticket added or closed since the page was read must
    # not make it say fewer than were shown.
    return more_note(shown, count(desk, query, cap=COUNT_CAP))


@app.command("show")
def show(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID", help="Ticket number, e.g. 123.")],
    fmt: FormatOpt = None,
) -> None:
    """Show a ticket: fields, thread and history.

    Example: deskterm ticket show 123 --format json | jq '.messages[].body'
    """
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.cli.ticket_view import detail_dict, print_detail
    from deskterm.domain.tickets import detail

    cli = get(ctx)
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    result = detail(cli.desk(), _ticket_id(ticket))
    if chosen == "table":
        print_detail(result, out=cli.out, color=cli.color)
    else:
        emit_object(detail_dict(result), fmt=chosen, out=cli.out, color=cli.color)


@app.command("sla")
def sla(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID", help="Ticket number, e.g. 123.")],
    fmt: FormatOpt = None,
) -> None:
    """Explain a ticket's SLA clocks: when each started, paused, resumed, was met or
    breached, and the time left or over, in business and in calendar time.

    Example: deskterm ticket sla 123
    """
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.domain.sla import human_duration
    from deskterm.domain.tickets import sla_timeline

    cli = get(ctx)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    shown, story = sla_timeline(cli.desk(), _ticket_id(ticket))

    def left(seconds: float | None) -> str | None:
        return None if seconds is None else human_duration(seconds)

    rows = [
        {
            "ticket_id": shown.id,
            "at": entry.at,
            "clock": entry.clock,
            "event": entry.what,
            "cause": entry.cause,
            "due": entry.due,
            "business_left_seconds": entry.business_left,
            "calendar_left_seconds": entry.calendar_left,
            "business_left": left(entry.business_left),
            "calendar_left": left(entry.calendar_left),
            "paused": entry.paused,
        }
        for entry in story.entries
    ]
    columns = (
        Column("at", "AT", min_width=10),
        Column("clock", "CLOCK", min_width=8),
        Column("event", "EVENT", min_width=6),
        Column("cause", "CAUSE", min_width=6, ratio=2),
        Column("due", "DUE", min_width=10),
        Column("business_left", "LEFT (BUSINESS)", min_width=6),
        Column("calendar_left", "LEFT (CALENDAR)", min_width=6),
    )
    if chosen == "table" and not rows:
        cli.out.write(f"ticket #{shown.id} has no SLA clocks (sla_state: {shown.sla_state})\n")
        return
    emit_list(rows, columns=columns, fmt=chosen, out=cli.out, color=cli.color, id_key="ticket_id")


@app.command("create")
def create(
    ctx: typer.Context,
    subject: Annotated[str, typer.Option("--subject", "-s", help="One-line summary.")],
    body: Annotated[
        str | None, typer.Option("--body", "-b", help="Description; - reads stdin.")
    ] = None,
    requester: Annotated[
        str | None, typer.Option(metavar="EMAIL", help="Who asked (created as a contact).")
    ] = None,
    ticket_type: Annotated[
        str,
        typer.Option(
            "--type",
            help="incident, service_request, question, problem, change.",
            autocompletion=completion.types,
        ),
    ] = "incident",
    priority: Annotated[
        str, typer.Option(help="low, normal, high or urgent.", autocompletion=completion.priorities)
    ] = "normal",
    queue: Annotated[
        str | None,
        typer.Option(help="Queue name (default: first L1).", autocompletion=completion.queues),
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Tag; repeat for more.")] = None,
    channel: Annotated[
        str,
        typer.Option(
            help="email, web, phone, chat, walk_in, api, monitoring.",
            autocompletion=completion.channels,
        ),
    ] = "api",
    assignee: Annotated[
        str | None,
        typer.Option(
            metavar="HANDLE",
            help="Assign at once (me for yourself).",
            autocompletion=completion.assignees,
        ),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Open a ticket and print it.

    Example: deskterm ticket create -s 'VPN drops every hour' --requester bob@acme.example
    --priority high --tag vpn --body 'Since Monday the VPN drops...'
    """
    from deskterm.cli.body import read_body
    from deskterm.domain import tickets

    cli = get(ctx)
    for option, value in (
        ("--requester", requester),
        ("--type", ticket_type),
        ("--priority", priority),
        ("--queue", queue),
        ("--channel", channel),
        ("--assignee", assignee),
    ):
        _not_blank(option, value)
    tags = _not_blank_all("--tag", tag)
    text = read_body(body, what="description", required=False)
    notices: list[str] = []
    ticket = tickets.create(
        cli.desk(),
        notices,
        subject=subject,
        body=text,
        requester=requester,
        type=ticket_type,
        priority=priority,
        queue=queue,
        tags=tags,
        channel=channel,
        assignee=assignee,
    )
    for notice in notices:  # a triage rule that could not apply (the ticket is created)
        print(f"warning: {notice}", file=sys.stderr)
    _emit_ticket(ctx, ticket, fmt)


def _read_ids(values: list[str]) -> list[int]:
    """Ticket ids from arguments; ``-`` reads more ids (one per line or space) from stdin.

    A bad id on stdin is named by its line (``standard input, line 3: invalid ticket id``);
    bytes that are not UTF-8 make that line's id invalid like any other typo.
    """
    from deskterm.cli.decode import stdin_bytes
    from deskterm.errors import InvalidInput

    ids: list[int] = []
    for value in values:
        if value != "-":
            ids.append(_ticket_id(value))
            continue
        for number, line in enumerate(stdin_bytes().split(b"\n"), start=1):
            for word in line.decode("utf-8", "replace").split():
                try:
                    ids.append(_ticket_id(word))
                except InvalidInput as exc:
                    raise InvalidInput(f"standard input, line {number}: {exc.message}") from None
    return ids


@app.command("update")
def update(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None, typer.Argument(metavar="ID...", help="Ticket ids; - reads stdin.")
    ] = None,
    query: Annotated[
        str | None,
        typer.Option(
            "--query",
            help="Update every ticket this query selects.",
            autocompletion=completion.query,
        ),
    ] = None,
    status: Annotated[
        str | None, typer.Option(help="New status.", autocompletion=completion.statuses)
    ] = None,
    priority: Annotated[
        str | None, typer.Option(help="New priority.", autocompletion=completion.priorities)
    ] = None,
    ticket_type: Annotated[
        str | None, typer.Option("--type", help="New type.", autocompletion=completion.types)
    ] = None,
    queue: Annotated[
        str | None, typer.Option(help="Move to this queue.", autocompletion=completion.queues)
    ] = None,
    subject: Annotated[str | None, typer.Option(help="New subject.")] = None,
    assignee: Annotated[
        str | None,
        typer.Option(
            metavar="HANDLE|me|none",
            help="Assign or unassign.",
            autocompletion=completion.assignees,
        ),
    ] = None,
    add_tag: Annotated[list[str] | None, typer.Option("--add-tag", help="Add a tag.")] = None,
    remove_tag: Annotated[
        list[str] | None, typer.Option("--remove-tag", help="Remove a tag.")
    ] = None,
    time: TimeOpt = None,
    if_version: IfVersionOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show changes, change nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before many.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar (as deskterm --quiet).")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Change fields of one or more tickets, in one transaction.

    --time logs time spent on each ticket, with the changes or alone.

    Example: deskterm ticket update 12 --status pending --priority high --add-tag vpn

    Example: deskterm ticket update 12 --time 45m
    """
    from deskterm.cli import bulk
    from deskterm.domain import tickets

    cli = get(ctx)
    cli.quiet = cli.quiet or quiet
    for option, value in (
        ("--query", query),
        ("--status", status),
        ("--priority", priority),
        ("--type", ticket_type),
        ("--queue", queue),
        ("--assignee", assignee),
        ("--time", time),
    ):
        _not_blank(option, value)
    _not_blank_all("--add-tag", add_tag)
    _not_blank_all("--remove-tag", remove_tag)
    changes = tickets.Changes(
        status=status,
        priority=priority,
        type=ticket_type,
        queue=queue,
        subject=subject,
        assignee=tickets.UNSET
        if assignee is None
        else (None if assignee.lower() == "none" else assignee),
        add_tags=tuple(add_tag or ()),
        remove_tags=tuple(remove_tag or ()),
        time=time,
    )
    bulk.run_update(
        cli,
        ids=_read_ids(ids or []),
        query=query,
        changes=changes,
        if_version=if_version,
        dry_run=dry_run,
        yes=yes,
        fmt=fmt,
    )


def _message(
    ctx: typer.Context,
    kind: str,
    ticket: str,
    body: str | None,
    status: str | None,
    if_version: int | None,
    fmt: str | None,
    time: str | None,
    attach: list[str] | None = None,
) -> None:
    from deskterm.cli.body import read_files, send_message

    cli = get(ctx)
    ticket_id = _ticket_id(ticket)
    _not_blank("--status", status)
    _not_blank("--time", time)
    files = read_files(cli, _not_blank_all("--attach", attach))
    result = send_message(
        cli, ticket_id, kind, body, status=status, if_version=if_version, time=time, files=files
    )
    _emit_ticket(ctx, result, fmt)


@app.command("reply")
def reply(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID")],
    body: Annotated[str | None, typer.Option("--body", "-b", help="Text; - reads stdin.")] = None,
    status: StatusOpt = None,
    time: TimeOpt = None,
    if_version: IfVersionOpt = None,
    fmt: FormatOpt = None,
    attach: AttachOpt = None,
) -> None:
    """Send a public reply to the requester.

    Example: echo 'Please restart the VPN client.' | deskterm ticket reply 12 --status pending

    Example: deskterm ticket reply 12 --body 'Fixed, please try again.' --time 20m

    Example: deskterm ticket reply 12 --body 'The new settings.' --attach vpn.conf
    """
    _message(ctx, "reply", ticket, body, status, if_version, fmt, time, attach)


@app.command("note")
def note(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID")],
    body: Annotated[str | None, typer.Option("--body", "-b", help="Text; - reads stdin.")] = None,
    status: StatusOpt = None,
    time: TimeOpt = None,
    if_version: IfVersionOpt = None,
    fmt: FormatOpt = None,
    attach: AttachOpt = None,
) -> None:
    """Add an internal note (agents only see it).

    Example: deskterm ticket note 12 --body 'RADIUS shows 5 failed logins.' --time 1h30m
    """
    _message(ctx, "note", ticket, body, status, if_version, fmt, time, attach)


@app.command("rate")
def rate(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID")],
    rating: Annotated[
        str, typer.Argument(metavar="good|bad", help="The requester's satisfaction.")
    ],
    comment: Annotated[
        str | None, typer.Option("--comment", "-c", help="What the requester said.")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace this solve's rating.")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Record the requester's satisfaction with a solved or closed ticket.

    One rating per solve: a second one is refused unless --replace; after a reopen and a
    new solve the ticket can be rated again.

    Example: deskterm ticket rate 12 good --comment 'Fast and friendly, thanks!'
    """
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.cli.ticket_view import RATING_FIELDS, rating_dict
    from deskterm.domain import tickets

    cli = get(ctx)
    _not_blank("good|bad", rating)
    stored = tickets.rate(cli.desk(), _ticket_id(ticket), rating, comment=comment, replace=replace)
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    emit_object(rating_dict(stored), fmt=chosen, out=cli.out, color=cli.color, fields=RATING_FIELDS)


@app.command("assign")
def assign(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID")],
    handle: Annotated[
        str, typer.Argument(metavar="HANDLE|me|none", autocompletion=completion.assignees)
    ],
    if_version: IfVersionOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Assign a ticket to an agent.

    Example: deskterm ticket assign 12 me
    """
    from deskterm.domain import tickets

    cli = get(ctx)
    _not_blank("HANDLE", handle)
    target = None if handle.lower() == "none" else handle
    result = tickets.assign(cli.desk(), _ticket_id(ticket), target, if_version=if_version)
    _emit_ticket(ctx, result.ticket, fmt)


@app.command("close")
def close(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID")],
    if_version: IfVersionOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Close a solved ticket (closed tickets are read-only).

    Example: deskterm ticket close 12
    """
    from deskterm.domain import tickets

    cli = get(ctx)
    result = tickets.close(cli.desk(), _ticket_id(ticket), if_version=if_version)
    _emit_ticket(ctx, result.ticket, fmt)


@app.command("reopen")
def reopen(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID")],
    fmt: FormatOpt = None,
) -> None:
    """Reopen a solved ticket.

    Example: deskterm ticket reopen 12
    """
    from deskterm.domain import tickets

    cli = get(ctx)
    result = tickets.reopen(cli.desk(), _ticket_id(ticket))
    _emit_ticket(ctx, result.ticket, fmt)


@app.command("escalate")
def escalate(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID")],
    reason: Annotated[str | None, typer.Option(help="Why; kept as an internal note.")] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="QUEUE",
            help="Any queue further up the chain (default: the next tier).",
            autocompletion=completion.queues,
        ),
    ] = None,
    if_version: IfVersionOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Move a ticket up its queue's escalation chain (L1 -> L2 -> L3) and unassign it.

    Example: deskterm ticket escalate 12 --reason 'needs firewall change'

    Example: deskterm ticket escalate 12 --to 'Infrastructure L3' --reason 'outage'
    """
    from deskterm.domain import tickets

    cli = get(ctx)
    _not_blank("--to", to)
    result = tickets.escalate(
        cli.desk(), _ticket_id(ticket), reason, to_queue=to, if_version=if_version
    )
    _emit_ticket(ctx, result.ticket, fmt)


@app.command("take")
def take(
    ctx: typer.Context,
    queue: Annotated[
        str | None, typer.Option(help="Only from this queue.", autocompletion=completion.queues)
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Claim the most urgent unassigned ticket (soonest due, then priority, then oldest).

    An agent who works any queue (deskterm agent join) takes only from those queues; one in
    no queue takes from all. Two agents taking at once never get the same ticket. Exit 3
    when nothing is waiting, 5 for a queue you do not work.

    Example: deskterm ticket take --queue 'Network L2'
    """
    from deskterm.domain.tickets import take as claim

    cli = get(ctx)
    _not_blank("--queue", queue)
    _emit_ticket(ctx, claim(cli.desk(), queue=queue), fmt)


@app.command("merge")
def merge(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID", help="The duplicate; it is closed.")],
    into: Annotated[str, typer.Option("--into", metavar="ID", help="The ticket that stays.")],
    fmt: FormatOpt = None,
) -> None:
    """Merge a duplicate into another ticket; prints the ticket that stays.

    The duplicate is closed with a note pointing at the target; the target gets an internal
    note summarizing the duplicate's thread, and its tags.

    Example: deskterm ticket merge 57 --into 42
    """
    from deskterm.domain.tickets import merge as merge_tickets

    cli = get(ctx)
    _source, target = merge_tickets(cli.desk(), _ticket_id(ticket), _ticket_id(into))
    _emit_ticket(ctx, target.ticket, fmt)


@app.command("link")
def link(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID")],
    problem: Annotated[
        str, typer.Option("--problem", metavar="ID|none", help="A ticket of type problem.")
    ],
    fmt: FormatOpt = None,
) -> None:
    """Link a ticket to the problem behind it (--problem none unlinks).

    Example: deskterm ticket link 57 --problem 12
    """
    from deskterm.domain.tickets import link as link_ticket

    cli = get(ctx)
    target = None if problem.strip().lower() == "none" else _ticket_id(problem)
    result = link_ticket(cli.desk(), _ticket_id(ticket), target)
    _emit_ticket(ctx, result.ticket, fmt)
