"""Realistic, deterministic demo data for an IT help desk, as plain dataclasses.

Nothing here touches a database: the store inserts what these functions return.
Everything is drawn from ``random.Random`` instances seeded from the ``seed`` argument
(through SHA-256, never ``hash()``), so the same seed, ``now`` and arguments give the
same output on every run and machine.

* :func:`make_directory` - agents, queues (with tiers and an escalation chain),
  organizations and contacts;
* :func:`generate_tickets` - tickets with their threads, lazily and oldest first;
* :func:`generate_articles` - Markdown knowledge-base articles.

Times keep the ``tzinfo`` of ``now`` (aware in, aware out) and are whole seconds except
``now`` itself. Business hours and weekdays are those of ``now``'s clock.
"""

from __future__ import annotations

import hashlib
import math
import random
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import NormalDist
from typing import Final, TypeVar

from deskterm.demo import articles as seed_kb
from deskterm.demo import corpus as txt
from deskterm.domain.vocab import CHANNELS, PRIORITIES, ROLES, STATUSES, TIERS, TYPES, UNSOLVED

__all__ = [
    "RARE_WORDS",
    "Directory",
    "SeedAgent",
    "SeedArticle",
    "SeedContact",
    "SeedMessage",
    "SeedOrg",
    "SeedQueue",
    "SeedTicket",
    "generate_articles",
    "generate_tickets",
    "make_directory",
]

T = TypeVar("T")

#: Words that occur rarely in descriptions: in about 1 of 500 and 1 of 5,000 tickets.
RARE_WORDS: Final = ("zanzibar", "quokka")


@dataclass(slots=True)
class SeedAgent:
    handle: str
    name: str
    email: str
    role: str


@dataclass(slots=True)
class SeedQueue:
    name: str
    tier: str
    escalates_to: str | None
    description: str


@dataclass(slots=True)
class SeedOrg:
    name: str
    domain: str


@dataclass(slots=True)
class SeedContact:
    name: str
    email: str
    org: str | None


@dataclass(slots=True)
class SeedMessage:
    kind: str
    agent: str | None
    contact: str | None
    body: str
    created_at: datetime


@dataclass(slots=True)
class SeedTicket:
    subject: str
    type: str
    status: str
    priority: str
    queue: str
    assignee: str | None
    requester: str | None
    channel: str
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    first_responded_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None
    messages: tuple[SeedMessage, ...]


@dataclass(slots=True)
class SeedArticle:
    slug: str
    title: str
    body: str
    category: str
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class Directory:
    agents: list[SeedAgent]
    queues: list[SeedQueue]
    orgs: list[SeedOrg]
    contacts: list[SeedContact]


