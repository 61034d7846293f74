"""Unsent replies and notes, kept on disk so that nothing an agent writes is lost.

A draft lives in the platform's state directory, one folder per desk and acting agent
(``~/.local/state/deskterm/drafts/desk.db-alice-1f2e3d4c5b6a/`` on Linux) and one file per
ticket and kind holding exactly the text written (``123.reply.txt``, ``123.note.txt``), so a
draft can also be read or copied by hand. Folders and files are the owner's alone (internal
notes must not be readable on a shared jump host), and every save replaces the file
atomically: a crash, a kill or a full disk leaves the previous draft whole.

The time spent typed in the console's editor is kept beside the text (``123.reply.time``,
holding ``15m``): only with a draft, and removed with it.

The console saves a draft as the agent types and when the editor is left; ``ticket reply``
and ``ticket note`` save what was written in ``$EDITOR`` when the write then fails. A draft
is removed when it is sent or discarded. Drafts are never in the database: an unsent reply is
the agent's, not the desk's.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from deskterm import files, paths

KINDS = ("reply", "note")
_FILE = re.compile(r"^([0-9]{1,19})\.(reply|note)\.txt$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_PASSWORD = re.compile(r"^([a-zA-Z0-9+._-]+://[^:/@]*):[^@]*@")


@dataclass(frozen=True)
class Draft:
    ticket_id: int
    kind: str
    path: Path


def desk_key(url: str, handle: str) -> str:
    """The folder name for one desk and agent: readable, and the same for every spelling of
    the same SQLite file; a password in the URL never reaches the name or the hash."""
    clean = _PASSWORD.sub(r"\1@", url.strip())
    if clean.startswith("sqlite:///") and len(clean) > len("sqlite:///"):
        clean = "sqlite:///" + str(Path(clean[len("sqlite:///") :]).expanduser().resolve())
    who = handle.strip().lower()
    digest = hashlib.sha256(f"{clean}\0{who}".encode()).hexdigest()[:12]
    name = _UNSAFE.sub("-", clean.rstrip("/").rsplit("/", 1)[-1]).strip("-.")[:40] or "desk"
    return f"{name}-{_UNSAFE.sub('-', who)[:40]}-{digest}"


class Drafts:
    """The drafts of one desk and agent."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def for_desk(cls, url: str, handle: str, *, root: Path | None = None) -> Drafts:
        return cls((root or paths.drafts_dir()) / desk_key(url, handle))

    def path(self, ticket_id: int, kind: str) -> Path:
        if kind not in KINDS:
            raise ValueError(f"unknown draft kind {kind!r}")
        return self.folder / f"{int(ticket_id)}.{kind}.txt"

    def _time_path(self, ticket_id: int, kind: str) -> Path:
        return self.path(ticket_id, kind).with_suffix(".time")

    def load(self, ticket_id: int, kind: str) -> str | None:
        """The draft's text, or None when there is none."""
        try:
            return self.path(ticket_id, kind).read_text(encoding="utf-8", errors="replace")
        except (FileNotFoundError, NotADirectoryError):
            return None

    def load_time(self, ticket_id: int, kind: str) -> str | None:
        """The time spent kept with the draft, as typed, or None."""
        try:
            text = self._time_path(ticket_id, kind).read_text(encoding="utf-8", errors="replace")
        except (FileNotFoundError, NotADirectoryError):
            return None
        return text.strip() or None

    def save(self, ticket_id: int, kind: str, text: str, time: str | None = None) -> Path | None:
        """Keep ``text`` as the draft (atomically, owner-only), with the time spent typed for
        it (``time``; None or blank keeps none); blank text removes the draft.

        Returns where it is, or None when it was removed. OSError (a full or read-only disk)
        reaches the caller, which must say so: the agent has to know the draft is not safe.
        """
        if not text.strip():
            self.remove(ticket_id, kind)
            return None
        path = self.path(ticket_id, kind)
        files.private_dir(self.folder)
        with files.atomic_write(path) as handle:
            handle.write(text)
        if time is not None and time.strip():
            with files.atomic_write(self._time_path(ticket_id, kind)) as handle:
                handle.write(time.strip())
        else:
            self._remove_time(ticket_id, kind)
        return path

    def remove(self, ticket_id: int, kind: str) -> None:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            self.path(ticket_id, kind).unlink()
        self._remove_time(ticket_id, kind)

    def _remove_time(self, ticket_id: int, kind: str) -> None:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            self._time_path(ticket_id, kind).unlink()

    def all(self) -> list[Draft]:
        """Every draft, by ticket then kind."""
        try:
            names = [entry.name for entry in self.folder.iterdir()]
        except (FileNotFoundError, NotADirectoryError):
            return []
        found = []
        for name in names:
            match = _FILE.match(name)
            if match:
                found.append(Draft(int(match[1]), match[2], self.folder / name))
        return sorted(found, key=lambda d: (d.ticket_id, KINDS.index(d.kind)))

    def ticket_ids(self) -> frozenset[int]:
        return frozenset(d.ticket_id for d in self.all())
