"""The ``deskterm`` command: root app, global options, and the one place errors become exit codes.

Start-up time matters (ARCHITECTURE "Start-up time"): this module and the command modules
import only Typer and light stdlib code at the top; the domain (and so SQLAlchemy) is
imported inside command bodies, when a command actually runs.
"""

from __future__ import annotations

import errno
import functools
import itertools
import sys
from typing import Annotated, Any, NoReturn

import typer

from deskterm import __version__, exit_codes
from deskterm.cli.context import CliContext
from deskterm.cli.lazy import LazyGroup
from deskterm.cli.typer_light import install

install()  # Typer's parameter conversion without pydantic (cli/typer_light.py)

app = typer.Typer(
    name="deskterm",
    help="A help desk that lives in the terminal.\n\n"
    "Run without a command to open the agent console (TUI).\n\n"
    "Example: deskterm ticket list 'status:open priority:>=high' --format json",
    cls=LazyGroup,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# db, agent, ticket, kb, config, view, sla, rule, batch, export, import, report and watch are
# added by LazyGroup when they run (see cli/lazy.py).


def _version(value: bool) -> None:
    if value:
        print(f"deskterm {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option("--db", metavar="URL", help="Database URL (env DESKTERM_DB).")
    ] = None,
    as_agent: Annotated[
        str | None,
        typer.Option("--as", metavar="HANDLE", help="Act as this agent (env DESKTERM_AGENT)."),
    ] = None,
    config: Annotated[
        str | None,
        typer.Option("--config", metavar="PATH", help="Config file (env DESKTERM_CONFIG)."),
    ] = None,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour (also NO_COLOR=1).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    from deskterm.cli.decode import check_arguments
    from deskterm.config import resolve

    check_arguments(ctx)
    settings = resolve(
        db=db,
        agent=as_agent,
        config=config,
        no_color=no_color,
        require_config=ctx.invoked_subcommand != "config",
    )
    ctx.obj = CliContext(settings=settings, debug=debug, quiet=quiet)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        from deskterm.cli.tui_cmd import open_tui

        open_tui(ctx.obj, query="")


@app.command("tui")
def tui(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Open with this filter applied.")] = "",
) -> None:
    """Open the agent console.

    Example: deskterm tui 'queue:"Network L2" is:unassigned'
    """
    from deskterm.cli.context import get
    from deskterm.cli.tui_cmd import open_tui

    open_tui(get(ctx), query=query)


@app.command("demo")
def demo(
    ctx: typer.Context,
    tickets: Annotated[int, typer.Option("--tickets", min=1, max=2_000_000)] = 2000,
    path: Annotated[
        str | None, typer.Option("--path", metavar="FILE", help="Demo database file.")
    ] = None,
) -> None:
    """Create (first time) or reuse a seeded demo database and open the console on it.

    Example: deskterm demo --tickets 5000
    """
    from deskterm.cli.context import get
    from deskterm.cli.tui_cmd import open_demo

    open_demo(get(ctx), tickets=tickets, path=path)


#: A quoted value in an error longer than this is shortened (a 100 KB argument echoed back
#: would bury the rest of the message).
MAX_QUOTED = 80
MAX_MESSAGE = 2000


def one_line(message: str) -> str:
    """An error message as one readable line: control characters (a newline in a value the
    user typed, an escape sequence) made visible, long quoted values shortened with ``…``."""
    import re

    from deskterm.domain.text import sanitize

    text = sanitize(message)

    def shorten(match: re.Match[str]) -> str:
        quoted = match.group()
        if len(quoted) - 2 < MAX_QUOTED:
            return quoted
        return f"{quoted[: MAX_QUOTED - 1]}…{quoted[-1]}"

    # Every quoted value, left to right, pair by pair: a pattern asking only for long ones
    # would take the text *between* two short quoted values for one long value.
    text = re.sub(r'"[^"]*"|\'[^\']*\'', shorten, text)
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 1] + "…"
    return text


def _fail(message: str, code: int) -> NoReturn:
    print(f"error: {one_line(message)}", file=sys.stderr)
    raise SystemExit(code)


@functools.cache
def root_command() -> Any:
    """The click command tree, built once per process: Typer builds it from the commands'
    signatures (about 50 ms), and a process that runs several commands (the test suite, a
    script importing deskterm) need not pay for it each time. Subcommands are added to it as
    they are first used (cli/lazy.py)."""
    from typer.main import get_command

    return get_command(app)


