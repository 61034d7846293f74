"""Topics made ready for drawing: flat weight tables, and text pools with generic fall-backs.

A topic of ``data/topics.txt`` gives weights ("q=Service Desk:4,Network L2:6"); a plan holds
them as flat tuples (each name repeated by its weight), so the generator draws any of them
with one ``rnd()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from deskterm.demo.corpus import Case, Topic, topics
from deskterm.demo.draw import weighted
from deskterm.demo.words import Words
from deskterm.domain.vocab import CHANNELS, PRIORITIES, TYPES, UNSOLVED

#: The proportions of a topic that gives none of its own.
_PRIORITIES: Final = {"low": 15, "normal": 62, "high": 20, "urgent": 3}
_CHANNELS: Final = {"email": 40, "web": 28, "phone": 12, "chat": 12, "walk_in": 6, "api": 2}
_UNSOLVED: Final = {"open": 5, "pending": 4, "on_hold": 1}


@dataclass(slots=True)
class CaseTexts:
    """The templates one case of a topic draws from: its own, else its topic's, with the
    generic notes, follow-ups and hold reasons of ``words.toml`` mixed in."""

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
class Plan:
    """A topic ready for drawing."""

    tags: tuple[str, ...]
    vip_tags: tuple[str, ...]
    kb_hint: str
    quick: float
    types: tuple[str, ...]
    priorities: tuple[str, ...]
    channels: tuple[str, ...]
    unsolved: tuple[str, ...]
    queues: tuple[str, ...]
    cases: tuple[CaseTexts, ...]
    incident_contexts: tuple[str, ...]
    request_contexts: tuple[str, ...]


def make_plans(queues: Sequence[str], fallback: str, words: Words) -> tuple[Plan, ...]:
    """Every topic's plan, repeated by the topic's weight (so one draw picks a topic).

    A topic routed only to queues the desk does not have goes to ``fallback``. ValueError for
    a topic whose texts or weights do not fit (a case without asks, steps or fixes; a type,
    priority, channel or status that deskterm does not know).
    """
    plans = [(_plan(topic, queues, fallback, words), topic.weight) for topic in topics()]
    return tuple(plan for plan, weight in plans for _ in range(weight))


def _case(topic: Topic, case: Case, words: Words) -> CaseTexts:
    def own(code: str) -> tuple[str, ...]:
        return case.texts.get(code) or topic.texts.get(code, ())

    if not (own("A") and own("T") and own("F")):
        raise ValueError(f"topic {topic.key}: a case lacks asks, steps or fixes")
    return CaseTexts(
        subjects=case.subjects,
        descriptions=case.descriptions,
        asks=own("A"),
        steps=own("T"),
        fixes=own("F"),
        notes=own("N") * 2 + words.notes,
        follow_ups=own("R") * 2 + words.follow_up,
        holds=own("H") or words.hold,
        alerts=own("M"),
    )


def _plan(topic: Topic, queues: Sequence[str], fallback: str, words: Words) -> Plan:
    routing = {name: weight for name, weight in topic.queues.items() if name in queues}
    channels = weighted({**_CHANNELS, **(topic.channels or {})}, CHANNELS)
    cases = tuple(_case(topic, case, words) for case in topic.cases)
    if "monitoring" in channels and not all(case.alerts for case in cases):
        raise ValueError(f"topic {topic.key} has monitoring tickets but a case has no alert")
    own = topic.texts.get("C", ()) * 2
    return Plan(
        tags=topic.tags,
        vip_tags=(*topic.tags, "vip"),
        kb_hint=f'\n\nStep-by-step guide: KB article "{topic.kb}".' if topic.kb else "",
        quick=topic.quick,
        types=weighted(topic.types, TYPES),
        priorities=weighted(topic.priorities or _PRIORITIES, PRIORITIES),
        channels=channels,
        unsolved=weighted(topic.unsolved or _UNSOLVED, UNSOLVED),
        queues=weighted(routing or {fallback: 1}, queues),
        cases=cases,
        incident_contexts=own + words.incident_context,
        request_contexts=own + words.request_context,
    )
