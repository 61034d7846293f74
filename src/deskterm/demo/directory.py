"""Who is on the demo desk: agents, queues, organizations and contacts, and who works which queue.

The queues and organizations are those of ``data/desk.toml``; agents and contacts are drawn
from the names of ``data/words.toml`` with the seed's ``"directory"`` stream.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from typing import Any

from deskterm.demo import resources
from deskterm.demo.draw import derive_seed, pick, sample
from deskterm.demo.records import Directory, SeedAgent, SeedContact, SeedOrg, SeedQueue
from deskterm.demo.words import Words, words
from deskterm.domain.vocab import ROLES, TIERS


def make_directory(seed: int, *, contacts: int = 400) -> Directory:
    """Agents (14-20, one or two admins, two leads), the queues and organizations of
    ``data/desk.toml`` and ``contacts`` people."""
    desk = resources.toml("desk.toml")
    rnd = random.Random(derive_seed(seed, "directory")).random
    queues = [
        SeedQueue(q["name"], q["tier"], q.get("escalates_to"), q["description"])
        for q in desk["queues"]
    ]
    orgs = [SeedOrg(org["name"], org["domain"]) for org in desk["organizations"]]
    agents = _agents(rnd, words(), desk["agent_domain"])
    people = _contacts(rnd, words(), contacts, desk["organizations"], desk["private_domains"])
    return Directory(agents, queues, orgs, people)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _agents(rnd: Callable[[], float], words: Words, domain: str) -> list[SeedAgent]:
    """14-20 agents with unique handles made from their names, sorted by handle."""
    count = 14 + int(rnd() * 7)
    admins = 1 + int(rnd() * 2)
    roles = [ROLES[2]] * admins + [ROLES[1]] * 2 + [ROLES[0]] * (count - admins - 2)
    roles = sample(rnd, roles, len(roles))
    agents: list[SeedAgent] = []
    taken: set[str] = set()
    for name, role in zip(sample(rnd, words.agent_names, count), roles, strict=True):
        first, last = name.split(" ", 1)
        options = [_ascii(first), _ascii(first[0] + last), _ascii(first + last[0])]
        if rnd() < 0.45:
            options[0], options[1] = options[1], options[0]
        handle = next((h for h in options if h not in taken), f"{options[0]}{len(taken)}")
        taken.add(handle)
        agents.append(SeedAgent(handle, name, f"{handle}@{domain}", role))
    agents.sort(key=lambda agent: agent.handle)
    return agents


#: How an organization makes an address's local part from the first and last name.
_ADDRESS: dict[str, Callable[[str, str], str]] = {
    "first.last": lambda f, s: f"{f}.{s}",
    "flast": lambda f, s: f[0] + s,
    "first_last": lambda f, s: f"{f}_{s}",
    "firstl": lambda f, s: f + s[0],
    "first": lambda f, s: f,
}


def _contacts(
    rnd: Callable[[], float],
    words: Words,
    count: int,
    organizations: list[dict[str, Any]],
    private_domains: list[str],
) -> list[SeedContact]:
    """``count`` people with unique addresses; about 7 in 100 without an organization."""
    # one row per share, so a draw favours the larger organizations
    table = [org for org in organizations for _ in range(org["share"])]
    people: list[SeedContact] = []
    emails: set[str] = set()
    for _ in range(count):
        first, last = pick(rnd, words.first_names), pick(rnd, words.last_names)
        f, s = _ascii(first), _ascii(last)
        if rnd() < 0.07:
            org, domain = None, pick(rnd, private_domains)
            local = f"{f}{s}{int(rnd() * 90) + 10}" if rnd() < 0.5 else f"{f}.{s}"
        else:
            row = pick(rnd, table)
            org, domain = row["name"], row["domain"]
            local = _ADDRESS[row["address"]](f, s)
        email, n = f"{local}@{domain}", 1
        while email in emails:
            n += 1
            email = f"{local}{n}@{domain}"
        emails.add(email)
        people.append(SeedContact(f"{first} {last}", email, org))
    return people


def front_line(directory: Directory) -> list[str]:
    """The names of the front-line (L1) queues, or of the first queue when there is none."""
    names = [q.name for q in directory.queues]
    return [q.name for q in directory.queues if q.tier == TIERS[0]] or names[:1]


def rosters(directory: Directory) -> dict[str, tuple[str, ...]]:
    """Queue -> handles of the agents who work it, spread deterministically over the queues.

    Front-line (L1) queues get every other agent, each other queue at least one where there
    are enough agents; admins help on L3 and on any queue left without agents.
    """
    queues = directory.queues
    front = [q.name for q in queues if q.tier == TIERS[0]]
    others = [q.name for q in queues if q.tier != TIERS[0]]
    order: list[str] = []
    for i, name in enumerate(others):
        if front:
            order.append(front[i % len(front)])
        order.append(name)
    order = order or front
    members: dict[str, list[str]] = {q.name: [] for q in queues}
    admins = [a.handle for a in directory.agents if a.role == ROLES[2]]
    workers = [a.handle for a in directory.agents if a.role != ROLES[2]]
    for i, handle in enumerate(workers):
        members[order[i % len(order)]].append(handle)
    everyone = [a.handle for a in directory.agents]
    for q in queues:
        if q.tier == TIERS[2] or not members[q.name]:
            members[q.name].extend(admins)
        if not members[q.name]:
            members[q.name].extend(everyone)
    return {name: tuple(handles) for name, handles in members.items()}
