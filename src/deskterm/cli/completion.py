"""Shell completion of option values and queries (Typer's ``autocompletion=`` callbacks).

``deskterm --install-completion`` installs Typer's script; the shell then runs ``deskterm``
with ``_DESKTERM_COMPLETE=complete_bash`` (zsh, fish, powershell alike) and these callbacks
supply the values: the fixed words (statuses, priorities, types, channels, formats) from
:mod:`deskterm.domain.vocab`, queue names and agent handles from the database, and query
fields and values for ``ticket list QUERY`` and ``--query``.

Completion must never get in the way of typing: a callback prints nothing, creates nothing
(an absent SQLite file is not created, an empty database is not initialized) and answers
``[]`` on any error rather than a traceback. Like the command modules this one imports only
Typer at the top; the domain is imported when a callback runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from deskterm.domain.desk import Desk

#: Query fields whose values come (partly) from the database.
_DB_FIELDS = re.compile(r"(?i)\b(queue|assignee):")


#: The variable the shell's completion script sets (Typer's ``_{PROG}_COMPLETE`` protocol).
COMPLETE_VAR = "_DESKTERM_COMPLETE"


def _for_shell(values: list[str]) -> list[str]:
    """``values`` as the shell asking needs them.

    Bash inserts a completion exactly as given, after any quote the user opened: a value with
    a space (``Network L2``) has to come escaped (``Network\\ L2``) to stay one word, or,
    inside an open quote, in the form that quote needs (readline closes it). zsh and fish
    quote what they insert themselves and get the plain value.
    """
    if not os.environ.get(COMPLETE_VAR, "").startswith("complete_bash"):
        return values
    quote = _open_quote(os.environ.get("COMP_WORDS", ""))
    return [_bash_word(value, quote) for value in values]


_BASH_SPECIAL = re.compile(r"""([^\w@%+=:,./-])""")


def _bash_word(value: str, quote: str | None) -> str:
    if quote == "'":
        return value.replace("'", "'\\''")
    if quote == '"':
        return re.sub(r'(["\\$`])', r"\\\1", value)
    return _BASH_SPECIAL.sub(r"\\\1", value)


def _open_quote(line: str) -> str | None:
    """The quote left open at the end of a bash command line (``'`` or ``"``), or None."""
    quote: str | None = None
    escaped = False
    for char in line:
        if escaped:
            escaped = False
        elif quote == "'":
            quote = None if char == "'" else quote
        elif char == "\\":
            escaped = True
        elif quote == '"':
            quote = None if char == '"' else quote
        elif char in "'\"":
            quote = char
    return quote


def _matching(values: Iterable[str], incomplete: str) -> list[str]:
    """``values`` starting with ``incomplete`` (case-insensitive), in order, no repeats,
    quoted for the shell that asks."""
    prefix = (incomplete or "").lower()
    found = [value for value in dict.fromkeys(values) if value.lower().startswith(prefix)]
    return _for_shell(found)


def statuses(incomplete: str) -> list[str]:
    from deskterm.domain.vocab import STATUSES

    return _matching(STATUSES, incomplete)


def priorities(incomplete: str) -> list[str]:
    from deskterm.domain.vocab import PRIORITIES

    return _matching(PRIORITIES, incomplete)


def types(incomplete: str) -> list[str]:
    from deskterm.domain.vocab import TYPES

    return _matching(TYPES, incomplete)


def channels(incomplete: str) -> list[str]:
    from deskterm.domain.vocab import CHANNELS

    return _matching(CHANNELS, incomplete)


def formats(incomplete: str) -> list[str]:
    from deskterm.cli.output import FORMATS

    return _matching(FORMATS, incomplete)


def queues(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(_from_desk(ctx, _queue_names), incomplete)


def agents(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(_from_desk(ctx, _agent_handles), incomplete)


def assignees(ctx: typer.Context, incomplete: str) -> list[str]:
    """``me``, ``none`` and the agents' handles (for ``--assignee`` and ``ticket assign``)."""
    return _matching(["me", "none", *_from_desk(ctx, _agent_handles)], incomplete)


def query(ctx: typer.Context, incomplete: str) -> list[str]:
    """Query completions for the word being typed: the whole word with the token under the
    cursor completed (``is:unsolved sta`` -> ``is:unsolved status:``), since the shell
    replaces the whole word."""
    try:
        from deskterm.domain.query import complete, completion_start

        text = incomplete or ""
        vocab: dict[str, Sequence[str]] = {}
        if _DB_FIELDS.search(text):
            vocab = _from_desk(ctx, _query_vocab) or {}
        start = completion_start(text, len(text))
        found = [text[:start] + value for value in complete(text, len(text), vocab=vocab)]
        return _for_shell(found)
    except Exception:  # completion must never print a traceback
        return []


# -- the database, read-only and best effort ----------------------------------------------------


def _queue_names(desk: Desk) -> list[str]:
    from deskterm.domain.queues import list_queues

    return [q.name for q in list_queues(desk)]


def _agent_handles(desk: Desk) -> list[str]:
    from deskterm.domain.people import list_agents

    return [a.handle for a in list_agents(desk)]


def _query_vocab(desk: Desk) -> dict[str, Sequence[str]]:
    return {"queue": _queue_names(desk), "assignee": _agent_handles(desk)}


def _from_desk(ctx: typer.Context | None, fetch: Callable[[Desk], Any]) -> Any:
    """``fetch(desk)`` on the database the command line names, or ``[]`` on any problem."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            desk = _open(ctx)
            if desk is None:
                return []
            try:
                return fetch(desk)
            finally:
                desk.close()
    except Exception:  # no database, no such agent, bad config: nothing to offer
        return []


def _open(ctx: typer.Context | None) -> Desk | None:
    from deskterm.config import resolve

    params: dict[str, Any] = {}
    if ctx is not None:
        params = dict(ctx.find_root().params or {})
    settings = resolve(
        db=params.get("db"),
        agent=params.get("as_agent"),
        config=params.get("config"),
    )
    url = settings.url
    if not _may_open(url):
        return None
    from deskterm.domain.setup import open_desk

    return open_desk(url, settings.handle, handle_given=settings.handle_given, initialize=False)


def _may_open(url: str) -> bool:
    """False for a SQLite file that does not exist (connecting would create it) or is empty
    (opening sets WAL mode, which writes a header)."""
    from pathlib import Path

    scheme, _, rest = url.partition(":")
    if scheme.split("+")[0].lower() != "sqlite":
        return True
    if not rest.startswith("///"):
        return False  # sqlite:// (memory) or not a URL the store accepts
    database = rest[3:].split("?", 1)[0]
    if not database or database == ":memory:" or database.startswith("file:"):
        return False
    path = Path(database).expanduser()
    return path.is_file() and path.stat().st_size > 0
