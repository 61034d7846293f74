"""Read commands answered before Typer or SQLAlchemy is imported.

``deskterm ticket show 5 -f json`` in a shell loop pays its start-up on every call, and most
of that is importing what a read does not need: SQLAlchemy (about 100 ms), Typer and the
pydantic its parameter conversion loads. So the console script first offers the command line
here (``entry.run``). A command line this module recognises exactly, on a plain SQLite desk
or a PostgreSQL desk at the schema's head, is read with ``sqlite3`` or psycopg alone
(``tickets.LightDesk``: the same SQL as the domain's, the same identity rules and
converters) and written by the same ``output`` functions as the
ordinary command, so the bytes are the same (``tests/cli/test_light_read.py``).

Anything else answers False before a byte is written, and the ordinary path runs and says
what is wrong: an option or form not listed below, a query (the query language compiles to
SQLAlchemy), a schema behind, an agent the login may not act as,
a missing or hidden ticket, a bad value. Recognised:

* ``--help`` (on a terminal of 80 columns or more) and ``--version`` alone;
* global options before the command: ``--db URL``, ``--as HANDLE``, ``--config PATH``,
  ``--no-color``, ``--quiet``/``-q`` (``--debug`` and ``--help`` take the ordinary path);
* ``ticket list ['']`` with ``--sort``, ``--limit N``, ``--all``, ``--format``/``-f``,
  ``--columns``, ``--quiet``/``-q``;
* ``ticket show ID``, ``kb show ID|SLUG`` and ``view list`` with ``--format``/``-f``;
* ``kb search QUERY`` with ``--limit`` and ``--format``/``-f``;
* ``report [summary]`` with ``--since``, ``--until`` and ``--format``/``-f``;
* two writes: ``ticket note ID --body TEXT`` (``-b``) and ``ticket reply ID --body TEXT``
  with ``--time``, ``--if-version`` and ``--format``/``-f``, written by
  ``tickets.message_light`` (the one workflow and the one
  versioned write on ``sqlite3``; it steps aside, having written nothing, for anything it
  cannot do, and the ordinary path does it or says why not).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deskterm.cli.output import Column
    from deskterm.config import Settings
    from deskterm.domain.tickets import LightDesk

#: Global options taking a value (a ``Settings`` part) and flags, as ``main.root`` has them.
_GLOBAL_VALUES = {"--db": "db", "--as": "agent", "--config": "config"}
_GLOBAL_FLAGS = {"--no-color": "no_color", "--quiet": "quiet", "-q": "quiet"}
_LIST_VALUES = {"--sort": "sort", "--limit": "limit", "--format": "fmt", "-f": "fmt"}
_LIST_VALUES |= {"--columns": "columns"}
_LIST_FLAGS = {"--all": "every", "--quiet": "quiet", "-q": "quiet"}
_SHOW_VALUES = {"--format": "fmt", "-f": "fmt"}
_KB_SEARCH_VALUES = {**_SHOW_VALUES, "--limit": "limit"}
_REPORT_VALUES = {**_SHOW_VALUES, "--since": "since", "--until": "until"}
_NOTE_VALUES = {**_SHOW_VALUES, "--body": "body", "-b": "body", "--time": "time"}
_NOTE_VALUES |= {"--if-version": "if_version"}


class _NotHere(Exception):
    """The command line is not one this module answers: take the ordinary path."""


def _options(
    args: list[str], values: dict[str, str], flags: dict[str, str], *, stop_at_word: bool
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Options in ``args`` (each at most once) and the words between them; with
    ``stop_at_word`` the parse ends at the first word (the rest is returned as is)."""
    found: dict[str, Any] = {}
    words: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if not arg.startswith("-") or arg == "-":
            if stop_at_word:
                return found, words, [arg, *rest]
            words.append(arg)
            continue
        name, eq, given = arg.partition("=")
        value: str | bool = given
        if name in values:
            if not eq:
                if not rest or rest[0].startswith("-"):
                    raise _NotHere
                value = rest.pop(0)
            key = values[name]
        elif name in flags and not eq:
            key, value = flags[name], True
        else:
            raise _NotHere  # --, --help, --debug, -qf, an unknown option: Typer says
        if key in found:
            raise _NotHere
        found[key] = value
    return found, words, []


def _limit(text: str | None, most: int = 10_000) -> int | None:
    """``--limit``'s value when it is a plain number from 1 to ``most`` (else Typer says)."""
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or text.startswith("0") or int(text) > most:
        raise _NotHere
    return int(text)


