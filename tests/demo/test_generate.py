"""The demo-data generator: deterministic, consistent, realistic enough, and quick."""

from __future__ import annotations

import random
import re
import string
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import islice, pairwise

import pytest

from deskterm.demo import (
    RARE_WORDS,
    Directory,
    SeedAgent,
    SeedMessage,
    SeedQueue,
    SeedTicket,
    generate_articles,
    generate_tickets,
    make_directory,
)
from deskterm.demo.articles import articles as kb_articles
from deskterm.demo.corpus import topics
from deskterm.demo.words import Slots, words
from deskterm.domain.vocab import (
    CHANNELS,
    MESSAGE_KINDS,
    PRIORITIES,
    ROLES,
    STATUSES,
    TIERS,
    TYPES,
    UNSOLVED,
)

NOW = datetime(2025, 6, 18, 14, 37, 12, 123456, tzinfo=UTC)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def directory() -> Directory:
    return make_directory(42)


@pytest.fixture(scope="module")
def tickets(directory: Directory) -> list[SeedTicket]:
    return list(generate_tickets(42, 6000, now=NOW, directory=directory))


# --- directory --------------------------------------------------------------------------------


def test_directory_agents(directory: Directory) -> None:
    agents = directory.agents
    assert 12 <= len(agents) <= 20
    handles = [a.handle for a in agents]
    assert len(set(handles)) == len(handles)
    for agent in agents:
        assert re.fullmatch(r"[a-z][a-z0-9]*", agent.handle)
        assert agent.role in ROLES
        assert agent.email == f"{agent.handle}@helpdesk.example"
        assert " " in agent.name
    roles = Counter(a.role for a in agents)
    assert 1 <= roles["admin"] <= 2
    assert 1 <= roles["lead"] <= 2


def test_directory_queues_form_an_escalation_chain(directory: Directory) -> None:
    by_name = {q.name: q for q in directory.queues}
    assert "Service Desk" in by_name
    assert {q.tier for q in directory.queues} == set(TIERS)
    for queue in directory.queues:
        assert queue.description
        if queue.tier == "L3":
            assert queue.escalates_to is None
        else:
            assert queue.escalates_to in by_name
            target = by_name[queue.escalates_to]
            assert TIERS.index(target.tier) == TIERS.index(queue.tier) + 1


def test_directory_orgs_and_contacts(directory: Directory) -> None:
    assert len(directory.orgs) == 12
    domains = {org.name: org.domain for org in directory.orgs}
    assert all(domain.endswith(".example") for domain in domains.values())
    assert len(directory.contacts) == 400
    emails = [c.email for c in directory.contacts]
    assert len(set(emails)) == len(emails)
    without_org = [c for c in directory.contacts if c.org is None]
    assert 0 < len(without_org) < 80
    for contact in directory.contacts:
        local, _, domain = contact.email.partition("@")
        assert local and set(local) <= set(string.ascii_lowercase + string.digits + "._")
        if contact.org is not None:
            assert domain == domains[contact.org]
    assert len(make_directory(1, contacts=25).contacts) == 25


def test_directory_is_deterministic_per_seed() -> None:
    assert make_directory(5) == make_directory(5)
    assert make_directory(5) != make_directory(6)


# --- tickets: determinism and vocabulary -------------------------------------------------------


def test_tickets_are_deterministic(directory: Directory) -> None:
    first = list(generate_tickets(7, 500, now=NOW, directory=directory))
    again = list(generate_tickets(7, 500, now=NOW, directory=make_directory(42)))
    assert first == again
    other = list(generate_tickets(8, 500, now=NOW, directory=directory))
    assert [t.subject for t in first] != [t.subject for t in other]


def test_counts_and_vocabularies(tickets: list[SeedTicket], directory: Directory) -> None:
    assert len(tickets) == 6000
    handles = {a.handle for a in directory.agents}
    emails = {c.email for c in directory.contacts}
    queues = {q.name for q in directory.queues}
    for t in tickets:
        assert t.type in TYPES
        assert t.status in STATUSES
        assert t.priority in PRIORITIES
        assert t.channel in CHANNELS
        assert t.queue in queues
        assert t.assignee is None or t.assignee in handles
        assert t.requester is None or t.requester in emails
        assert t.subject and t.tags
        assert all(tag == tag.lower() and " " not in tag for tag in t.tags)
        assert "{" not in t.subject
        assert 1 <= len(t.messages) <= 8
        for m in t.messages:
            assert m.kind in MESSAGE_KINDS
            assert m.agent is None or m.agent in handles
            assert m.contact is None or m.contact in emails
            assert m.body and "{" not in m.body and "}" not in m.body


@pytest.mark.parametrize("count", [0, 1, 2, 17])
def test_exact_small_counts(directory: Directory, count: int) -> None:
    assert len(list(generate_tickets(3, count, now=NOW, directory=directory))) == count


def test_generation_is_lazy(directory: Directory) -> None:
    stream = generate_tickets(1, 10_000_000, now=NOW, directory=directory)
    first = list(islice(stream, 3))
    assert len(first) == 3
    assert first[0].created_at >= NOW - timedelta(days=366)


