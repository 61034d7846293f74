"""How the console says what went wrong: in words, from the data the error carries.

The domain raises typed errors (``deskterm.errors``); the CLI turns them into ``error:`` lines
and exit codes, the console into a notification whose title says what kind of trouble it is
("The ticket changed", "The desk is busy") and never a Python class name.
"""

from __future__ import annotations

from deskterm.errors import (
    Busy,
    Conflict,
    DeskError,
    IdentityRefused,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ReadOnlyDesk,
    RetryableConflict,
    StaleVersion,
    StoreUnavailable,
)

#: Most specific first: the first class an error is an instance of gives its title.
TITLES: tuple[tuple[type[DeskError], str], ...] = (
    (StaleVersion, "The ticket changed"),
    (Busy, "The desk is busy"),
    (RetryableConflict, "The desk is busy"),
    (Conflict, "Not allowed now"),
    (NotFound, "Not found"),
    (InvalidInput, "Not valid"),
    (ReadOnlyDesk, "The desk is read-only"),
    (IdentityRefused, "Not allowed on this desk"),
    (PermissionDenied, "Not permitted"),
    (StoreUnavailable, "The desk cannot be reached"),
)
_THREAD = {
    "reply": "added a reply",
    "note": "added a note",
    "requester_reply": "added the requester's reply",
}


def error_title(exc: DeskError) -> str:
    for cls, title in TITLES:
        if isinstance(exc, cls):
            return title
    return "That did not work"


def error_text(exc: DeskError) -> str:
    """What happened, for the agent at the console."""
    if isinstance(exc, StaleVersion):
        return stale_text(exc)
    if isinstance(exc, Busy | RetryableConflict):
        return "Another change was holding the desk, so nothing was changed. Try again."
    return exc.message + (f" ({exc.hint})" if exc.hint else "")


def stale_text(exc: StaleVersion) -> str:
    """``#12 changed since you opened it (version 3, now 5): bob changed priority and added
    a reply.``"""
    who = "; ".join(f"{actor or 'the system'} {_what(fields)}" for actor, fields in exc.changes)
    text = f"#{exc.ticket_id} changed since you opened it (version {exc.seen}, now {exc.now})"
    return text + (f": {who}." if who else ".")


def _what(fields: tuple[str, ...]) -> str:
    changed = [f for f in fields if f not in _THREAD]
    parts = ([f"changed {_and(changed)}"] if changed else []) + [
        _THREAD[f] for f in fields if f in _THREAD
    ]
    return _and(parts)


def _and(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
