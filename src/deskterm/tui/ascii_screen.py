"""The console on a terminal that cannot show Unicode (a Latin-1 locale, ``PYTHONUTF8=0``
under ``LC_ALL=C``, ``PYTHONIOENCODING=ascii``).

Textual then still draws its boxes, scroll bars and deskterm's symbols (``●``, ``‼``,
``↩``), and the output stream turns each into a ``\\u2502``-style escape, which wrecks the
layout. It does not crash, but it cannot be used. :class:`AsciiScreen` is a line filter that
replaces, after layout, every character the stream cannot carry by a one-cell stand-in:
deskterm's symbols by their ASCII stand-ins from ``deskterm/glyphs.py``, box drawing by
``+ - |``, block elements by ``#``, anything else by ``?`` (one per cell, so columns stay
where they were). Text the stream can carry (``é`` on Latin-1) is left alone.

Textual has no public way to add a line filter (its own monochrome mode is one), so
:func:`install` appends to ``App._filters``; ``tests/tui/test_ascii_terminal.py`` fails if
that ever stops working.
"""

from __future__ import annotations

import codecs
import sys
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TextIO

from rich.cells import cell_len
from rich.segment import Segment
from textual.filter import LineFilter

from deskterm.glyphs import ASCII, unicode_ok

if TYPE_CHECKING:
    from textual.app import App
    from textual.color import Color

#: One-cell stand-ins: deskterm's symbols (from glyphs.ASCII, shortened to one cell where
#: the stand-in is longer), then what Textual draws with.
_ONE_CELL: dict[str, str] = {
    symbol: {"->": ">", "--": "-", "...": ".", "!!": "!", "^[": "^", "^@": "@", "^J": "$"}.get(
        stand_in, stand_in[:1]
    )
    for symbol, stand_in in ASCII.items()
}
_BOXES = {
    "-": "─━┄┅┈┉╌╍═╼╾⎯",
    "|": "│┃┆┇┊┋╎╏║╽╿▏▕▎▍▌▐",
    "+": "┌┍┎┏┐┑┒┓└┕┖┗┘┙┚┛├┝┞┟┠┡┢┣┤┥┦┧┨┩┪┫┬┭┮┯┰┱┲┳┴┵┶┷┸┹┺┻┼┽┾┿╀╁╂╃╄╅╆╇╈╉╊╋"
    "╒╓╔╕╖╗╘╙╚╛╜╝╞╟╠╡╢╣╤╥╦╧╨╩╪╫╬╭╮╯╰",
    "#": "█▉▊▋▀▄▇▆▅▃▂▁░▒▓",
}
for _stand_in, _chars in _BOXES.items():
    for _char in _chars:
        _ONE_CELL.setdefault(_char, _stand_in)


def stream_encoding(stream: TextIO | None = None) -> str | None:
    """The encoding of the stream Textual draws on (``sys.__stderr__``), or None when it
    can carry every deskterm symbol (then nothing needs replacing)."""
    target = sys.__stderr__ if stream is None else stream
    if unicode_ok(target):
        return None
    encoding = getattr(target, "encoding", None) or "ascii"
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return "ascii"


class AsciiScreen(LineFilter):
    """Replace what ``encoding`` cannot carry, cell for cell (see the module docstring)."""

    def __init__(self, encoding: str, enabled: bool = True) -> None:
        super().__init__(enabled)
        self.encoding = encoding

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        encoding = self.encoding
        return [
            Segment(_carried(text, encoding), style, control) for text, style, control in segments
        ]


@lru_cache(4096)
def _carried(text: str, encoding: str) -> str:
    if text.isascii():
        return text
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return "".join(_cell(char, encoding) for char in text)
    return text


@lru_cache(4096)
def _cell(char: str, encoding: str) -> str:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return _ONE_CELL.get(char) or "?" * cell_len(char)
    return char


def install(app: App[Any], encoding: str) -> None:
    """Make ``app`` draw only what ``encoding`` can carry."""
    app._filters.append(AsciiScreen(encoding))
