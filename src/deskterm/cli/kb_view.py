"""How ``kb search`` and ``kb show`` write what they found (shared by ``kb_cmd`` and the
light path, ``quick``, so both write the same bytes). Rich is imported for tables only."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from deskterm.domain.models import Article, ArticleHit


def emit_hits(hits: Sequence[ArticleHit], *, fmt: str, out: TextIO, color: bool) -> None:
    """Search hits: highlighted snippets in a table, else rows with the snippet's text and
    the words it matched."""
    if fmt == "table":
        _print_hits(hits, out=out, color=color)
        return
    from deskterm.cli.output import emit_list

    rows = [
        {
            "id": h.id,
            "slug": h.slug,
            "title": h.title,
            "category": h.category,
            "rank": h.rank,
            "snippet": "".join(text for text, _ in h.snippet),
            "matches": sorted({text.lower() for text, hit in h.snippet if hit}),
        }
        for h in hits
    ]
    emit_list(rows, columns=(), fmt=fmt, out=out, color=color)


def _print_hits(hits: Sequence[ArticleHit], *, out: TextIO, color: bool) -> None:
    from rich.text import Text

    from deskterm.cli.output import make_console
    from deskterm.domain.text import sanitize

    console = make_console(out, color=color, width=None)
    if not hits:
        console.print("No matching articles.")
        return
    for hit in hits:
        title = Text()
        title.append(f"{hit.id:>4}  ", style="dim")
        title.append(sanitize(hit.title), style="bold")
        title.append(f"  ({sanitize(hit.slug)})", style="dim")
        console.print(title)
        snippet = Text("      ")
        for text, matched in hit.snippet:
            snippet.append(sanitize(text), style="bold reverse" if matched else "")
        console.print(snippet)


def emit_article(article: Article, *, fmt: str, out: TextIO, color: bool) -> None:
    """One article: its Markdown rendered in the table format, else the object."""
    from deskterm.cli.output import emit_object, make_console

    if fmt != "table":
        emit_object(dataclasses.asdict(article), fmt=fmt, out=out, color=color)
        return
    from rich.markdown import Markdown
    from rich.text import Text

    from deskterm.domain.text import sanitize

    console = make_console(out, color=color, width=None)
    console.print(Text(sanitize(article.title), style="bold"))
    console.print(
        Text(
            f"{article.slug} · {sanitize(article.category) or 'uncategorized'} · "
            f"tags: {', '.join(article.tags) or '-'} · updated {article.updated_at:%Y-%m-%d}",
            style="dim",
        )
    )
    console.print()
    console.print(Markdown(sanitize(article.body, multiline=True)))