def run(args: list[str]) -> bool:
    """Answer ``args`` here if this module can (True), else write nothing and return False."""
    from deskterm.cli.decode import undecodable_byte, utf8_arguments

    args = utf8_arguments(args)
    if any(undecodable_byte(arg) is not None for arg in args):
        return False
    if args in (["--help"], ["-h"], ["--version"]):
        return _root(args[0])
    try:
        top, _, command = _options(args, _GLOBAL_VALUES, _GLOBAL_FLAGS, stop_at_word=True)
        if command[:2] == ["ticket", "list"]:
            options, words, _ = _options(command[2:], _LIST_VALUES, _LIST_FLAGS, stop_at_word=False)
            if words not in ([], [""]):
                raise _NotHere  # a query: the query language compiles to SQLAlchemy
            options["quiet"] = bool(top.get("quiet") or options.get("quiet"))
            return _list(_settings(top), **options)
        if command[:2] == ["kb", "show"]:
            options, words, _ = _options(command[2:], _SHOW_VALUES, {}, stop_at_word=False)
            if len(words) != 1:
                raise _NotHere
            return _kb_show(_settings(top), words[0], **options)
        if command[:2] == ["kb", "search"]:
            options, words, _ = _options(command[2:], _KB_SEARCH_VALUES, {}, stop_at_word=False)
            if len(words) != 1:
                raise _NotHere
            return _kb_search(_settings(top), words[0], **options)
        if command[:1] == ["report"]:
            options, words, _ = _options(command[1:], _REPORT_VALUES, {}, stop_at_word=False)
            if len(words) > 1:
                raise _NotHere
            return _report(_settings(top), *words, **options)
        if command[:2] == ["view", "list"]:
            options, words, _ = _options(command[2:], _SHOW_VALUES, {}, stop_at_word=False)
            if words:
                raise _NotHere
            return _views(_settings(top), **options)
        if command[:2] in (["ticket", "note"], ["ticket", "reply"]):
            options, words, _ = _options(command[2:], _NOTE_VALUES, {}, stop_at_word=False)
            if len(words) != 1:
                raise _NotHere
            return _note(_settings(top), words[0], kind=command[1], **options)
        if command[:2] == ["ticket", "show"]:
            options, words, _ = _options(command[2:], _SHOW_VALUES, {}, stop_at_word=False)
            if len(words) != 1:
                raise _NotHere
            return _show(_settings(top), words[0], **options)
    except _NotHere:
        return False
    return False


def _root(option: str) -> bool:
    """``deskterm --help`` (Typer's text, kept in ``help_text``) and ``--version``."""
    import shutil

    from deskterm.cli import help_text

    if option == "--version":
        from deskterm import __version__

        text = f"deskterm {__version__}\n"
    elif shutil.get_terminal_size().columns >= help_text.MIN_COLUMNS and help_text.current():
        text = help_text.ROOT_HELP
    else:
        return False  # Typer wraps the help to a narrow terminal, or the kept text is old
    _streams()
    with _writing():
        sys.stdout.write(text)
    return True


def _settings(top: dict[str, Any]) -> Settings:
    from deskterm.config import resolve
    from deskterm.errors import DeskError

    try:
        return resolve(
            db=top.get("db"),
            agent=top.get("agent"),
            config=top.get("config"),
            no_color=bool(top.get("no_color")),
        )
    except DeskError:
        raise _NotHere from None


def _open(settings: Settings) -> LightDesk:
    from deskterm.domain.tickets import LightDesk

    desk = LightDesk.open(
        settings.url,
        settings.handle,
        handle_given=settings.handle_given,
        options=settings.store_options(),
    )
    if desk is None:
        raise _NotHere
    return desk


def _streams() -> None:
    """The standard streams as ``main._run`` sets them (see there)."""
    from deskterm.glyphs import ERRORS_ESCAPED, ERRORS_EXACT, fall_back

    fall_back(sys.stdout, errors=ERRORS_EXACT)
    fall_back(sys.stderr, errors=ERRORS_ESCAPED)


def _list(
    settings: Settings,
    *,
    quiet: bool,
    sort: str | None = None,
    limit: str | None = None,
    every: bool = False,
    fmt: str | None = None,
    columns: str | None = None,
) -> bool:
    from deskterm.cli.output import emit_list, resolve_format
    from deskterm.cli.ticket_view import (
        COUNT_CAP,
        DEFAULT_LIMIT,
        list_columns,
        more_note,
        ticket_dict,
    )
    from deskterm.errors import DeskError

    shown = _limit(limit)
    if (every and shown is not None) or (sort is not None and not sort.strip()):
        raise _NotHere
    _streams()
    try:
        chosen = resolve_format(fmt, many=True, stream=sys.stdout)
        table_columns, csv_keys = list_columns(columns)
    except DeskError:
        raise _NotHere from None
    desk = _open(settings)
    try:
        if every:
            return _stream(desk, sort, chosen, table_columns, csv_keys, settings.use_color)
        try:
            counted = desk.list_page(sort, shown or DEFAULT_LIMIT, cap=COUNT_CAP)
            if counted is None:
                raise _NotHere
            page, total = counted
        except Exception:
            raise _NotHere from None  # nothing written yet: the ordinary path explains
    finally:
        desk.close()
    with _writing():
        emit_list(
            [ticket_dict(t) for t in page.items],
            columns=table_columns,
            fmt=chosen,
            out=sys.stdout,
            color=settings.use_color,
            csv_keys=csv_keys,
        )
        if page.next_cursor is not None and not quiet:
            sys.stdout.flush()
            print(more_note(len(page.items), total), file=sys.stderr)
    return True


