"""``deskterm kb ...``: search, show, add, list."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated

import typer

from deskterm.cli.context import CliContext, get

if TYPE_CHECKING:
    from deskterm.domain.models import Article

app = typer.Typer(
    help="The knowledge base.\n\nExample: deskterm kb search 'vpn drops'",
    rich_markup_mode=None,
    no_args_is_help=True,
)

FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="table, json, jsonl, csv, ids.")
]


@app.command("search")
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words and "phrases"; word* for a prefix.')],
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 10,  # as quick.KB_LIMIT, KB_MOST
    fmt: FormatOpt = None,
) -> None:
    """Search articles, best match first, with the matched words highlighted.

    Example: deskterm kb search 'vpn "drops every"'
    """
    from deskterm.cli.kb_view import emit_hits
    from deskterm.cli.output import resolve_format
    from deskterm.domain.kb import search_articles

    cli = get(ctx)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    hits = search_articles(cli.desk(), query, limit=limit)
    emit_hits(hits, fmt=chosen, out=cli.out, color=cli.color)


@app.command("show")
def show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="ID|SLUG")],
    fmt: FormatOpt = None,
) -> None:
    """Show an article; on a terminal its Markdown is rendered.

    Example: deskterm kb show vpn-troubleshooting
    """
    from deskterm.cli.kb_view import emit_article
    from deskterm.cli.output import resolve_format
    from deskterm.domain.kb import show as load

    cli = get(ctx)
    article = load(cli.desk(), ref)
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    emit_article(article, fmt=chosen, out=cli.out, color=cli.color)


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
    from deskterm.domain.kb import add as create

    cli = get(ctx)
    text = read_body(body, what="article", required=True) or ""
    article = create(cli.desk(), title=title, body=text, category=category, tags=tag or [])
    _emit_article(cli, article, fmt)


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


# -- kb edit / kb import ------------------------------------------------------------------------


def _edit_markdown(initial: str) -> str:
    """``$VISUAL``/``$EDITOR`` on the article. Unlike ``body.edit_text`` it keeps lines that
    start with ``#``: in Markdown those are headings, not comments."""
    import os
    import shlex
    import subprocess
    import tempfile

    from deskterm.cli.decode import utf8
    from deskterm.errors import InvalidInput

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.NamedTemporaryFile("w", suffix=".md", prefix="deskterm-kb-", delete=False) as f:
        f.write(initial)
        path = f.name
    keep = False
    try:
        try:
            result = subprocess.run([*shlex.split(editor), path], check=False)
        except FileNotFoundError:
            raise InvalidInput(f'editor "{editor}" not found; set $EDITOR or pass --body') from None
        if result.returncode != 0:
            raise InvalidInput(f"editor exited with status {result.returncode}; nothing changed")
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            return utf8(data, where="the edited article")
        except InvalidInput as exc:
            # What the user wrote stays where it is; the error says where.
            keep = True
            raise InvalidInput(
                f"{exc.message}; nothing changed, your text is kept in {path}", hint=exc.hint
            ) from None
    finally:
        if not keep:
            os.unlink(path)


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="ID|SLUG")],
    title: Annotated[str | None, typer.Option("--title", "-t")] = None,
    body: Annotated[
        str | None, typer.Option("--body", "-b", help="Markdown; - reads stdin.")
    ] = None,
    category: Annotated[str | None, typer.Option()] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Replace the tags; repeat for more.")
    ] = None,
    if_version: Annotated[
        int | None,
        typer.Option("--if-version", metavar="N", help="Refuse unless the article is at N."),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Change an article. With no option, $EDITOR opens it (front matter + Markdown).

    Example: deskterm kb edit reset-password --tag password --tag sso
    """
    from deskterm.cli.body import read_body
    from deskterm.domain import kb
    from deskterm.domain.kb import render_front_matter, split_front_matter
    from deskterm.errors import InvalidInput

    cli = get(ctx)
    desk = cli.desk()
    tags: list[str] | None = list(tag) if tag else None
    text = read_body(body, what="article", required=True) if body is not None else None
    if title is None and text is None and category is None and tags is None:
        current = kb.show(desk, ref)
        if if_version is None:
            if_version = current.version
        edited = _edit_markdown(
            render_front_matter(current.title, current.category, current.tags, current.body)
        )
        meta, text = split_front_matter(edited)
        title = meta.get("title", current.title)
        category = meta.get("category", current.category)
        tags = meta.get("tags", list(current.tags))
        unchanged = (title, category, tuple(sorted(tags or ())), text.strip("\n")) == (
            current.title,
            current.category,
            current.tags,
            current.body,
        )
        if unchanged:
            raise InvalidInput("no change in the editor; nothing was changed")
    article = kb.edit(
        desk, ref, title=title, body=text, category=category, tags=tags, if_version=if_version
    )
    _emit_article(cli, article, fmt)


@app.command("import")
def import_dir(
    ctx: typer.Context,
    directory: Annotated[str, typer.Argument(metavar="DIR", help="Folder of .md files.")],
    fmt: FormatOpt = None,
) -> None:
    """Import a folder of Markdown files (front matter: title, tags, category, slug).

    Re-importing updates articles by slug (from the front matter or the file name) instead
    of adding copies. All files or none.

    Example: deskterm kb import ./runbooks
    """
    from pathlib import Path

    from deskterm.cli.decode import utf8
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.cli.progress import progress_bar
    from deskterm.domain.kb import import_documents, parse_document
    from deskterm.errors import InvalidInput

    cli = get(ctx)
    root = Path(directory)
    if not root.is_dir():
        raise InvalidInput(f"{directory} is not a folder of Markdown files")
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in (".md", ".markdown"))
    if not files:
        raise InvalidInput(f"no .md files in {directory}; nothing was imported")
    documents = []
    with progress_bar(cli, "reading", total=len(files)) as advance:
        for path in files:
            name = str(path.relative_to(root))
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise InvalidInput(f"{name}: cannot read it ({exc.strerror})") from None
            documents.append(parse_document(name, utf8(data, where=name)))
            advance(1)
    results = import_documents(cli.desk(), documents)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    rows = [dataclasses.asdict(r) for r in results]
    columns = (
        Column("action", "ACTION", max_width=9),
        Column("id", "ID", justify="right", min_width=3),
        Column("slug", "SLUG", ratio=2),
        Column("name", "FILE", ratio=2),
    )
    emit_list(rows, columns=columns, fmt=chosen, out=cli.out, color=cli.color)


def _emit_article(cli: CliContext, article: Article, fmt: str | None) -> None:
    """An article as an object; a table leaves out the Markdown body (``kb show`` renders it)."""
    from deskterm.cli.output import emit_object, resolve_format

    chosen = resolve_format(fmt, many=False, stream=cli.out)
    data = dataclasses.asdict(article)
    if chosen == "table":
        data.pop("body")
    emit_object(data, fmt=chosen, out=cli.out, color=cli.color)
