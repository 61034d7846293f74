"""Where ``mail import`` finds messages: ``.eml`` files, mbox files, Maildir folders (the
standard library's ``mailbox``), and folders of ``.eml`` files."""

from __future__ import annotations

import mailbox
import re
from collections.abc import Sequence
from pathlib import Path

from deskterm.domain.mail.intake import Source
from deskterm.errors import InvalidInput, NotFound


def sources(paths: Sequence[str | Path]) -> list[Source]:
    """Every message under ``paths``, in order, not yet read (each ``load`` reads one).
    NotFound for a path that does not exist; InvalidInput for a folder that is neither a
    Maildir nor holds ``.eml`` files."""
    found: list[Source] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise NotFound(f"no such file or folder: {path}")
        if path.is_dir():
            found += _folder(path)
        elif _is_mbox(path):
            found += _mbox(path)
        else:
            found.append(Source(str(path), path.read_bytes))
    return found


def _is_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None


def _folder(path: Path) -> list[Source]:
    if all((path / part).is_dir() for part in ("cur", "new", "tmp")):
        box = mailbox.Maildir(path, factory=None, create=False)
        keys = sorted(box.keys(), key=lambda key: _maildir_order(box, key))
        return [
            Source(f"{path}/{key}", lambda key=key: box.get_bytes(key))  # type: ignore[misc]
            for key in keys
        ]
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".eml")
    if not files:
        raise InvalidInput(f"{path} is neither a Maildir (cur, new, tmp) nor holds .eml files")
    return [Source(str(file), file.read_bytes) for file in files]


def _maildir_order(box: mailbox.Maildir, key: str) -> tuple[int, int, str]:
    """Delivery order. A Maildir name starts with the delivery's second, and the field
    ``M`` of its second part holds the microsecond (Dovecot ``1035478339.M542012P8473Q1.host``,
    Postfix ``1035478339.V801I6ceM542012.host``), written without leading zeros: compared
    as text, a mail of .M99999 sorted after one of .M100000 delivered later that second."""
    head, _, rest = key.partition(".")
    micro = re.search(r"M(\d+)", rest.split(".", 1)[0])
    return (int(head) if head.isdigit() else 0, int(micro.group(1)) if micro else 0, key)


def _mbox(path: Path) -> list[Source]:
    box = mailbox.mbox(path, factory=None, create=False)
    return [
        Source(f"{path}#{index}", lambda key=key: box.get_bytes(key))  # type: ignore[misc]
        for index, key in enumerate(box.keys(), start=1)
    ]
