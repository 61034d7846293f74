"""Where a reply, note or description comes from: ``--body TEXT``, ``--body -`` or piped
stdin, otherwise ``$EDITOR`` on a temporary file (SPEC section 5)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile

from deskterm.cli.decode import read_stdin
from deskterm.errors import InvalidInput

EDITOR_TEMPLATE = "\n# Write the {what} above. Lines starting with '#' are ignored.\n"


def read_body(option: str | None, *, what: str, required: bool) -> str | None:
    """The text for ``what``; None only when not ``required`` and nothing was given."""
    if option is not None and option != "-":
        return option
    if option == "-" or not _stdin_is_terminal():
        text = read_stdin()
        if not text.strip() and required:
            raise InvalidInput(f"{what} on standard input is empty; nothing was changed")
        return text if text.strip() else None
    text = edit_text(what)
    if not text.strip():
        if required:
            raise InvalidInput(f"empty {what}; nothing was changed")
        return None
    return text


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def edit_text(what: str, initial: str = "") -> str:
    """Open ``$VISUAL``/``$EDITOR`` (default ``vi``) on a temp file and return what was saved."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.NamedTemporaryFile("w+", suffix=".md", prefix="deskterm-", delete=False) as f:
        f.write(initial + EDITOR_TEMPLATE.format(what=what))
        path = f.name
    try:
        try:
            result = subprocess.run([*shlex.split(editor), path], check=False)
        except FileNotFoundError:
            raise InvalidInput(
                f'editor "{editor}" not found; set $EDITOR or pass --body TEXT'
            ) from None
        if result.returncode != 0:
            raise InvalidInput(
                f"editor exited with status {result.returncode}; nothing was changed"
            )
        with open(path, encoding="utf-8") as handle:
            lines = [line for line in handle.read().splitlines() if not line.startswith("#")]
        return "\n".join(lines).strip("\n")
    finally:
        os.unlink(path)
