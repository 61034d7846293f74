"""CLI output: the one place that turns plain data into ``table``, ``json``, ``jsonl``, ``csv``
or ``ids`` (SPEC section 5).

What a script or a person can rely on:

* **Default format.** ``table`` on a terminal; otherwise ``jsonl`` for lists and ``json`` for
  one object. An unknown ``--format`` is :class:`InvalidInput` naming the allowed ones.
* **Machine formats keep the data exact.** ``json``/``jsonl``/``csv`` carry every key of the
  row mapping in the caller's order (not only the table's columns) and are never sanitized;
  JSON escapes control characters by itself. Times are ISO 8601 UTC with a ``Z``:
  ``2026-11-23T19:00:00Z``, with ``.ffffff`` before the ``Z`` only when the microseconds are
  not zero. Naive datetimes are taken as UTC. Dates are ``YYYY-MM-DD``, enums their value,
  dataclasses objects.
* ``json`` is one document indented by 2; ``jsonl`` one compact object per line (``jq -c``
  style); ``csv`` a header of keys (the union over the rows, first-seen order) then one line per
  row: ``None`` is empty, booleans ``true``/``false``, lists of scalars joined with ``,``,
  nested objects as compact JSON. Nothing at all is written for an empty list, in ``csv`` as in
  ``jsonl`` and ``ids``, so ``| wc -l`` counts rows. ``ids`` writes one id per line and is
  refused (exit 2) for data without ids.
* **Tables are for people.** Every cell goes through :func:`deskterm.domain.text.sanitize` and
  is rendered as plain ``rich.text.Text``, never as markup, so ``[bold]`` or an escape sequence
  shows literally. Columns are fitted to the terminal width (``$COLUMNS`` or 80 when not a
  terminal): fixed columns keep their natural width, flexible ones (``ratio``) share what is
  left, and a cell that does not fit ends in ``…``. No colour with ``color=False``,
  ``NO_COLOR`` or when the output is not a terminal. An empty list prints
  ``No matching rows.`` rather than a lone header. Lines carry no trailing spaces.

Rich is imported only on the table path: ``import deskterm.cli.output`` stays stdlib-only, so
``--format json`` and ``--help`` do not pay for it.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import io
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import IO, TYPE_CHECKING, Any, Literal, NoReturn, TextIO, cast

from deskterm import exit_codes
from deskterm.domain.text import long_time, sanitize
from deskterm.errors import InvalidInput

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.segment import Segment

FORMATS = ("table", "json", "jsonl", "csv", "ids")
NO_ROWS = "No matching rows."
DEFAULT_WIDTH = 80
_GAP = 2  # spaces between table columns
_SURROGATE = re.compile("[\ud800-\udfff]")

Justify = Literal["left", "center", "right"]


@dataclasses.dataclass(frozen=True)
class Column:
    """One table column: ``key`` in the row mapping, shown under ``header``.

    ``min_width`` is how far the column may shrink (it never grows past its content);
    ``max_width`` caps it; columns with a ``ratio`` are flexible and share the width left by
    the others in that ratio (give the subject the largest). ``formatter`` turns the raw value
    into display text (e.g. an SLA countdown); its result is sanitized like any other cell.
    """

    key: str
    header: str
    min_width: int = 4
    max_width: int | None = None
    ratio: int | None = None
    justify: Justify = "left"
    formatter: Callable[[Any], str] | None = None

    def __post_init__(self) -> None:
        if self.min_width < 1:
            raise ValueError("min_width must be at least 1")
        if self.max_width is not None and self.max_width < self.min_width:
            raise ValueError("max_width must not be below min_width")
        if self.ratio is not None and self.ratio < 1:
            raise ValueError("ratio must be a positive integer")


# -- choosing a format ------------------------------------------------------------------------


def resolve_format(requested: str | None, *, many: bool, stream: TextIO) -> str:
    """The output format: ``requested`` if given (validated), else the default for ``stream``."""
    if requested is not None:
        return _check_format(requested)
    if _isatty(stream):
        return "table"
    return "jsonl" if many else "json"


def _check_format(fmt: str) -> str:
    normal = fmt.strip().lower()
    if normal not in FORMATS:
        raise InvalidInput(f"unknown output format {fmt!r}; allowed: {', '.join(FORMATS)}")
    return normal


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # closed or not a real stream
        return False


# -- machine formats --------------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: dicts, lists, str, int, float, bool, None.

    datetime -> ``YYYY-MM-DDTHH:MM:SSZ`` in UTC (``.ffffff`` before the Z only when the
    microseconds are not zero; naive means UTC), date -> ``YYYY-MM-DD``, time -> ISO,
    timedelta -> seconds, Enum -> its value, dataclass -> dict of its fields, tuple -> list,
    set -> sorted list, NaN/infinity -> None. Anything else is a ``TypeError``: a bug to fix
    at the caller, not something to guess a text for.
    """
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime):
        return _iso_utc(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        return int(seconds) if seconds.is_integer() else seconds
    if isinstance(value, Mapping):
        return {_json_key(key): to_jsonable(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, set | frozenset):
        return [to_jsonable(item) for item in _ordered(value)]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")


def _iso_utc(value: datetime) -> str:
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    spec = "microseconds" if value.microsecond else "seconds"
    return value.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def _json_key(key: Any) -> Any:
    if isinstance(key, Enum):
        key = key.value
    return key if key is None or isinstance(key, str | int | float | bool) else str(key)


def _ordered(items: Iterable[Any]) -> list[Any]:
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=repr)


def _json_text(data: Any, *, pretty: bool, ascii_only: bool = False) -> str:
    if pretty:
        text = json.dumps(data, ensure_ascii=ascii_only, allow_nan=False, indent=2)
    else:
        text = json.dumps(data, ensure_ascii=ascii_only, allow_nan=False, separators=(",", ":"))
    # A lone surrogate (from undecodable bytes) cannot be written as UTF-8; inside a JSON
    # string its escape (backslash, u, four hex digits) is valid and keeps the data.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _utf8(out: TextIO) -> bool:
    """Whether ``out`` writes UTF-8 (or is a text buffer with no encoding, e.g. StringIO)."""
    encoding = getattr(out, "encoding", None)
    if not encoding:
        return True
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


@contextlib.contextmanager
def _utf8_stream(out: TextIO) -> Iterator[TextIO]:
    """``out`` itself when it writes UTF-8, else a UTF-8 writer over its bytes.

    csv has no escapes, so the only way to keep its data exact on a stream whose locale
    cannot carry it (LC_ALL=C, Latin-1) is to write UTF-8 anyway, as jq does: the bytes of a
    file do not depend on the locale of the cron job that wrote it.
    """
    buffer = getattr(out, "buffer", None)
    if _utf8(out) or buffer is None:
        yield out
        return
    out.flush()
    writer = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    try:
        yield writer
    finally:
        # Hand the bytes back to ``out`` even when the reader went away (``| head``).
        with contextlib.suppress(OSError, ValueError):
            writer.flush()
        writer.detach()


class _CsvWriter:
    """csv rows, the header written before the first row (nothing at all for no rows)."""

    def __init__(self, out: TextIO, keys: Sequence[str] | None) -> None:
        self.keys = list(keys) if keys is not None else None
        self.started = False
        self.minimal = csv.writer(out, lineterminator="\n")
        # csv does not quote a lone \r when the line terminator is \n; quote such rows fully.
        self.quote_all = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def write(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        if self.keys is None:
            self.keys = list(dict.fromkeys(key for row in rows for key in row))
        if not self.started:
            self.minimal.writerow(self.keys)
            self.started = True
        for row in rows:
            cells = [_csv_cell(row.get(key)) for key in self.keys]
            (self.quote_all if any("\r" in cell for cell in cells) else self.minimal).writerow(
                cells
            )


def _csv_cell(value: Any) -> str:
    data = to_jsonable(value)
    if data is None:
        return ""
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, str):
        return _SURROGATE.sub("\ufffd", data)
    if isinstance(data, list) and not any(isinstance(item, dict | list) for item in data):
        return ",".join(_csv_cell(item) for item in data)
    if isinstance(data, dict | list):
        return _SURROGATE.sub("\ufffd", _json_text(data, pretty=False))
    return str(data)


def _write_ids(rows: Sequence[Mapping[str, Any]], id_key: str, out: TextIO) -> None:
    if any(row.get(id_key) is None for row in rows):
        raise InvalidInput(
            f"--format ids needs an {id_key!r} on every row; use json, jsonl or csv here"
        )
    write_ids([to_jsonable(row[id_key]) for row in rows], out)


def reader_gone() -> NoReturn:
    """The reader (head, less) went away: that is not an error of ours. Exit 0, quietly
    (what is left to write goes nowhere)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(exit_codes.OK) from None


def write_ids(ids: Iterable[object], out: TextIO) -> None:
    """The ``ids`` format of rows already reduced to their ids: one per line."""
    out.write("".join(f"{value}\n" for value in ids))


def _json_item(row: Mapping[str, Any], ascii_only: bool) -> str:
    """One element of a pretty JSON array, indented as ``json.dumps(list, indent=2)`` would.

    Lines are split on ``\\n`` only: JSON text has no other line breaks outside its strings,
    and a U+2028 inside a string must not be taken for one.
    """
    text = _json_text(to_jsonable(row), pretty=True, ascii_only=ascii_only)
    return "\n".join("  " + line for line in text.split("\n"))


# -- emitting ---------------------------------------------------------------------------------


def emit_list(
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[Column],
    fmt: str,
    out: TextIO,
    color: bool = True,
    width: int | None = None,
    id_key: str = "id",
    csv_keys: Sequence[str] | None = None,
) -> None:
    """Write ``rows`` to ``out`` in ``fmt``; ``columns`` shape the table format only;
    ``csv_keys`` (from ``--columns``) choose and order the csv columns, else every key."""
    emit_pages(
        [rows],
        columns=columns,
        fmt=fmt,
        out=out,
        color=color,
        width=width,
        id_key=id_key,
        csv_keys=csv_keys,
    )


def emit_pages(
    pages: Iterable[Sequence[Mapping[str, Any]]],
    *,
    columns: Sequence[Column],
    fmt: str,
    out: TextIO,
    color: bool = True,
    width: int | None = None,
    id_key: str = "id",
    csv_keys: Sequence[str] | None = None,
) -> int:
    """Write rows that arrive page by page, each page as soon as it comes; return how many.

    Memory stays that of one page whatever the total. The output is the same as
    :func:`emit_list` of all the rows at once, except that what needs every row is decided
    on the first page: the csv header (its keys, unless ``csv_keys``) and the table's column
    widths (later cells that do not fit end in ``…``). ``json`` is one array, written as it
    goes; ``ids`` refuses a page with a row without an id before writing any of that page.
    """
    fmt = _check_format(fmt)
    count = 0
    if fmt == "table":
        table = _TableWriter(columns, out, color=color, width=width)
        for page in pages:
            table.write(page)
            count += len(page)
        table.close()
    elif fmt == "csv":
        with _utf8_stream(out) as stream:
            writer = _CsvWriter(stream, csv_keys)
            for page in pages:
                writer.write(page)
                count += len(page)
    elif fmt == "ids":
        for page in pages:
            _write_ids(page, id_key, out)
            count += len(page)
    elif fmt == "jsonl":
        ascii_only = not _utf8(out)
        for page in pages:
            out.writelines(
                _json_text(to_jsonable(row), pretty=False, ascii_only=ascii_only) + "\n"
                for row in page
            )
            count += len(page)
    else:
        ascii_only = not _utf8(out)
        for page in pages:
            for row in page:
                out.write(("[\n" if count == 0 else ",\n") + _json_item(row, ascii_only))
                count += 1
        out.write("\n]\n" if count else "[]\n")
    return count


def choose_columns(
    spec: str,
    *,
    keys: Sequence[str],
    known: Sequence[Column] = (),
    headers: Mapping[str, str] | None = None,
) -> list[Column]:
    """The columns a ``--columns id,status,subject`` list names, in that order.

    Names are the row keys (case-insensitive; spaces around commas and repeats are ignored).
    A key with a column in ``known`` keeps its header and width rules; any other gets the
    header ``headers`` gives it, or a plain upper-case one. An unknown or missing name is
    :class:`InvalidInput` listing ``keys``.
    """
    by_key = {column.key: column for column in known}
    allowed = ", ".join(keys)
    names = [name.strip().lower() for name in spec.split(",")]
    names = list(dict.fromkeys(name for name in names if name))
    if not names:
        raise InvalidInput(f"--columns names no column; allowed: {allowed}")
    unknown = [name for name in names if name not in keys]
    if unknown:
        shown = ", ".join(repr(sanitize(name[:40])) for name in unknown[:3])
        plural = "s" if len(unknown) > 1 else ""
        raise InvalidInput(f"unknown column{plural} {shown}; allowed: {allowed}")
    return [by_key.get(name) or _plain_column(name, (headers or {}).get(name)) for name in names]


def _plain_column(key: str, header: str | None = None) -> Column:
    header = header or key.replace("_", " ").upper()
    if key in ("subject", "requester_name", "organization", "tags"):
        return Column(key, header, min_width=6, ratio=2)
    return Column(key, header, min_width=min(len(header), 6))


def emit_object(
    obj: Mapping[str, Any],
    *,
    fmt: str,
    out: TextIO,
    color: bool = True,
    width: int | None = None,
    fields: Sequence[tuple[str, str]] | None = None,
) -> None:
    """Write one object; ``fields`` ((key, label) pairs) choose the rows of the table format,
    by default every key whose value is not a nested object or list of objects."""
    fmt = _check_format(fmt)
    if fmt in ("json", "jsonl"):
        text = _json_text(to_jsonable(obj), pretty=fmt == "json", ascii_only=not _utf8(out))
        out.write(text + "\n")
    elif fmt == "csv":
        with _utf8_stream(out) as stream:
            _CsvWriter(stream, None).write([obj])
    elif fmt == "ids":
        _write_ids([obj], "id", out)
    else:
        _write_fields(obj, fields, out, color=color, width=width)


# -- tables -----------------------------------------------------------------------------------


def terminal_width(out: TextIO) -> int:
    """The width of the terminal ``out`` writes to; ``$COLUMNS`` or 80 when there is none."""
    if _isatty(out):
        try:
            columns = os.get_terminal_size(out.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
        if columns > 0:
            return columns
    env = os.environ.get("COLUMNS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return DEFAULT_WIDTH


def make_console(out: TextIO, *, color: bool, width: int | None) -> Console:
    """The one Rich console configuration: plain text only (no markup, emoji or highlighting),
    colour only when asked, on a terminal and without ``NO_COLOR``."""
    from rich.console import Console

    tty = _isatty(out)
    use_color = color and tty and not os.environ.get("NO_COLOR")
    return Console(
        file=cast("IO[str]", _ShownFile(out)),
        width=max(1, width if width is not None else terminal_width(out)),
        color_system="auto" if use_color else None,
        no_color=not use_color,
        force_terminal=tty,
        force_jupyter=False,
        force_interactive=False,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
        legacy_windows=False,
        tab_size=4,
    )


class _TableWriter:
    """A table written page by page: column widths from the first page, header once."""

    def __init__(
        self, columns: Sequence[Column], out: TextIO, *, color: bool, width: int | None
    ) -> None:
        self.columns = list(columns)
        self.out = out
        self.color = color
        self.width = width
        self.widths: list[int] | None = None
        self.console: Console | None = None

    def write(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        from rich.cells import cell_len

        if not self.columns:
            self.columns = [Column(key, key) for key in rows[0]]
        columns = self.columns
        show = _shown_as(self.out)
        cells = [
            [show(_cell_text(row.get(column.key), column)) for column in columns] for row in rows
        ]
        headers = [show(sanitize(column.header)) for column in columns]
        first = self.widths is None
        if self.widths is None:
            self.console = make_console(self.out, color=self.color, width=self.width)
            natural = []
            for index, column in enumerate(columns):
                content = max(
                    cell_len(text) for text in [headers[index], *(r[index] for r in cells)]
                )
                natural.append(max(1, min(content, column.max_width or content)))
            available = self.console.width - _GAP * (len(columns) - 1)
            self.widths = fit_widths(natural, columns, available)
        assert self.console is not None
        ellipsis = show("…")
        cells = [
            [_fit(text, width, ellipsis) for text, width in zip(row, self.widths, strict=True)]
            for row in cells
        ]
        headers = [
            _fit(text, width, ellipsis) for text, width in zip(headers, self.widths, strict=True)
        ]
        self._print(self.console, headers if first else None, cells, self.widths)

    def close(self) -> None:
        if self.widths is None:
            self.out.write(NO_ROWS + "\n")

    def _print(
        self,
        console: Console,
        headers: list[str] | None,
        cells: list[list[str]],
        widths: list[int],
    ) -> None:
        from rich.table import Table
        from rich.text import Text

        table = Table(
            box=None,
            padding=(0, _GAP // 2),
            pad_edge=False,
            header_style="bold",
            show_header=headers is not None,
        )
        for index, (column, column_width) in enumerate(zip(self.columns, widths, strict=True)):
            table.add_column(
                Text(headers[index] if headers is not None else ""),
                width=column_width,
                no_wrap=True,
                overflow="crop",
                justify=column.justify,
            )
        for row_cells in cells:
            table.add_row(*(Text(text, no_wrap=True, overflow="crop") for text in row_cells))
        _print_trimmed(console, table, needed=sum(widths) + _GAP * (len(widths) - 1))


class _ShownFile:
    """``out`` for Rich: text goes in as ``out`` will show it (glyphs.as_shown: ASCII
    stand-ins, accents dropped, ``?``) on a stream that cannot carry every character, so
    people's pages read well where stdout itself would write JSON escapes."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._show = _shown_as(out)

    def write(self, text: str) -> int:
        return self._out.write(self._show(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._out, name)


def _shown_as(out: TextIO) -> Callable[[str], str]:
    """What ``out`` will show for a text: itself on a stream that carries deskterm's symbols,
    else with the ASCII stand-ins and ``?`` the stream falls back to (glyphs.py), so that
    widths are measured on what the terminal will really get."""
    from deskterm.glyphs import as_shown

    return lambda text: as_shown(text, out)


def _fit(text: str, width: int, ellipsis: str) -> str:
    """``text`` cut to ``width`` terminal cells, ending in ``ellipsis`` when it was cut."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= width:
        return text
    room = width - cell_len(ellipsis)
    if room < 1:
        return set_cell_size(text, width)
    return set_cell_size(text, room).rstrip(" ") + ellipsis


def fit_widths(natural: Sequence[int], columns: Sequence[Column], available: int) -> list[int]:
    """Column widths that fit ``available`` cells (gaps already taken off).

    Nothing changes when everything fits. Otherwise flexible columns (``ratio``) share what the
    fixed ones leave, in proportion, never below ``min_width``; if that is not enough the widest
    fixed columns give up space down to their ``min_width``. Below the sum of the minimums the
    table is left wider than ``available`` and the terminal crops it.
    """
    widths = list(natural)
    if sum(widths) <= available:
        return widths
    floors = [min(width, column.min_width) for width, column in zip(natural, columns, strict=True)]
    flexible = [i for i, column in enumerate(columns) if column.ratio]
    if flexible:
        room = available - sum(w for i, w in enumerate(widths) if i not in flexible)
        shares = _share(room, [(columns[i].ratio or 1, floors[i], natural[i]) for i in flexible])
        for index, share in zip(flexible, shares, strict=True):
            widths[index] = share
    # No column needs more than the whole line; this also bounds the loop below.
    widths = [
        max(floor, min(width, available)) for width, floor in zip(widths, floors, strict=True)
    ]
    excess = sum(widths) - available
    while excess > 0:
        index = max(range(len(widths)), key=lambda i: widths[i] - floors[i])
        if widths[index] <= floors[index]:
            break
        widths[index] -= 1
        excess -= 1
    return widths


def _share(room: int, parts: list[tuple[int, int, int]]) -> list[int]:
    """Split ``room`` over (ratio, floor, cap) parts in proportion, each within its bounds."""
    result: dict[int, int] = {}
    open_parts = set(range(len(parts)))
    while open_parts:
        total_ratio = sum(parts[i][0] for i in open_parts)
        exact = {i: room * parts[i][0] / total_ratio for i in open_parts}
        capped = {i for i in open_parts if exact[i] >= parts[i][2]}
        bounded = capped or {i for i in open_parts if exact[i] <= parts[i][1]}
        if not bounded:
            floored = {i: math.floor(exact[i]) for i in open_parts}
            spare = room - sum(floored.values())
            for i in sorted(open_parts, key=lambda i: (-parts[i][0], i))[:spare]:
                floored[i] += 1
            result.update(floored)
            break
        for i in bounded:
            result[i] = parts[i][2] if i in capped else parts[i][1]
            room -= result[i]
        open_parts -= bounded
    return [result[i] for i in range(len(parts))]


def _write_fields(
    obj: Mapping[str, Any],
    fields: Sequence[tuple[str, str]] | None,
    out: TextIO,
    *,
    color: bool,
    width: int | None,
) -> None:
    if fields is None:
        fields = [(key, _label(key)) for key, value in obj.items() if _is_scalar(value)]
    if not fields:
        return
    from rich.table import Table
    from rich.text import Text

    console = make_console(out, color=color, width=width)
    grid = Table.grid(padding=(0, _GAP))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    for key, label in fields:
        grid.add_row(Text(sanitize(label)), Text(_cell_text(obj.get(key), multiline=True)))
    _print_trimmed(console, grid)


def _label(key: str) -> str:
    words = key.replace("_", " ")
    return words[:1].upper() + words[1:]


def _is_scalar(value: Any) -> bool:
    if isinstance(value, Mapping) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    ):
        return False
    if isinstance(value, list | tuple | set | frozenset):
        return not any(isinstance(item, Mapping | list | tuple) for item in value)
    return True


def _cell_text(value: Any, column: Column | None = None, *, multiline: bool = False) -> str:
    """Display text for one table cell: sanitized, local times, lists joined."""
    if column is not None and column.formatter is not None:
        return sanitize(column.formatter(value), multiline=multiline)
    if isinstance(value, Enum):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, str):
        return sanitize(value, multiline=multiline)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return long_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset) and _is_scalar(value):
        items = value if isinstance(value, list | tuple) else _ordered(value)
        return ", ".join(_cell_text(item) for item in items)
    data = to_jsonable(value)
    if isinstance(data, dict | list):
        data = _json_text(data, pretty=False)
    return sanitize(str(data))


def _print_trimmed(console: Console, renderable: RenderableType, *, needed: int = 0) -> None:
    """Print ``renderable`` without the spaces Rich pads lines with.

    A table that cannot shrink to the terminal (``needed`` cells) is rendered whole and
    cropped at the right edge, as ``less -S`` would, instead of letting Rich squeeze every
    column (ids included) into unreadable stubs.
    """
    from rich.segment import Segment, Segments

    options = console.options.update_width(max(console.width, needed))
    for line in console.render_lines(renderable, options, pad=False):
        cropped = Segment.adjust_line_length(line, console.width, pad=False)
        console.print(Segments([*_rstrip(cropped), Segment.line()]), end="")


def _rstrip(line: list[Segment]) -> list[Segment]:
    from rich.segment import Segment

    segments = list(Segment.simplify(line))
    while segments and not segments[-1].control and not segments[-1].text.strip(" "):
        segments.pop()
    if segments and not segments[-1].control:
        last = segments[-1]
        segments[-1] = Segment(last.text.rstrip(" "), last.style)
    return segments
