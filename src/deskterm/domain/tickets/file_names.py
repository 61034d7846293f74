"""Names and sizes of attached files (docs/mail.md, "Attachments"). Pure, no database.

A file's name comes from a stranger's mail: it may hold a path (``../../.bashrc``), control
characters, a direction override that makes ``exe.pdf`` read as ``fdp.exe``, nothing at all,
or a thousand characters. :func:`safe_name` makes it a plain file name that
``ticket attachment save`` can write in the current directory and nowhere else.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from typing import Final

#: The longest name kept, in UTF-8 bytes (file systems allow 255; room for a `` (2)``).
MAX_NAME_BYTES: Final = 200
#: What a file with no usable name is called (plus an extension from its type).
FALLBACK: Final = "attachment"
#: Characters no file name gets: path separators, Windows' reserved ones.
_RESERVED: Final = re.compile(r'[/\\<>:"|?*]')
#: Names Windows refuses whatever the extension.
_DEVICES: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
)
_EXTENSIONS: Final = {"text/plain": ".txt", "text/html": ".html", "message/rfc822": ".eml"}


def safe_name(name: str | None, content_type: str = "application/octet-stream") -> str:
    """``name`` as a plain file name: its last path component; control, format and
    direction characters dropped; ``/ \\ < > : " | ? *`` as ``_``; no leading dots or spaces;
    at most :data:`MAX_NAME_BYTES` bytes (the extension kept); never empty (``attachment``
    with an extension from ``content_type``)."""
    text = name or ""
    # The last component of a path, either way of writing one.
    parts = [p for p in re.split(r"[/\\]", text) if p.strip(" .")]
    text = parts[-1] if parts else ""
    text = "".join(ch for ch in " ".join(text.split()) if not _invisible(ch))
    text = _RESERVED.sub("_", text)
    text = text.lstrip(". ").rstrip(". ")
    if text.split(".")[0].upper() in _DEVICES:
        text = "_" + text
    text = _shortened(text)
    if not text:
        return FALLBACK + _extension(content_type)
    return text


def _invisible(ch: str) -> bool:
    # Cc controls, Cf format characters (bidi overrides, zero-width), Cs lone surrogates,
    # Zl/Zp line and paragraph separators.
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _shortened(text: str) -> str:
    if len(text.encode("utf-8")) <= MAX_NAME_BYTES:
        return text
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem or len(ext.encode("utf-8")) > 16:
        stem, ext = text, ""
    suffix = f".{ext}" if ext else ""
    room = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(". ")
    return cut + suffix


def _extension(content_type: str) -> str:
    kind = content_type.lower().strip()
    if kind in _EXTENSIONS:
        return _EXTENSIONS[kind]
    return mimetypes.guess_extension(kind, strict=False) or ".bin"


def size_text(size: int) -> str:
    """``0 B``, ``512 B``, ``1.5 KB``, ``25 MB``: a size for a person (1 KB = 1024 B)."""
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            text = f"{value:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    raise AssertionError("unreachable")
