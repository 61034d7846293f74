"""``deskterm kb ...``: search, show, add, list."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from deskterm.cli.context import CliContext, get

if TYPE_CHECKING:
    from deskterm.domain.models import ArticleHit

app = typer.Typer(help="The knowledge base.", rich_markup_mode=None, no_args_is_help=True)

FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="table, json, jsonl, csv, ids.")
]


@app.command("search")
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words and "phrases"; word* for a prefix.')],
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 10,
    fmt: FormatOpt = None,
) -> None:
    """Search articles, best match first, with the matched words highlighted.

    Example: deskterm kb search 'vpn "drops every"'
    """
    from deskterm.cli.output import resolve_format
    from deskterm.domain.kb import search_articles

    cli = get(ctx)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    hits = search_articles(cli.desk(), query, limit=limit)
    if chosen == "table":
        _print_hits(cli, hits)
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
    emit_list(rows, columns=(), fmt=chosen, out=cli.out, color=cli.color)


def _print_hits(cli: CliContext, hits: Sequence[ArticleHit]) -> None:
    from rich.text import Text

    from deskterm.cli.output import make_console
    from deskterm.domain.text import sanitize

    console = make_console(cli.out, color=cli.color, width=None)
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


@app.command("show")
def show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="ID|SLUG")],
    fmt: FormatOpt = None,
) -> None:
    """Show an article; on a terminal its Markdown is rendered.

    Example: deskterm kb show vpn-troubleshooting
    """
    from deskterm.cli.output import emit_object, make_console, resolve_format
    from deskterm.domain.kb import show as load

    cli = get(ctx)
    article = load(cli.desk(), ref)
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    if chosen != "table":
        emit_object(dataclasses.asdict(article), fmt=chosen, out=cli.out, color=cli.color)
        return
    from rich.markdown import Markdown
    from rich.text import Text

    from deskterm.domain.text import sanitize

    console = make_console(cli.out, color=cli.color, width=None)
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


@app.command("add")
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", "-t")],
    body: Annotated[
        str | None, typer.Option("--body", "-b", help="Markdown; - reads stdin.")
    ] = None,
    category: Annotated[str, typer.Option()] = "",
    tag: Annotated[list[str] | None, typer.Option("--tag")] = None,
    fmt: FormatOpt = None,
) -> None:
    """Add an article written in Markdown.

    Example: deskterm kb add --title 'Reset your password' --tag password --body - < reset.md
    """
    from deskterm.cli.body import read_body
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.domain.kb import add as create

    cli = get(ctx)
    text = read_body(body, what="article", required=True) or ""
    article = create(cli.desk(), title=title, body=text, category=category, tags=tag or [])
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    data = dataclasses.asdict(article)
    if chosen == "table":
        data.pop("body")
    emit_object(data, fmt=chosen, out=cli.out, color=cli.color)


@app.command("list")
def list_articles(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
    fmt: FormatOpt = None,
) -> None:
    """List articles by title.

    Example: deskterm kb list --format jsonl | jq -r .slug
    """
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.domain.kb import list_articles as load

    cli = get(ctx)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    rows = [dataclasses.asdict(a) for a in load(cli.desk(), limit=limit)]
    if chosen == "table":
        for row in rows:
            row.pop("body")
    columns = (
        Column("id", "ID", justify="right", min_width=3),
        Column("title", "TITLE", ratio=3),
        Column("slug", "SLUG", ratio=2),
        Column("category", "CATEGORY", max_width=16),
    )
    emit_list(rows, columns=columns, fmt=chosen, out=cli.out, color=cli.color)