def derive_seed(seed: int, stream: str) -> int:
    """A 64-bit seed for one independent random stream of ``seed``."""
    digest = hashlib.sha256(f"deskterm-seed:{seed}:{stream}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _pick(rnd: Callable[[], float], seq: Sequence[T]) -> T:
    return seq[int(rnd() * len(seq))]


def _sample(rnd: Callable[[], float], seq: Sequence[T], k: int) -> list[T]:
    pool = list(seq)
    for i in range(min(k, len(pool))):
        j = i + int(rnd() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


# --- directory --------------------------------------------------------------------------------

_QUEUES: Final = (
    (
        "Service Desk",
        "L1",
        "Workplace L2",
        "First line: triage, password resets, how-to, walk-ins.",
    ),
    ("Network L2", "L2", "Infrastructure L3", "VPN, Wi-Fi, switching, firewall rules and DNS."),
    ("Workplace L2", "L2", "Infrastructure L3", "Laptops, docking stations, printers, phones."),
    ("Identity & Access L2", "L2", "Security L3", "Accounts, MFA, groups, joiners and leavers."),
    ("Messaging L2", "L2", "Infrastructure L3", "Mail, calendars, shared mailboxes and Teams."),
    ("Applications L2", "L2", "Infrastructure L3", "Business apps: installs, licences, outages."),
    ("Infrastructure L3", "L3", None, "Servers, storage, backups, certificates, platform."),
    ("Security L3", "L3", None, "Phishing, malware, suspicious sign-ins, lost devices."),
)
#: name, domain, address style, share of contacts
_ORGS: Final = (
    ("Acme Corporation", "acme.example", "first.last", 18),
    ("Globex", "globex.example", "flast", 14),
    ("Initech", "initech.example", "first.last", 12),
    ("Umbrella Health", "umbrella.example", "first_last", 10),
    ("Hooli", "hooli.example", "first", 8),
    ("Vandelay Industries", "vandelay.example", "flast", 7),
    ("Stark Logistics", "stark.example", "first.last", 7),
    ("Tyrell Biotech", "tyrell.example", "firstl", 6),
    ("Soylent Foods", "soylent.example", "first.last", 5),
    ("Cyberdyne Systems", "cyberdyne.example", "flast", 5),
    ("Wonka Confectionery", "wonka.example", "first.last", 4),
    ("Massive Dynamic", "massive.example", "first_last", 4),
)
_PRIVATE_DOMAINS: Final = ("example.com", "example.net", "example.org")
_AGENT_DOMAIN: Final = "helpdesk.example"


def make_directory(seed: int, *, contacts: int = 400) -> Directory:
    """Agents (14-20, one or two admins, two leads), 8 queues, 12 orgs and ``contacts`` people."""
    rnd = random.Random(derive_seed(seed, "directory")).random
    count = 14 + int(rnd() * 7)
    admins = 1 + int(rnd() * 2)
    roles = [ROLES[2]] * admins + [ROLES[1]] * 2 + [ROLES[0]] * (count - admins - 2)
    roles = _sample(rnd, roles, len(roles))
    agents: list[SeedAgent] = []
    taken: set[str] = set()
    for name, role in zip(_sample(rnd, txt.AGENT_NAMES, count), roles, strict=True):
        first, last = name.split(" ", 1)
        options = [_ascii(first), _ascii(first[0] + last), _ascii(first + last[0])]
        if rnd() < 0.45:
            options[0], options[1] = options[1], options[0]
        handle = next((h for h in options if h not in taken), f"{options[0]}{len(taken)}")
        taken.add(handle)
        agents.append(SeedAgent(handle, name, f"{handle}@{_AGENT_DOMAIN}", role))
    agents.sort(key=lambda agent: agent.handle)

    queues = [SeedQueue(*row) for row in _QUEUES]
    orgs = [SeedOrg(name, domain) for name, domain, _, _ in _ORGS]
    org_table = [row for row in _ORGS for _ in range(row[3])]
    people: list[SeedContact] = []
    emails: set[str] = set()
    for _ in range(contacts):
        first, last = _pick(rnd, txt.FIRST_NAMES), _pick(rnd, txt.LAST_NAMES)
        f, s = _ascii(first), _ascii(last)
        if rnd() < 0.07:
            org, domain = None, _pick(rnd, _PRIVATE_DOMAINS)
            local = f"{f}{s}{int(rnd() * 90) + 10}" if rnd() < 0.5 else f"{f}.{s}"
        else:
            org, domain, style, _ = _pick(rnd, org_table)
            local = {"first.last": f"{f}.{s}", "flast": f[0] + s, "first_last": f"{f}_{s}"}.get(
                style, f + s[0] if style == "firstl" else f
            )
        email, n = f"{local}@{domain}", 1
        while email in emails:
            n += 1
            email = f"{local}{n}@{domain}"
        emails.add(email)
        people.append(SeedContact(f"{first} {last}", email, org))
    return Directory(agents, queues, orgs, people)


# --- ticket timing --------------------------------------------------------------------------

_HOURS: Final = (1, 1, 1, 1, 1, 2, 4, 12, 30, 45, 44, 40, 28, 36, 40, 36, 28, 16, 8, 5, 4, 3, 2, 1)
_WEEKDAYS: Final = (1.15, 1.1, 1.05, 1.0, 0.85, 0.14, 0.1)
_HOUR_TABLE: Final = tuple(hour for hour, weight in enumerate(_HOURS) for _ in range(weight))


def _day_counts(
    rnd: Callable[[], float], count: int, now: datetime, days: int = 365
) -> Iterator[tuple[datetime, int, float]]:
    """(day start, tickets that day, seconds of the day that are before ``now``), oldest first.

    Volume doubles over the year, weekdays carry most of it, and each day gets some noise;
    today counts only the part of its business-hour mass that has already passed.
    """
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=days)
    elapsed = (now - today).total_seconds()
    full = int(elapsed // 3600)
    today_mass = (sum(_HOURS[:full]) + (elapsed % 3600) / 3600 * _HOURS[min(full, 23)]) / sum(
        _HOURS
    )
    weights = []
    for day in range(days + 1):
        weekday = _WEEKDAYS[(start.weekday() + day) % 7]
        weights.append(math.exp(0.7 * day / days) * weekday * (0.8 + 0.4 * rnd()))
    weights[-1] *= today_mass
    total = sum(weights)
    done, cumulative = 0, 0.0
    for day, weight in enumerate(weights):
        cumulative += weight
        upto = round(count * cumulative / total) if day < days else count
        if upto > done:
            limit = elapsed if day == days else 86_400.0
            yield start + timedelta(days=day), upto - done, limit
            done = upto


# --- tickets ----------------------------------------------------------------------------------

_Z: Final = tuple(NormalDist().inv_cdf((i + 0.5) / 2048) for i in range(2048))
_FIRST_RESPONSE: Final = {"low": 21_600, "normal": 7_200, "high": 2_400, "urgent": 600}
#: Median time from first response to solution, per type. Calendar time, so a weekend or a
#: wait on the requester is inside it; these give a backlog of a week or two of tickets.
_RESOLUTION: Final = {
    "incident": 36 * 3_600,
    "service_request": 4 * 86_400,
    "question": 18 * 3_600,
    "problem": 20 * 86_400,
    "change": 8 * 86_400,
}
_SPEED: Final = {"low": 1.8, "normal": 1.0, "high": 0.5, "urgent": 0.25}
_MAX_RESOLUTION: Final = 200 * 86_400
_PRIORITIES: Final = {"low": 15, "normal": 62, "high": 20, "urgent": 3}
_CHANNELS: Final = {"email": 40, "web": 28, "phone": 12, "chat": 12, "walk_in": 6, "api": 2}
_UNSOLVED: Final = {"open": 5, "pending": 4, "on_hold": 1}
#: Chance that a ticket on this channel has no contact (logged by an agent for a visitor).
_ANONYMOUS: Final = {"walk_in": 0.5, "phone": 0.25}
#: Messages the end of a thread needs, per final status (see ``_TicketFactory.ticket``).
_FINAL: Final = {"new": 0, "open": 0, "pending": 2, "on_hold": 2, "solved": 2, "closed": 3}
_MIDDLE: Final = (0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 4)
_MAX_MESSAGES: Final = 8


def _table(weights: Mapping[str, int], vocabulary: Sequence[str]) -> tuple[str, ...]:
    """A flat tuple with each name repeated ``weight`` times, for O(1) weighted draws."""
    for name in weights:
        if name not in vocabulary:
            raise ValueError(f"{name!r} is not one of {tuple(vocabulary)}")
    return tuple(name for name, weight in weights.items() for _ in range(weight))


class _Slots(dict[str, str]):
    """One ticket's slot values; each is drawn the first time a template asks for it."""

    __slots__ = ("rnd",)

    def __init__(self, rnd: Callable[[], float]) -> None:
        super().__init__()
        self.rnd = rnd

    def __missing__(self, key: str) -> str:
        group = txt.SLOT_GROUPS.get(key)
        if group is not None:
            names, rows = group
            row = rows[int(self.rnd() * len(rows))]
            self.update(zip(names, row, strict=True))
            return row[names.index(key)]
        pool = txt.SLOTS[key]
        value = pool[int(self.rnd() * len(pool))]
        self[key] = value
        return value


@dataclass(slots=True)
class _Case:
    subjects: tuple[str, ...]
    descriptions: tuple[str, ...]
    asks: tuple[str, ...]
    steps: tuple[str, ...]
    fixes: tuple[str, ...]
    notes: tuple[str, ...]
    follow_ups: tuple[str, ...]
    holds: tuple[str, ...]
    alerts: tuple[str, ...]


@dataclass(slots=True)
class _Plan:
    """A topic ready for drawing: flat weight tables and text pools with generic fall-backs."""

    tags: tuple[str, ...]
    vip_tags: tuple[str, ...]
    kb_hint: str
    quick: float
    types: tuple[str, ...]
    priorities: tuple[str, ...]
    channels: tuple[str, ...]
    unsolved: tuple[str, ...]
    queues: tuple[str, ...]
    cases: tuple[_Case, ...]
    incident_contexts: tuple[str, ...]
    request_contexts: tuple[str, ...]


def _case(topic: txt.Topic, case: txt.Case) -> _Case:
    def own(code: str) -> tuple[str, ...]:
        return case.texts.get(code) or topic.texts.get(code, ())

    if not (own("A") and own("T") and own("F")):
        raise ValueError(f"topic {topic.key}: a case lacks asks, steps or fixes")
    return _Case(
        subjects=case.subjects,
        descriptions=case.descriptions,
        asks=own("A"),
        steps=own("T"),
        fixes=own("F"),
        notes=own("N") * 2 + txt.NOTES,
        follow_ups=own("R") * 2 + txt.FOLLOW_UP,
        holds=own("H") or txt.HOLD,
        alerts=own("M"),
    )


def _plan(topic: txt.Topic, queues: Sequence[str], fallback: str) -> _Plan:
    routing = {name: weight for name, weight in topic.queues.items() if name in queues}
    channels = _table({**_CHANNELS, **(topic.channels or {})}, CHANNELS)
    cases = tuple(_case(topic, case) for case in topic.cases)
    if "monitoring" in channels and not all(case.alerts for case in cases):
        raise ValueError(f"topic {topic.key} has monitoring tickets but a case has no alert")
    own = topic.texts.get("C", ()) * 2
    return _Plan(
        tags=topic.tags,
        vip_tags=(*topic.tags, "vip"),
        kb_hint=f'\n\nStep-by-step guide: KB article "{topic.kb}".' if topic.kb else "",
        quick=topic.quick,
        types=_table(topic.types, TYPES),
        priorities=_table(topic.priorities or _PRIORITIES, PRIORITIES),
        channels=channels,
        unsolved=_table(topic.unsolved or _UNSOLVED, UNSOLVED),
        queues=_table(routing or {fallback: 1}, queues),
        cases=cases,
        incident_contexts=own + txt.INCIDENT_CONTEXT,
        request_contexts=own + txt.REQUEST_CONTEXT,
    )


def _say(rnd: Callable[[], float], pool: tuple[str, ...], other: tuple[str, ...], said: str) -> str:
    """A template from ``pool`` that differs from the one just used, if there is one."""
    choice = pool[int(rnd() * len(pool))]
    if choice is said:
        choice = other[int(rnd() * len(other))]
        if choice is said:
            choice = pool[(pool.index(choice) + 1) % len(pool)] if choice in pool else choice
    return choice


def _rosters(directory: Directory) -> dict[str, tuple[str, ...]]:
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


class _TicketFactory:
    """Draws one ticket at a time; all look-up tables are built once, here."""

    def __init__(self, rnd: Callable[[], float], directory: Directory) -> None:
        if not directory.agents or not directory.queues:
            raise ValueError("the directory needs at least one agent and one queue")
        self.rnd = rnd
        self.ctx = _Slots(rnd)
        self.contacts = tuple(c.email for c in directory.contacts)
        self.firsts = tuple(c.name.split(" ", 1)[0] for c in directory.contacts)
        names = [q.name for q in directory.queues]
        front = [q.name for q in directory.queues if q.tier == TIERS[0]] or names[:1]
        self.rosters = _rosters(directory)
        self.frontline = tuple(h for name in front for h in self.rosters[name])
        self.sources: dict[str, tuple[str, ...]] = {}
        for q in directory.queues:
            below = [o.name for o in directory.queues if o.escalates_to == q.name]
            if not below and q.tier != TIERS[0]:
                below = [name for name in front if name != q.name]
            self.sources[q.name] = tuple(below)
        handles = [a.handle for a in directory.agents]
        self.leads = tuple(a.handle for a in directory.agents if a.role != ROLES[0]) or tuple(
            handles
        )
        self.first_name = {a.handle: a.name.split(" ", 1)[0] for a in directory.agents}
        self.signatures = {
            a.handle: tuple(
                "\n\n" + sign.format(a.name.split(" ", 1)[0]) for sign in txt.AGENT_SIGN
            )
            for a in directory.agents
        }
        plans = [(_plan(topic, names, front[0]), topic.weight) for topic in txt.TOPICS]
        self.plans = tuple(plan for plan, weight in plans for _ in range(weight))
        self.status_events = {
            (a, b): f"Status changed from {a} to {b}" for a in STATUSES for b in STATUSES
        }
        self.assigned = {h: f"Assigned to {h}" for h in handles}
        self.raised = {
            p: f"Priority changed from {PRIORITIES[i - 1]} to {p}" for i, p in enumerate(PRIORITIES)
        }
        self.moved = {(a, b): f"Queue changed from {a} to {b}" for a in names for b in names}

    def ticket(self, created: datetime, horizon: float) -> SeedTicket:
        """One ticket created at ``created``; ``horizon`` is the number of seconds until now.

        The fate of the ticket is drawn first as three delays (first response, resolution,
        auto-close); whichever of them fall before ``now`` decide the status, and the thread
        is then written to match: description, optional escalation and assignment events,
        the first agent reply, a few middle messages and the closing messages of the status.
        """
        rnd = self.rnd
        Msg = SeedMessage
        td = timedelta
        plans = self.plans
        plan = plans[int(rnd() * len(plans))]
        table = plan.types
        ttype = table[int(rnd() * len(table))]
        table = plan.priorities
        priority = table[int(rnd() * len(table))]
        table = plan.channels
        channel = table[int(rnd() * len(table))]
        table = plan.queues
        queue = table[int(rnd() * len(table))]
        cases = plan.cases
        case = cases[int(rnd() * len(cases))]

        requester: str | None = None
        first = "there"
        contacts = self.contacts
        if channel != "monitoring" and contacts and rnd() >= _ANONYMOUS.get(channel, 0.0):
            i = int(len(contacts) * rnd() ** 1.6)
            requester, first = contacts[i], self.firsts[i]
        logged = requester is None and channel != "monitoring"

        # when the first response, the solution and the auto-close happen (seconds)
        z = _Z
        if logged:
            fr = 0
        else:
            fr = max(60, int(_FIRST_RESPONSE[priority] * math.exp(z[int(rnd() * 2048)])))
        quick = rnd() < plan.quick
        if quick:
            res = 60 + int(rnd() * 1800) if logged else 0
        else:
            spread = math.exp(1.3 * z[int(rnd() * 2048)])
            res = int(_RESOLUTION[ttype] * _SPEED[priority] * spread)
            res = min(_MAX_RESOLUTION, max(600, res))
        t_res = fr + res
        # solved tickets close automatically after 3 to 7 days, a fifth sooner by hand
        close = 259_200 + int(rnd() * 345_600) if rnd() < 0.8 else 3_600 + int(rnd() * 255_600)
        if fr > horizon:
            status = "new"
        elif t_res > horizon:
            table = plan.unsolved
            status = table[int(rnd() * len(table))]
            if status == "pending" and requester is None:
                status = "open"  # nobody to wait for
        elif t_res + close > horizon:
            status = "solved"
        else:
            status = "closed"

        roster = self.rosters[queue]
        assignee: str | None
        if status == "new":
            assignee = roster[int(rnd() * len(roster))] if rnd() < 0.5 else None
        elif status not in ("solved", "closed") and rnd() < 0.03:
            assignee = None
        else:
            assignee = roster[int(rnd() * len(roster))]
        team = self.frontline
        worker = assignee if assignee is not None else team[int(rnd() * len(team))]

        tags = plan.vip_tags if rnd() < 0.02 else plan.tags
        ctx = self.ctx
        ctx.clear()
        ctx["first"] = first
        ctx["agent"] = self.first_name[worker]
        pool = case.subjects
        subject = pool[int(rnd() * len(pool))].format_map(ctx)
        roll = rnd()
        if ttype == "problem":
            subject = "Recurring: " + subject
        elif priority == "urgent" and roll < 0.4:
            subject = "URGENT: " + subject
        elif ttype == "question" and roll < 0.3:
            subject = "Question: " + subject
        elif channel == "email" and roll < 0.05:
            subject = ("RE: " if roll < 0.035 else "FW: ") + subject
        elif roll > 0.85 and channel != "monitoring" and channel != "api":
            pool = txt.SUBJECT_SUFFIX
            subject += pool[int(rnd() * len(pool))]

        # 1. the description
        msgs: list[SeedMessage] = []
        pool = case.descriptions
        core = pool[int(rnd() * len(pool))].format_map(ctx)
        if requester is not None:
            pool = plan.incident_contexts if ttype == "incident" else plan.request_contexts
            body = core + " " + pool[int(rnd() * len(pool))].format_map(ctx)
            roll = rnd()
            for chance, aside in txt.RARE_ASIDES:
                if roll < chance:
                    body += aside
                    break
            if channel != "chat":
                pool = txt.REQ_SIGN
                body += "\n\n" + pool[int(rnd() * len(pool))] + ",\n" + first
                if channel == "email":
                    pool = txt.REQ_GREET
                    body = pool[int(rnd() * len(pool))] + "\n\n" + body
            msgs.append(Msg("reply", None, requester, body, created))
        elif channel == "monitoring":
            pool = case.alerts
            msgs.append(
                Msg("event", None, None, pool[int(rnd() * len(pool))].format_map(ctx), created)
            )
        else:
            pool = txt.LOGGED.get(channel) or txt.LOGGED["walk_in"]
            intro = pool[int(rnd() * len(pool))].format_map(ctx)
            msgs.append(Msg("reply", worker, None, f'{intro} They report: "{core}"', created))

        # 2. routing events, before the first response
        end = int(horizon)
        cap = end if status == "new" else (fr if fr else min(t_res, end))
        t = 0
        sources = self.sources[queue]
        if sources and rnd() < 0.3:
            t = min(60 + int(rnd() * 1200), cap)
            by = team[int(rnd() * len(team))] if rnd() < 0.7 else None
            body = self.moved[sources[int(rnd() * len(sources))], queue]
            msgs.append(Msg("event", by, None, body, created + td(0, t)))
        if assignee is not None and rnd() < 0.45:
            t = max(t, min(t + 30 + int(rnd() * 900), cap))
            roll = rnd()
            leads = self.leads
            by = worker if roll < 0.3 else leads[int(rnd() * len(leads))] if roll < 0.7 else None
            msgs.append(Msg("event", by, None, self.assigned[assignee], created + td(0, t)))
        if status == "new":
            return SeedTicket(
                subject, ttype, status, priority, queue, assignee, requester, channel, tags,
                created, msgs[-1].created_at, None, None, None, tuple(msgs),
            )  # fmt: skip

        # 3. the first response (a walk-in's description already is one)
        if requester is not None:
            pool = txt.AGENT_GREET
            greet = pool[int(rnd() * len(pool))].format_map(ctx) + "\n\n"
        else:
            greet = "Hi all,\n\n" if channel == "monitoring" else ""
        pool = self.signatures[worker]
        sign = pool[int(rnd() * len(pool))]
        asks = case.asks if requester is not None else case.steps  # ask only someone who can answer
        steps = case.steps
        hint = plan.kb_hint if rnd() < 0.3 else ""
        status_events = self.status_events
        current = "new"
        said = noted = ""
        first_at: datetime | None = None
        if logged:
            current, first_at = "open", created
        elif not quick:
            t = max(t, fr)
            first_at = created + td(0, t)
            said = _say(rnd, asks, steps, said) if rnd() < 0.5 else _say(rnd, steps, asks, said)
            body = greet + said.format_map(ctx) + (hint if said in steps else "") + sign
            msgs.append(Msg("reply", worker, None, body, first_at))
            if rnd() < 0.25:
                msgs.append(Msg("event", worker, None, status_events["new", "open"], first_at))
            current = "open"

        # 4. the middle of the thread
        room = _MAX_MESSAGES - len(msgs) - _FINAL[status]
        reopen = status == "open" and room >= 4 and rnd() < 0.07
        thanks = room >= 1 and status in ("solved", "closed") and requester is not None
        thanks = thanks and rnd() < 0.3
        room -= 4 * reopen + thanks
        k = 0 if quick else min(room, _MIDDLE[int(rnd() * len(_MIDDLE))])
        if k > 0:
            stop = t_res if status in ("solved", "closed") else t + int((end - t) * 0.7)
            times = sorted([t + int(rnd() * (stop - t)) for _ in range(k)])
            state = "agent"
            for i, at in enumerate(times):
                stamp = created + td(0, at)
                roll = rnd()
                if i == 0 and roll < 0.12 and priority in ("high", "urgent"):
                    msgs.append(Msg("event", worker, None, self.raised[priority], stamp))
                elif state == "agent" and requester is not None and roll < 0.7:
                    pool = case.follow_ups
                    body = pool[int(rnd() * len(pool))].format_map(ctx)
                    msgs.append(Msg("reply", None, requester, body, stamp))
                    state = "requester"
                elif requester is not None and (
                    state == "note" or (state == "requester" and roll < 0.75)
                ):
                    if rnd() < 0.4:
                        said = _say(rnd, asks, steps, said)
                    else:
                        said = _say(rnd, steps, asks, said)
                    body = greet + said.format_map(ctx) + sign
                    msgs.append(Msg("reply", worker, None, body, stamp))
                    state = "agent"
                else:
                    by = worker if rnd() < 0.8 else roster[int(rnd() * len(roster))]
                    noted = _say(rnd, case.notes, case.notes, noted)
                    body = noted.format_map(ctx)
                    msgs.append(Msg("note", by, None, body, stamp))
                    state = "note"
            t = times[-1]

        # 5. the end that matches the status
        solved_at: datetime | None = None
        closed_at: datetime | None = None
        if status in ("solved", "closed"):
            t = max(t, t_res)
            solved_at = created + td(0, t)
            pool = case.fixes
            body = greet + pool[int(rnd() * len(pool))].format_map(ctx) + sign
            msgs.append(Msg("reply", worker, None, body, solved_at))
            if first_at is None:
                first_at = solved_at
            msgs.append(Msg("event", worker, None, status_events[current, "solved"], solved_at))
            if thanks:
                after = t + 60 + int(rnd() * min(close // 2, 86_400))
                if after <= horizon:
                    pool = txt.THANKS
                    body = pool[int(rnd() * len(pool))].format_map(ctx)
                    msgs.append(Msg("reply", None, requester, body, created + td(0, after)))
            if status == "closed":
                closed_at = created + td(0, t_res + close)
                by = None if rnd() < 0.85 else worker
                msgs.append(Msg("event", by, None, status_events["solved", "closed"], closed_at))
        elif status in ("pending", "on_hold"):
            stamp = created + td(0, t + int(rnd() * (end - t)))
            if status == "pending":
                pool = txt.PENDING_ASK
                said = _say(rnd, asks, pool, said) if rnd() < 0.5 else _say(rnd, pool, asks, said)
                msgs.append(Msg("reply", worker, None, greet + said.format_map(ctx) + sign, stamp))
            else:
                pool = case.holds
                body = pool[int(rnd() * len(pool))].format_map(ctx)
                msgs.append(Msg("note", worker, None, body, stamp))
            msgs.append(Msg("event", worker, None, status_events[current, status], stamp))
        elif reopen:
            t += int(rnd() * (end - t) * 0.5)
            stamp = created + td(0, t)
            pool = case.fixes
            body = greet + pool[int(rnd() * len(pool))].format_map(ctx) + sign
            msgs.append(Msg("reply", worker, None, body, stamp))
            msgs.append(Msg("event", worker, None, status_events[current, "solved"], stamp))
            stamp = created + td(0, t + int(rnd() * (end - t)))
            if requester is None:
                pool = txt.REOPEN_NOTE
                msgs.append(Msg("note", worker, None, pool[int(rnd() * len(pool))], stamp))
            else:
                pool = txt.REOPEN
                msgs.append(Msg("reply", None, requester, pool[int(rnd() * len(pool))], stamp))
            msgs.append(Msg("event", None, None, status_events["solved", "open"], stamp))
        return SeedTicket(
            subject, ttype, status, priority, queue, assignee, requester, channel, tags,
            created, msgs[-1].created_at, first_at, solved_at, closed_at, tuple(msgs),
        )  # fmt: skip


def generate_tickets(
    seed: int, count: int, *, now: datetime, directory: Directory, days: int = 365
) -> Iterator[SeedTicket]:
    """Yield ``count`` tickets created over the ``days`` days before ``now``, oldest first.

    Ticket ``created_at`` values never decrease (ties are possible), messages are in time
    order and every time is at most ``now``. Insert in the order yielded, messages in tuple order.
    """
    if count <= 0:
        return
    rnd = random.Random(derive_seed(seed, "tickets")).random
    factory = _TicketFactory(rnd, directory)
    hours = _HOUR_TABLE
    for day, n, limit in _day_counts(rnd, count, now, days):
        offsets = []
        for _ in range(n):
            offset = hours[int(rnd() * len(hours))] * 3600 + int(rnd() * 3600)
            tries = 0
            while offset >= limit and tries < 20:
                offset = hours[int(rnd() * len(hours))] * 3600 + int(rnd() * 3600)
                tries += 1
            if offset >= limit:
                offset = int(rnd() * limit)
            offsets.append(offset)
        offsets.sort()
        for offset in offsets:
            created = day + timedelta(0, offset)
            yield factory.ticket(created, (now - created).total_seconds())


# --- knowledge base ---------------------------------------------------------------------------


def generate_articles(seed: int, count: int, *, now: datetime) -> list[SeedArticle]:
    """``count`` Markdown articles: the hand-written set first, then per-OS and per-office
    variants (in a seed-dependent order), then numbered revisions. Slugs are unique."""
    rnd = random.Random(derive_seed(seed, "articles")).random
    items = [(a.slug, a.title, a.body, a.category, a.tags) for a in seed_kb.ARTICLES]
    extra = seed_kb.variants()
    for base, suffix, title, body, tags in _sample(rnd, extra, len(extra)):
        items.append((f"{base.slug}-{suffix}", title, body, base.category, base.tags + tags))
    out: list[SeedArticle] = []
    for i in range(max(count, 0)):
        slug, title, body, category, tags = items[i % len(items)]
        revision = i // len(items) + 1
        if revision > 1:
            slug, title = f"{slug}-rev-{revision}", f"{title} (revision {revision})"
            head, _, rest = body.partition("\n")
            body = f"{head}\n\n> Revision {revision}: reviewed and updated.\n{rest}"
        age = int((14 + rnd() * 900) * 86_400)
        created = now - timedelta(seconds=age)
        updated = created if rnd() < 0.35 else created + timedelta(seconds=int(rnd() * age))
        out.append(SeedArticle(slug, title, body, category, tags, created, updated))
    return out
