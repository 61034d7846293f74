"""``--no-color`` / ``NO_COLOR``: a monochrome console whose states still read (symbols)."""

from __future__ import annotations

import os

import pytest

from deskterm.domain.desk import Desk

from .conftest import app_for, screen_text, settle


async def test_no_color_app_is_monochrome_and_states_keep_their_symbols(seeded: Desk) -> None:
    app = app_for(seeded, color=False)
    assert app.no_color and not app.color
    assert "NO_COLOR" not in os.environ  # Textual takes it; nothing leaks to the next app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "‼urgent" in screen_text(app)


async def test_no_color_environment_is_honoured(
    seeded: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(seeded)
    assert app.no_color and not app.color
