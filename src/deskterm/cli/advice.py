"""What to do about an error, in the command line's words.

The domain's errors say what was wrong and carry the data (a schema's status, the kind of
thing not found, the unknown agent's handle); which command or flag helps is the command
line's to say, here, in one place. The console says it its own way (``tui/phrases.py``).
"""

from __future__ import annotations

from deskterm.errors import (
    AlreadyRated,
    DeskError,
    MailLoginRefused,
    MailServerUnavailable,
    NotFound,
    NotInQueue,
    PolicyChanged,
    PolicyInUse,
    QueueInUse,
    SchemaMismatch,
    UnknownAgent,
)

_SCHEMA = {
    "empty": "run: deskterm db init",
    "behind": "back it up, then run: deskterm db migrate",
    "ahead": "upgrade deskterm to use it",
}
_LOOK = {
    "article": "try: deskterm kb search WORDS",
    "view": "see: deskterm view list",
    "agent": "see: deskterm agent list",
    "sla policy": "see: deskterm sla list",
    "queue": "see: deskterm queue list",
    "rule": "see: deskterm rule list",
}

_LOGIN = {
    "IMAP": "check [mail] imap_user and the password: the environment's "
    "DESKTERM_IMAP_PASSWORD, [mail] imap_password_env or imap_password",
}


def advice(exc: DeskError) -> str | None:
    """The hint to print after ``exc``'s message (its own hint first, if it has one)."""
    found: str | None = None
    if isinstance(exc, SchemaMismatch):
        found = _SCHEMA.get(exc.status)
    elif isinstance(exc, UnknownAgent):
        found = (
            "act as a known agent with --as HANDLE or DESKTERM_AGENT, "
            f"or ask an admin to run: deskterm agent add {exc.handle}"
        )
    elif isinstance(exc, PolicyInUse):
        found = "to delete it anyway, leaving its tickets without policy, add --force"
    elif isinstance(exc, PolicyChanged):
        found = f"see: deskterm sla show '{exc.name}'"
    elif isinstance(exc, QueueInUse):
        found = _queue_in_use(exc)
    elif isinstance(exc, NotInQueue):
        found = (
            f"take from your queues, or ask a lead to run: "
            f"deskterm agent join {_quoted(exc.queue)} {exc.handle}"
        )
    elif isinstance(exc, AlreadyRated):
        found = "to change it, add --replace"
    elif isinstance(exc, MailLoginRefused):
        found = _LOGIN.get(exc.protocol)
    elif isinstance(exc, MailServerUnavailable):
        found = "nothing was lost: run it again later"
    elif isinstance(exc, NotFound) and exc.what is not None:
        found = _LOOK.get(exc.what)
    parts = [part for part in (exc.hint, found) if part]
    return "; ".join(parts) or None


def _quoted(name: str) -> str:
    import shlex

    return shlex.quote(name)


def _queue_in_use(exc: QueueInUse) -> str:
    steps = []
    for source in exc.escalated_from:
        steps.append(f"deskterm queue edit {_quoted(source)} --escalates-to QUEUE|none")
    for policy in exc.policies:
        steps.append(f"deskterm sla edit {_quoted(policy)} --queue QUEUE|none")
    if exc.tickets:
        steps.append(f"deskterm queue delete {_quoted(exc.queue)} --move-to QUEUE")
    if len(steps) == 1:
        return f"run: {steps[0]}"
    return "first run: " + "; then ".join(steps)
