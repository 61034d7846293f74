"""``K``: KB search as you type, matched words highlighted, Markdown articles, insert in a reply."""

from __future__ import annotations

import pytest

from deskterm.domain.desk import Desk
from deskterm.domain.kb import articles as kb
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


async def insert_article(pilot, key: str, typed_before: str = "Hi, ") -> str:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("r", *typed_before)
    await pilot.press("ctrl+k", *"vpn")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, ComposeScreen)
    return pilot.app.screen.text


async def test_kb_article_goes_into_a_reply_as_plain_text_in_its_own_paragraph(
    with_kb: Desk,
) -> None:
    app = app_for(with_kb, "id:1")
    async with app.run_test(size=(120, 40)) as pilot:
        text = await insert_article(pilot, "i")
    assert text == (
        "Hi, \n\nResetting the VPN client\n\nSteps\n\n"
        "1. Open the VPN client\n2. Reconnect to gateway-2"
    )


async def test_kb_article_goes_in_as_a_reference_when_asked(with_kb: Desk) -> None:
    app = app_for(with_kb, "id:1")
    async with app.run_test(size=(120, 40)) as pilot:
        text = await insert_article(pilot, "l", typed_before="See:")
    slug = kb.search_articles(with_kb, "vpn")[0].slug
    assert text == f'See:\n\nSee the knowledge base article "Resetting the VPN client" ({slug}).'


async def test_an_article_inserted_between_paragraphs_is_a_paragraph_of_its_own(
    with_kb: Desk,
) -> None:
    app = app_for(with_kb, "id:1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r", *"Hello,", "enter", *"Thanks", "up", "end")
        await pilot.press("ctrl+k", *"printer")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("i", *"More text")
        await settle(pilot)
        assert app.screen.text == (
            "Hello,\n\nClearing a printer jam\n\nOpen tray 2.More text\n\nThanks"
        )


async def test_down_from_the_search_box_goes_to_the_first_hit(with_kb: Desk) -> None:
    kb.add(with_kb, title="VPN on a phone", body="Install the app.", category="Network")
    app = app_for(with_kb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("K", *"vpn")
        await settle(pilot)
        assert len(app.screen.hits) == 2
        results = app.screen.query_one("#kb-results")
        assert results.highlighted is None
        await pilot.press("down")
        assert results.highlighted == 0
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.article.title == app.screen_stack[-2].hits[0].title


async def test_an_article_that_starts_with_its_title_shows_the_title_once(seeded: Desk) -> None:
    kb.add(seeded, title="Set up the VPN", body="# Set up the VPN\n\nInstall the client.")
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("K", *"vpn")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert screen_text(app).count("Set up the VPN") == 1
