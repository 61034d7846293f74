"""Where a reply, note or description comes from: ``--body TEXT``, ``--body -`` or piped
stdin, otherwise ``$EDITOR`` on a temporary file (SPEC section 5).

In ``$EDITOR`` every line the user writes is kept, ``#`` lines included (shell commands,
ticket references, Markdown headings). What deskterm shows for reference (the ticket's
subject and last message) sits below a cut line, as ``git commit --verbose`` does, and
everything from the cut line down is dropped. If the reply or note then cannot be written
(the ticket changed, the desk is busy, the ticket was closed), what was written is kept as a
draft (``deskterm/drafts.py``; the console offers it on that ticket, and the next ``ticket
reply`` starts from it) and the error says where it is.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from deskterm.cli.decode import read_stdin
from deskterm.errors import DeskError, InvalidInput

if TYPE_CHECKING:
    from deskterm.cli.context import CliContext
    from deskterm.domain.desk import Desk
    from deskterm.domain.models import Ticket, TicketDetail
    from deskterm.domain.tickets import NewFile, Presence
    from deskterm.drafts import Drafts

#: The line below which the editor's text is not part of the body (git's scissors line).
CUT_LINE = "# ------------------------ >8 ------------------------"
CUT_NOTE = (
    "# Do not modify or remove the line above.\n"
    "# Everything below it is ignored; everything above it is kept as you wrote it.\n"
)
#: How much of the last message is shown below the cut line.
CONTEXT_CHARS = 4000


def read_body(
    option: str | None, *, what: str, required: bool, context: str = "", initial: str = ""
) -> str | None:
    """The text for ``what``; None only when not ``required`` and nothing was given.

    ``context`` is shown below the cut line in ``$EDITOR``; ``initial`` is the text the
    editor starts with (a kept draft).
    """
    if option is not None and option != "-":
        return option
    if option == "-" or not _stdin_is_terminal():
        text = read_stdin()
        if not text.strip() and required:
            raise InvalidInput(f"{what} on standard input is empty; nothing was changed")
        return text if text.strip() else None
    text = edit_text(what, initial, context=context)
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


def edit_text(what: str, initial: str = "", *, context: str = "") -> str:
    """Open ``$VISUAL``/``$EDITOR`` (default ``vi``) on a temp file and return what was
    written above the cut line, every line kept."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.NamedTemporaryFile("w+", suffix=".md", prefix="deskterm-", delete=False) as f:
        f.write(editor_template(what, initial, context))
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
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            return above_cut(handle.read())
    finally:
        os.unlink(path)


def editor_template(what: str, initial: str, context: str) -> str:
    """What the editor opens on: the text so far, then the cut line and what is for
    reference only."""
    start = initial.rstrip("\n") + "\n" if initial.strip() else "\n"
    below = f"# Write the {what} above the line.\n" + CUT_NOTE
    if context:
        below += "\n" + context.rstrip("\n") + "\n"
    return f"{start}\n{CUT_LINE}\n{below}"


def above_cut(text: str) -> str:
    """The text above the cut line (all of it if there is none), without the blank lines at
    its start and end. Lines are kept exactly, ``#`` lines too."""
    lines = text.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        if line.rstrip() == CUT_LINE:
            lines = lines[:index]
            break
    return "\n".join(lines).strip("\n")


def message_context(detail: TicketDetail, kind: str, others: str = "") -> str:
    """Below the cut line: which ticket this is, who else is on it (``others``: ``bob is
    replying``), and its last message."""
    from deskterm.domain.text import long_time, one_line, sanitize

    ticket = detail.ticket
    kind_text = "public reply to the requester" if kind == "reply" else "internal note"
    lines = [
        f"{kind_text.capitalize()} on #{ticket.id}: {one_line(ticket.subject, 200)}",
        f"Status {ticket.status}, priority {ticket.priority}, queue {one_line(ticket.queue, 60)}"
        + (f", requester {one_line(ticket.requester, 80)}" if ticket.requester else ""),
    ]
    if others:
        lines.append(f"Also on this ticket now: {others}")
    shown = [m for m in detail.messages if m.kind != "event"]
    if shown:
        last = shown[-1]
        who = one_line(last.author_name or last.author or "system", 80)
        label = "internal note" if last.kind == "note" else "message"
        body = sanitize(last.body, multiline=True)
        if len(body) > CONTEXT_CHARS:
            body = body[:CONTEXT_CHARS] + "\n[...]"
        lines += ["", f"Last {label}, from {who} at {long_time(last.created_at)}:", ""]
        lines += [f"> {line}".rstrip() for line in body.split("\n")]
    return "\n".join(lines)


