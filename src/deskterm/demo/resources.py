"""The demo's package data files (``deskterm/demo/data/``): the one place they are read.

They are read through :mod:`importlib.resources`, so they work from a wheel, a zip or a
checkout alike, and only when a generator first asks (never at import): ``deskterm --help``
and every command but ``db seed`` and ``demo`` leave them unread. Each file is read once.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import Any

#: The files of ``data/``, for the tests that check they ship.
FILES = ("topics.txt", "words.toml", "desk.toml", "articles.md", "automation.toml")


@cache
def text(name: str) -> str:
    """The text of ``data/<name>``."""
    return (files(__package__) / "data" / name).read_text(encoding="utf-8")


@cache
def toml(name: str) -> dict[str, Any]:
    """The parsed TOML of ``data/<name>`` (do not change it: it is shared)."""
    return tomllib.loads(text(name))
