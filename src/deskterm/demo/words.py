"""The word lists and stock phrases of the demo desk, and the values of its ``{slot}``
placeholders.

The plain lists live in ``data/words.toml``; the values made by a rule (host names, server
names, printer labels, IP addresses, case numbers, the shares and groups of each department)
are made here. :func:`words` reads them on first use and keeps them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from deskterm.demo import resources

#: Rows of slots drawn together: (slot names, rows of values in that order).
SlotGroup = tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]


@dataclass(frozen=True, slots=True)
class Words:
    """Everything of ``data/words.toml``, as tuples (see that file for what each one is)."""

    agent_names: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    subject_suffix: tuple[str, ...]
    requester_greeting: tuple[str, ...]
    requester_sign_off: tuple[str, ...]
    agent_greeting: tuple[str, ...]
    agent_sign_off: tuple[str, ...]
    incident_context: tuple[str, ...]
    request_context: tuple[str, ...]
    follow_up: tuple[str, ...]
    thanks: tuple[str, ...]
    reopen: tuple[str, ...]
    reopen_note: tuple[str, ...]
    notes: tuple[str, ...]
    hold: tuple[str, ...]
    pending_ask: tuple[str, ...]
    #: (cumulative chance, text), rarest first.
    rare_asides: tuple[tuple[float, str], ...]
    #: Channel -> how an agent starts a ticket logged for someone without a contact record.
    logged: dict[str, tuple[str, ...]]
    #: Slot -> its values, the listed ones and the computed ones.
    slots: dict[str, tuple[str, ...]]
    #: Slot -> the group of slots drawn with it.
    slot_groups: dict[str, SlotGroup]


_PHRASES = (
    "subject_suffix",
    "requester_greeting",
    "requester_sign_off",
    "agent_greeting",
    "agent_sign_off",
    "incident_context",
    "request_context",
    "follow_up",
    "thanks",
    "reopen",
    "reopen_note",
    "notes",
    "hold",
    "pending_ask",
)


@cache
def words() -> Words:
    """The contents of ``data/words.toml`` plus the computed slot values (read once)."""
    data = resources.toml("words.toml")
    names, phrases = data["names"], data["phrases"]
    listed = {slot: tuple(values) for slot, values in data["slots"].items()}
    groups: dict[str, SlotGroup] = {}
    for group in data["slot_groups"].values():
        members = tuple(group["slots"])
        rows = tuple(tuple(row) for row in group["rows"])
        groups.update(dict.fromkeys(members, (members, rows)))
    return Words(
        agent_names=tuple(names["agents"]),
        first_names=tuple(names["first"]),
        last_names=tuple(names["last"]),
        **{name: tuple(phrases[name]) for name in _PHRASES},
        rare_asides=tuple((aside["chance"], aside["text"]) for aside in phrases["rare_asides"]),
        logged={channel: tuple(lines) for channel, lines in phrases["logged"].items()},
        slots={**listed, **_computed_slots(listed["dept"])},
        slot_groups=groups,
    )


def _series(prefix: str, start: int, stop: int, step: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{n}" for n in range(start, stop, step))


def _computed_slots(departments: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {
        "host": _series("LT-", 10_231, 99_999, 311) + _series("WS-", 2_004, 9_999, 97),
        "server": tuple(
            f"{role}-{env}-{n:02d}"
            for role in ("app", "web", "sql", "fs", "k8s-node", "dc")
            for env in ("prd", "stg")
            for n in (1, 2, 3, 7, 12)
        ),
        "printer": tuple(
            f"PRN-{floor}{wing}-{n:02d}" for floor in range(1, 9) for wing in "NESW" for n in (1, 2)
        ),
        "share": tuple(rf"\\fs-prd-0{n}\{dept}" for n in (1, 2) for dept in departments),
        "group": tuple(
            f"{dept[:3].upper()}-{kind}"
            for dept in departments
            for kind in ("Reports-RW", "Data-RO")
        ),
        "case": _series("CS", 4_471_203, 4_999_999, 7_919),
        "rma": _series("RMA-", 880_112, 999_999, 1_013),
        "ext": _series("", 4_010, 4_999, 37),
        "ip": tuple(f"10.{a}.{b}.{c}" for a in (20, 40, 64) for b in (3, 17, 112) for c in (5, 80)),
    }


class Slots(dict[str, str]):
    """One ticket's slot values; each is drawn the first time a template asks for it, so the
    ticket keeps the same host name, site or application from its subject to its last reply.

    Used as ``template.format_map(slots)``; the generator sets ``first`` and ``agent`` itself
    and calls ``clear()`` between tickets.
    """

    __slots__ = ("choices", "groups", "rnd")

    def __init__(self, rnd: Callable[[], float], words: Words) -> None:
        super().__init__()
        self.rnd = rnd
        self.choices = words.slots
        self.groups = words.slot_groups

    def __missing__(self, key: str) -> str:
        group = self.groups.get(key)
        if group is not None:
            names, rows = group
            row = rows[int(self.rnd() * len(rows))]
            self.update(zip(names, row, strict=True))
            return row[names.index(key)]
        pool = self.choices[key]
        value = pool[int(self.rnd() * len(pool))]
        self[key] = value
        return value