def test_all_values_are_used(tickets: list[SeedTicket]) -> None:
    assert {t.type for t in tickets} == set(TYPES)
    assert {t.status for t in tickets} == set(STATUSES)
    assert {t.priority for t in tickets} == set(PRIORITIES)
    assert {t.channel for t in tickets} == set(CHANNELS)
    kinds = Counter(m.kind for t in tickets for m in t.messages)
    assert set(kinds) == set(MESSAGE_KINDS)


# --- tickets: time consistency ----------------------------------------------------------------


def _is_agent_reply(message: SeedMessage) -> bool:
    return message.kind == "reply" and message.agent is not None


def test_times_are_consistent(tickets: list[SeedTicket]) -> None:
    previous = NOW - timedelta(days=366)
    for t in tickets:
        assert previous <= t.created_at <= NOW
        previous = t.created_at
        times = [m.created_at for m in t.messages]
        assert times[0] == t.created_at
        assert times == sorted(times)
        assert t.updated_at == times[-1] <= NOW

        replies = [m.created_at for m in t.messages if _is_agent_reply(m)]
        assert t.first_responded_at == (replies[0] if replies else None)
        if t.status == "new":
            assert t.first_responded_at is None or t.requester is None

        solved = [m.created_at for m in t.messages if m.body.endswith(" to solved")]
        closed = [
            m.created_at for m in t.messages if m.body == "Status changed from solved to closed"
        ]
        if t.status in ("solved", "closed"):
            assert t.solved_at is not None and t.solved_at == solved[-1]
        else:
            assert t.solved_at is None
        if t.status == "closed":
            assert t.closed_at is not None and t.closed_at == closed[-1]
            assert t.solved_at is not None and t.solved_at <= t.closed_at
        else:
            assert t.closed_at is None and not closed


def test_status_events_chain_and_match_the_status(tickets: list[SeedTicket]) -> None:
    pattern = re.compile(r"^Status changed from (\w+) to (\w+)$")
    for t in tickets:
        changes = [pattern.match(m.body) for m in t.messages if m.kind == "event"]
        steps = [(m.group(1), m.group(2)) for m in changes if m]
        for (_, to), (frm, _) in pairwise(steps):
            assert to == frm
        for frm, to in steps:
            assert frm in STATUSES and to in STATUSES and frm != to
        if steps and t.status != "open":
            assert steps[-1][1] == t.status
        if t.status in ("pending", "on_hold", "solved", "closed"):
            assert steps, t


def test_messages_follow_the_thread_rules(tickets: list[SeedTicket], directory: Directory) -> None:
    for t in tickets:
        first = t.messages[0]
        if t.requester is not None:
            assert (first.kind, first.contact, first.agent) == ("reply", t.requester, None)
        elif t.channel == "monitoring":
            assert first.kind == "event" and first.body.startswith("Monitoring alert")
        else:
            assert first.kind == "reply" and first.agent is not None
            assert t.channel in ("walk_in", "phone")
        for m in t.messages:
            if m.kind == "reply":
                assert (m.agent is None) != (m.contact is None)
                assert m.contact is None or m.contact == t.requester
            elif m.kind == "note":
                assert m.agent is not None and m.contact is None
            else:
                assert m.contact is None
        assigned = [m.body for m in t.messages if m.body.startswith("Assigned to ")]
        if assigned:
            assert assigned == [f"Assigned to {t.assignee}"]


def test_now_at_midnight(directory: Directory) -> None:
    midnight = NOW.replace(hour=0, minute=0, second=0, microsecond=0)
    tickets = list(generate_tickets(9, 3000, now=midnight, directory=directory))
    assert len(tickets) == 3000
    assert all(t.created_at <= t.updated_at <= midnight for t in tickets)
    assert tickets[-1].created_at > midnight - timedelta(days=2)


def test_naive_now_gives_naive_times(directory: Directory) -> None:
    naive = NOW.replace(tzinfo=None)
    for t in generate_tickets(2, 200, now=naive, directory=directory):
        assert t.created_at.tzinfo is None and t.updated_at <= naive


# --- tickets: realism -------------------------------------------------------------------------


def test_proportions_are_believable(tickets: list[SeedTicket]) -> None:
    old = [t for t in tickets if NOW - t.created_at > timedelta(days=60)]
    assert sum(t.status == "closed" for t in old) / len(old) > 0.9
    recent = [t for t in tickets if NOW - t.created_at < timedelta(days=3)]
    assert {t.status for t in recent} >= {"open", "pending", "solved"}
    priorities = Counter(t.priority for t in tickets)
    assert priorities["normal"] > priorities["high"] > priorities["urgent"]
    assert priorities["urgent"] / len(tickets) < 0.1
    working = [t for t in tickets if t.status in UNSOLVED and t.status != "new"]
    assert sum(t.assignee is None for t in working) / len(working) < 0.12
    assert sum(t.requester is None for t in tickets) / len(tickets) < 0.15


