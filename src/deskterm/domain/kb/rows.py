"""Reading the knowledge base, written once: the SQL as plain text and the row converters,
run by ``articles`` (through SQLAlchemy, both backends) and by the light reader
(``tickets.LightDesk``, plain ``sqlite3``: ``kb show`` and ``kb search`` before SQLAlchemy is
imported). No database library is imported here."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from deskterm.domain.models import Article, ArticleHit
from deskterm.store.light import utc
from deskterm.store.search_text import (
    HL_END,
    HL_START,
    PG_CONFIG,
    SUBJECT_WEIGHT,
    SearchTerm,
    fts5_query,
    has_words,
    pg_tsquery,
)

if TYPE_CHECKING:
    from deskterm.domain.tickets import LightDesk

#: An article's id from its id or its slug (see :func:`ref_keys`).
BY_ID: Final = "SELECT id FROM kb_articles WHERE id = :id"
BY_SLUG: Final = "SELECT id FROM kb_articles WHERE slug = :slug"
#: One article with its author (see :func:`article`), and its tags.
ARTICLE: Final = (
    "SELECT k.id, k.slug, k.title, k.body, k.category, a.handle, k.created_at, k.updated_at, "
    "k.version FROM kb_articles k LEFT OUTER JOIN agents a ON k.author_id = a.id "
    "WHERE k.id = :id"
)
ARTICLE_TAGS: Final = (
    "SELECT g.name FROM tags g JOIN kb_article_tags kt ON kt.tag_id = g.id "
    "WHERE kt.article_id = :id ORDER BY g.name"
)
#: The SQLite search, best first (:func:`hit`); ``:q`` is ``search_text.fts5_query``.
SEARCH_SQLITE: Final = (
    f"SELECT k.id, k.slug, k.title, k.category, bm25(kb_fts, {SUBJECT_WEIGHT}, 1.0) AS rank, "
    "snippet(kb_fts, 1, :hs, :he, '…', 16) AS snippet "
    "FROM kb_fts JOIN kb_articles k ON k.id = kb_fts.rowid "
    "WHERE kb_fts MATCH :q ORDER BY rank LIMIT :limit"
)
#: Most hits a search returns.
MAX_HITS: Final = 1000


def terms(query: str) -> list[SearchTerm]:
    """Split free text into words and "quoted phrases"; a stray quote is just a character."""
    found = []
    for match in re.finditer(r'"([^"]*)"|(\S+)', query):
        if match.group(1) is not None:
            if match.group(1).strip():
                found.append(SearchTerm(match.group(1), phrase=True))
        else:
            word = match.group(2).replace('"', "")
            prefix = word.endswith("*") and len(word.rstrip("*")) > 0
            found.append(SearchTerm(word.rstrip("*") if prefix else word, prefix=prefix))
    return found


def searchable(found: list[SearchTerm]) -> bool:
    """Whether the terms hold anything a search can match (else there are no hits)."""
    return any(has_words(t) for t in found)


def sqlite_values(found: list[SearchTerm], limit: int) -> dict[str, object]:
    """The parameters of :data:`SEARCH_SQLITE`."""
    return {"q": fts5_query(found), "hs": HL_START, "he": HL_END, "limit": limit}


#: ``ts_headline``'s options: the snippet's markers and length.
_HEADLINE = f"StartSel={HL_START}, StopSel={HL_END}, MaxWords=24, MinWords=10"


def search_postgres(found: list[SearchTerm], limit: int) -> tuple[str, dict[str, object]] | None:
    """The PostgreSQL search, best first (:func:`hit`), and its parameters; None when the
    terms make no tsquery (no hits)."""
    built = pg_tsquery(found)
    if built is None:
        return None
    tsquery, values = built
    sql = (
        f"WITH q AS (SELECT {tsquery} AS tsq) "
        "SELECT k.id, k.slug, k.title, k.category, -ts_rank(k.search_doc, q.tsq) AS rank, "
        f"ts_headline('{PG_CONFIG}', k.body, q.tsq, :opts) AS snippet "
        "FROM kb_articles k, q WHERE k.search_doc @@ q.tsq ORDER BY rank, k.id LIMIT :limit"
    )
    return sql, {**values, "opts": _HEADLINE, "limit": limit}


def parse_snippet(raw: str) -> tuple[tuple[str, bool], ...]:
    """Split a snippet with highlight markers into (text, matched) segments."""
    segments: list[tuple[str, bool]] = []
    for index, part in enumerate(re.split(f"[{HL_START}{HL_END}]", raw)):
        if part:
            segments.append((re.sub(r"\s+", " ", part), index % 2 == 1))
    return tuple(segments)


def hit(row: Any) -> ArticleHit:
    """An ArticleHit from a search row (id, slug, title, category, rank, snippet)."""
    id_, slug, title, category, rank, snippet = row
    return ArticleHit(id_, slug, title, category, float(rank), parse_snippet(snippet or ""))


def ref_keys(ref: str | int) -> tuple[int | None, str]:
    """What to look an article up by: its id (when ``ref`` reads as one), then its slug."""
    key = str(ref).strip()
    return (int(key) if key.isdigit() and len(key) < 19 else None), key.lower()


def article(row: Any, tags: tuple[str, ...]) -> Article:
    """An Article from an :data:`ARTICLE` row and its tag names."""
    id_, slug, title, body, category, author, created_at, updated_at, version = row
    return Article(
        id=id_,
        slug=slug,
        title=title,
        body=body,
        category=category,
        tags=tags,
        author=author,
        created_at=utc(created_at),
        updated_at=utc(updated_at),
        version=version,
    )


def show_light(reader: LightDesk, ref: str) -> Article | None:
    """What ``show(desk, ref)`` gives, read by the light reader; None when there is no such
    article (the ordinary path says so)."""
    number, slug = ref_keys(ref)
    found = reader.rows(BY_ID, {"id": number}) if number is not None else []
    if not found:
        found = reader.rows(BY_SLUG, {"slug": slug})
    if not found:
        return None
    key = {"id": found[0][0]}
    rows = reader.rows(ARTICLE, key)
    tags = tuple(name for (name,) in reader.rows(ARTICLE_TAGS, key))
    return article(rows[0], tags)


def search_light(reader: LightDesk, query: str, limit: int) -> list[ArticleHit]:
    """What ``search_articles(desk, query, limit=limit)`` gives, read by the light reader."""
    found = terms(query)
    if not searchable(found):
        return []
    if reader.dialect == "sqlite":
        return [hit(row) for row in reader.rows(SEARCH_SQLITE, sqlite_values(found, limit))]
    statement = search_postgres(found, limit)
    return [] if statement is None else [hit(row) for row in reader.rows(*statement)]
