"""Reading an export back: every line parsed and checked before any row may be written.

An import must not store what the workflow would refuse: a status "bogus", a role "god" or a
message kind "weird" stored today breaks ``ticket show`` tomorrow. So every value goes
through the workflow's own validators (``validate``, ``workflow``, the vocabularies) and the
facts of the schema (required columns, lengths, booleans, references to rows that exist,
unique names); the first problem raises ``InvalidInput("line N: field: problem")``, and the
import, one transaction, writes nothing.

The file itself is checked too (format version 2 and later): the header says how many rows of
each kind follow, and the trailer repeats the counts with a SHA-256 of every byte before it. A
file cut short is refused naming what is missing, a changed one by its checksum. A version 1
file (no counts, no trailer) still imports, unverified (:attr:`ExportReader.verified` is False).

Lines are what ``str.split("\\n")`` gives: JSON escapes every control character, but U+2028,
U+2029 and U+0085 are written as they are and are not line breaks here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from deskterm.domain import validate
from deskterm.domain.transfer.rules import (
    FORMAT_NAME,
    FORMAT_VERSION,
    KEY_SINCE,
    KINDS,
    LINKS,
    NOUNS,
    ORDER,
    READABLE_VERSIONS,
    REFERENCED,
    SHAPES,
    TAGGED,
    Field,
    Link,
    Shape,
    as_text,
    integer,
    key_of,
    kinds_of,
    plural,
    show_value,
)
from deskterm.errors import InvalidInput

_SHA256: Final = re.compile("^[0-9a-f]{64}$")


# ----------------------------------------------------------------------------- reading


@dataclass
class Row:
    """One checked line: column values ready to insert, the ids of its tags, and the rows of
    the link table that ride on it (a queue's members), ready to insert after it."""

    kind: str
    line: int
    values: dict[str, Any]
    tag_ids: list[int]
    links: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Deferred:
    """A reference set after every row is in (it may point at a later row): a
    self-reference, or a queue's default SLA policy."""

    kind: str
    row_id: int
    column: str
    target: int
    line: int
    ref: str


@dataclass
class ExportReader:
    """Checks an export line by line (:meth:`rows`), then as a whole (:meth:`finish`)."""

    version: int | None = None
    expected: dict[str, int] | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    trailer_line: int | None = None
    deferred: list[Deferred] = field(default_factory=list)
    _hash: Any = field(default_factory=hashlib.sha256)
    _kind: str | None = None
    _last_id: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    _ids: dict[str, set[int]] = field(default_factory=lambda: {k: set() for k in REFERENCED})
    _tag_ids: dict[str, int] = field(default_factory=dict)
    #: The hashes of the attachments' contents read so far (an attachment names its own).
    _contents: set[str] = field(default_factory=set)
    _taken: dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], int]] = field(
        default_factory=dict
    )

    @property
    def verified(self) -> bool:
        """Whether the file proved complete and unchanged (its trailer checked out)."""
        return self.trailer_line is not None

    def rows(self, lines: Iterable[str], progress: Callable[[int], None]) -> Iterator[Row]:
        """The checked rows of ``lines`` (split on ``\\n`` only, without it), in file order."""
        held: tuple[int, str] | None = None
        for number, text in enumerate(lines, start=1):
            if held is not None:
                yield from self._line(*held, last=False)
                progress(1)
            held = (number, text)
        if held is not None:
            yield from self._line(*held, last=True)
            progress(1)

    def _line(self, number: int, text: str, *, last: bool) -> Iterator[Row]:
        blank = not text.strip(" \t\r")
        if self.trailer_line is not None:
            if blank:
                return
            raise InvalidInput(
                f"line {number}: text after the trailer (line {self.trailer_line}); "
                "the file was changed after export"
            )
        if blank:
            self._digest(text)
            return
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            if last and self._expects_trailer():
                raise self._cut_short(number) from None
            raise InvalidInput(
                f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})"
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            raise InvalidInput(f'line {number}: expected a JSON object with a "type"')
        kind = data.pop("type")
        if kind == "header":
            self._digest(text)
            self._header(number, data)
            return
        if self.version is None:
            raise InvalidInput(f"line {number}: not a deskterm export (no header line first)")
        if kind == "trailer" and self.version >= 2:
            self._trailer(number, data)
            return
        self._digest(text)
        if kind not in SHAPES or kind not in kinds_of(self.version):
            allowed = ", ".join(kinds_of(self.version))
            raise InvalidInput(f'line {number}: type: unknown type "{kind}"; allowed: {allowed}')
        if self._kind is not None and ORDER[kind] < ORDER[self._kind]:
            raise InvalidInput(
                f"line {number}: a {NOUNS[kind][0]} after the {NOUNS[self._kind][1]}; "
                "keep the export order"
            )
        self._kind = kind
        row = self._row(number, SHAPES[kind], data)
        self.counts[kind] += 1
        yield row

    def _digest(self, text: str) -> None:
        """Add a line to the checksum: its bytes as written, with the newline after it."""
        self._hash.update(text.encode("utf-8", "surrogatepass") + b"\n")

    def _expects_trailer(self) -> bool:
        return self.version is not None and self.version >= 2 and self.trailer_line is None

    # ------------------------------------------------------------------- header, trailer

    def _header(self, number: int, data: dict[str, Any]) -> None:
        if self.version is not None:
            raise InvalidInput(f"line {number}: a second header; one export per file")
        if data.get("format") != FORMAT_NAME:
            raise InvalidInput(f"line {number}: not a deskterm export (no {FORMAT_NAME} header)")
        version = data.get("version")
        if isinstance(version, bool) or version not in READABLE_VERSIONS:
            readable = " and ".join(str(v) for v in READABLE_VERSIONS)
            raise InvalidInput(
                f"line {number}: a {FORMAT_NAME} version {show_value(version)} file; this deskterm "
                f"reads versions {readable}",
                hint="a newer deskterm wrote it: upgrade deskterm to import it",
            )
        self.version = version
        if version >= 2:
            self.expected = self._counts(number, "counts", data.get("counts"))

    def _counts(self, number: int, key: str, value: Any) -> dict[str, int]:
        """The counts of a header or trailer: one for each kind of row the file's version
        holds (a kind it predates counts 0)."""
        kinds = kinds_of(self.version or FORMAT_VERSION)
        if not isinstance(value, dict) or set(value) != set(kinds):
            raise InvalidInput(f"line {number}: {key}: expected a count for each of {kinds}")
        count = integer(0, validate.MAX_ID)
        try:
            return {kind: count(value[kind]) if kind in kinds else 0 for kind in KINDS}
        except InvalidInput as exc:
            raise InvalidInput(f"line {number}: {key}: {exc.message}") from None

    def _trailer(self, number: int, data: dict[str, Any]) -> None:
        if data.get("format") != FORMAT_NAME or data.get("version") != self.version:
            raise InvalidInput(f"line {number}: the trailer does not match the header")
        digest = data.get("sha256")
        if not isinstance(digest, str) or not _SHA256.match(digest):
            raise InvalidInput(f"line {number}: sha256: expected 64 hexadecimal digits")
        if digest != self._hash.hexdigest():
            raise InvalidInput(
                f"checksum does not match: the file was changed after export "
                f"(the trailer is line {number})",
                hint="use an unchanged copy of the export",
            )
        stated = self._counts(number, "counts", data.get("counts"))
        for kind in KINDS:
            held = self.counts[kind]
            for what, said in (("trailer", stated[kind]), ("header", (self.expected or {})[kind])):
                if said != held:
                    raise InvalidInput(
                        f"line {number}: counts: the {what} says {plural(kind, said)}, "
                        f"the file holds {held:,}"
                    )
        if data.get("lines") != number - 1:
            raise InvalidInput(
                f"line {number}: lines: the trailer says {show_value(data.get('lines'))} lines "
                f"come before it, there are {number - 1:,}"
            )
        self.trailer_line = number

    def _cut_short(self, partial: int | None) -> InvalidInput:
        where = f" (line {partial} is cut off)" if partial is not None else ""
        missing = self._missing()
        if missing:
            message = f"the file ends before its trailer{where}: {missing}"
        else:
            message = (
                f"the file ends before its trailer{where}, so it cannot be checked "
                "for being complete and unchanged"
            )
        return InvalidInput(message, hint="use a complete copy of the export")

    def _missing(self) -> str:
        parts: list[str] = []
        single = False
        for kind in KINDS:
            expected, held = (self.expected or {}).get(kind, 0), self.counts[kind]
            if held >= expected:
                continue
            if held == 0 and expected > 1:
                parts.append(f"every {NOUNS[kind][0]}")
                single = True
            else:
                parts.append(plural(kind, expected - held))
                single = expected - held == 1
        if not parts:
            return ""
        listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        verb = "is" if len(parts) == 1 and single else "are"
        return f"{listed} {verb} missing"

    def finish(self) -> None:
        """Checks on the whole file: it was an export, it was complete, forward references
        point at rows that exist. InvalidInput otherwise."""
        if self.version is None:
            raise InvalidInput("the file is empty or not a deskterm export")
        if self._expects_trailer():
            raise self._cut_short(None)
        for item in self.deferred:
            if item.target not in self._ids[item.ref]:
                raise InvalidInput(
                    f"line {item.line}: {item.column}: no {NOUNS[item.ref][0]} "
                    f"{item.target} in the file"
                )

    # ------------------------------------------------------------------------- one row

    def _row(self, number: int, shape: Shape, data: dict[str, Any]) -> Row:
        kind = shape.kind
        unknown = sorted(set(data) - shape.keys)
        if unknown:
            raise InvalidInput(
                f"line {number}: {unknown[0]}: not a field of a {NOUNS[kind][0]}; "
                f"allowed: {', '.join(f.key for f in shape.fields)}"
            )
        missing = [key for key in (*(f.key for f in shape.fields), "tags") if key in shape.keys]
        link = LINKS.get(kind)
        if link is not None and (self.version or 0) >= link.since:
            missing.append(link.key)
        for key in missing:
            if key in data:
                continue
            since, value = KEY_SINCE.get((kind, key), (1, None))
            if (self.version or FORMAT_VERSION) >= since:
                raise InvalidInput(f"line {number}: {key}: missing")
            data[key] = value  # a file older than the key: what that row stood for
        values: dict[str, Any] = {}
        for item in shape.fields:
            try:
                value = item.check(data[item.key])
            except InvalidInput as exc:
                raise InvalidInput(f"line {number}: {item.key}: {exc.message}") from None
            values[item.column] = value
            if item.ref is not None and value is not None:
                values[item.column] = self._reference(number, kind, item, value, values)
        row_id: int = values["id"]
        if row_id <= self._last_id[kind]:
            raise InvalidInput(
                f"line {number}: id: {row_id} after {NOUNS[kind][0]} {self._last_id[kind]}; "
                "ids are unique and in increasing order"
            )
        self._last_id[kind] = row_id
        self._check_unique(number, kind, shape, values)
        if kind in self._ids:
            self._ids[kind].add(row_id)
        if kind == "tag":
            self._tag_ids[values["name"]] = row_id
        if kind in ("attachment_blob", "attachment"):
            self._check_content(number, kind, values)
        if kind == "mail_template":
            self._check_template(number, values)
        tag_ids = self._tags(number, data["tags"]) if kind in TAGGED else []
        links = self._links(number, link, row_id, data) if link is not None else []
        return Row(kind, number, values, tag_ids, links)

    @staticmethod
    def _check_template(number: int, values: dict[str, Any]) -> None:
        """A notification's text, checked for its kind as ``mail template edit`` checks it."""
        from deskterm.domain.mail import check_text

        try:
            values["body"] = check_text(values["kind"], values["body"])
        except InvalidInput as exc:
            raise InvalidInput(f"line {number}: body: {exc.message}") from None

    def _check_content(self, number: int, kind: str, values: dict[str, Any]) -> None:
        """A content is the bytes its hash and size say; an attachment's content came
        before it (attachments name their content by hash, not by id)."""
        digest = values["sha256"]
        if kind == "attachment_blob":
            data: bytes = values["data"]
            if hashlib.sha256(data).hexdigest() != digest or len(data) != values["size"]:
                raise InvalidInput(
                    f"line {number}: data: its SHA-256 or size is not the one the line says"
                )
            self._contents.add(digest)
        elif digest is not None and digest not in self._contents:
            raise InvalidInput(
                f"line {number}: sha256: no attachment's content {digest[:12]}... before this line"
            )

    def _reference(
        self, number: int, kind: str, item: Field, target: int, values: dict[str, Any]
    ) -> int | None:
        assert item.ref is not None
        if item.deferred:
            self.deferred.append(
                Deferred(kind, values["id"], item.column, target, number, item.ref)
            )
            return None
        if target not in self._ids[item.ref]:
            raise InvalidInput(
                f"line {number}: {item.key}: no {NOUNS[item.ref][0]} {target} before this line"
            )
        return target

    def _check_unique(self, number: int, kind: str, shape: Shape, values: dict[str, Any]) -> None:
        for columns in shape.unique:
            value = tuple(values[c] for c in columns)
            if None in value:  # NULLs are distinct in a unique constraint, on both backends
                continue
            taken = self._taken.setdefault((kind, columns), {})
            if value in taken:
                raise InvalidInput(
                    f'line {number}: {key_of(kind, columns[-1])}: "{value[-1]}" is taken by '
                    f"the {NOUNS[kind][0]} on line {taken[value]}"
                )
            taken[value] = number

    def _tags(self, number: int, names: Any) -> list[int]:
        if not isinstance(names, list):
            raise InvalidInput(f"line {number}: tags: must be a list of strings")
        ids: list[int] = []
        for name in names:
            try:
                clean = validate.tag(as_text(name))
            except InvalidInput as exc:
                raise InvalidInput(f"line {number}: tags: {exc.message}") from None
            tag_id = self._tag_ids.get(clean)
            if tag_id is None:
                raise InvalidInput(f'line {number}: tags: no tag "{clean}" before this line')
            if tag_id in ids:
                raise InvalidInput(f'line {number}: tags: "{clean}" is listed twice')
            ids.append(tag_id)
        return ids

    def _links(self, number: int, link: Link, owner: int, data: dict[str, Any]) -> list[Any]:
        """The link rows riding on a row (``"members": [{"agent_id": 2, ...}]``), checked:
        each an object of exactly the link's fields, each reference to an earlier row, none
        twice. Absent (an older format) is none."""
        items = data.get(link.key, [])
        if not isinstance(items, list):
            raise InvalidInput(f"line {number}: {link.key}: must be a list of objects")
        keys = [f.key for f in link.fields]
        found: list[dict[str, Any]] = []
        seen: set[tuple[Any, ...]] = set()
        for item in items:
            if not isinstance(item, dict) or set(item) != set(keys):
                raise InvalidInput(
                    f"line {number}: {link.key}: each must be an object of {', '.join(keys)}"
                )
            values: dict[str, Any] = {link.owner: owner}
            for one in link.fields:
                try:
                    value = one.check(item[one.key])
                except InvalidInput as exc:
                    raise InvalidInput(
                        f"line {number}: {link.key}: {one.key}: {exc.message}"
                    ) from None
                if one.ref is not None and value not in self._ids[one.ref]:
                    raise InvalidInput(
                        f"line {number}: {link.key}: {one.key}: no {NOUNS[one.ref][0]} {value} "
                        "before this line"
                    )
                values[one.column] = value
            identity = tuple(values[f.column] for f in link.fields if f.ref is not None)
            if identity in seen:
                raise InvalidInput(
                    f"line {number}: {link.key}: {', '.join(map(str, identity))} is listed twice"
                )
            seen.add(identity)
            found.append(values)
        return found
