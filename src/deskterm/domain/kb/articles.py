"""The knowledge base: Markdown articles, found by slug or id, searched with ranking and
highlighted snippets (the search backends live in ``store/search.py``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.engine import Connection, Row

from deskterm.domain import validate
from deskterm.domain.desk import Desk
from deskterm.domain.kb import rows
from deskterm.domain.models import Article, ArticleHit
from deskterm.domain.tags import tag_id_for
from deskterm.errors import Conflict, InvalidInput, NotFound
from deskterm.store import schema, search
from deskterm.store.upsert import insert_unless_taken

K = schema.kb_articles
MAX_TITLE = 300


def slugify(title: str) -> str:
    """``"Reset your password (SSO)"`` -> ``"reset-your-password-sso"``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:80].strip("-") or "article"


def clean_title(title: str) -> str:
    clean = validate.storable(" ".join(title.split()))
    if not clean:
        raise InvalidInput("title must not be empty")
    if len(clean) > MAX_TITLE:
        raise InvalidInput(f"title is {len(clean)} characters; at most {MAX_TITLE} allowed")
    return clean


def add(
    desk: Desk,
    *,
    title: str,
    body: str,
    category: str = "",
    tags: Sequence[str] = (),
    slug: str | None = None,
) -> Article:
    """Add an article; its slug comes from the title (made unique with ``-2``, ``-3``...)."""
    checked_title = clean_title(title)
    clean_body = validate.body(body)
    clean_tags = validate.tags(tags)
    now = desk.now()
    with desk.store.write() as conn:
        actor = desk.actor(conn)
        base = slugify(slug or checked_title)
        n = 1
        while True:
            # Inserted unless the slug is taken, also by a `kb add` running at this moment:
            # then the next suffix (-2, -3...).
            found = try_insert_article(
                conn,
                slug=base if n == 1 else f"{base}-{n}",
                title=checked_title,
                body=clean_body,
                category=" ".join(category.split()),
                tags=clean_tags,
                author_id=actor.id,
                now=now,
            )
            if found is not None:
                return load_article(conn, found)
            n += 1


def insert_article(
    conn: Connection,
    *,
    slug: str,
    title: str,
    body: str,
    category: str,
    tags: Sequence[str],
    author_id: int,
    now: datetime,
) -> int:
    """Write a new article (values already checked) and its tags; return its id.
    Conflict if the slug is taken."""
    article_id = try_insert_article(
        conn,
        slug=slug,
        title=title,
        body=body,
        category=category,
        tags=tags,
        author_id=author_id,
        now=now,
    )
    if article_id is None:
        raise Conflict(f'an article with the slug "{slug}" exists already')
    return article_id


def try_insert_article(
    conn: Connection,
    *,
    slug: str,
    title: str,
    body: str,
    category: str,
    tags: Sequence[str],
    author_id: int,
    now: datetime,
) -> int | None:
    """:func:`insert_article`, but a taken slug (also by another process at this moment)
    inserts nothing and answers None."""
    article_id = insert_unless_taken(
        conn,
        K,
        {
            "slug": slug,
            "title": title,
            "body": body,
            "category": category,
            "author_id": author_id,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        },
        "slug",
    )
    if article_id is not None:
        _set_tags(conn, article_id, tags)
    return article_id


def update_article(
    conn: Connection,
    article: Article,
    values: dict[str, Any],
    tags: Sequence[str] | None,
    now: datetime,
) -> None:
    """Write ``values`` and ``tags`` (None: keep them) over ``article`` as its next version.

    Versioned like tickets: two editors who read the same version cannot both win; the
    second gets Conflict.
    """
    if tags is not None:
        _set_tags(conn, article.id, tags)
    written = conn.execute(
        update(K)
        .where(K.c.id == article.id, K.c.version == article.version)
        .values(**values, updated_at=now, version=article.version + 1)
    )
    if written.rowcount == 0:
        raise Conflict(
            f'article "{article.slug}" changed while you were saving; reload and try again'
        )


