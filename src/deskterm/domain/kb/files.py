"""``kb import DIR``: Markdown files with optional front matter, as knowledge-base articles.

A file may start with a small front matter block::

    ---
    title: Reset your password
    tags: [password, sso]
    category: Accounts
    slug: reset-password
    ---

Only ``title``, ``tags``, ``category`` and ``slug`` mean something; other keys (``date``,
``layout`` from a static-site generator) are ignored. The parser is deliberately tiny: one
``key: value`` per line, a value in ``[a, b]`` or ``a, b`` form for tags, quotes optional.

The title falls back to the first ``# heading``, then to the file name. The slug comes from
the front matter, else from the file name, so re-importing a folder updates the same
articles (matched by slug) instead of adding copies, even after a title changes. All files
go in one transaction; an unchanged article keeps its version.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from sqlalchemy import select

from deskterm.domain import validate
from deskterm.domain.desk import Desk
from deskterm.domain.kb import articles as kb
from deskterm.errors import DeskError, InvalidInput
from deskterm.store import schema

K = schema.kb_articles
KNOWN_KEYS = ("title", "tags", "category", "slug")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")
#: A line break in a file: \n, \r\n or \r, never the Unicode separators (U+2028, U+0085...)
#: that ``str.splitlines`` also splits on, which are text inside a line.
_LINE_BREAK = re.compile(r"\r\n|\n|\r")


@dataclass(frozen=True)
class Document:
    """One parsed file: what the article should be."""

    name: str
    slug: str
    title: str
    body: str
    category: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Imported:
    name: str
    id: int
    slug: str
    action: str  # created, updated, unchanged
    version: int


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _list(value: str) -> list[str]:
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    return [_unquote(part) for part in value.split(",") if _unquote(part)]


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """``(metadata, body)``; metadata is empty when the text has no front matter block.

    An opening ``---`` without a closing one is an error (the whole file would otherwise
    silently become metadata or body).
    """
    text = text.lstrip("\ufeff")
    lines = _LINE_BREAK.split(text)
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise InvalidInput("front matter starts with --- but has no closing ---")
    meta: dict[str, Any] = {}
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise InvalidInput(f'front matter line {number} is not "key: value": {line[:60]!r}')
        key = key.strip().lower()
        if key == "tags":
            meta[key] = _list(value)
        elif key in KNOWN_KEYS:
            meta[key] = _unquote(value)
    body = "\n".join(lines[end + 1 :]).strip("\n")
    return meta, body


def render_front_matter(title: str, category: str, tags: Sequence[str], body: str) -> str:
    """The text ``split_front_matter`` reads back (used by ``kb edit`` in an editor)."""
    return f"---\ntitle: {title}\ncategory: {category}\ntags: [{', '.join(tags)}]\n---\n\n{body}\n"


def first_heading(body: str) -> str | None:
    for line in _LINE_BREAK.split(body):
        match = _HEADING.match(line)
        if match:
            return match.group(1)
    return None


def parse_document(name: str, text: str) -> Document:
    """Turn one file's text into a Document; InvalidInput names the file."""
    try:
        meta, body = split_front_matter(text)
        stem = PurePath(name).stem
        title = meta.get("title") or first_heading(body) or stem.replace("-", " ").replace("_", " ")
        return Document(
            name=name,
            slug=kb.slugify(meta.get("slug") or stem),
            title=kb.clean_title(title),
            body=validate.body(body, what="article body"),
            category=" ".join(str(meta.get("category", "")).split()),
            tags=validate.tags(meta.get("tags", [])),
        )
    except InvalidInput as exc:
        raise InvalidInput(f"{name}: {exc.message}") from None


def import_documents(desk: Desk, documents: Sequence[Document]) -> list[Imported]:
    """Create or update one article per document (matched by slug), in one transaction."""
    slugs: dict[str, str] = {}
    for doc in documents:
        if doc.slug in slugs:
            raise InvalidInput(
                f'{doc.name} and {slugs[doc.slug]} both make slug "{doc.slug}"; '
                "give one a slug: in its front matter"
            )
        slugs[doc.slug] = doc.name
    now = desk.now()
    results: list[Imported] = []
    with desk.store.write() as conn:
        actor = desk.actor(conn)
        for doc in documents:
            try:
                existing = conn.execute(select(K.c.id).where(K.c.slug == doc.slug)).scalar()
                if existing is None:
                    article_id = kb.insert_article(
                        conn,
                        slug=doc.slug,
                        title=doc.title,
                        body=doc.body,
                        category=doc.category,
                        tags=doc.tags,
                        author_id=actor.id,
                        now=now,
                    )
                    results.append(Imported(doc.name, article_id, doc.slug, "created", 1))
                    continue
                current = kb.load_article(conn, int(existing))
                same = (current.title, current.body, current.category, current.tags) == (
                    doc.title,
                    doc.body,
                    doc.category,
                    tuple(sorted(doc.tags)),
                )
                if same:
                    results.append(
                        Imported(doc.name, current.id, doc.slug, "unchanged", current.version)
                    )
                    continue
                kb.update_article(
                    conn,
                    current,
                    {"title": doc.title, "body": doc.body, "category": doc.category},
                    doc.tags,
                    now,
                )
                results.append(
                    Imported(doc.name, current.id, doc.slug, "updated", current.version + 1)
                )
            except DeskError as exc:
                raise type(exc)(f"{doc.name}: {exc.message}") from None
    return results
