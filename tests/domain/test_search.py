"""Full-text search (ARCHITECTURE "Search") on tickets and the knowledge base, both backends.

Any string a user types is a valid search: it returns results or none, never an exception.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.kb import articles as kb
from deskterm.domain.query.language import Query, TextTerm
from deskterm.domain.tickets import Changes
from deskterm.domain.tickets import read as ticket_read
from deskterm.errors import InvalidInput


def text_search(desk: Desk, text: str, *, phrase: bool = False, negated: bool = False) -> set[int]:
    """Ticket ids for one bare text term, exactly as the user typed it (no parser)."""
    query = Query(text, (TextTerm(text, phrase, negated, 0),))
    return {t.id for t in ticket_read.list_page(desk, query, limit=1000).items}


def words(desk: Desk, query: str) -> set[int]:
    return {t.id for t in ticket_read.list_page(desk, query, limit=1000).items}


# ------------------------------------------------------------------------------ tickets


def test_ticket_search_finds_words_in_the_subject_and_in_the_thread(desk):
    subject = tickets.create(desk, subject="Keyboard missing keys")
    body = tickets.create(desk, subject="Broken", body="The keyboard spills coffee")
    tickets.create(desk, subject="Monitor flickers", body="Cable is loose")
    assert words(desk, "keyboard") == {subject.id, body.id}
    assert words(desk, "coffee") == {body.id}
    assert words(desk, "keys") == {subject.id}
    assert words(desk, "mouse") == set()


def test_reply_and_note_added_later_are_searchable(desk):
    ticket = tickets.create(desk, subject="Outlook", body="It crashes at start")
    assert words(desk, "safemode") == set()
    tickets.reply(desk, ticket.id, "Try starting it in safemode please")
    assert words(desk, "safemode") == {ticket.id}
    tickets.note(desk, ticket.id, "Known issue with the zebra plugin")
    assert words(desk, "zebra") == {ticket.id}
    assert words(desk, "crashes") == {ticket.id}


def test_changed_subject_is_searched_by_its_new_words_only(desk):
    ticket = tickets.create(desk, subject="Printer offline", body="Floor three")
    tickets.update(desk, ticket.id, Changes(subject="Scanner jammed"))
    assert words(desk, "scanner") == {ticket.id}
    assert words(desk, "printer") == set()
    assert words(desk, "floor") == {ticket.id}


def test_search_matches_word_forms(desk):
    ticket = tickets.create(desk, subject="Connection drops", body="It keeps disconnecting")
    assert words(desk, "dropped") == {ticket.id}
    assert words(desk, "connections") == {ticket.id}


def test_operator_words_and_punctuation_are_searched_as_plain_text(desk):
    ticket = tickets.create(desk, subject="Report AND invoice near deadline")
    other = tickets.create(desk, subject="Unrelated")
    assert text_search(desk, "AND") <= {ticket.id}
    assert text_search(desk, "invoice") == {ticket.id}
    assert text_search(desk, "NEAR(") <= {ticket.id}
    assert text_search(desk, "invoice OR unrelated") == set()
    assert text_search(desk, "unrelated", negated=True) == {ticket.id}
    assert text_search(desk, "report", phrase=True) == {ticket.id}
    assert text_search(desk, "!!!", negated=True) == {ticket.id, other.id}


# ------------------------------------------------------------------------------ KB


@pytest.fixture
def articles(desk):
    found = {
        "title": kb.add(
            desk,
            title="Printer troubleshooting",
            body="Turn it off and on again. Check the paper tray.",
        ),
        "body": kb.add(
            desk,
            title="Office equipment guide",
            body="Every floor has a printer near the kitchen. Ask reception for toner.",
        ),
        "vpn": kb.add(
            desk,
            title="Connect to the VPN",
            body="Install the client, then sign in with your SSO account. "
            "If the tunnel drops, restart the client.",
        ),
    }
    return desk, {name: article.id for name, article in found.items()}


def test_kb_search_ranks_a_title_match_above_a_body_match(articles):
    desk, ids = articles
    hits = kb.search_articles(desk, "printer")
    assert [h.id for h in hits] == [ids["title"], ids["body"]]
    assert hits[0].slug == "printer-troubleshooting"
    assert hits[0].title == "Printer troubleshooting"


def test_kb_search_ands_words_and_keeps_phrases_together(articles):
    desk, ids = articles
    assert [h.id for h in kb.search_articles(desk, "tunnel restart")] == [ids["vpn"]]
    assert kb.search_articles(desk, "tunnel printer") == []
    assert [h.id for h in kb.search_articles(desk, '"tunnel drops"')] == [ids["vpn"]]
    assert kb.search_articles(desk, '"drops tunnel"') == []


def test_kb_snippet_marks_the_matched_words(articles):
    desk, ids = articles
    (hit,) = kb.search_articles(desk, "kitchen")
    assert hit.id == ids["body"]
    matched = [text for text, is_match in hit.snippet if is_match]
    assert matched and all(text.lower() == "kitchen" for text in matched)
    plain = "".join(text for text, _ in hit.snippet)
    assert "printer near the kitchen" in plain
    assert all("\x02" not in text and "\x03" not in text for text, _ in hit.snippet)


def test_kb_search_sees_edits(articles):
    desk, ids = articles
    kb.edit(desk, ids["vpn"], body="Use the wireguard app instead.")
    assert [h.id for h in kb.search_articles(desk, "wireguard")] == [ids["vpn"]]
    assert kb.search_articles(desk, "tunnel") == []


def test_kb_word_with_a_star_matches_words_starting_with_it(articles, backend, request):
    desk, ids = articles
    assert [h.id for h in kb.search_articles(desk, "troubl*")] == [ids["title"]]
    assert [h.id for h in kb.search_articles(desk, "kitch* print*")] == [ids["body"]]


def test_kb_search_of_nothing_searchable_is_empty(articles):
    desk, _ = articles
    for query in ("", "   ", "!!!", '""', "😀", "*"):
        assert kb.search_articles(desk, query) == []


def test_kb_search_limit_is_checked_and_honoured(articles):
    desk, _ = articles
    assert len(kb.search_articles(desk, "printer", limit=1)) == 1
    with pytest.raises(InvalidInput, match="limit"):
        kb.search_articles(desk, "printer", limit=0)


# ------------------------------------------------------------------------------ any string

NASTY = [
    '"',
    '""',
    '"unclosed',
    "*",
    "**",
    "vpn*",
    "AND",
    "OR",
    "NOT",
    "a AND b",
    "NEAR(",
    "NEAR(a b, 2)",
    "a:b",
    "subject:x",
    "^x",
    "-",
    "--x",
    "(",
    ")",
    "{x}",
    "\\",
    "\\\\",
    "'",
    "a'b",
    "a & b | !c",
    "<->",
    "😀",
    "📎 printer",
    "ﬁle",
    "\u202eabc",
    "\t",
]


@pytest.fixture
def searchable(desk):
    tickets.create(desk, subject="VPN drops every hour", body='Error "AND" NEAR(x) * 😀 \\')
    tickets.create(desk, subject="Printer", body="paper jam")
    kb.add(desk, title="Reset the VPN", body='Quote " and star * and NEAR( and 😀')
    return desk


def never_raises(desk: Desk, text: str, phrase: bool, negated: bool) -> None:
    result = text_search(desk, text, phrase=phrase, negated=negated)
    assert isinstance(result, set)
    hits = kb.search_articles(desk, text)
    assert isinstance(hits, list)


search_text = st.one_of(
    st.text(),
    st.lists(st.sampled_from([*NASTY, "vpn", "printer", "drops", " ", "\x00"])).map("".join),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=3))).map(" ".join),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=search_text, phrase=st.booleans(), negated=st.booleans())
@example(text="", phrase=False, negated=False)
def test_any_string_searched_returns_a_list_and_never_raises(searchable, text, phrase, negated):
    never_raises(searchable, text, phrase, negated)


def test_strings_with_search_syntax_in_them_never_raise(searchable):
    for text in NASTY:
        for phrase in (False, True):
            for negated in (False, True):
                never_raises(searchable, text, phrase, negated)


def test_search_containing_nul_never_raises(searchable):
    for text in ("vpn\x00", "\x00vpn", "a\x00b", '"\x00printer"'):
        never_raises(searchable, text, False, False)
