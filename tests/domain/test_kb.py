"""Knowledge-base articles: add, show by id or slug, edit, with stale edits refused."""

from __future__ import annotations

import pytest

from deskterm.domain.kb import articles as kb
from deskterm.domain.kb.articles import slugify
from deskterm.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from support import as_agent


def test_added_article_gets_a_slug_from_its_title_and_shows_by_id_and_slug(desk):
    article = kb.add(
        as_agent(desk, "bob"),
        title="  Reset your password (SSO) ",
        body="# Steps\n\n1. Open the portal\n",
        category=" Accounts  and access ",
        tags=["SSO", "password"],
    )
    assert article.slug == "reset-your-password-sso"
    assert article.title == "Reset your password (SSO)"
    assert article.category == "Accounts and access"
    assert article.tags == ("password", "sso")
    assert article.author == "bob"
    assert article.version == 1
    assert article.body == "# Steps\n\n1. Open the portal"
    assert kb.show(desk, article.id) == article
    assert kb.show(desk, str(article.id)) == article
    assert kb.show(desk, "reset-your-password-sso") == article
    assert kb.show(desk, "Reset-Your-Password-SSO") == article


def test_same_title_twice_gets_unique_slugs(desk):
    first = kb.add(desk, title="VPN setup", body="one")
    second = kb.add(desk, title="VPN  Setup!", body="two")
    third = kb.add(desk, title="vpn setup", body="three")
    assert [first.slug, second.slug, third.slug] == ["vpn-setup", "vpn-setup-2", "vpn-setup-3"]
    assert kb.show(desk, "vpn-setup-2").body == "two"


def test_explicit_slug_is_used_and_kept_unique(desk):
    article = kb.add(desk, title="Anything", body="x", slug="My Custom Slug")
    assert article.slug == "my-custom-slug"
    assert kb.add(desk, title="Other", body="y", slug="my-custom-slug").slug == "my-custom-slug-2"


def test_numeric_slug_is_still_found_by_slug(desk):
    article = kb.add(desk, title="2024", body="the year")
    assert article.slug == "2024"
    assert kb.show(desk, "2024") == article


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Café déjà vu", "cafe-deja-vu"),
        ("!!!", "article"),
        ("日本語", "article"),
        ("a" * 120, "a" * 80),
    ],
)
def test_slugs_are_ascii_words_joined_by_dashes(title, slug):
    assert slugify(title) == slug


def test_unknown_article_is_not_found(desk):
    with pytest.raises(NotFound, match="no-such-article"):
        kb.show(desk, "no-such-article")
    with pytest.raises(NotFound):
        kb.show(desk, 4242)
    with pytest.raises(NotFound):
        kb.edit(desk, "no-such-article", body="x")


INVALID_ARTICLES = [
    {"title": " ", "body": "x"},
    {"title": "ok", "body": "\n\n"},
    {"title": "x" * 301, "body": "x"},
    {"title": "ok", "body": "x", "tags": ["bad tag"]},
]


def test_invalid_article_is_refused_and_nothing_added(desk):
    for kwargs in INVALID_ARTICLES:
        with pytest.raises(InvalidInput):
            kb.add(desk, **kwargs)
    assert kb.list_articles(desk) == []
    article = kb.add(desk, title="ok", body="x")
    with pytest.raises(InvalidInput):
        kb.edit(desk, article.id, title="  ")
    assert kb.show(desk, article.id) == article


def test_edit_changes_fields_and_bumps_the_version(desk):
    article = kb.add(desk, title="Printer", body="Old text", tags=["printer"])
    edited = kb.edit(
        desk,
        article.slug,
        title="Printer jams",
        body="New text",
        category="Hardware",
        tags=["printer", "jam"],
    )
    assert (edited.title, edited.body, edited.category) == ("Printer jams", "New text", "Hardware")
    assert edited.tags == ("jam", "printer")
    assert edited.version == 2
    assert edited.slug == article.slug  # links to the article keep working
    assert kb.show(desk, article.id) == edited


def test_edit_with_nothing_to_change_keeps_the_version(desk):
    article = kb.add(desk, title="Same", body="same")
    assert kb.edit(desk, article.id).version == 1


def test_stale_edit_is_refused_and_changes_nothing(desk):
    article = kb.add(desk, title="VPN", body="v1")
    kb.edit(as_agent(desk, "carol"), article.id, body="v2 by carol", if_version=1)
    with pytest.raises(Conflict, match="changed since you read it") as caught:
        kb.edit(as_agent(desk, "bob"), article.id, body="v2 by bob", if_version=1)
    assert "version 1" in str(caught.value) and "now 2" in str(caught.value)
    now = kb.show(desk, article.id)
    assert (now.body, now.version) == ("v2 by carol", 2)


def test_list_articles_is_ordered_by_title(desk):
    for title in ("Zebra printers", "Access cards", "Mail"):
        kb.add(desk, title=title, body="x")
    assert [a.title for a in kb.list_articles(desk)] == ["Access cards", "Mail", "Zebra printers"]


def test_unknown_agent_cannot_read_or_write_the_kb(desk):
    article = kb.add(desk, title="Secret", body="x")
    stranger = as_agent(desk, "mallory")
    with pytest.raises(PermissionDenied, match="mallory"):
        kb.show(stranger, article.id)
    with pytest.raises(PermissionDenied):
        kb.add(stranger, title="Spam", body="x")
    assert [a.id for a in kb.list_articles(desk)] == [article.id]
