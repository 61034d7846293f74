"""The words of a search and the FTS5 expression for them, with no database library imported:
``store/search.py`` builds its statements on these, and the light reader (``kb search`` on
SQLite with plain ``sqlite3``) runs the same expression. User text never reaches MATCH raw:
each word or phrase is quoted here, so every string a user types is a valid search."""

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
