"""What an export holds, line by line, and the rule for every value in it.

The export format (its name, version, the kinds of row in their order) and, for each column
of each kind, the check its value must pass before an import may store it. The checks are
the workflow's own (``validate``, ``workflow``, the vocabularies) and the facts of the schema
(required columns, string lengths, booleans, 64-bit ids, references), derived from the tables
so that a new column cannot be forgotten: a column no rule covers fails at import time.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import (
    Boolean,
    Column,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)

from deskterm.domain import validate
from deskterm.domain.query import parse as parse_query
from deskterm.domain.sla import check_calendar, check_pause, check_targets, check_warning
from deskterm.domain.tickets import (
    MAX_TIME_SPENT,
    OUTBOX_KINDS,
    OUTBOX_STATUSES,
    check_status,
    safe_name,
    sort_spec,
)
from deskterm.domain.vocab import MESSAGE_KINDS, PRIORITY_RANK
from deskterm.errors import InvalidInput
from deskterm.store import schema

FORMAT_NAME: Final = "deskterm-export"
#: What a mail in the log became: taken in (a new ticket, a reply, a rating, held) or sent
#: by the desk (``outgoing``).
MAIL_OUTCOMES: Final = ("created", "appended", "held", "rated", "outgoing")
FORMAT_VERSION: Final = 5
#: Versions this deskterm imports: 1 (no counts, no trailer: imported unverified), 2 (counts
#: and a checksummed trailer), 3 (queue members, SLA policies, the SLA columns of queues
#: and tickets, macros, the mail taken in, time entries and ratings), 4 (attachments) and
#: 5 (the outbox: mail waiting to go and what became of the mail sent; the notifications'
#: templates a desk changed).
READABLE_VERSIONS: Final = (1, 2, 3, 4, 5)

#: (type name, table) in export order: every row's references point at earlier rows, except
#: the self-references of ``DEFERRED``, which may point forward and are set at the end.
ENTITIES: Final[tuple[tuple[str, Table], ...]] = (
    ("agent", schema.agents),
    ("organization", schema.organizations),
    ("contact", schema.contacts),
    ("queue", schema.queues),
    ("sla_policy", schema.sla_policies),
    ("sla_policy_version", schema.sla_policy_versions),
    ("tag", schema.tags),
    ("ticket", schema.tickets),
    ("message", schema.messages),
    ("audit_event", schema.audit_events),
    ("mail_message", schema.mail_messages),
    ("outbox_mail", schema.mail_outbox),
    ("time_entry", schema.time_entries),
    ("rating", schema.ratings),
    ("attachment_blob", schema.attachment_blobs),
    ("attachment", schema.attachments),
    ("kb_article", schema.kb_articles),
    ("saved_view", schema.saved_views),
    ("rule", schema.rules),
    ("macro", schema.macros),
    ("mail_template", schema.mail_templates),
)
KINDS: Final = tuple(kind for kind, _table in ENTITIES)
TABLES: Final = dict(ENTITIES)
ORDER: Final = {kind: index for index, kind in enumerate(KINDS)}
DEFERRED: Final = {
    # A queue's default policy is written after the queues (a policy may name its queue).
    "queue": ("escalates_to_id", "default_sla_policy_id"),
    "ticket": ("merged_into_id", "problem_id"),
}
#: Entities whose tag names ride along: (link table, its key column).
TAGGED: Final = {
    "ticket": (schema.ticket_tags, "ticket_id"),
    "kb_article": (schema.kb_article_tags, "article_id"),
}
NOUNS: Final = {
    "agent": ("agent", "agents"),
    "organization": ("organization", "organizations"),
    "contact": ("contact", "contacts"),
    "queue": ("queue", "queues"),
    "sla_policy": ("SLA policy", "SLA policies"),
    "sla_policy_version": ("SLA policy version", "SLA policy versions"),
    "tag": ("tag", "tags"),
    "ticket": ("ticket", "tickets"),
    "message": ("message", "messages"),
    "audit_event": ("audit event", "audit events"),
    "mail_message": ("mail message", "mail messages"),
    "outbox_mail": ("mail of the outbox", "mails of the outbox"),
    "time_entry": ("time entry", "time entries"),
    "rating": ("rating", "ratings"),
    "attachment_blob": ("attachment's content", "attachments' contents"),
    "attachment": ("attachment", "attachments"),
    "kb_article": ("KB article", "KB articles"),
    "saved_view": ("saved view", "saved views"),
    "rule": ("rule", "rules"),
    "macro": ("macro", "macros"),
    "mail_template": ("notification template", "notification templates"),
}
_KIND_OF_TABLE: Final = {table.name: kind for kind, table in ENTITIES}
#: What a file of an older format version lacks, and the value it stands for: kinds of row
#: (kind -> the version that added it) and keys ((kind, key) -> (version, value)).
KIND_SINCE: Final = {
    "sla_policy": 3,
    "sla_policy_version": 3,
    "rule": 3,
    "macro": 3,
    "mail_message": 3,
    "time_entry": 3,
    "rating": 3,
    "attachment_blob": 4,
    "attachment": 4,
    "outbox_mail": 5,
    "mail_template": 5,
}
KEY_SINCE: Final[dict[tuple[str, str], tuple[int, Any]]] = {
    ("queue", "default_sla_policy_id"): (3, None),
    ("ticket", "sla_policy_id"): (3, None),
    ("ticket", "next_response_due"): (3, None),
    ("ticket", "next_response_started_at"): (3, None),
    ("ticket", "sla_paused_at"): (3, None),
    ("ticket", "sla_paused_seconds"): (3, 0),
    ("ticket", "next_response_paused_seconds"): (3, 0),
    ("ticket", "sla_due"): (3, None),
    ("ticket", "sla_warn_at"): (3, None),
    ("ticket", "sla_escalated_due"): (3, None),
    ("sla_policy", "escalate_on_breach"): (3, False),
    ("message", "automatic"): (3, False),
    ("queue", "auto_reply"): (3, None),
    # Identity and confidential queues (migration 0017, docs/team.md): an older file's agents
    # have no database login, its queues are open, its audit events name no login.
    ("agent", "db_role"): (3, None),
    ("queue", "confidential"): (3, False),
    ("audit_event", "login"): (3, None),
}
#: Columns holding JSON text, written into the export as the JSON they hold.
JSON_COLUMNS: Final = {
    ("sla_policy", "calendar"),
    ("sla_policy", "targets"),
    ("sla_policy_version", "calendar"),
    ("sla_policy_version", "targets"),
}


def kinds_of(version: int) -> tuple[str, ...]:
    """The kinds of row a file of format ``version`` holds."""
    return tuple(kind for kind in KINDS if KIND_SINCE.get(kind, 1) <= version)


Check = Callable[[Any], Any]


def key_of(kind: str, column: str) -> str:
    """The JSON key of a column: ``type`` is taken by the entity type."""
    return f"{kind}_type" if column == "type" else column


def plural(kind: str, n: int) -> str:
    one, many = NOUNS[kind]
    return f"{n:,} {one if n == 1 else many}"


# ------------------------------------------------------------------------ value checks


def show_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)[:60]


def as_text(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"must be a string, not {show_value(value)}")
    # As every write of the workflow does: NUL and lone surrogates become U+FFFD.
    return validate.storable(value)


def _string(limit: int | None) -> Check:
    def check(value: Any) -> str:
        text = as_text(value)
        if limit is not None and len(text) > limit:
            raise InvalidInput(f"is {len(text)} characters; at most {limit} allowed")
        return text

    return check


def integer(low: int, high: int) -> Check:
    def check(value: Any) -> int:
        # bool is an int in Python, not in JSON.
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"must be an integer, not {show_value(value)}")
        if not low <= value <= high:
            raise InvalidInput(f"{value} is out of range; allowed: {low} to {high}")
        return value

    return check


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"must be true or false, not {show_value(value)}")
    return value


def _time(value: Any) -> Any:
    return validate.zoned_time(as_text(value))


def _vocabulary(rule: Callable[[str], Any]) -> Check:
    return lambda value: rule(as_text(value))


def _query(text: str) -> str:
    parse_query(text)
    return text


def _template(text: str) -> str:
    from deskterm.domain.templates import check_template

    return check_template(text)


def _notification(text: str) -> str:
    from deskterm.domain.mail import TEMPLATE_KINDS

    return validate.choice("notification", text, TEMPLATE_KINDS)


def _tag_list(text: str) -> str:
    return ",".join(validate.tags([text]))


def _binary(value: Any) -> bytes:
    """Bytes (a mail as it came), which the export holds as base64."""
    if not isinstance(value, str):
        raise InvalidInput(f"must be base64 text, not {show_value(value)}")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise InvalidInput("is not valid base64") from None


def _sha256(text: str) -> str:
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise InvalidInput("must be a SHA-256 in lower-case hex (64 characters)")
    return text


def _file_name(text: str) -> str:
    """A file's name as the desk keeps them: a name an older or edited file holds that the
    desk would not have kept is refused, not stored (it is written to disks on save)."""
    if safe_name(text) != text:
        raise InvalidInput(f"is not a safe file name (the desk would keep {safe_name(text)!r})")
    return text


def _stored_json(check: Callable[[Any], Any]) -> Check:
    """A JSON column: the object the export holds, checked, as the text the store keeps."""

    def stored(value: Any) -> str:
        return json.dumps(check(value), separators=(",", ":"))

    return stored


_ID: Final = integer(1, validate.MAX_ID)
#: Values with a rule of the workflow, beyond what the schema says.
_RULES: Final[dict[tuple[str, str], Check]] = {
    ("agent", "role"): _vocabulary(validate.role),
    ("queue", "tier"): _vocabulary(validate.tier),
    ("tag", "name"): _vocabulary(validate.tag),
    ("ticket", "type"): _vocabulary(validate.ticket_type),
    ("ticket", "status"): _vocabulary(check_status),
    ("ticket", "priority"): _vocabulary(lambda v: PRIORITY_RANK[validate.priority(v)]),
    ("ticket", "channel"): _vocabulary(validate.channel),
    ("ticket", "version"): _ID,
    ("message", "kind"): _vocabulary(lambda v: validate.choice("message kind", v, MESSAGE_KINDS)),
    ("audit_event", "version"): _ID,
    ("kb_article", "version"): _ID,
    ("saved_view", "sort"): _vocabulary(lambda v: sort_spec(v).name),
    ("saved_view", "query"): _vocabulary(_query),
    ("macro", "kind"): _vocabulary(lambda v: validate.choice("macro kind", v, ("reply", "note"))),
    ("macro", "body"): _vocabulary(_template),
    ("macro", "status"): _vocabulary(check_status),
    ("macro", "priority"): _vocabulary(validate.priority),
    ("macro", "type"): _vocabulary(validate.ticket_type),
    ("macro", "add_tags"): _vocabulary(_tag_list),
    ("macro", "remove_tags"): _vocabulary(_tag_list),
    ("sla_policy", "type"): _vocabulary(validate.ticket_type),
    ("sla_policy", "calendar"): _stored_json(check_calendar),
    ("sla_policy", "targets"): _stored_json(check_targets),
    ("sla_policy", "pause_statuses"): _vocabulary(lambda v: ",".join(check_pause([v]))),
    ("sla_policy", "warning_percent"): check_warning,
    ("sla_policy", "version"): _ID,
    ("sla_policy_version", "calendar"): _stored_json(check_calendar),
    ("sla_policy_version", "targets"): _stored_json(check_targets),
    ("sla_policy_version", "pause_statuses"): _vocabulary(lambda v: ",".join(check_pause([v]))),
    ("sla_policy_version", "warning_percent"): check_warning,
    ("sla_policy_version", "version"): _ID,
    ("rule", "position"): integer(1, 2**31 - 1),
    ("mail_message", "direction"): _vocabulary(
        lambda v: validate.choice("mail direction", v, ("in", "out"))
    ),
    ("mail_message", "outcome"): _vocabulary(
        lambda v: validate.choice("mail outcome", v, MAIL_OUTCOMES)
    ),
    ("outbox_mail", "kind"): _vocabulary(
        lambda v: validate.choice("outbox mail kind", v, OUTBOX_KINDS)
    ),
    ("outbox_mail", "status"): _vocabulary(
        lambda v: validate.choice("outbox mail status", v, OUTBOX_STATUSES)
    ),
    ("outbox_mail", "recipient"): _vocabulary(validate.email),
    ("outbox_mail", "attempts"): integer(0, 2**31 - 1),
    ("outbox_mail", "version"): _ID,
    # The text is checked with its kind, once the row is read (``check.ExportReader``).
    ("mail_template", "kind"): _vocabulary(_notification),
    ("time_entry", "seconds"): integer(1, MAX_TIME_SPENT),
    ("rating", "rating"): _vocabulary(validate.rating),
    ("rule", "version"): _ID,
    ("attachment_blob", "sha256"): _vocabulary(_sha256),
    ("attachment_blob", "size"): integer(0, validate.MAX_ID),
    ("attachment", "sha256"): _vocabulary(_sha256),
    ("attachment", "size"): integer(0, validate.MAX_ID),
    ("attachment", "name"): _vocabulary(_file_name),
    ("ticket", "sla_paused_seconds"): integer(0, validate.MAX_ID),
    ("ticket", "next_response_paused_seconds"): integer(0, validate.MAX_ID),
}


def _required(check: Check, nullable: bool) -> Check:
    def wrapped(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise InvalidInput("is required, not null")
        return check(value)

    return wrapped


# ------------------------------------------------------------------------- the shapes


@dataclass(frozen=True)
class Field:
    key: str
    column: str
    check: Check
    ref: str | None  # the kind a reference points at
    deferred: bool


@dataclass(frozen=True)
class Shape:
    kind: str
    fields: tuple[Field, ...]
    keys: frozenset[str]
    unique: tuple[tuple[str, ...], ...]


def _field(kind: str, column: Column[Any]) -> Field:
    # References by id; an attachment names its blob by hash (a checked value, and the
    # database's own key at import).
    ref = next(
        (
            _KIND_OF_TABLE[fk.column.table.name]
            for fk in column.foreign_keys
            if fk.column.primary_key
        ),
        None,
    )
    if column.primary_key or ref is not None:
        check = _ID
    elif (kind, column.name) in _RULES:
        check = _RULES[(kind, column.name)]
    elif isinstance(column.type, schema.UTCDateTime):
        check = _time
    elif isinstance(column.type, Boolean):
        check = _boolean
    elif isinstance(column.type, SmallInteger):
        check = integer(-(2**15), 2**15 - 1)
    elif isinstance(column.type, String):
        check = _string(column.type.length)
    elif isinstance(column.type, LargeBinary):
        check = _binary
    else:  # pragma: no cover - every column of the schema is one of the above
        raise TypeError(f"no import rule for {kind}.{column.name}")
    return Field(
        key=key_of(kind, column.name),
        column=column.name,
        check=_required(check, bool(column.nullable)),
        ref=ref,
        deferred=column.name in DEFERRED.get(kind, ()),
    )


@dataclass(frozen=True)
class Link:
    """Rows of a link table that ride along on the row they belong to, as a list of objects
    under ``key``, one per row, with the link's other columns (``fields``) in schema order."""

    table: Table
    owner: str  # the column naming the row it rides on
    key: str
    fields: tuple[Field, ...]
    #: The first format version that carries it: older files have none (an empty list).
    since: int


#: kind -> (link table, owner column, key, first format version).
_LINKED: Final = {"queue": (schema.queue_members, "queue_id", "members", 3)}


def _shape(kind: str, table: Table) -> Shape:
    fields = tuple(_field(kind, column) for column in table.c)
    keys = {f.key for f in fields} | ({"tags"} if kind in TAGGED else set())
    if kind in _LINKED:
        keys.add(_LINKED[kind][2])
    unique = tuple(
        tuple(c.name for c in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    )
    return Shape(kind, fields, frozenset(keys), unique)


SHAPES: Final = {kind: _shape(kind, table) for kind, table in ENTITIES}
REFERENCED: Final = {f.ref for shape in SHAPES.values() for f in shape.fields if f.ref}
#: Queue members ride on their queue: ``"members": [{"agent_id": 2, "added_at": "..."}]``.
LINKS: Final = {
    kind: Link(
        table,
        owner,
        key,
        tuple(_field(f"{kind}_{key}", c) for c in table.c if c.name != owner),
        since,
    )
    for kind, (table, owner, key, since) in _LINKED.items()
}
