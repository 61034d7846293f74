"""``K``: KB search as you type, matched words highlighted, Markdown articles, insert in a reply."""

from __future__ import annotations

import pytest

from deskterm.domain import kb
from deskterm.domain.desk import Desk
from deskterm.tui.screens.article_screen import ArticleScreen
from deskterm.tui.screens.compose_screen import ComposeScreen
from deskterm.tui.screens.kb_screen import KbScreen

from .conftest import app_for, screen_text, settle

VPN_BODY = "## Steps\n\n1. Open the VPN client\n2. Reconnect to **gateway-2**\n"


@pytest.fixture
def with_kb(seeded: Desk) -> Desk:
    kb.add(seeded, title="Resetting the VPN client", body=VPN_BODY, category="Network")
    kb.add(seeded, title="Clearing a printer jam", body="Open tray 2.", category="Printing")
    return seeded


async def test_kb_search_shows_ranked_hits_and_opens_markdown(with_kb: Desk) -> None:
    app = app_for(with_kb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("K")
        assert isinstance(app.screen, KbScreen)
        await pilot.press(*"vpn")
        await settle(pilot)
        assert [h.title for h in app.screen.hits] == ["Resetting the VPN client"]
        assert "1 article" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert "gateway-2" in screen_text(app)
        await pilot.press("escape", "escape")
        assert not isinstance(app.screen, (ArticleScreen, KbScreen))


async def test_kb_article_is_inserted_into_a_reply(with_kb: Desk) -> None:
    app = app_for(with_kb, "id:1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r", *"Hi, ")
        await pilot.press("ctrl+k", *"vpn")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.query_one("#editor").text == "Hi, " + VPN_BODY.strip("\n")