def _stream(
    desk: LightDesk,
    sort: str | None,
    fmt: str,
    columns: list[Column],
    csv_keys: list[str] | None,
    color: bool,
) -> bool:
    """``ticket list --all``: every ticket from one snapshot, a page of rows at a time."""
    from itertools import chain

    from deskterm.cli.output import emit_pages
    from deskterm.cli.ticket_view import ticket_dict

    try:
        pages: Iterator[Any] | None = desk.stream_ids(sort) if fmt == "ids" else desk.stream(sort)
        if pages is None:
            raise _NotHere
        first = next(pages, None)
    except Exception:
        raise _NotHere from None  # nothing written yet: the ordinary path explains
    every: Iterator[Any] = iter(()) if first is None else chain([first], pages)
    with _writing():
        if fmt == "ids":
            write = _ascii_out()
            for lines in every:
                write(lines)
        else:
            emit_pages(
                ([ticket_dict(t) for t in page] for page in every),
                columns=columns,
                fmt=fmt,
                out=sys.stdout,
                color=color,
                csv_keys=csv_keys,
            )
    return True


def _ascii_out() -> Callable[[bytes], object]:
    """How to write ASCII bytes to stdout: straight to its buffer (big writes, no decoding)
    when the stream writes ASCII as itself, as every encoding deskterm meets does (UTF-8,
    ASCII, Latin-1...) and no newline is translated; else through the text stream."""
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    try:
        plain = os.linesep == "\n" and _ASCII.encode(out.encoding) == _ASCII.encode()
    except (LookupError, TypeError, UnicodeError):
        plain = False
    if buffer is None or not plain:
        return lambda data: out.write(data.decode("ascii"))
    out.flush()
    return buffer.write  # type: ignore[no-any-return]


#: What ``ids`` lines are made of.
_ASCII = "0123456789\n"


def _kb_show(settings: Settings, ref: str, *, fmt: str | None = None) -> bool:
    from deskterm.cli.kb_view import emit_article
    from deskterm.cli.output import resolve_format
    from deskterm.domain.kb import show_light
    from deskterm.errors import DeskError

    _streams()
    try:
        chosen = resolve_format(fmt, many=False, stream=sys.stdout)
    except DeskError:
        raise _NotHere from None
    desk = _open(settings)
    try:
        article = show_light(desk, ref)
    except Exception:
        raise _NotHere from None  # nothing written yet: the ordinary path explains
    finally:
        desk.close()
    if article is None:
        raise _NotHere  # no such article: the ordinary path says so
    with _writing():
        emit_article(article, fmt=chosen, out=sys.stdout, color=settings.use_color)
    return True


#: ``kb search --limit``'s default and most (as kb_cmd has them).
KB_LIMIT, KB_MOST = 10, 1000


def _kb_search(
    settings: Settings, query: str, *, fmt: str | None = None, limit: str | None = None
) -> bool:
    from deskterm.cli.kb_view import emit_hits
    from deskterm.cli.output import resolve_format
    from deskterm.domain.kb import search_light
    from deskterm.errors import DeskError

    most = _limit(limit, KB_MOST) or KB_LIMIT
    _streams()
    try:
        chosen = resolve_format(fmt, many=True, stream=sys.stdout)
    except DeskError:
        raise _NotHere from None
    desk = _open(settings)
    try:
        hits = search_light(desk, query, most)
    except Exception:
        raise _NotHere from None  # nothing written yet: the ordinary path explains
    finally:
        desk.close()
    with _writing():
        emit_hits(hits, fmt=chosen, out=sys.stdout, color=settings.use_color)
    return True


