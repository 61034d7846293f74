"""Symbols that need a Unicode terminal, and their ASCII stand-ins, in one place.

Under ``LC_ALL=C`` with UTF-8 mode off, ``PYTHONIOENCODING=ascii`` or a Latin-1 terminal, the
output stream cannot carry ``●``, ``‼`` or ``…``; deskterm then shows the ASCII stand-in
instead of crashing (tables, errors, progress bars and the console alike). Requester text
that the stream cannot carry is replaced character by character by the writer (see
:func:`can_encode`), never raised as an error.
"""

from __future__ import annotations

import codecs
from typing import Final, TextIO

#: Every symbol deskterm itself prints, and what it prints instead on an ASCII-only stream.
ASCII: Final[dict[str, str]] = {
    "…": "...",
    "–": "-",
    "—": "--",
    "−": "-",
    "·": "-",
    "●": "*",
    "✎": "~",
    "■": "#",
    "✖": "x",
    "✓": "v",
    "⚠": "!",
    "⏸": "=",
    "‼": "!!",
    "↩": "<",
    "→": "->",
    "↑": "^",
    "↓": "v",
    "␛": "^[",
    "␀": "^@",
    "␤": "^J",
    "�": "?",
}
_TABLE: Final = str.maketrans(ASCII)


def can_encode(encoding: str | None, sample: str = "".join(ASCII)) -> bool:
    """True when text in ``encoding`` can carry every deskterm symbol."""
    if not encoding:
        return False
    try:
        codecs.lookup(encoding)
        sample.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return False
    return True


def unicode_ok(stream: TextIO | None) -> bool:
    """Whether ``stream`` (stdout, stderr) can show deskterm's symbols."""
    return can_encode(getattr(stream, "encoding", None))


def to_ascii(text: str) -> str:
    """``text`` with deskterm's own symbols replaced by their ASCII stand-ins."""
    return text.translate(_TABLE)
