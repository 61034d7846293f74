"""Lines of a file or of standard input, as ``import`` and ``batch`` read them.

Split on ``\\n`` only: a JSON string may hold U+2028, U+2029 or U+0085 unescaped (text pasted
from the web or a word processor does), and ``str.splitlines()`` would break the line there.
Each line is decoded as UTF-8 on its own, so bytes that are not UTF-8 are a one-line error
naming the file and the line, never a traceback or a "not valid JSON" that hides the cause.
The lines come as ``text.split("\\n")`` gives them (the last is what follows the last
newline, often empty), one at a time: a big export is never held in memory whole.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from deskterm.errors import InvalidInput

STDIN = "-"
_BOM = b"\xef\xbb\xbf"


@dataclass
class Source:
    """What ``open_lines`` yields: the name to use in messages, the number of lines when it
    is known in advance (a regular file), and the lines themselves."""

    name: str
    total: int | None
    lines: Iterator[str]


@contextmanager
def open_lines(path: str) -> Iterator[Source]:
    """The lines of ``path`` (``-`` is standard input); InvalidInput if it cannot be read."""
    if path == STDIN:
        stream = sys.stdin.buffer if sys.stdin is not None else None
        raw: Iterable[bytes] = stream if stream is not None else ()
        yield Source("standard input", None, decode_lines(raw, "standard input"))
        return
    try:
        handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        total = _count_lines(handle, path)
        yield Source(path, total, decode_lines(_reading(handle, path), path))


def _count_lines(handle: BinaryIO, path: str) -> int | None:
    """How many lines a regular file holds (for a progress bar); None for a pipe."""
    try:
        if not handle.seekable():
            return None
        count = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
        handle.seek(0)
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    return count + 1


def _reading(handle: BinaryIO, path: str) -> Iterator[bytes]:
    try:
        yield from handle  # a binary file's lines end at b"\n" only
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None


def decode_lines(raw: Iterable[bytes], name: str) -> Iterator[str]:
    """``raw`` chunks ending in ``\\n`` (a binary file's lines) as text lines without it."""
    ended = True
    for number, chunk in enumerate(raw, start=1):
        if number == 1 and chunk.startswith(_BOM):
            chunk = chunk[len(_BOM) :]  # a byte order mark some editors write
        ended = chunk.endswith(b"\n")
        body = chunk[:-1] if ended else chunk
        try:
            yield body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"{name}: line {number} is not UTF-8 text "
                f"(byte 0x{body[exc.start]:02x} at position {exc.start + 1})",
                hint="save the file as UTF-8",
            ) from None
    if ended:
        yield ""