def _report(
    settings: Settings,
    kind: str = "summary",
    *,
    fmt: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> bool:
    from datetime import UTC, datetime

    from deskterm.cli.output import resolve_format
    from deskterm.cli.report_view import KINDS, emit_summary
    from deskterm.domain.reports import parse_bound, summary_light
    from deskterm.errors import DeskError

    if kind.strip().lower() not in KINDS or (fmt or "").strip().lower() == "ids":
        raise _NotHere  # a summary has no id: the ordinary path refuses ids
    now = datetime.now(UTC).replace(microsecond=0)  # as Desk.now
    _streams()
    try:
        start = parse_bound(since, now=now, end=False, what="--since")
        end = parse_bound(until, now=now, end=True, what="--until")
        chosen = resolve_format(fmt, many=False, stream=sys.stdout)
        desk = _open(settings)
    except DeskError:
        raise _NotHere from None
    try:
        result = summary_light(desk, since=start, until=end)
    except Exception:
        raise _NotHere from None  # nothing written yet: the ordinary path explains
    finally:
        desk.close()
    with _writing():
        emit_summary(result, fmt=chosen, out=sys.stdout, color=settings.use_color)
    return True


def _views(settings: Settings, *, fmt: str | None = None) -> bool:
    from deskterm.cli.output import resolve_format
    from deskterm.cli.view_list import emit_views
    from deskterm.domain.views import list_light
    from deskterm.errors import DeskError

    _streams()
    try:
        chosen = resolve_format(fmt, many=True, stream=sys.stdout)
    except DeskError:
        raise _NotHere from None
    desk = _open(settings)
    try:
        views = list_light(desk)
    except Exception:
        raise _NotHere from None  # nothing written yet: the ordinary path explains
    finally:
        desk.close()
    with _writing():
        emit_views(views, fmt=chosen, out=sys.stdout, color=settings.use_color)
    return True


def _show(settings: Settings, ticket: str, *, fmt: str | None = None) -> bool:
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.cli.ticket_view import detail_dict, print_detail
    from deskterm.domain.validate import ticket_id
    from deskterm.errors import DeskError

    _streams()
    try:
        chosen = resolve_format(fmt, many=False, stream=sys.stdout)
        number = ticket_id(ticket)
    except DeskError:
        raise _NotHere from None
    desk = _open(settings)
    try:
        result = desk.detail(number)
    except Exception:
        raise _NotHere from None  # nothing written yet: the ordinary path explains
    finally:
        desk.close()
    if result is None:
        raise _NotHere  # no such ticket: the ordinary path says so
    with _writing():
        if chosen == "table":
            print_detail(result, out=sys.stdout, color=settings.use_color)
        else:
            emit_object(detail_dict(result), fmt=chosen, out=sys.stdout, color=settings.use_color)
    return True


def _note(
    settings: Settings,
    ticket: str,
    *,
    kind: str = "note",
    body: str | None = None,
    time: str | None = None,
    if_version: str | None = None,
    fmt: str | None = None,
) -> bool:
    """``ticket note ID --body TEXT`` and ``ticket reply ID --body TEXT`` (``kind``):
    written by ``tickets.message_light`` (the one workflow and the one versioned write on
    ``sqlite3``), printed as ``ticket_cmd._emit_ticket`` prints it. Without ``--body TEXT``
    (stdin, ``$EDITOR``), with ``--status`` or ``--attach``, or when the light writer steps
    aside, nothing is written here."""
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.cli.ticket_view import SHOW_FIELDS, ticket_dict
    from deskterm.domain.tickets import message_light
    from deskterm.domain.validate import ticket_id
    from deskterm.errors import DeskError

    if body is None or body == "-" or (time is not None and not time.strip()):
        raise _NotHere
    seen = None
    if if_version is not None:
        if not (if_version.isascii() and if_version.isdigit()) or int(if_version) >= 2**63:
            raise _NotHere  # Typer says what --if-version takes
        seen = int(if_version)
    _streams()
    try:
        chosen = resolve_format(fmt, many=False, stream=sys.stdout)
        number = ticket_id(ticket)
    except DeskError:
        raise _NotHere from None
    result = message_light(
        settings.url, settings.handle, number, kind, body, time=time, if_version=seen
    )
    if result is None:
        raise _NotHere  # nothing written: the ordinary path writes it or says why not
    with _writing():
        emit_object(
            ticket_dict(result),
            fmt=chosen,
            out=sys.stdout,
            color=settings.use_color,
            fields=SHOW_FIELDS,
        )
    return True


@contextmanager
def _writing() -> Iterator[None]:
    """Around writing the answer, as ``main.run`` does: a reader that went away
    (``| head``) ends the command quietly, Ctrl-C says it was interrupted, a failure while
    streaming is one line."""
    from deskterm.cli.output import reader_gone

    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        reader_gone()
    except KeyboardInterrupt:
        print("error: interrupted; nothing was changed by the unfinished step", file=sys.stderr)
        raise SystemExit(130) from None
    except Exception as exc:
        message = f"unexpected failure: {type(exc).__name__}: {exc} (run with --debug for details)"
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(1) from None