def read_files(cli: CliContext, paths: Sequence[str]) -> list[NewFile]:
    """The files of ``--attach``, read before anything is written: InvalidInput naming the
    file when one cannot be read, is not a file, or is larger than ``[attachments]
    max_size`` (nothing was changed). The type is guessed from the name."""
    import mimetypes
    from pathlib import Path

    from deskterm.config import attachment_max_size
    from deskterm.domain.tickets import NewFile, size_text

    limit = attachment_max_size(cli.settings)
    files: list[NewFile] = []
    for given in paths:
        path = Path(given).expanduser()
        try:
            if not path.is_file():
                why = "it is a directory" if path.is_dir() else "no such file"
                raise InvalidInput(f"cannot attach {given}: {why}; nothing was changed")
            size = path.stat().st_size
            if size > limit:
                raise InvalidInput(
                    f"cannot attach {given}: it is {size_text(size)}, larger than the limit of "
                    f"{size_text(limit)} ([attachments] max_size); nothing was changed"
                )
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(
                f"cannot attach {given}: {exc.strerror}; nothing was changed"
            ) from None
        kind = mimetypes.guess_type(path.name, strict=False)[0] or "application/octet-stream"
        files.append(NewFile(path.name, kind, data))
    return files


def send_message(
    cli: CliContext,
    ticket_id: int,
    kind: str,
    option: str | None,
    *,
    status: str | None = None,
    if_version: int | None = None,
    time: str | None = None,
    files: Sequence[NewFile] = (),
) -> Ticket:
    """``ticket reply`` / ``ticket note``: read the body, add it to the thread (with the
    time spent, ``time``, if given, and ``files``, read by :func:`read_files`).

    With ``$EDITOR``, the editor starts from a kept draft of this reply or note, shows the
    ticket below the cut line, and is not opened at all on a closed ticket (Conflict). If the
    write then fails, the text is kept as that draft and the error's hint says where.
    """
    from deskterm.config import attachment_max_size
    from deskterm.domain import tickets

    desk = cli.desk()
    limit = attachment_max_size(cli.settings)
    what = "reply" if kind == "reply" else "note"
    from_editor = option is None and _stdin_is_terminal()
    if not from_editor:
        text = read_body(option, what=what, required=True) or ""
        return tickets.add_message(
            desk,
            ticket_id,
            kind,
            text,
            status=status,
            if_version=if_version,
            time=time,
            files=files,
            max_size=limit,
        )[0]

    from deskterm.drafts import Drafts

    if time is not None:
        # A mistyped time is refused before the editor opens, not after the text is written.
        tickets.parse_time_spent(time)
    detail = tickets.detail(desk, ticket_id)
    tickets.ensure_editable(ticket_id, detail.ticket.status)
    drafts = Drafts.for_desk(cli.settings.url, cli.settings.handle)
    draft = drafts.load(ticket_id, kind) or ""
    here: tuple[Presence, ...] = ()
    here = _quietly(lambda: tickets.present(desk, [ticket_id]), here)
    others = "; ".join(p.phrase for p in here)
    with _writing(desk, ticket_id, "replying" if kind == "reply" else "noting"):
        written = edit_text(what, draft, context=message_context(detail, kind, others))
    if not written.strip():
        raise InvalidInput(f"empty {what}; nothing was changed")
    # The agent answers what the editor showed: a reply or status change that arrived while
    # they wrote makes this a conflict (the text is kept as a draft), not a silent overlap.
    seen = if_version if if_version is not None else detail.ticket.version
    try:
        ticket = tickets.add_message(
            desk,
            ticket_id,
            kind,
            written,
            status=status,
            if_version=seen,
            time=time,
            files=files,
            max_size=limit,
        )[0]
    except DeskError as exc:
        exc.hint = _kept(drafts, ticket_id, kind, written, exc.hint, time)
        raise
    drafts.remove(ticket_id, kind)
    return ticket


R = TypeVar("R")


def _quietly(call: Callable[[], R], otherwise: R) -> R:
    """``call()``, or ``otherwise`` when the desk cannot answer (presence is never worth an
    error)."""
    try:
        return call()
    except DeskError:
        return otherwise


@contextmanager
def _writing(desk: Desk, ticket_id: int, activity: str) -> Iterator[None]:
    """While the editor is open, others see this agent ``activity`` on the ticket (a beat
    now and every ``tickets.BEAT_SECONDS``, from a thread); gone once it closes."""
    import threading

    from deskterm.domain import tickets

    stop = threading.Event()

    def beat() -> None:
        while True:
            _quietly(lambda: tickets.beat(desk, ticket_id, activity), None)
            if stop.wait(tickets.BEAT_SECONDS):
                return

    thread = threading.Thread(target=beat, name="presence", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
        _quietly(lambda: tickets.leave(desk, ticket_id), None)


def _kept(
    drafts: Drafts, ticket_id: int, kind: str, text: str, hint: str | None, time: str | None
) -> str:
    """Keep ``text`` as the draft and say where. If even that fails (a full disk), the text
    goes to stderr, so that it is never lost."""
    try:
        path = drafts.save(ticket_id, kind, text, time)
    except OSError as exc:
        print(text, file=sys.stderr)
        where = f"your {kind} could not be kept as a draft ({exc.strerror or exc}); it is above"
    else:
        where = (
            f"your {kind} is kept in {path}; "
            f"deskterm ticket {kind} {ticket_id} opens it again, as does the console"
        )
    return f"{hint}; {where}" if hint else where
