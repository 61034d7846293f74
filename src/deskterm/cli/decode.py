"""Bytes from outside as text: standard input, arguments and files, always UTF-8.

deskterm stores text as UTF-8 and reads it as UTF-8 whatever the locale (``LC_ALL=C``, a
Latin-1 terminal), as git and jq do, so the same bytes mean the same text in a cron job and
at a desk. What is not valid UTF-8 is never guessed at and never a traceback:

* text a person or a script meant (a reply or note body, a query, a subject, an option's
  value) is refused with one line naming where the bad byte is (exit 2, nothing changed);
* ticket ids from ``ticket update -`` are checked line by line, and a line with bad bytes is
  an invalid id on that line like any other typo;
* a file or folder name from the command line is passed to the system unchanged, so a
  folder with a Latin-1 name can still be imported; it is shown with ``�`` where it is
  printed for people.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

from deskterm.errors import InvalidInput

#: What to do about it, for the error line.
CONVERT_HINT = "convert it first, e.g. iconv -f LATIN1 -t UTF-8"
#: Parameters that name a file, folder or database: passed on unchanged, whatever the bytes.
PATH_METAVARS = frozenset({"FILE", "FILE|-", "DIR", "PATH", "URL"})


def utf8(data: bytes, *, where: str) -> str:
    """``data`` as UTF-8 text; InvalidInput naming ``where``, the line and the bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidInput(
            f"{where} is not valid UTF-8: byte 0x{data[exc.start]:02x} on line {line}",
            hint=CONVERT_HINT,
        ) from None


def stdin_bytes() -> bytes:
    """All of standard input, as the bytes that came (``b""`` when there is none)."""
    stream = sys.stdin
    if stream is None:
        return b""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # already text (a test's StringIO)
        return stream.read().encode("utf-8", "surrogateescape")
    data: bytes = buffer.read()
    return data


def read_stdin(*, where: str = "standard input") -> str:
    """All of standard input as UTF-8 text (see :func:`utf8`); ``""`` when there is none."""
    return utf8(stdin_bytes(), where=where)


def body_text(body: str | None, body_file: str | None) -> str | None:
    """The text of a ``--body`` / ``--body-file`` pair: ``--body -`` reads standard input, a
    file is read as UTF-8 (see :func:`utf8`); None when neither is given."""
    if body is not None and body_file is not None:
        raise InvalidInput("give --body or --body-file, not both")
    if body == "-":
        return read_stdin()
    if body_file is not None:
        try:
            with open(body_file, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise InvalidInput(f"cannot read {body_file}: {exc.strerror or exc}") from None
        return utf8(data, where=body_file)
    return body


def utf8_arguments(args: list[str]) -> list[str]:
    """``args`` with every argument that is valid UTF-8 read as UTF-8, whatever the locale.

    Only a locale that is not UTF-8 with Python's UTF-8 mode off (``LC_ALL=C PYTHONUTF8=0``)
    hands a UTF-8 ``☕`` over as undecodable bytes; anywhere else this changes nothing. An
    argument naming a file or folder that exists is left as it came: that is the form the
    system opens it by.
    """
    if sys.getfilesystemencoding().lower().replace("-", "") == "utf8":
        return args
    fixed = []
    for arg in args:
        if undecodable_byte(arg) is not None and not os.path.lexists(arg):
            # Not UTF-8 either: kept, and check_arguments names it (or it is a file name).
            with contextlib.suppress(UnicodeError, ValueError):
                arg = os.fsencode(arg).decode("utf-8")
        fixed.append(arg)
    return fixed


def undecodable_byte(text: str) -> int | None:
    """The first byte of a command-line argument that was not UTF-8, or None.

    Python hands such bytes over as lone surrogates U+DC80..U+DCFF ("surrogateescape").
    """
    for char in text:
        if "\udc80" <= char <= "\udcff":
            return ord(char) - 0xDC00
    return None


def check_arguments(ctx: Any) -> None:
    """Refuse a text argument of this command (or its parents) that is not valid UTF-8.

    ``ctx`` is the command's Click context, after parsing. The error names the option or
    argument. Parameters in :data:`PATH_METAVARS` are file names and are left alone.
    """
    while ctx is not None:
        for param in ctx.command.params:
            if param.metavar in PATH_METAVARS:
                continue
            value = ctx.params.get(param.name)
            for item in value if isinstance(value, list | tuple) else (value,):
                byte = undecodable_byte(item) if isinstance(item, str) else None
                if byte is not None:
                    option = param.param_type_name == "option" and param.opts
                    name = param.opts[0] if option else param.metavar or param.name.upper()
                    raise InvalidInput(
                        f"{name} is not valid UTF-8: byte 0x{byte:02x}", hint=CONVERT_HINT
                    )
        ctx = ctx.parent