def edit(
    desk: Desk,
    ref: str | int,
    *,
    title: str | None = None,
    body: str | None = None,
    category: str | None = None,
    tags: Sequence[str] | None = None,
    if_version: int | None = None,
) -> Article:
    """Change an article; ``if_version`` refuses a stale edit with Conflict."""
    values: dict[str, Any] = {}
    if title is not None:
        values["title"] = clean_title(title)
    if body is not None:
        values["body"] = validate.body(body)
    if category is not None:
        values["category"] = validate.storable(" ".join(category.split()))
    clean_tags = validate.tags(tags) if tags is not None else None
    with desk.store.write() as conn:
        desk.actor(conn)
        article = load_article(conn, _resolve(conn, ref))
        if if_version is not None and article.version != if_version:
            raise Conflict(
                f'article "{article.slug}" changed since you read it (version {if_version}, '
                f"now {article.version}); reload and try again"
            )
        if values or clean_tags is not None:
            update_article(conn, article, values, clean_tags, desk.now())
        return load_article(conn, article.id)


def show(desk: Desk, ref: str | int) -> Article:
    """The article with id or slug ``ref``; NotFound otherwise."""
    with desk.store.read() as conn:
        desk.actor(conn)
        return load_article(conn, _resolve(conn, ref))


def list_articles(desk: Desk, *, limit: int = 100) -> list[Article]:
    with desk.store.read() as conn:
        desk.actor(conn)
        ids = conn.execute(select(K.c.id).order_by(K.c.title).limit(limit)).scalars().all()
        return [load_article(conn, article_id) for article_id in ids]


def search_articles(desk: Desk, query: str, *, limit: int = 20) -> list[ArticleHit]:
    """Articles matching ``query`` (any string is valid), best first, with snippets."""
    if limit < 1 or limit > 1000:
        raise InvalidInput(f"limit must be between 1 and 1000, not {limit}")
    terms = rows.terms(query)
    if not rows.searchable(terms):
        return []
    with desk.store.read() as conn:
        desk.actor(conn)
        if conn.dialect.name == "sqlite":
            found = _search_sqlite(conn, terms, limit)
        else:
            found = _search_postgres(conn, terms, limit)
        return [rows.hit(row) for row in found]


def _search_sqlite(
    conn: Connection, terms: list[search.SearchTerm], limit: int
) -> Sequence[Row[Any]]:
    return conn.execute(text(rows.SEARCH_SQLITE), rows.sqlite_values(terms, limit)).all()


def _search_postgres(
    conn: Connection, terms: list[search.SearchTerm], limit: int
) -> Sequence[Row[Any]]:
    statement = rows.search_postgres(terms, limit)
    if statement is None:
        return []
    return conn.execute(text(statement[0]), statement[1]).all()


def _resolve(conn: Connection, ref: str | int) -> int:
    number, slug = rows.ref_keys(ref)
    found = conn.execute(text(rows.BY_ID), {"id": number}).scalar() if number is not None else None
    if found is None:
        found = conn.execute(text(rows.BY_SLUG), {"slug": slug}).scalar()
    if found is None:
        raise NotFound(f'knowledge-base article "{ref}" not found', what="article")
    return int(found)


def _set_tags(conn: Connection, article_id: int, names: Sequence[str]) -> None:
    conn.execute(
        delete(schema.kb_article_tags).where(schema.kb_article_tags.c.article_id == article_id)
    )
    for name in names:
        conn.execute(
            insert(schema.kb_article_tags).values(
                article_id=article_id, tag_id=tag_id_for(conn, name)
            )
        )


def load_article(conn: Connection, article_id: int) -> Article:
    key = {"id": article_id}
    row = conn.execute(text(rows.ARTICLE), key).first()
    if row is None:
        raise NotFound(f"knowledge-base article {article_id} not found")
    tags = tuple(name for (name,) in conn.execute(text(rows.ARTICLE_TAGS), key))
    return rows.article(row, tags)