def run(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app and map every error to one line and a code.

    ``mail receive`` is run by a mail server, which bounces the message for good on any exit
    code but 0 and 75: a mistake before the command runs (a config file that does not parse,
    a wrong option) must make the server try again later, never lose the mail."""
    args = sys.argv[1:] if argv is None else argv
    if not _receives_mail(args):
        _run(args)
        return
    try:
        _run(args)
    except SystemExit as exc:
        if exc.code not in (None, exit_codes.OK, exit_codes.DATAERR, exit_codes.TEMPFAIL):
            raise SystemExit(exit_codes.TEMPFAIL) from None
        raise


def _receives_mail(args: list[str]) -> bool:
    words = [a for a in args if not a.startswith("-")]
    return ("mail", "receive") in itertools.pairwise(words)


def _run(args: list[str]) -> None:
    from deskterm.cli.decode import utf8_arguments
    from deskterm.cli.output import reader_gone
    from deskterm.glyphs import ERRORS_ESCAPED, ERRORS_EXACT, fall_back

    # On a stream that cannot carry every character (LC_ALL=C, PYTHONIOENCODING=ascii, a
    # Latin-1 terminal) nothing raises: stdout, which scripts read, escapes what it cannot
    # carry the JSON way and never drops it (tables and pages for people convert to ASCII
    # stand-ins first, in output.make_console); stderr shows stand-ins and escapes.
    fall_back(sys.stdout, errors=ERRORS_EXACT)
    fall_back(sys.stderr, errors=ERRORS_ESCAPED)
    args = utf8_arguments(args)
    debug = "--debug" in args
    command = root_command()
    try:
        code = command.main(args=args, prog_name="deskterm", standalone_mode=False)
        if isinstance(code, int) and code != 0:
            # standalone_mode=False makes Click return typer.Exit's code instead of raising.
            raise SystemExit(code)
    except SystemExit as exc:
        # Click turns a closed pipe (``deskterm ticket list | head``) into exit 1 itself.
        context = exc.__context__
        if isinstance(context, OSError) and context.errno == errno.EPIPE:
            reader_gone()
        raise
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except (typer.Abort, KeyboardInterrupt, EOFError):
        print("error: interrupted; nothing was changed by the unfinished step", file=sys.stderr)
        raise SystemExit(130) from None
    except BrokenPipeError:
        reader_gone()
    except Exception as exc:
        # --debug shows tracebacks of failures, not of a mistyped command line (a query
        # that reads "--debug" is a wrong option, said as usual).
        if debug and _usage_message(exc) is None:
            raise
        _report(exc)


def _report(exc: Exception) -> NoReturn:
    from deskterm.cli.advice import advice
    from deskterm.errors import DeskError, InvalidInput

    if isinstance(exc, DeskError):
        hint = advice(exc)
        message = exc.message + (f" ({hint})" if hint else "")
        print(f"error: {one_line(message)}", file=sys.stderr)
        if isinstance(exc, InvalidInput):
            caret = _caret(exc.text, exc.position)
            if caret:
                print(caret, file=sys.stderr)
        raise SystemExit(exc.exit_code)
    usage = _usage_message(exc)
    if usage is not None:
        _fail(usage, exit_codes.USAGE)
    _fail(
        f"unexpected failure: {type(exc).__name__}: {exc} (run with --debug for details)",
        exit_codes.FAILURE,
    )


CARET_WINDOW = 100


def _caret(text: str | None, position: int | None) -> str | None:
    """The offending text (a query) on one line, with a caret line under the problem; at most
    :data:`CARET_WINDOW` characters of it around the problem, control characters visible."""
    from deskterm.domain.text import sanitize
    from deskterm.glyphs import ERRORS_ESCAPED, as_shown

    if text is None or position is None:
        return None
    pos = max(0, min(position, len(text)))
    start = max(0, min(pos - CARET_WINDOW // 2, len(text) - CARET_WINDOW))
    end = min(len(text), start + CARET_WINDOW)
    before = ("…" if start else "") + sanitize(text[start:pos])
    after = sanitize(text[pos:end]) + ("…" if end < len(text) else "")
    # The caret goes under what the terminal shows: \u2615 on a stream that cannot carry ☕.
    indent = len(as_shown(before, sys.stderr, errors=ERRORS_ESCAPED))
    return f"  {before}{after}\n  {' ' * indent}^"


def _usage_message(exc: Exception) -> str | None:
    """Click's usage errors (bad option, missing argument) as one line, or None.

    Typer (0.26 and later) carries its own copy of Click and raises only its subclasses of
    the public ``typer.TyperException``; the installed ``click`` package is not Typer's and
    its exceptions never reach here. A usage error is one with exit code 2; the one name no
    public module offers, "a group was given no command", is pinned with the Typer versions
    it was checked against in tests/cli/test_typer_pin.py.
    """
    if not isinstance(exc, typer.TyperException):
        return None
    if _no_command_given(exc):
        # A command group given no subcommand: its help is the answer, on stdout, exit 2.
        print(exc.format_message())
        raise SystemExit(exit_codes.USAGE)
    message = exc.format_message()
    ctx = getattr(exc, "ctx", None)
    if exc.exit_code == exit_codes.USAGE and ctx is not None:
        message += f" (see: {ctx.command_path} --help)"
    return message


def _no_command_given(exc: Exception) -> bool:
    from typer._click.exceptions import NoArgsIsHelpError  # pinned: test_typer_pin.py

    return isinstance(exc, NoArgsIsHelpError)


if __name__ == "__main__":  # pragma: no cover
    run()
