"""Subcommands imported only when they run.

``deskterm --help`` and ``deskterm ticket list`` should not pay for building every command:
Typer inspects each function's signature, which costs about as much as importing Typer
itself. The root group lists the subcommands from the table below (name, module, short
help) and imports a module the first time its command is actually needed. A test checks the
short help here against each command's real help, so the two cannot drift.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperGroup


@dataclass(frozen=True)
class Lazy:
    module: str
    attribute: str  # a Typer app (a group of commands) or a command function
    help: str
    group: bool = True


LAZY: dict[str, Lazy] = {
    "db": Lazy("deskterm.cli.db_cmd", "app", "Create, upgrade, check and fill the database."),
    "agent": Lazy("deskterm.cli.agent_cmd", "app", "Agents, their roles and queues."),
    "queue": Lazy("deskterm.cli.queue_cmd", "app", "Queues, their tiers, escalation and members."),
    "ticket": Lazy("deskterm.cli.ticket_cmd", "app", "Work with tickets."),
    "kb": Lazy("deskterm.cli.kb_cmd", "app", "The knowledge base."),
    "config": Lazy("deskterm.cli.config_cmd", "app", "Settings and the config file."),
    "view": Lazy("deskterm.cli.view_cmd", "app", "Saved views."),
    "sla": Lazy(
        "deskterm.cli.sla_cmd",
        "app",
        "SLA policies: targets per priority, business calendar, pausing statuses.",
    ),
    "rule": Lazy(
        "deskterm.cli.rule_cmd", "app", "Triage rules: what happens to each new ticket, in order."
    ),
    "macro": Lazy(
        "deskterm.cli.macro_cmd",
        "app",
        "Macros: a canned reply or note plus field changes, applied in one step.",
    ),
    "mail": Lazy(
        "deskterm.cli.mail_cmd",
        "app",
        "Mail in and out: from a mail server, from mailbox files, what became of it, the "
        "outbox, and what the mail to requesters says.",
    ),
    "batch": Lazy(
        "deskterm.cli.batch_cmd",
        "batch",
        "Apply JSON-lines operations in one transaction.",
        group=False,
    ),
    "export": Lazy(
        "deskterm.cli.transfer_cmd", "export", "Write the whole desk as JSON lines.", group=False
    ),
    "import": Lazy(
        "deskterm.cli.transfer_cmd",
        "import_",
        "Restore an export into an empty database.",
        group=False,
    ),
    "report": Lazy(
        "deskterm.cli.report_cmd", "report", "Figures for a period: volume, times.", group=False
    ),
    "watch": Lazy(
        "deskterm.cli.watch_cmd",
        "watch",
        "Stream ticket events as JSON lines until interrupted.",
        group=False,
    ),
}


def load(name: str) -> Any:
    """The click command for ``name`` (imports its module)."""
    spec = LAZY[name]
    target = getattr(importlib.import_module(spec.module), spec.attribute)
    if spec.group:
        command = typer.main.get_command(target)
    else:
        single = typer.Typer(rich_markup_mode=None)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """The root group: eager commands as usual, the LAZY ones imported on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        eager = [n for n in super().list_commands(ctx) if n not in LAZY]
        return [*eager, *LAZY]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in LAZY and cmd_name not in self.commands:
            self.add_command(load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in LAZY:
                # The table's words, whether the command was loaded already or not: a process
                # that ran another command first (the tests' in-process runner) prints the
                # same help as a fresh one.
                rows.append((name, LAZY[name].help))
            else:
                command = super().get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit=formatter.width - 6)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
