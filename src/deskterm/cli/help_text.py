"""``deskterm --help`` as Typer writes it, kept here so that the light path (``cli/quick.py``)
can print it without importing Typer: on a terminal of 80 columns or more Typer's help is
always this text (Click wraps at min(columns, 80) - 2).

The text is used only while the files that make the root help (``main.py``, ``lazy.py``)
are those it was made from (:func:`current`); after a change there the ordinary path prints
the help, and ``tests/cli/test_light_read.py`` fails until this file is regenerated with
``python -m deskterm.cli.help_text``.
"""

from __future__ import annotations

import zlib
from pathlib import Path

#: The terminal width from which Typer's root help is :data:`ROOT_HELP`.
MIN_COLUMNS = 80
#: The modules that make the root help, and their CRC-32 when ROOT_HELP was made.
SOURCES = ("main.py", "lazy.py")
FINGERPRINT = 0x191AF53E


def fingerprint() -> int:
    here = Path(__file__).parent
    crc = 0
    for name in SOURCES:
        crc = zlib.crc32((here / name).read_bytes(), crc)
    return crc


def current() -> bool:
    """Whether :data:`ROOT_HELP` was made from the code as it is."""
    try:
        return fingerprint() == FINGERPRINT
    except OSError:
        return False


ROOT_HELP = """\
Usage: deskterm [OPTIONS] COMMAND [ARGS]...

  A help desk that lives in the terminal.

  Run without a command to open the agent console (TUI).

  Example: deskterm ticket list 'status:open priority:>=high' --format json

Options:
  --db URL              Database URL (env DESKTERM_DB).
  --as HANDLE           Act as this agent (env DESKTERM_AGENT).
  --config PATH         Config file (env DESKTERM_CONFIG).
  --no-color            No colour (also NO_COLOR=1).
  -q, --quiet           No progress bars.
  --debug               Show tracebacks on errors.
  --version             Print the version.
  --install-completion  Install completion for the current shell.
  --show-completion     Show completion for the current shell, to copy it or
                        customize the installation.
  -h, --help            Show this message and exit.

Commands:
  tui     Open the agent console.
  demo    Create (first time) or reuse a seeded demo database and open the...
  db      Create, upgrade, check and fill the database.
  agent   Agents, their roles and queues.
  queue   Queues, their tiers, escalation and members.
  ticket  Work with tickets.
  kb      The knowledge base.
  config  Settings and the config file.
  view    Saved views.
  sla     SLA policies: targets per priority, business calendar, pausing
          statuses.
  rule    Triage rules: what happens to each new ticket, in order.
  macro   Macros: a canned reply or note plus field changes, applied in one
          step.
  mail    Mail in and out: from a mail server, from mailbox files, what became
          of it, the outbox, and what the mail to requesters says.
  batch   Apply JSON-lines operations in one transaction.
  export  Write the whole desk as JSON lines.
  import  Restore an export into an empty database.
  report  Figures for a period: volume, times.
  watch   Stream ticket events as JSON lines until interrupted.
"""


def _regenerate() -> None:  # pragma: no cover - a maintainer's tool
    import contextlib
    import io
    import os
    import re

    from deskterm.cli.main import run

    os.environ["COLUMNS"] = str(MIN_COLUMNS)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        run(["--help"])
    source = Path(__file__).read_text()
    start = source.index('ROOT_HELP = """') + len('ROOT_HELP = """\\\n')
    end = source.index('"""', start)
    source = source[:start] + out.getvalue() + source[end:]
    source = re.sub(r"\nFINGERPRINT = \w+\n", f"\nFINGERPRINT = 0x{fingerprint():08X}\n", source)
    Path(__file__).write_text(source)


if __name__ == "__main__":  # pragma: no cover
    _regenerate()
