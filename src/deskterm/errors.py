"""Typed domain errors. The CLI maps each to one exit code (see ``deskterm.exit_codes``);
the TUI shows them as notifications. Messages are one line, say what was wrong and what is
allowed, and never contain a password."""

from __future__ import annotations

from collections.abc import Sequence


class DeskError(Exception):
    """Base of every error deskterm reports to a user without a traceback."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class InvalidInput(DeskError):
    """Bad usage or a value that is not allowed (exit 2)."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        text: str | None = None,
        position: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        #: The text the error is about (a query) and the 0-based offset of the problem in it,
        #: so a caller can draw a caret under it.
        self.text = text
        self.position = position
        #: The field the bad value was given for (``status``, ``subject``), when known, so a
        #: caller can name it in its own terms (``"set.status"`` in a batch line).
        self.field = field

    def about(self, field: str) -> InvalidInput:
        """This error, marked as being about ``field`` (the first field named wins)."""
        if self.field is None:
            self.field = field
        return self

    def caret(self) -> str | None:
        """The offending text with a caret line under the problem, or None."""
        if self.text is None or self.position is None:
            return None
        pos = max(0, min(self.position, len(self.text)))
        return f"  {self.text}\n  {' ' * pos}^"


class NotFound(DeskError):
    """The named ticket, article, agent or queue does not exist (exit 3). ``what`` says which
    kind of thing (``article``, ``view``, ``agent``...) so a face can say where to look."""

    exit_code = 3

    def __init__(self, message: str, *, hint: str | None = None, what: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.what = what


class Conflict(DeskError):
    """A concurrent change or a transition the workflow does not allow (exit 4)."""

    exit_code = 4


class StaleVersion(Conflict):
    """A write based on a version of the ticket that is no longer current, where what it
    changes was changed since by someone else (exit 4).

    Carries the data each front end phrases in its own words: the ticket, the version the
    caller read, the version now, and who changed what since (``changes``: actor handle or
    None for the system -> the fields or thread entries they changed, in order).
    """

    def __init__(
        self,
        message: str,
        *,
        ticket_id: int,
        seen: int,
        now: int,
        changes: tuple[tuple[str | None, tuple[str, ...]], ...] = (),
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.ticket_id = ticket_id
        self.seen = seen
        self.now = now
        self.changes = changes


class PolicyChanged(Conflict):
    """An SLA policy changed since the caller read it (exit 4): ``seen`` and ``now`` are its
    versions then and now."""

    def __init__(self, name: str, *, seen: int, now: int) -> None:
        super().__init__(
            f'SLA policy "{name}" changed since you read it (version {seen}, now {now}); '
            "nothing was changed"
        )
        self.name = name
        self.seen = seen
        self.now = now


class PolicyInUse(Conflict):
    """An SLA policy that tickets run under or queues fall back on cannot simply be deleted
    (exit 4): ``tickets`` counts the tickets, ``queues`` names the queues."""

    def __init__(self, name: str, *, tickets: int, queues: Sequence[str]) -> None:
        uses = []
        if tickets:
            runs = "tickets run" if tickets != 1 else "ticket runs"
            uses.append(f"{tickets:,} {runs} under it")
        if queues:
            uses.append(
                f"it is the default of queue{'s' if len(queues) != 1 else ''} " + ", ".join(queues)
            )
        super().__init__(
            f'SLA policy "{name}" is in use: {" and ".join(uses)}; nothing was changed'
        )
        self.name = name
        self.tickets = tickets
        self.queues = tuple(queues)


class AlreadyRated(Conflict):
    """This solve of the ticket already has a satisfaction rating (``rating``: good or bad)
    and the caller did not ask to replace it (exit 4). Nothing was changed."""

    def __init__(self, message: str, *, ticket_id: int, rating: str) -> None:
        super().__init__(message)
        self.ticket_id = ticket_id
        self.rating = rating


class Busy(Conflict):
    """The desk was busy: a lock or statement waited longer than the configured limit (exit 4).
    Nothing was changed; trying again later is the remedy."""


class RetryableConflict(Conflict):
    """A deadlock or serialization failure the database resolved by aborting this
    transaction (exit 4 if it reaches the user). The domain retries the whole call a bounded
    number of times before letting it through."""


class PermissionDenied(DeskError):
    """The acting agent may not do this (exit 5)."""

    exit_code = 5


class IdentityRefused(PermissionDenied):
    """Who is acting may not use this desk at all, whatever the command (exit 5): ``handle``
    is not an agent here, the agent is deactivated, or the PostgreSQL ``login`` may not act as
    ``handle``. No retry helps: a command stops, the console says it once and stops looking,
    mail fetching stops rather than leave each message behind."""

    def __init__(self, message: str, *, handle: str, login: str | None = None) -> None:
        super().__init__(message)
        self.handle = handle
        self.login = login


class UnknownAgent(IdentityRefused):
    """The acting agent (``handle``) is not an agent of this desk (exit 5)."""

    def __init__(self, message: str, *, handle: str) -> None:
        super().__init__(message, handle=handle)


class ReadOnlyDesk(PermissionDenied):
    """The desk can be read but not written: a read-only file, folder or mount, or a
    read-only PostgreSQL server (exit 5). Reads work; the write changed nothing."""


class StoreUnavailable(DeskError):
    """The database cannot be opened: unreachable server, unwritable path, wrong schema (exit 1)."""

    exit_code = 1


class MailServerError(DeskError):
    """A mail server (``protocol``: ``IMAP``, ``SMTP``) at ``server`` (``host:port``) could
    not be used. Exit codes are those mail tools use (sysexits.h), so cron and systemd read
    them as mail servers do."""

    def __init__(self, message: str, *, protocol: str, server: str | None = None) -> None:
        super().__init__(message)
        self.protocol = protocol
        self.server = server


class MailServerUnavailable(MailServerError):
    """The mail server cannot be reached now, or dropped the connection (exit 75,
    EX_TEMPFAIL): nothing was lost; try again later."""

    exit_code = 75


class MailLoginRefused(MailServerError):
    """The mail server refused the login (exit 77, EX_NOPERM)."""

    exit_code = 77


class MailNotConfigured(MailServerError):
    """The mail server is not set up in the config, or set up in a way that cannot work (a
    missing key, a plain connection to another machine, an untrusted certificate, a folder
    the server does not have) (exit 78, EX_CONFIG). ``setting`` names the ``[mail]`` key to
    fix, when one is to blame."""

    exit_code = 78

    def __init__(
        self,
        message: str,
        *,
        protocol: str,
        server: str | None = None,
        setting: str | None = None,
    ) -> None:
        super().__init__(message, protocol=protocol, server=server)
        self.setting = setting


class SchemaMismatch(StoreUnavailable):
    """The database's schema is not this code's (exit 1): ``status`` is ``empty`` (no schema
    yet), ``behind`` (older: migrate it), ``ahead`` (written by a newer deskterm) or
    ``foreign`` (another application's database). Each face says what to do in its words."""

    def __init__(
        self, message: str, *, where: str, status: str, current: str | None, head: str
    ) -> None:
        super().__init__(message)
        self.where = where
        self.status = status
        self.current = current
        self.head = head


class QueueInUse(Conflict):
    """A queue cannot be deleted while it holds tickets (``tickets``: how many), while other
    queues escalate to it (``escalated_from``: their names) or while SLA policies are
    narrowed to it (``policies``: their names) (exit 4). Nothing was changed."""

    def __init__(
        self,
        message: str,
        *,
        queue: str,
        tickets: int,
        escalated_from: tuple[str, ...],
        policies: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.queue = queue
        self.tickets = tickets
        self.escalated_from = escalated_from
        self.policies = policies


class NotInQueue(PermissionDenied):
    """An agent who works some queues asked to take from another one (exit 5): ``handle``,
    the ``queue`` asked for and the ``queues`` the agent is a member of."""

    def __init__(self, message: str, *, handle: str, queue: str, queues: tuple[str, ...]) -> None:
        super().__init__(message)
        self.handle = handle
        self.queue = queue
        self.queues = queues


class NothingToTake(NotFound):
    """``ticket take`` found no unassigned, unsolved ticket (exit 3) in ``queue`` when one was
    named, else in ``queues`` (the acting agent's queues; empty: every queue)."""

    def __init__(self, message: str, *, queue: str | None, queues: tuple[str, ...]) -> None:
        super().__init__(message, what="ticket")
        self.queue = queue
        self.queues = queues
