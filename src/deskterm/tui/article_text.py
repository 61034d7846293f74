"""A knowledge-base article as it goes into a reply: readable plain text, or a reference.

A requester reads a reply as plain text, so an article's Markdown is rendered to text:
headings and paragraphs as lines, lists with their numbers or dashes, links as
``text (address)``, code indented, quotes with ``>``; the ``**`` and backticks go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskterm.domain.models import Article

if TYPE_CHECKING:
    from markdown_it.token import Token


def article_text(article: Article) -> str:
    """The article's title (once, even when the body starts with it) and its text."""
    body = body_without_title(article)
    return f"{article.title.strip()}\n\n{markdown_to_text(body)}".strip("\n")


def article_reference(article: Article) -> str:
    """A short pointer to the article, for a reply that should not quote it whole."""
    return f'See the knowledge base article "{article.title.strip()}" ({article.slug}).'


def body_without_title(article: Article) -> str:
    """The body, less a first ``# Title`` line that repeats the article's title."""
    lines = article.body.lstrip("\n").split("\n")
    first = lines[0].strip() if lines else ""
    if first.startswith("#") and first.lstrip("#").strip().lower() == article.title.strip().lower():
        return "\n".join(lines[1:]).lstrip("\n")
    return article.body


def markdown_to_text(source: str) -> str:
    from markdown_it import MarkdownIt

    return _Renderer().render(MarkdownIt("commonmark").parse(source))


class _Renderer:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.quote = 0
        self.lists: list[list[int | None]] = []  # per open list: [next number or None]
        self.marker: str | None = None  # the marker the next block's first line gets
        self.gap = False  # the next block starts after a blank line even in a tight list
        self.widths: list[int] = []  # the marker width of each open list item
        self.quote_opened = False

    def render(self, tokens: list[Token]) -> str:
        for index, token in enumerate(tokens):
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                start = token.attrGet("start")
                number = int(start) if isinstance(start, int | str) and str(start).isdigit() else 1
                self.gap = self.gap or not self.lists
                self.lists.append([number if kind == "ordered_list_open" else None])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                state = self.lists[-1]
                if state[0] is None:
                    self.marker = "- "
                else:
                    self.marker = f"{state[0]}. "
                    state[0] += 1
                self.widths.append(len(self.marker))
            elif kind == "list_item_close":
                self.widths.pop()
            elif kind == "blockquote_open":
                self.quote += 1
                self.gap = self.quote_opened = True
            elif kind == "blockquote_close":
                self.quote -= 1
            elif kind == "inline":
                tight = tokens[index - 1].hidden if index else False
                self._block(_inline(token), tight=tight)
            elif kind in ("fence", "code_block"):
                code = token.content.rstrip("\n").split("\n")
                self._block("\n".join("    " + line for line in code), tight=False)
            elif kind == "hr":
                self._block("----", tight=False)
        return "\n".join(self.out).strip("\n")

    def _block(self, text: str, *, tight: bool) -> None:
        if self.out and (self.gap or not tight):
            outer = self.quote - 1 if self.quote_opened else self.quote
            self.out.append(("> " * outer).rstrip())
        self.gap = self.quote_opened = False
        marker, self.marker = self.marker, None
        inside = " " * sum(self.widths)
        first = " " * sum(self.widths[:-1]) + marker if marker else inside
        for number, line in enumerate(text.split("\n")):
            lead = first if number == 0 else inside
            self.out.append(("> " * self.quote + lead + line).rstrip())


def _inline(token: Token) -> str:
    parts: list[str] = []
    href: str | None = None
    link_start = 0
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "link_open":
            target = child.attrGet("href")
            href = str(target) if target else None
            link_start = len(parts)
        elif kind == "link_close":
            shown = "".join(parts[link_start:])
            if href and href != shown and not href.startswith("mailto:" + shown):
                parts.append(f" ({href})")
            href = None
        elif kind == "image":
            parts.append(child.content or "")
    return "".join(parts)