def test_volume_grows_and_favours_business_hours(tickets: list[SeedTicket]) -> None:
    first = sum(NOW - t.created_at > timedelta(days=300) for t in tickets)
    last = sum(NOW - t.created_at < timedelta(days=65) for t in tickets)
    assert last > first
    weekday = sum(t.created_at.weekday() < 5 for t in tickets)
    assert weekday / len(tickets) > 0.85
    office = sum(8 <= t.created_at.hour < 18 for t in tickets)
    assert office / len(tickets) > 0.75


def test_topics_tags_and_queues_agree(tickets: list[SeedTicket]) -> None:
    tags = Counter(tag for t in tickets for tag in t.tags)
    for tag in ("vpn", "password", "printer", "laptop", "email", "access", "outage", "mfa"):
        assert tags[tag] > 20, tag
    for tag in ("wifi", "software", "onboarding", "phishing", "phone", "security"):
        assert tags[tag] > 5, tag
    for t in tickets:
        if "phishing" in t.tags:
            assert t.queue in ("Service Desk", "Security L3")
        if "printer" in t.tags:
            assert t.queue in ("Service Desk", "Workplace L2")


def test_subjects_vary(tickets: list[SeedTicket]) -> None:
    subjects = Counter(t.subject for t in tickets)
    assert len(subjects) > len(tickets) / 4
    assert subjects.most_common(1)[0][1] < len(tickets) / 40
    bodies = {t.messages[0].body for t in tickets}
    assert len(bodies) > len(tickets) * 0.8
    lengths = sorted(len(m.body) for t in tickets for m in t.messages if m.kind == "reply")
    assert 60 <= lengths[len(lengths) // 2] <= 400
    assert lengths[-1] < 1000


@pytest.mark.slow
def test_rare_and_common_words(directory: Directory) -> None:
    text = [
        m.body.lower()
        for t in generate_tickets(11, 40_000, now=NOW, directory=directory)
        for m in t.messages
    ]
    common, rare = (sum(word in body for body in text) for word in RARE_WORDS)
    assert 30 <= common <= 200
    assert 1 <= rare < common / 4
    assert sum("password" in body for body in text) > 2000
    assert sum("thanks" in body for body in text) > 10000


def test_every_template_fills(directory: Directory) -> None:
    slots = Slots(random.Random(0).random, words())
    slots["first"], slots["agent"] = "Ana", "Ben"
    for topic in topics():
        texts = [line for lines in topic.texts.values() for line in lines]
        for case in topic.cases:
            texts += [*case.subjects, *case.descriptions]
            texts += [line for lines in case.texts.values() for line in lines]
        for template in texts:
            assert "{" not in template.format_map(slots), template


def test_small_custom_directory() -> None:
    solo = Directory(
        agents=[SeedAgent("solo", "Solo Agent", "solo@x.example", "admin")],
        queues=[SeedQueue("Inbox", "L1", None, "everything")],
        orgs=[],
        contacts=[],
    )
    tickets = list(generate_tickets(1, 300, now=NOW, directory=solo))
    assert len(tickets) == 300
    assert {t.queue for t in tickets} == {"Inbox"}
    assert {t.requester for t in tickets} == {None}
    with pytest.raises(ValueError):
        list(generate_tickets(1, 1, now=NOW, directory=Directory([], [], [], [])))


# --- knowledge base ---------------------------------------------------------------------------


def test_articles_cover_the_common_topics() -> None:
    articles = generate_articles(1, len(kb_articles()), now=NOW)
    assert len(articles) >= 20
    slugs = {a.slug for a in articles}
    for needed in (
        "vpn-setup",
        "vpn-troubleshooting",
        "password-reset",
        "mfa-enrolment",
        "printer-setup",
        "docking-station",
        "outlook-profile-rebuild",
        "shared-drive-access",
        "wifi-connect",
        "phishing-report",
        "onboarding-checklist",
        "software-request",
    ):
        assert needed in slugs
    topics_kb = {topic.kb for topic in topics() if topic.kb}
    assert topics_kb <= slugs
    categories = {a.category for a in articles}
    assert {"Network", "Accounts", "Hardware", "Email", "Security", "Onboarding"} <= categories
    for article in articles:
        assert article.body.startswith(f"# {article.title}\n")
        assert "\n## " in article.body
        assert article.tags and article.title
    assert sum("\n1. " in a.body for a in articles) >= 20
    assert sum("**Note:**" in a.body for a in articles) >= 10


@pytest.mark.parametrize("count", [0, 5, 25, 180, 600])
def test_article_slugs_are_unique(count: int) -> None:
    articles = generate_articles(3, count, now=NOW)
    assert len(articles) == count
    slugs = [a.slug for a in articles]
    assert len(set(slugs)) == count
    assert all(SLUG.match(slug) for slug in slugs)
    titles = [a.title for a in articles]
    assert len(set(titles)) == count
    for article in articles:
        assert article.created_at <= article.updated_at <= NOW


def test_articles_are_deterministic() -> None:
    assert generate_articles(4, 60, now=NOW) == generate_articles(4, 60, now=NOW)
    assert generate_articles(4, 60, now=NOW) != generate_articles(5, 60, now=NOW)
