"""The words of a search and the FTS5 expression and PostgreSQL tsquery for them, with no
database library imported: ``store/search.py`` builds its statements on these, and the
light reader (``kb search`` with plain ``sqlite3`` or psycopg) runs the same expressions.
User text never reaches MATCH raw: each word or phrase is quoted here, so every string a
user types is a valid search."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

SUBJECT_WEIGHT = 5.0

# Markers around highlighted words in snippets; the domain turns them into segments.
HL_START = "\x02"
HL_END = "\x03"


@dataclass(frozen=True)
class SearchTerm:
    """One word or phrase of a search; ``prefix`` when the user typed ``word*``."""

    text: str
    phrase: bool = False
    negated: bool = False
    prefix: bool = False


_WORD = re.compile(r"\w", re.UNICODE)


def has_words(term: SearchTerm) -> bool:
    """False for terms with nothing a tokenizer would index (``!!!``, an emoji)."""
    return bool(_WORD.search(term.text.replace("_", " ")))


def clean_text(text: str) -> str:
    """Search text without NUL (no backend accepts it inside a query string)."""
    return text.replace("\x00", " ")


def fts5_term(term: SearchTerm) -> str:
    quoted = '"' + clean_text(term.text).replace('"', '""') + '"'
    return quoted + ("*" if term.prefix and not term.phrase else "")


def fts5_query(terms: Sequence[SearchTerm]) -> str | None:
    """An FTS5 MATCH expression that is valid for any input, or None if nothing is searchable.

    Positive terms are ANDed; negated ones become ``NOT``. A query of negations only cannot be
    expressed in FTS5 and is handled by the caller with ``NOT IN``.
    """
    positive = [fts5_term(t) for t in terms if not t.negated and has_words(t)]
    if not positive:
        return None
    expression = " AND ".join(positive)
    negative = [fts5_term(t) for t in terms if t.negated and has_words(t)]
    for item in negative:
        expression = f"({expression}) NOT {item}"
    return expression


#: The text search configuration of every tsvector and tsquery (PostgreSQL).
PG_CONFIG = "english"


def websearch_text(terms: Sequence[SearchTerm], *, any_of: bool = False) -> str | None:
    """A ``websearch_to_tsquery`` input that keeps each word or phrase as the user meant it
    (quoted, so ``or``, ``-`` and quotes typed by the user are just text)."""
    parts = []
    for term in terms:
        if not has_words(term):
            continue
        clean = clean_text(term.text).replace('"', " ").strip()
        parts.append(("-" if term.negated else "") + f'"{clean}"')
    return (" or " if any_of else " ").join(parts) or None


def _prefix_word(term: SearchTerm) -> str | None:
    """The word of a ``word*`` term reduced to what a tsquery lexeme may hold, or None."""
    if not term.prefix or term.phrase:
        return None
    word = re.sub(r"\W+", "", clean_text(term.text)).lower()
    return word or None


def pg_tsquery(
    terms: Sequence[SearchTerm], *, any_of: bool = False
) -> tuple[str, dict[str, str]] | None:
    """SQL for one tsquery matching ``terms`` (ANDed, or ORed with ``any_of``), with params.

    Words and phrases go through ``websearch_to_tsquery``; ``word*`` prefixes, which it cannot
    express, through ``to_tsquery('word:*')`` with the word reduced to letters and digits.
    """
    prefixes = [
        ("!" if t.negated else "") + f"{word}:*"
        for t in terms
        if (word := _prefix_word(t)) is not None
    ]
    plain = [t for t in terms if _prefix_word(t) is None]
    parts: list[str] = []
    params: dict[str, str] = {}
    ws = websearch_text(plain, any_of=any_of)
    if ws:
        parts.append(f"websearch_to_tsquery('{PG_CONFIG}', :ws_q)")
        params["ws_q"] = ws
    if prefixes:
        parts.append(f"to_tsquery('{PG_CONFIG}', :pf_q)")
        params["pf_q"] = (" | " if any_of else " & ").join(prefixes)
    if not parts:
        return None
    return (" || " if any_of else " && ").join(f"({p})" for p in parts), params
