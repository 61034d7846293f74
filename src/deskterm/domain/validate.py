"""Checks on values users type, each raising InvalidInput that names what is allowed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from deskterm.domain.vocab import CHANNELS, PRIORITIES, RATINGS, ROLES, TIERS, TYPES
from deskterm.errors import InvalidInput

MAX_SUBJECT = 500
MAX_BODY = 1_000_000
MAX_TAG = 40
_TAG = re.compile(r"^[a-z0-9][a-z0-9_.:/+-]*$")
_EMAIL = re.compile(r"^[^@\s<>\"\x00]+@[^@\s<>\"\x00]+\.[^@\s<>\"\x00]+$")
_HANDLE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def choice(kind: str, value: str, allowed: Sequence[str]) -> str:
    normal = value.strip().lower().replace("-", "_")
    if normal not in allowed:
        raise InvalidInput(f'unknown {kind} "{value}"; allowed: {", ".join(allowed)}')
    return normal


def ticket_type(value: str) -> str:
    return choice("type", value, TYPES)


def priority(value: str) -> str:
    return choice("priority", value, PRIORITIES)


def channel(value: str) -> str:
    return choice("channel", value, CHANNELS)


def role(value: str) -> str:
    return choice("role", value, ROLES)


def storable(text: str) -> str:
    """Text as the store can keep it on both backends: PostgreSQL refuses NUL characters, so
    they become U+FFFD (as an undecodable byte would) everywhere, SQLite included; so does a
    lone surrogate (half of a UTF-16 pair, which a JSON ``\\ud800`` escape can carry), which
    is not text that either backend can hold."""
    return _LONE_SURROGATE.sub("\ufffd", text.replace("\x00", "\ufffd"))


def subject(value: str) -> str:
    text = storable(" ".join(value.split()))
    if not text:
        raise InvalidInput("subject must not be empty")
    if len(text) > MAX_SUBJECT:
        raise InvalidInput(f"subject is {len(text)} characters; at most {MAX_SUBJECT} allowed")
    return text


def body(value: str, *, what: str = "body") -> str:
    text = storable(value.strip("\n"))
    if not text.strip():
        raise InvalidInput(f"{what} must not be empty")
    if len(text) > MAX_BODY:
        raise InvalidInput(f"{what} is {len(text)} characters; at most {MAX_BODY} allowed")
    return text


MAX_COMMENT = 2000


def rating(value: str) -> str:
    return choice("rating", value, RATINGS)


def comment(value: str | None) -> str | None:
    """A rating's comment: None when blank, at most :data:`MAX_COMMENT` characters."""
    if value is None or not value.strip():
        return None
    text = storable(value.strip())
    if len(text) > MAX_COMMENT:
        raise InvalidInput(f"the comment is {len(text)} characters; at most {MAX_COMMENT} allowed")
    return text


def tag(value: str) -> str:
    text = value.strip().lower()
    if not text or len(text) > MAX_TAG or not _TAG.match(text):
        raise InvalidInput(
            f'invalid tag "{value}"; tags are up to {MAX_TAG} characters of a-z, 0-9 '
            "and . _ - : / +, starting with a letter or digit"
        )
    return text


def tags(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        for part in value.split(","):
            if part.strip():
                seen[tag(part)] = None
    return tuple(seen)


def email(value: str) -> str:
    text = value.strip()
    if len(text) > 320 or not _EMAIL.match(text):
        raise InvalidInput(f'invalid e-mail address "{value}"; expected name@example.com')
    return text.lower()


def handle(value: str) -> str:
    text = value.strip().lower()
    if not _HANDLE.match(text):
        raise InvalidInput(
            f'invalid agent handle "{value}"; use up to 64 of a-z, 0-9, . _ -, '
            "starting with a letter or digit"
        )
    return text


#: The largest id or version either backend stores (64-bit signed: BIGINT on PostgreSQL,
#: INTEGER on SQLite). Anything larger is refused here, before it reaches a database.
MAX_ID = 2**63 - 1


def identifier(value: int | str, *, what: str = "ticket id", example: str = "123") -> int:
    """A positive 64-bit id, from a number or text such as ``#123``; InvalidInput otherwise
    (zero, negative, not a whole number, or more than :data:`MAX_ID`)."""
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    else:
        text = str(value).strip().lstrip("#")
        number = int(text) if text.isascii() and text.isdigit() and len(text) <= 19 else None
    if number is None or not 1 <= number <= MAX_ID:
        raise InvalidInput(
            f'invalid {what} "{_short(value)}"; expected a whole number from 1 to {MAX_ID}, '
            f"like {example}"
        )
    return number


def ticket_id(value: int | str) -> int:
    return identifier(value)


def version(value: int | str) -> int:
    """A ticket or article version as a caller saw it (``--if-version``, ``if_version``)."""
    return identifier(value, what="version", example="3")


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def tier(value: str) -> str:
    text = value.strip().upper()
    if text not in TIERS:
        raise InvalidInput(f'unknown tier "{value}"; allowed: {", ".join(TIERS)}')
    return text


def zoned_time(value: str) -> datetime:
    """An ISO 8601 time with a zone (``2026-11-23T19:00:00Z`` or ``+02:00``); a time without
    one would be read differently on every machine."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f'"{value}" is not an ISO 8601 time; expected e.g. 2026-11-23T19:00:00Z'
        ) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise InvalidInput(f'time "{value}" has no zone; write it in UTC, e.g. {value}Z')
    return parsed
