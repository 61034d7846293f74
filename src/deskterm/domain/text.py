"""The display sanitizer: the one place that makes untrusted text inert before display.

Subjects, bodies, names and addresses come from strangers. Before any of it reaches a
terminal (TUI or CLI table) it goes through :func:`sanitize`:

* C0 controls and DEL become the visible Control Pictures symbols (ESC -> ``␛``, NUL -> ``␀``),
  so an escape sequence shows as text instead of moving the cursor or changing colours;
* C1 controls, bidi embeddings/overrides/isolates, lone surrogates and the Unicode line and
  paragraph separators become ``�``;
* newlines survive only in ``multiline`` mode (thread bodies); tabs become spaces.

The result still has to be rendered as *plain text* (``rich.text.Text`` or Textual
``Content``), never parsed as markup: this module stops terminal attacks, the renderer stops
markup ones. Machine output (JSON, CSV) never goes through here: it keeps the data exact.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

REPLACEMENT = "\ufffd"
_TAB_WIDTH = 4

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_SEPARATORS = "\u2028\u2029\x85"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        table[code] = chr(0x2400 + code)
    table[0x7F] = "\u2421"  # ␡
    for code in range(0x80, 0xA0):
        table[code] = REPLACEMENT
    for char in _BIDI + _SEPARATORS:
        table[ord(char)] = REPLACEMENT
    return table


_TABLE = _build_table()
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f" + _BIDI + _SEPARATORS + "\ud800-\udfff]",
)


def sanitize(text: str | None, *, multiline: bool = False) -> str:
    """Return ``text`` with every control or direction-changing character made visible.

    With ``multiline`` the line breaks (``\\n``, ``\\r\\n``) are kept and tabs expand to
    spaces; otherwise a line break becomes ``␤``-free single spaces so one value stays on one
    line of a table. ``None`` becomes the empty string.
    """
    if not text:
        return ""
    if multiline:
        text = text.replace("\r\n", "\n").expandtabs(_TAB_WIDTH)
    else:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    if not _UNSAFE.search(text):
        return text
    if multiline:
        return "\n".join(_clean(line) for line in text.split("\n"))
    return _clean(text)


def _clean(text: str) -> str:
    text = text.translate(_TABLE)
    # Lone surrogates (from undecodable bytes) cannot be encoded for the terminal.
    return re.sub("[\ud800-\udfff]", REPLACEMENT, text)


def one_line(text: str | None, width: int | None = None) -> str:
    """Sanitize for a single table cell and truncate to ``width`` with an ellipsis."""
    clean = sanitize(text)
    if width is not None and len(clean) > width:
        return clean[: max(0, width - 1)] + "…"
    return clean


def long_time(value: datetime | None, *, zone: tzinfo | None = None) -> str:
    """A detail's time: ``2026-11-23 14:05`` in ``zone``, by default the local one; ``""``
    for None. Naive values are UTC. The CLI's tables and the console's detail pane use this."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def short_time(
    value: datetime | None, now: datetime | None = None, *, zone: tzinfo | None = None
) -> str:
    """A list cell's time: ``14:05`` today, ``11-22 09:42`` this year, ``2025-11-22`` before.

    In ``zone``, by default the local one; ``now`` (default: the current time) says what
    "today" is. The CLI and the console both show list times through this.
    """
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(zone)
    today = (now or datetime.now(UTC)).astimezone(zone)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d")
