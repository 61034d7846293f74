"""The knowledge base: Markdown articles, their ranked search, and importing them from
files with front matter.

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.kb.articles import add as add
    from deskterm.domain.kb.articles import edit as edit
    from deskterm.domain.kb.articles import list_articles as list_articles
    from deskterm.domain.kb.articles import search_articles as search_articles
    from deskterm.domain.kb.articles import show as show
    from deskterm.domain.kb.articles import slugify as slugify
    from deskterm.domain.kb.files import import_documents as import_documents
    from deskterm.domain.kb.files import parse_document as parse_document
    from deskterm.domain.kb.files import render_front_matter as render_front_matter
    from deskterm.domain.kb.files import split_front_matter as split_front_matter
    from deskterm.domain.kb.rows import search_light as search_light
    from deskterm.domain.kb.rows import show_light as show_light

_SURFACE = Surface(
    __name__,
    {
        "articles": (
            "add",
            "edit",
            "show",
            "list_articles",
            "search_articles",
            "slugify",
        ),
        "rows": ("show_light", "search_light"),
        "files": (
            "import_documents",
            "parse_document",
            "render_front_matter",
            "split_front_matter",
        ),
    },
)
__getattr__ = _SURFACE.getattr
