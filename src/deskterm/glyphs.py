"""Symbols that need a Unicode terminal, and their ASCII stand-ins, in one place.

Under ``LC_ALL=C`` with UTF-8 mode off, ``PYTHONIOENCODING=ascii`` or a Latin-1 terminal, the
output stream cannot carry ``●``, ``‼`` or ``…``; deskterm then shows the ASCII stand-in
instead of crashing (tables, errors, progress bars and the console alike). Requester text
that the stream cannot carry is replaced character by character by the writer (see
:func:`can_encode`), never raised as an error.
"""

from __future__ import annotations

import codecs
import io
import unicodedata
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
    "◉": "@",
    "✐": "+",
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
    "␤": "^J",
    "�": "?",
    # The sanitizer shows control characters as Control Pictures (ESC -> ␛); in ASCII they
    # read as caret notation, as ``cat -v`` prints them (␛ -> ^[, ␀ -> ^@, ␡ -> ^?).
    **{chr(0x2400 + code): "^" + chr(0x40 + code) for code in range(0x20)},
    "\u2421": "^?",
}
_TABLE: Final = str.maketrans(ASCII)

#: The codec error handler (see :func:`codecs.register_error`) that writes a deskterm symbol
#: as its ASCII stand-in, a letter without its accent (``é`` -> ``e``) and any other
#: character the stream cannot carry as ``?``.
ERRORS: Final = "deskterm.ascii"
#: Like :data:`ERRORS` but other characters as ``\\xe9``-style escapes: for error messages,
#: where the exact character a user typed matters more than a tidy line.
ERRORS_ESCAPED: Final = "deskterm.ascii-escaped"
#: For standard output, where a script may be reading: nothing is dropped or guessed. A
#: character the stream cannot carry becomes a JSON escape (``\\u00e9``, a surrogate pair
#: above U+FFFF), so JSON written by any command stays valid and exact; a byte that came in
#: undecodable (a file name, U+DC80..U+DCFF) goes back out as that byte. People's output
#: (tables, ``show``) converts to :data:`ERRORS` stand-ins before it gets here.
ERRORS_EXACT: Final = "deskterm.exact"


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


def _stand_ins(exc: UnicodeError, other: str) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    encoding = exc.encoding or "ascii"
    out = []
    for char in exc.object[exc.start : exc.end]:
        stand_in = ASCII.get(char)
        if stand_in is None and other == "?":
            # A letter with an accent reads better without it (José -> Jose) than as ?.
            stand_in = unicodedata.normalize("NFKD", char)
            stand_in = "".join(c for c in stand_in if not unicodedata.combining(c)) or None
        if stand_in is not None and can_encode(encoding, stand_in):
            out.append(stand_in)
        elif other == "?":
            out.append("?")
        else:
            out.append(char.encode("ascii", "backslashreplace").decode("ascii"))
    return "".join(out), exc.end


def _exact(exc: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = bytearray()
    for char in exc.object[exc.start : exc.end]:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(code - 0xDC00)
        elif code > 0xFFFF:
            code -= 0x10000
            out += f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}".encode()
        else:
            out += f"\\u{code:04x}".encode()
    return bytes(out), exc.end


codecs.register_error(ERRORS, lambda exc: _stand_ins(exc, "?"))
codecs.register_error(ERRORS_EXACT, _exact)
codecs.register_error(ERRORS_ESCAPED, lambda exc: _stand_ins(exc, "escape"))


def fall_back(stream: TextIO | None, *, errors: str = ERRORS) -> None:
    """Make ``stream`` write what its encoding cannot carry through ``errors``, never raise.

    Nothing changes on a stream that can show deskterm's symbols (a UTF-8 terminal or pipe),
    or on one that is not a text file with an encoding (a test's ``StringIO``).
    """
    if stream is None or unicode_ok(stream) or not isinstance(stream, io.TextIOWrapper):
        return
    try:
        stream.reconfigure(errors=errors)
    except (ValueError, OSError):  # closed, or not reconfigurable: keep what it has
        return


def as_shown(text: str, stream: TextIO | None, *, errors: str = ERRORS) -> str:
    """``text`` as ``stream`` will show it after :func:`fall_back` (for measuring widths)."""
    encoding = getattr(stream, "encoding", None)
    if not encoding or unicode_ok(stream):
        return text
    return text.encode(encoding, errors).decode(encoding)
