"""Tickets of the demo desk: when they arrive, what happens to each, and its thread.

Everything is drawn from the seed's ``"tickets"`` stream (see :mod:`deskterm.demo.draw`), so
the same seed, ``now`` and arguments give the same tickets on every run and machine. Times
keep the ``tzinfo`` of ``now`` (aware in, aware out) and are whole seconds except ``now``
itself. Business hours and weekdays are those of ``now``'s clock.

A ticket is made in two steps: its :class:`~deskterm.demo.thread.Fate` is drawn first (topic,
type, priority, channel, queue, people, and three delays: first response, resolution,
auto-close; whichever fall before ``now`` decide the status), then its thread is written to
match (:mod:`deskterm.demo.thread`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from statistics import NormalDist
from typing import Final

from deskterm.demo.cast import make_cast
from deskterm.demo.directory import front_line
from deskterm.demo.draw import derive_seed
from deskterm.demo.plans import make_plans
from deskterm.demo.records import Directory, SeedTicket
from deskterm.demo.thread import Fate, Thread
from deskterm.demo.words import Slots, words

#: Words that occur rarely in descriptions: in about 1 of 500 and 1 of 5,000 tickets.
RARE_WORDS: Final = ("zanzibar", "quokka")


def generate_tickets(
    seed: int, count: int, *, now: datetime, directory: Directory, days: int = 365
) -> Iterator[SeedTicket]:
    """Yield ``count`` tickets created over the ``days`` days before ``now``, oldest first.

    Ticket ``created_at`` values never decrease (ties are possible), messages are in time
    order and every time is at most ``now``. Insert in the order yielded, messages in tuple order.
    ValueError when ``directory`` has no agent or no queue.
    """
    if count <= 0:
        return
    rnd = random.Random(derive_seed(seed, "tickets")).random
    factory = _TicketFactory(rnd, directory)
    for day, n, limit in _day_counts(rnd, count, now, days):
        for offset in _arrivals(rnd, n, limit):
            created = day + timedelta(0, offset)
            yield factory.ticket(created, (now - created).total_seconds())


# --- when tickets arrive ----------------------------------------------------------------------

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


def _arrivals(rnd: Callable[[], float], n: int, limit: float) -> list[int]:
    """Seconds into the day of ``n`` tickets, in order, mostly in business hours and all
    before ``limit`` (now, on the last day)."""
    hours = _HOUR_TABLE
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
    return offsets


# --- what happens to a ticket -----------------------------------------------------------------

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
#: Chance that a ticket on this channel has no contact (logged by an agent for a visitor).
_ANONYMOUS: Final = {"walk_in": 0.5, "phone": 0.25}


class _TicketFactory:
    """Draws one ticket at a time; all look-up tables are built once, here."""

    def __init__(self, rnd: Callable[[], float], directory: Directory) -> None:
        if not directory.agents or not directory.queues:
            raise ValueError("the directory needs at least one agent and one queue")
        self.rnd = rnd
        self.words = words()
        self.ctx = Slots(rnd, self.words)
        self.contacts = tuple(c.email for c in directory.contacts)
        self.firsts = tuple(c.name.split(" ", 1)[0] for c in directory.contacts)
        self.first_name = {a.handle: a.name.split(" ", 1)[0] for a in directory.agents}
        self.cast = make_cast(directory, self.words)
        names = [q.name for q in directory.queues]
        self.plans = make_plans(names, front_line(directory)[0], self.words)

    def ticket(self, created: datetime, horizon: float) -> SeedTicket:
        """One ticket created at ``created``; ``horizon`` is the number of seconds until now."""
        fate = self._fate(horizon)
        self._start_slots(fate)
        subject = self._subject(fate)
        thread = Thread(self.cast, self.words, self.rnd, self.ctx, fate, created, horizon)
        thread.describe()
        thread.route()
        if fate.status != "new":
            thread.answer()
            thread.converse()
            thread.finish()
        messages = thread.messages
        return SeedTicket(
            subject, fate.type, fate.status, fate.priority, fate.queue, fate.assignee,
            fate.requester, fate.channel, fate.tags, created, messages[-1].created_at,
            thread.first_at, thread.solved_at, thread.closed_at, tuple(messages),
        )  # fmt: skip

    def _fate(self, horizon: float) -> Fate:
        """Topic, kind and people of a ticket, when it will be answered, solved and closed,
        and so (by ``horizon``) its status."""
        rnd = self.rnd
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
        case = plan.cases[int(rnd() * len(plan.cases))]
        requester, first = self._requester(channel)
        logged = requester is None and channel != "monitoring"
        respond, quick, resolve, close = self._delays(plan.quick, ttype, priority, logged)
        status = self._status(plan.unsolved, requester, horizon, respond, resolve, close)
        assignee, worker = self._assignee(queue, status)
        tags = plan.vip_tags if rnd() < 0.02 else plan.tags
        return Fate(
            plan, case, ttype, priority, channel, queue, requester, first, logged,
            respond, quick, resolve, close, status, assignee, worker, tags,
        )  # fmt: skip

    def _requester(self, channel: str) -> tuple[str | None, str]:
        """The requester's address and first name; frequent requesters are a few.

        Monitoring alerts have none, nor do some calls and walk-ins (``_ANONYMOUS``)."""
        rnd, contacts = self.rnd, self.contacts
        if channel != "monitoring" and contacts and rnd() >= _ANONYMOUS.get(channel, 0.0):
            i = int(len(contacts) * rnd() ** 1.6)
            return contacts[i], self.firsts[i]
        return None, "there"

    def _delays(
        self, quick_share: float, ttype: str, priority: str, logged: bool
    ) -> tuple[int, bool, int, int]:
        """(first response, solved in one reply?, resolution, auto-close) in seconds: the first
        two after creation, the last after the solution. Log-normal around per-priority and
        per-type medians."""
        rnd, z = self.rnd, _Z
        if logged:
            respond = 0
        else:
            respond = max(60, int(_FIRST_RESPONSE[priority] * math.exp(z[int(rnd() * 2048)])))
        quick = rnd() < quick_share
        if quick:
            work = 60 + int(rnd() * 1800) if logged else 0
        else:
            spread = math.exp(1.3 * z[int(rnd() * 2048)])
            work = int(_RESOLUTION[ttype] * _SPEED[priority] * spread)
            work = min(_MAX_RESOLUTION, max(600, work))
        # solved tickets close automatically after 3 to 7 days, a fifth sooner by hand
        close = 259_200 + int(rnd() * 345_600) if rnd() < 0.8 else 3_600 + int(rnd() * 255_600)
        return respond, quick, respond + work, close

    def _status(
        self,
        unsolved: tuple[str, ...],
        requester: str | None,
        horizon: float,
        respond: int,
        resolve: int,
        close: int,
    ) -> str:
        """The status now: the last of the three delays that has passed (an unsolved ticket
        in a status drawn from ``unsolved``)."""
        if respond > horizon:
            return "new"
        if resolve > horizon:
            status = unsolved[int(self.rnd() * len(unsolved))]
            return (
                "open" if status == "pending" and requester is None else status
            )  # nobody to wait for
        if resolve + close > horizon:
            return "solved"
        return "closed"

    def _assignee(self, queue: str, status: str) -> tuple[str | None, str]:
        """(assignee, worker): half of new tickets and a few in work are unassigned; the
        worker writes the agent's side of the thread."""
        rnd = self.rnd
        roster = self.cast.rosters[queue]
        assignee: str | None
        if status == "new":
            assignee = roster[int(rnd() * len(roster))] if rnd() < 0.5 else None
        elif status not in ("solved", "closed") and rnd() < 0.03:
            assignee = None
        else:
            assignee = roster[int(rnd() * len(roster))]
        team = self.cast.frontline
        worker = assignee if assignee is not None else team[int(rnd() * len(team))]
        return assignee, worker

    def _start_slots(self, fate: Fate) -> None:
        """A fresh set of slot values; {first} and {agent} are the people of this ticket."""
        ctx = self.ctx
        ctx.clear()
        ctx["first"] = fate.first
        ctx["agent"] = self.first_name[fate.worker]

    def _subject(self, fate: Fate) -> str:
        """A subject of the case, sometimes marked the way people mark them."""
        rnd = self.rnd
        pool = fate.case.subjects
        subject = pool[int(rnd() * len(pool))].format_map(self.ctx)
        roll = rnd()
        if fate.type == "problem":
            return "Recurring: " + subject
        if fate.priority == "urgent" and roll < 0.4:
            return "URGENT: " + subject
        if fate.type == "question" and roll < 0.3:
            return "Question: " + subject
        if fate.channel == "email" and roll < 0.05:
            return ("RE: " if roll < 0.035 else "FW: ") + subject
        if roll > 0.85 and fate.channel != "monitoring" and fate.channel != "api":
            pool = self.words.subject_suffix
            return subject + pool[int(rnd() * len(pool))]
        return subject
