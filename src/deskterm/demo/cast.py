"""Who acts in the demo desk's threads, and the fixed lines their events leave; built once per
directory, so writing a ticket only looks things up."""

from __future__ import annotations

from dataclasses import dataclass

from deskterm.demo.directory import front_line, rosters
from deskterm.demo.records import Directory
from deskterm.demo.words import Words
from deskterm.domain.vocab import PRIORITIES, ROLES, STATUSES, TIERS


@dataclass(frozen=True, slots=True)
class Cast:
    """The agents who act in threads and the fixed lines their events leave, built once."""

    #: Queue -> handles of the agents who work it.
    rosters: dict[str, tuple[str, ...]]
    #: Agents of the front-line queues, who move and pick up tickets.
    frontline: tuple[str, ...]
    #: Leads and admins, who assign tickets.
    leads: tuple[str, ...]
    #: Queue -> the queues a ticket may have been moved from (the tier below).
    sources: dict[str, tuple[str, ...]]
    #: Handle -> the sign-offs of that agent's replies.
    signatures: dict[str, tuple[str, ...]]
    assigned: dict[str, str]
    moved: dict[tuple[str, str], str]
    raised: dict[str, str]
    status_events: dict[tuple[str, str], str]


def make_cast(directory: Directory, words: Words) -> Cast:
    """The cast of ``directory`` (which has at least one agent and one queue)."""
    names = [q.name for q in directory.queues]
    front = front_line(directory)
    members = rosters(directory)
    sources: dict[str, tuple[str, ...]] = {}
    for q in directory.queues:
        below = [o.name for o in directory.queues if o.escalates_to == q.name]
        if not below and q.tier != TIERS[0]:
            below = [name for name in front if name != q.name]
        sources[q.name] = tuple(below)
    handles = [a.handle for a in directory.agents]
    leads = tuple(a.handle for a in directory.agents if a.role != ROLES[0]) or tuple(handles)
    return Cast(
        rosters=members,
        frontline=tuple(h for name in front for h in members[name]),
        leads=leads,
        sources=sources,
        signatures={
            a.handle: tuple(
                "\n\n" + sign.format(a.name.split(" ", 1)[0]) for sign in words.agent_sign_off
            )
            for a in directory.agents
        },
        assigned={h: f"Assigned to {h}" for h in handles},
        moved={(a, b): f"Queue changed from {a} to {b}" for a in names for b in names},
        raised={
            p: f"Priority changed from {PRIORITIES[i - 1]} to {p}" for i, p in enumerate(PRIORITIES)
        },
        status_events={
            (a, b): f"Status changed from {a} to {b}" for a in STATUSES for b in STATUSES
        },
    )
