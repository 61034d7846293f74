"""Every recipe ``test_recipes.py`` runs is shown in the README as it is run."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_recipes import RECIPES

README = Path(__file__).resolve().parents[2] / "README.md"


def _words(text: str) -> str:
    """Shell text with line continuations joined and runs of white space as one space."""
    return " ".join(text.replace("\\\n", " ").split())


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_the_readme_shows_each_recipe_as_tested(name: str) -> None:
    assert _words(RECIPES[name]) in _words(README.read_text(encoding="utf-8")), name
