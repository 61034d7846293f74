"""The ticket query language (SPEC section 6), shared by the CLI and the TUI filter bar.

:func:`parse` turns a query into a :class:`Query` of ANDed terms; the store turns it into SQL.
Every string either parses or raises :class:`~deskterm.errors.InvalidInput` whose
``position`` is the 0-based offset of the problem (messages say "column", which is 1-based).

Syntax
  Terms are separated by whitespace (any ``str.isspace`` character). A term is

  * ``field:value`` or ``field:v1,v2`` (any of), optionally ``-`` in front to negate it;
  * ``field:<v``, ``<=``, ``>``, ``>=`` on the ordered fields only (priority, created, updated,
    due, id), with exactly one value;
  * otherwise a bare word or a ``"quoted phrase"`` (a :class:`TextTerm`), ``-`` negates.

  Only a token whose text before the first ``:`` is ASCII letters/underscores is a field term,
  and field names are case-insensitive. So ``10:30``, ``:x`` and ``"error:500"`` are text, and
  so is anything like ``http://x`` (a name followed by ``://`` is a URL, not a field). Any
  other ``name:`` is an unknown field: quote it to search for it as text.

Quoting
  A ``"`` opens a quoted string only at the start of a term (after an optional ``-``), at the
  start of a value (after ``:``, ``,`` or an operator); anywhere else it is an ordinary
  character (``5"`` is the word ``5"``). Inside quotes ``\\"`` is a quote and ``\\\\`` a
  backslash; any other backslash is literal. A closing quote must be followed by whitespace,
  the end, or (in a value list) a ``,``. An unclosed quote is an error at the opening quote.
  A lone ``-`` and an empty phrase ``""`` are ignored (so a half-typed filter still parses);
  an empty *value* (``status:``, ``status:open,``, ``queue:""``) is an error.

Values
  Enum values (status, type, channel, priority, is) are case-insensitive, ``-`` counts as
  ``_`` (``on-hold``), and they are stored lower-case. ``assignee:`` takes ``me``, ``none``
  (both lower-cased; ``me`` is left for the store to resolve to the acting agent) or a handle.
  queue, tag, requester, org and handles are kept exactly as typed. ``id`` takes integers
  0..2**63-1. Repeated values in a list are dropped.

Times (created, updated, due; one value each, no lists)
  * An absolute value names a span: ``2026-11-01`` the whole day (midnight to midnight in
    ``tz``, default the local zone), ``2026-11-01T08:30`` that minute, ``...T08:30:15`` that
    second; a trailing ``Z`` or offset overrides ``tz``. Without an operator the term is
    op ``"="`` with values ``(start, end)``, a half-open interval. With one, the span is
    compared as a whole and normalized to a single bound: ``>d`` -> ``(">=", end)``,
    ``>=d`` -> ``(">=", start)``, ``<d`` -> ``("<", start)``, ``<=d`` -> ``("<", end)``;
    so ``created:<=2026-11-01`` includes all of that day.
  * A relative value (``30m``, ``4h``, ``7d``, ``2w``) is a point: that long *before* ``now``
    for created/updated, that long *after* ``now`` for due; the operator compares the
    timestamp with it unchanged. ``created:>7d`` = created in the last 7 days, ``due:<4h`` =
    due within 4 hours or overdue. Without an operator it means "within": ``created:7d`` is
    ``>=`` and ``due:4h`` is ``<=``. ``now`` defaults to the current time (naive = UTC).
  * All datetimes in terms are aware and in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from deskterm.domain.query.times import TimeValueError, parse_time
from deskterm.domain.validate import MAX_ID
from deskterm.domain.vocab import CHANNELS, PRIORITIES, STATUSES, TYPES
from deskterm.errors import InvalidInput

ORDERED_KINDS = ("ordered_enum", "time", "int")
IS_VALUES = ("unassigned", "assigned", "mine", "breached", "unsolved")


@dataclass(frozen=True)
class FieldSpec:
    """What a field accepts: ``kind`` is enum, text, ordered_enum, time, int or is."""

    name: str
    kind: str
    values: tuple[str, ...]
    description: str

    @property
    def ordered(self) -> bool:
        return self.kind in ORDERED_KINDS


def _spec(name: str, kind: str, values: Sequence[str], description: str) -> FieldSpec:
    return FieldSpec(name, kind, tuple(values), description)


FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        _spec("status", "enum", STATUSES, "workflow status, e.g. status:open,pending"),
        _spec("type", "enum", TYPES, "ticket type, e.g. type:incident"),
        _spec("priority", "ordered_enum", PRIORITIES, "priority, ordered: priority:>=high"),
        _spec("channel", "enum", CHANNELS, "where the ticket came from, e.g. channel:email"),
        _spec("queue", "text", (), 'queue name, e.g. queue:"Network L2"'),
        _spec("assignee", "text", ("me", "none"), "assigned agent: me, none or a handle"),
        _spec("tag", "text", (), "a tag on the ticket, e.g. tag:vpn"),
        _spec("requester", "text", (), "requester e-mail or name"),
        _spec("org", "text", (), "requester's organization"),
        _spec("is", "is", IS_VALUES, "shortcuts: is:unassigned, is:mine, is:breached, ..."),
        _spec("created", "time", (), "creation time: created:>7d, created:2026-11-01"),
        _spec("updated", "time", (), "last update time: updated:<2026-11-01"),
        _spec("due", "time", (), "SLA due time: due:<4h (within 4 hours or overdue)"),
        _spec("id", "int", (), "ticket number: id:42, id:12,13, id:>100"),
    )
}


def field_names() -> list[str]:
    """The field names, in help order."""
    return list(FIELDS)


@dataclass(frozen=True)
class FieldTerm:
    field: str
    op: str
    values: tuple[object, ...]
    negated: bool
    position: int


@dataclass(frozen=True)
class TextTerm:
    text: str
    phrase: bool
    negated: bool
    position: int


Term = FieldTerm | TextTerm


@dataclass(frozen=True)
class Query:
    source: str
    terms: tuple[Term, ...]

    @property
    def field_terms(self) -> tuple[FieldTerm, ...]:
        return tuple(t for t in self.terms if isinstance(t, FieldTerm))

    @property
    def text_terms(self) -> tuple[TextTerm, ...]:
        return tuple(t for t in self.terms if isinstance(t, TextTerm))

    @property
    def is_empty(self) -> bool:
        return not self.terms


def parse(text: str, *, now: datetime | None = None, tz: tzinfo | None = None) -> Query:
    """Parse ``text``; raise InvalidInput (with text and position) if it is not a query."""
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return Query(text, _Parser(text, now, tz).terms())


_FIELD_NAME = re.compile(r"[A-Za-z_]+:", re.ASCII)
_OPERATOR = re.compile(r"[<>]=?")
_INT = re.compile(r"[0-9]{1,19}", re.ASCII)
_MAX_SHOWN = 40


def _show(value: str) -> str:
    """A value quoted for a one-line message: non-printables escaped, long values cut."""
    if len(value) > _MAX_SHOWN:
        value = value[: _MAX_SHOWN - 1] + "…"
    return '"' + "".join(c if c.isprintable() else repr(c)[1:-1] for c in value) + '"'


class _Parser:
    def __init__(self, text: str, now: datetime, tz: tzinfo | None) -> None:
        self.text = text
        self.now = now
        self.tz = tz

    def fail(self, message: str, position: int) -> InvalidInput:
        return InvalidInput(message, text=self.text, position=position)

    def terms(self) -> tuple[Term, ...]:
        text, i = self.text, 0
        out: list[Term] = []
        while True:
            while i < len(text) and text[i].isspace():
                i += 1
            if i >= len(text):
                return tuple(out)
            term, i = self.term(i)
            if term is not None:
                out.append(term)

    def term(self, start: int) -> tuple[Term | None, int]:
        text, i = self.text, start
        negated = text[i] == "-"
        if negated:
            i += 1
            if i >= len(text) or text[i].isspace():
                return None, i
        if text[i] == '"':
            phrase, end = self.quoted(i)
            if end < len(text) and not text[end].isspace():
                raise self.fail(f"expected a space after the quote at column {end + 1}", end)
            return (TextTerm(phrase, True, negated, start) if phrase else None), end
        name = _FIELD_NAME.match(text, i)
        if name is not None and not text.startswith("//", name.end()):
            return self.field_term(start, i, name.end(), negated)
        end = i
        while end < len(text) and not text[end].isspace():
            end += 1
        return TextTerm(text[i:end], False, negated, start), end

    def quoted(self, start: int) -> tuple[str, int]:
        """The unescaped content of the quoted string at ``start`` and the offset after it."""
        text, i = self.text, start + 1
        parts: list[str] = []
        while i < len(text):
            char = text[i]
            if char == '"':
                return "".join(parts), i + 1
            if char == "\\" and i + 1 < len(text) and text[i + 1] in '"\\':
                char = text[i + 1]
                i += 1
            parts.append(char)
            i += 1
        raise self.fail(f"unclosed quote at column {start + 1}", start)

    def field_term(self, start: int, name_at: int, i: int, negated: bool) -> tuple[FieldTerm, int]:
        text = self.text
        name = text[name_at : i - 1].lower()
        spec = FIELDS.get(name)
        if spec is None:
            raise self.fail(_unknown_field(text[name_at : i - 1], name_at), name_at)
        op_match = _OPERATOR.match(text, i)
        op = op_match.group() if op_match else None
        if op_match is not None:
            if not spec.ordered:
                ordered = ", ".join(f for f, s in FIELDS.items() if s.ordered)
                raise self.fail(
                    f"comparison {op} at column {i + 1} needs an ordered field ({ordered}); "
                    f"{name} takes a value or a list",
                    i,
                )
            i = op_match.end()
        raws: list[tuple[str, int]] = []
        while True:
            if i >= len(text) or text[i].isspace() or text[i] == ",":
                raise self.fail(f"empty value for {name} at column {i + 1}", i)
            if text[i] == '"':
                raw, end = self.quoted(i)
                if not raw.strip():
                    raise self.fail(f"empty value for {name} at column {i + 1}", i)
                if end < len(text) and not text[end].isspace() and text[end] != ",":
                    raise self.fail(
                        f'expected a space or "," after the quote at column {end + 1}', end
                    )
            else:
                end = i
                while end < len(text) and not text[end].isspace() and text[end] != ",":
                    end += 1
                raw = text[i:end]
            raws.append((raw, i))
            i = end
            if i >= len(text) or text[i] != ",":
                break
            if op is not None:
                raise self.fail(f"a comparison takes one value (extra value at column {i + 1})", i)
            if spec.kind == "time":
                raise self.fail(f"{name} takes one time, not a list (column {i + 1})", i)
            i += 1
        if spec.kind == "time":
            return self.time_term(spec, op, raws[0], negated, start), i
        values = tuple(dict.fromkeys(self.value(spec, raw, at) for raw, at in raws))
        return FieldTerm(name, op or "=", values, negated, start), i

    def value(self, spec: FieldSpec, raw: str, at: int) -> object:
        if spec.kind == "int":
            if _INT.fullmatch(raw) is None or int(raw) > MAX_ID:
                raise self.fail(
                    f"bad id {_show(raw)} at column {at + 1}; use a ticket number 0..{MAX_ID}", at
                )
            return int(raw)
        if spec.kind == "text":
            return raw.lower() if raw.lower() in spec.values else raw
        value = raw.lower().replace("-", "_")
        if value not in spec.values:
            label = "is: value" if spec.kind == "is" else spec.name
            raise self.fail(
                f"unknown {label} {_show(raw)} at column {at + 1}; "
                f"allowed: {', '.join(spec.values)}",
                at,
            )
        return value

    def time_term(
        self, spec: FieldSpec, op: str | None, raw_at: tuple[str, int], negated: bool, start: int
    ) -> FieldTerm:
        raw, at = raw_at
        future = spec.name == "due"
        try:
            span = parse_time(raw, now=self.now, tz=self.tz, future=future)
        except TimeValueError as exc:
            raise self.fail(
                f"time {_show(raw)} for {spec.name} at column {at + 1} {exc}", at
            ) from None
        values: tuple[object, ...]
        if span.relative:
            op = op or ("<=" if future else ">=")
            values = (span.start,)
        elif op is None:
            op, values = "=", (span.start, span.end)
        else:
            op, bound = {
                ">": (">=", span.end),
                ">=": (">=", span.start),
                "<": ("<", span.start),
                "<=": ("<", span.end),
            }[op]
            values = (bound,)
        return FieldTerm(spec.name, op, values, negated, start)


def _unknown_field(name: str, at: int) -> str:
    import difflib  # only on this error path: keeps importing the module fast

    guess = difflib.get_close_matches(name.lower()[:_MAX_SHOWN], list(FIELDS), n=1, cutoff=0.6)
    hint = f'; did you mean "{guess[0]}"?' if guess else ";"
    return f"unknown field {_show(name)} at column {at + 1}{hint} fields: {', '.join(FIELDS)}"


# ---------------------------------------------------------------------------------------------
# Completion


def completion_start(text: str, cursor: int) -> int:
    """Where the fragment that :func:`complete`'s candidates replace begins (it ends at
    ``cursor``): the field name after an optional ``-``, or the value being typed (including
    its opening quote) after ``field:``, an operator or a ``,``."""
    return _completion(text, cursor, None)[0]


def complete(
    text: str, cursor: int, *, vocab: Mapping[str, Sequence[str]] | None = None
) -> list[str]:
    """Candidates for the token under ``cursor``: ``"sta"`` -> ``["status:"]``; after
    ``field:`` the field's fixed values plus ``vocab[field]`` (e.g. queue, assignee and tag
    names) that start with what is typed, case-insensitively, minus values already in the
    list. Values that need it come back quoted. Replace ``text[completion_start():cursor]``."""
    return _completion(text, cursor, vocab)[1]


_NEEDS_QUOTES = re.compile(r'[\s,"\\]|^[<>-]|^$')


def _quote(value: str) -> str:
    if _NEEDS_QUOTES.search(value) is None:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _completion(
    text: str, cursor: int, vocab: Mapping[str, Sequence[str]] | None
) -> tuple[int, list[str]]:
    cursor = max(0, min(cursor, len(text)))
    start = _token_start(text, cursor)
    if text.startswith("-", start, cursor):
        start += 1
    token = text[start:cursor]
    if re.fullmatch(r"[A-Za-z_]*", token, re.ASCII):
        prefix = token.lower()
        return start, [f"{name}:" for name in FIELDS if name.startswith(prefix)]
    head = re.match(r"([A-Za-z_]+):([<>]=?)?", token, re.ASCII)
    spec = FIELDS.get(head.group(1).lower()) if head else None
    if head is None or spec is None:
        return cursor, []
    body_at = start + head.end()
    pieces = _split_values(text[body_at:cursor])
    typed = pieces[-1]
    value_at = cursor - len(typed)
    partial = typed[1:].replace('\\"', '"').replace("\\\\", "\\") if typed[:1] == '"' else typed
    chosen = {_unquote(p).lower() for p in pieces[:-1]}
    pool = [*spec.values, *((vocab or {}).get(spec.name, ()))]
    found = [
        _quote(v)
        for v in dict.fromkeys(pool)
        if v.lower().startswith(partial.lower()) and v.lower() not in chosen
    ]
    return value_at, found


def _unquote(piece: str) -> str:
    if len(piece) >= 2 and piece[0] == piece[-1] == '"':
        return piece[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return piece


def _token_start(text: str, cursor: int) -> int:
    """Start of the whitespace-separated token ending at ``cursor``, minding quotes."""
    start, quoted, i = 0, False, 0
    while i < cursor:
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char.isspace():
            start = i + 1
        elif char == '"' and (i == start or text[i - 1] in "-:,<>="):
            quoted = True
        i += 1
    return start


def _split_values(body: str) -> list[str]:
    """``a,"b c",d`` -> ``['a', '"b c"', 'd']`` (the last piece may be an open quote)."""
    start, quoted, i = 0, False, 0
    pieces: list[str] = []
    while i < len(body):
        char = body[i]
        if quoted and char == "\\":
            i += 1
        elif char == '"' and (quoted or i == start):
            quoted = not quoted
        elif char == "," and not quoted:
            pieces.append(body[start:i])
            start = i + 1
        i += 1
    pieces.append(body[start:])
    return pieces
