"""Helpers for tests of export files: edit one, and sign it again as an export would."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from deskterm.domain.transfer.jsonl import ENTITIES, dumps

KINDS = tuple(kind for kind, _table in ENTITIES)

#: Every Unicode line and paragraph separator, the C0 separators, CR and CRLF, NUL and the
#: half of a surrogate pair an undecodable byte becomes: text that must survive a backup.
HOSTILE = (
    "one\u2028two\u2029three\u0085four\x0bfive\x0csix\x1cseven\x1deight\x1enine"
    "\rten\r\neleven\x00twelve\ufffdthirteen\udcffend"
)
#: What the store keeps of HOSTILE: NUL and the lone surrogate become U+FFFD.
STORED = HOSTILE.replace("\x00", "\ufffd").replace("\udcff", "\ufffd")


def rows(lines: list[str], kind: str) -> list[tuple[int, dict[str, Any]]]:
    """(index, data) of every line of ``kind``."""
    found = []
    for index, line in enumerate(lines):
        if line.strip():
            data = json.loads(line)
            if data["type"] == kind:
                found.append((index, data))
    return found


def edit(
    lines: list[str], kind: str, change: Callable[[dict[str, Any]], None], which: int = 0
) -> list[str]:
    """The export with a ``kind`` row (the first, or number ``which``) changed by ``change``,
    signed again: a file a careful hand changed, so only the value checks can catch it."""
    index, data = rows(lines, kind)[which]
    change(data)
    edited = list(lines)
    edited[index] = dumps(data)
    return resign(edited)


def resign(lines: list[str]) -> list[str]:
    """Header counts, line count and checksum made to match the lines again."""
    body = [line for line in lines if not line.startswith('{"type":"trailer"')]
    counts = dict.fromkeys(KINDS, 0)
    for line in body[1:]:
        if line.strip():
            kind = json.loads(line)["type"]
            if kind in counts:
                counts[kind] += 1
    header = json.loads(body[0])
    if "counts" not in header:
        return body  # the previous format: no counts, no trailer
    header["counts"] = counts
    body[0] = dumps(header)
    digest = hashlib.sha256(b"".join(line.encode() + b"\n" for line in body)).hexdigest()
    trailer = {
        "type": "trailer",
        "format": header["format"],
        "version": header["version"],
        "lines": len(body),
        "counts": counts,
        "sha256": digest,
    }
    return [*body, dumps(trailer)]


def as_version_1(lines: list[str]) -> list[str]:
    """The same desk as the first format wrote it: what format 2 holds (no queue members, no
    SLA policies or clocks), with no counts in the header and no trailer."""
    lines = as_version_2(lines)
    header = json.loads(lines[0])
    header["version"] = 1
    del header["counts"]
    return [dumps(header), *(line for line in lines[1:] if '"type":"trailer"' not in line[:20])]


#: What format 3 added to a ticket line: the SLA clock columns.
SLA_TICKET_KEYS = (
    "sla_policy_id",
    "next_response_due",
    "next_response_started_at",
    "sla_paused_at",
    "sla_paused_seconds",
    "next_response_paused_seconds",
    "sla_due",
    "sla_warn_at",
    "sla_escalated_due",
)


#: The kinds of row format 3 added.
SLA_KINDS = (
    "sla_policy",
    "sla_policy_version",
    "rule",
    "macro",
    "mail_message",
    "time_entry",
    "rating",
)


#: The kinds of row format 4 added.
ATTACHMENT_KINDS = ("attachment_blob", "attachment")
#: The kinds of row format 5 added.
OUTBOX_KINDS = ("outbox_mail", "mail_template")


def as_version_4(lines: list[str]) -> list[str]:
    """The desk as format 4 wrote it (before the outbox and the notifications' texts): no
    such rows; signed."""
    return _older(lines, 4, OUTBOX_KINDS, lambda data: None)


def as_version_3(lines: list[str]) -> list[str]:
    """The desk as format 3 wrote it (before attachments): no attachment rows; signed."""
    return _older(as_version_4(lines), 3, ATTACHMENT_KINDS, lambda data: None)


def as_version_2(lines: list[str]) -> list[str]:
    """The desk as format 2 wrote it (before queue members and SLA policies): no policy
    rows, no members or default policy on queues, no SLA keys on tickets; signed again."""
    return _older(as_version_3(lines), 2, SLA_KINDS, _strip_version_3_keys)


def _strip_version_3_keys(data: dict[str, Any]) -> None:
    kind = data["type"]
    if kind == "queue":
        data.pop("default_sla_policy_id", None)
        data.pop("auto_reply", None)
        data.pop("members", None)
    if kind == "ticket":
        for key in SLA_TICKET_KEYS:
            data.pop(key, None)
    if kind == "message":
        data.pop("automatic", None)


def _older(
    lines: list[str],
    version: int,
    dropped: tuple[str, ...],
    strip: Callable[[dict[str, Any]], None],
) -> list[str]:
    """``lines`` as format ``version``: the kinds ``dropped`` left out, each row ``strip``ped,
    the header and trailer counts without those kinds, signed again."""
    older: list[str] = []
    for line in lines:
        data = json.loads(line)
        kind = data["type"]
        if kind in (*dropped, "trailer"):
            continue
        if kind == "header":
            data["version"] = version
        strip(data)
        older.append(dumps(data))
    signed = resign(older)
    header = json.loads(signed[0])
    trailer = json.loads(signed[-1])
    for kind in (*dropped, *OUTBOX_KINDS, *(ATTACHMENT_KINDS if version <= 3 else ())):
        header["counts"].pop(kind, None)
        trailer["counts"].pop(kind, None)
    if version <= 2:
        for kind in SLA_KINDS:
            header["counts"].pop(kind, None)
            trailer["counts"].pop(kind, None)
    body = [dumps(header), *signed[1:-1]]
    # resign() counted with today's kinds; the digest covers the edited header too.
    trailer["sha256"] = hashlib.sha256(b"".join(x.encode() + b"\n" for x in body)).hexdigest()
    return [*body, dumps(trailer)]
