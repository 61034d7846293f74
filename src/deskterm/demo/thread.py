"""A ticket's thread, written to match what was drawn for it (:class:`Fate`).

In time order: the description, optional queue-move and assignment events, the first agent
reply, a few middle messages, and the closing messages of the status. Times are whole seconds
after the ticket's creation, and every one is at most ``now``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from deskterm.demo.cast import Cast
from deskterm.demo.plans import CaseTexts, Plan
from deskterm.demo.records import SeedMessage
from deskterm.demo.words import Slots, Words

#: Messages the end of a thread needs, per final status (see :meth:`Thread.finish`).
_FINAL: Final = {"new": 0, "open": 0, "pending": 2, "on_hold": 2, "solved": 2, "closed": 3}
#: How many middle messages a thread has, drawn from this table.
_MIDDLE: Final = (0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 4)
_MAX_MESSAGES: Final = 8


@dataclass(slots=True)
class Fate:
    """What happens to one ticket, drawn before a word of it is written.

    Delays are seconds: ``respond`` after creation (0 when an agent logged the ticket),
    ``resolve`` after creation, ``close`` after the solution.
    """

    plan: Plan
    case: CaseTexts
    type: str
    priority: str
    channel: str
    queue: str
    requester: str | None
    #: The requester's first name ("there" without a requester).
    first: str
    #: Logged by an agent for someone without a contact record.
    logged: bool
    respond: int
    #: Solved with the first reply.
    quick: bool
    resolve: int
    close: int
    status: str
    assignee: str | None
    #: Who writes the agent's side: the assignee, else someone from the front line.
    worker: str
    tags: tuple[str, ...]


def _say(rnd: Callable[[], float], pool: tuple[str, ...], other: tuple[str, ...], said: str) -> str:
    """A template from ``pool`` that differs from the one just used, if there is one."""
    choice = pool[int(rnd() * len(pool))]
    if choice is said:
        choice = other[int(rnd() * len(other))]
        if choice is said:
            choice = pool[(pool.index(choice) + 1) % len(pool)] if choice in pool else choice
    return choice


class Thread:
    """The messages of one ticket, written step by step in time order.

    Call :meth:`describe` and :meth:`route`, then (unless the ticket is new) :meth:`answer`,
    :meth:`converse` and :meth:`finish`. Every step draws from the ticket stream, so this
    order, and the order of the draws inside each step, are part of what a seed means:
    change them and the same seed makes other tickets.

    ``t`` is the time of the latest message so far (seconds after creation) and ``current``
    the status the thread has reached; ``first_at``, ``solved_at`` and ``closed_at`` are set as
    the thread gets there.
    """

    __slots__ = (
        "asks",
        "cast",
        "closed_at",
        "created",
        "ctx",
        "current",
        "end",
        "fate",
        "first_at",
        "greet",
        "horizon",
        "messages",
        "reopen",
        "rnd",
        "said",
        "sign",
        "solved_at",
        "steps",
        "t",
        "thanks",
        "words",
    )

    def __init__(
        self,
        cast: Cast,
        words: Words,
        rnd: Callable[[], float],
        ctx: Slots,
        fate: Fate,
        created: datetime,
        horizon: float,
    ) -> None:
        self.cast, self.words, self.rnd, self.ctx, self.fate = cast, words, rnd, ctx, fate
        self.created = created
        #: Seconds from creation to now.
        self.horizon = horizon
        self.end = int(horizon)
        self.messages: list[SeedMessage] = []
        self.t = 0
        self.current = "new"
        self.said = ""
        self.first_at: datetime | None = None
        self.solved_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.greet = self.sign = ""
        self.asks: tuple[str, ...] = ()
        self.steps: tuple[str, ...] = ()
        self.reopen = self.thanks = False

    def _add(
        self, kind: str, agent: str | None, contact: str | None, body: str, at: datetime
    ) -> None:
        self.messages.append(SeedMessage(kind, agent, contact, body, at))

    def _reply(self, template: str) -> str:
        """An agent's reply: greeting, the filled template, sign-off."""
        return self.greet + template.format_map(self.ctx) + self.sign

    def _say_either(self, first: tuple[str, ...], second: tuple[str, ...], chance: float) -> str:
        """Something new from ``first`` (with ``chance``) or else from ``second``."""
        rnd = self.rnd
        if rnd() < chance:
            self.said = _say(rnd, first, second, self.said)
        else:
            self.said = _say(rnd, second, first, self.said)
        return self.said

    # --- 1. the description ---------------------------------------------------------------

    def describe(self) -> None:
        """The first message: the requester's description, a monitoring alert, or an agent's
        note of what a caller or visitor reported."""
        fate, rnd = self.fate, self.rnd
        pool = fate.case.descriptions
        core = pool[int(rnd() * len(pool))].format_map(self.ctx)
        if fate.requester is not None:
            self._requester_describes(core)
        elif fate.channel == "monitoring":
            pool = fate.case.alerts
            alert = pool[int(rnd() * len(pool))].format_map(self.ctx)
            self._add("event", None, None, alert, self.created)
        else:
            logged = self.words.logged
            pool = logged.get(fate.channel) or logged["walk_in"]
            intro = pool[int(rnd() * len(pool))].format_map(self.ctx)
            self._add("reply", fate.worker, None, f'{intro} They report: "{core}"', self.created)

    def _requester_describes(self, core: str) -> None:
        """The description with a sentence of context, a rare aside now and then, and the
        greeting and sign-off of the channel (none in a chat, a greeting only by e-mail)."""
        fate, rnd, words = self.fate, self.rnd, self.words
        pool = (
            fate.plan.incident_contexts if fate.type == "incident" else fate.plan.request_contexts
        )
        body = core + " " + pool[int(rnd() * len(pool))].format_map(self.ctx)
        roll = rnd()
        for chance, aside in words.rare_asides:
            if roll < chance:
                body += aside
                break
        if fate.channel != "chat":
            pool = words.requester_sign_off
            body += "\n\n" + pool[int(rnd() * len(pool))] + ",\n" + fate.first
            if fate.channel == "email":
                pool = words.requester_greeting
                body = pool[int(rnd() * len(pool))] + "\n\n" + body
        self._add("reply", None, fate.requester, body, self.created)

    # --- 2. routing, before the first response --------------------------------------------

    def route(self) -> None:
        """Maybe a move from the tier below, then maybe the assignment, both before the first
        response (or before now, for a new ticket)."""
        fate = self.fate
        if fate.status == "new":
            cap = self.end
        else:
            cap = fate.respond if fate.respond else min(fate.resolve, self.end)
        sources = self.cast.sources[fate.queue]
        rnd = self.rnd
        if sources and rnd() < 0.3:
            self._moved_here(sources, cap)
        if fate.assignee is not None and rnd() < 0.45:
            self._assigned(fate.assignee, cap)

    def _moved_here(self, sources: tuple[str, ...], cap: int) -> None:
        rnd, team = self.rnd, self.cast.frontline
        self.t = min(60 + int(rnd() * 1200), cap)
        by = team[int(rnd() * len(team))] if rnd() < 0.7 else None
        body = self.cast.moved[sources[int(rnd() * len(sources))], self.fate.queue]
        self._add("event", by, None, body, self.created + timedelta(0, self.t))

    def _assigned(self, assignee: str, cap: int) -> None:
        rnd, leads, t = self.rnd, self.cast.leads, self.t
        self.t = max(t, min(t + 30 + int(rnd() * 900), cap))
        roll = rnd()  # the worker took it, a lead assigned it, or a rule did
        by: str | None = None
        if roll < 0.3:
            by = self.fate.worker
        elif roll < 0.7:
            by = leads[int(rnd() * len(leads))]
        self._add(
            "event", by, None, self.cast.assigned[assignee], self.created + timedelta(0, self.t)
        )

    # --- 3. the first response --------------------------------------------------------------

    def answer(self) -> None:
        """The worker's voice for the thread, then the first response: a question or steps,
        at the drawn time. A ticket an agent logged is open from the start (its description
        is the response); one solved with its first reply gets that reply at the end."""
        fate, rnd = self.fate, self.rnd
        self._choose_voice()
        hint = fate.plan.kb_hint if rnd() < 0.3 else ""
        if fate.logged:
            self.current, self.first_at = "open", self.created
        elif not fate.quick:
            self.t = max(self.t, fate.respond)
            said = self._say_either(self.asks, self.steps, 0.5)
            hint = hint if said in self.steps else ""
            body = self.greet + said.format_map(self.ctx) + hint + self.sign
            self.first_at = stamp = self.created + timedelta(0, self.t)
            self._add("reply", fate.worker, None, body, stamp)
            if rnd() < 0.25:
                event = self.cast.status_events["new", "open"]
                self._add("event", fate.worker, None, event, stamp)
            self.current = "open"

    def _choose_voice(self) -> None:
        """Greeting, sign-off, and what the worker may ask: only someone who can answer is
        asked questions; a ticket without a requester gets steps."""
        fate, rnd = self.fate, self.rnd
        if fate.requester is not None:
            pool = self.words.agent_greeting
            self.greet = pool[int(rnd() * len(pool))].format_map(self.ctx) + "\n\n"
        else:
            self.greet = "Hi all,\n\n" if fate.channel == "monitoring" else ""
        pool = self.cast.signatures[fate.worker]
        self.sign = pool[int(rnd() * len(pool))]
        self.steps = fate.case.steps
        self.asks = fate.case.asks if fate.requester is not None else self.steps

    # --- 4. the middle of the thread --------------------------------------------------------

    def converse(self) -> None:
        """Room is kept for the end the status needs (and for a reopen or a thank-you, when
        drawn); up to four middle messages go between the first response and the end."""
        fate, rnd = self.fate, self.rnd
        status = fate.status
        room = _MAX_MESSAGES - len(self.messages) - _FINAL[status]
        self.reopen = status == "open" and room >= 4 and rnd() < 0.07
        thanks = room >= 1 and status in ("solved", "closed") and fate.requester is not None
        self.thanks = thanks and rnd() < 0.3
        room -= 4 * self.reopen + self.thanks
        k = 0 if fate.quick else min(room, _MIDDLE[int(rnd() * len(_MIDDLE))])
        if k > 0:
            t = self.t
            stop = fate.resolve if status in ("solved", "closed") else t + int((self.end - t) * 0.7)
            self._exchange(sorted([t + int(rnd() * (stop - t)) for _ in range(k)]))

    def _exchange(self, times: list[int]) -> None:
        """Messages at ``times``: a requester answers an agent, an agent answers a requester
        or follows a note up, anything else is an internal note (and maybe, first, a raised
        priority)."""
        fate, rnd = self.fate, self.rnd
        requester = fate.requester
        state = "agent"
        noted = ""
        for i, at in enumerate(times):
            stamp = self.created + timedelta(0, at)
            roll = rnd()
            if i == 0 and roll < 0.12 and fate.priority in ("high", "urgent"):
                self._add("event", fate.worker, None, self.cast.raised[fate.priority], stamp)
            elif state == "agent" and requester is not None and roll < 0.7:
                pool = fate.case.follow_ups
                body = pool[int(rnd() * len(pool))].format_map(self.ctx)
                self._add("reply", None, requester, body, stamp)
                state = "requester"
            elif requester is not None and (
                state == "note" or (state == "requester" and roll < 0.75)
            ):
                said = self._say_either(self.asks, self.steps, 0.4)
                self._add("reply", fate.worker, None, self._reply(said), stamp)
                state = "agent"
            else:
                noted = self._note(noted, stamp)
                state = "note"
        self.t = times[-1]

    def _note(self, noted: str, at: datetime) -> str:
        """An internal note other than the last one, mostly by the worker; returns it."""
        fate, rnd = self.fate, self.rnd
        roster = self.cast.rosters[fate.queue]
        by = fate.worker if rnd() < 0.8 else roster[int(rnd() * len(roster))]
        noted = _say(rnd, fate.case.notes, fate.case.notes, noted)
        self._add("note", by, None, noted.format_map(self.ctx), at)
        return noted

    # --- 5. the end that matches the status -------------------------------------------------

    def finish(self) -> None:
        """The messages that bring the thread to its status; an open ticket may have been
        solved and reopened."""
        status = self.fate.status
        if status in ("solved", "closed"):
            self._solve()
        elif status in ("pending", "on_hold"):
            self._wait()
        elif self.reopen:
            self._solve_then_reopen()

    def _solve(self) -> None:
        """The fix and the status change at the drawn time, maybe the requester's thanks,
        and the closing (mostly automatic) of a closed ticket."""
        fate, rnd = self.fate, self.rnd
        self.t = t = max(self.t, fate.resolve)
        pool = fate.case.fixes
        self.solved_at = stamp = self.created + timedelta(0, t)
        self._add("reply", fate.worker, None, self._reply(pool[int(rnd() * len(pool))]), stamp)
        if self.first_at is None:
            self.first_at = stamp
        event = self.cast.status_events[self.current, "solved"]
        self._add("event", fate.worker, None, event, stamp)
        if self.thanks:
            after = t + 60 + int(rnd() * min(fate.close // 2, 86_400))
            if after <= self.horizon:
                pool = self.words.thanks
                body = pool[int(rnd() * len(pool))].format_map(self.ctx)
                self._add("reply", None, fate.requester, body, self.created + timedelta(0, after))
        if fate.status == "closed":
            self.closed_at = stamp = self.created + timedelta(0, fate.resolve + fate.close)
            by = None if rnd() < 0.85 else fate.worker
            self._add("event", by, None, self.cast.status_events["solved", "closed"], stamp)

    def _wait(self) -> None:
        """Pending: the worker asks the requester something. On hold: a note says why."""
        fate, rnd, t = self.fate, self.rnd, self.t
        at = self.created + timedelta(0, t + int(rnd() * (self.end - t)))
        if fate.status == "pending":
            said = self._say_either(self.asks, self.words.pending_ask, 0.5)
            self._add("reply", fate.worker, None, self._reply(said), at)
        else:
            pool = fate.case.holds
            body = pool[int(rnd() * len(pool))].format_map(self.ctx)
            self._add("note", fate.worker, None, body, at)
        self._add(
            "event", fate.worker, None, self.cast.status_events[self.current, fate.status], at
        )

    def _solve_then_reopen(self) -> None:
        """A fix that did not hold: solved, then reopened by the requester (or by the worker,
        when there is no requester)."""
        fate, rnd, end = self.fate, self.rnd, self.end
        self.t = t = self.t + int(rnd() * (end - self.t) * 0.5)
        pool = fate.case.fixes
        stamp = self.created + timedelta(0, t)
        self._add("reply", fate.worker, None, self._reply(pool[int(rnd() * len(pool))]), stamp)
        event = self.cast.status_events[self.current, "solved"]
        self._add("event", fate.worker, None, event, stamp)
        at = self.created + timedelta(0, t + int(rnd() * (end - t)))
        if fate.requester is None:
            pool = self.words.reopen_note
            self._add("note", fate.worker, None, pool[int(rnd() * len(pool))], at)
        else:
            pool = self.words.reopen
            self._add("reply", None, fate.requester, pool[int(rnd() * len(pool))], at)
        self._add("event", None, None, self.cast.status_events["solved", "open"], at)
