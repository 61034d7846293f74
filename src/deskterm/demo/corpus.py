"""The topics of the demo desk, read from ``data/topics.txt`` (its line format is described at
the top of that file).

A topic is one kind of IT request (VPN drops, printer jams, phishing reports...): its routing,
its proportions and its text templates, grouped in cases so that a subject only meets the
descriptions, replies and notes that fit it. :mod:`deskterm.demo.plans` turns them into the
tables the ticket generator draws from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from deskterm.demo import resources


@cache
def topics() -> tuple[Topic, ...]:
    """Every topic of ``data/topics.txt``, in file order (read on first use, then kept)."""
    return parse(resources.text("topics.txt"))


@dataclass(slots=True)
class Case:
    """Subjects and descriptions that fit together, with the other texts specific to them."""

    subjects: tuple[str, ...]
    descriptions: tuple[str, ...]
    texts: dict[str, tuple[str, ...]]


@dataclass(slots=True)
class Topic:
    """One kind of ticket: its routing, proportions and text templates."""

    key: str
    weight: int
    tags: tuple[str, ...]
    kb: str | None
    quick: float
    queues: dict[str, int]
    types: dict[str, int]
    priorities: dict[str, int] | None
    channels: dict[str, int] | None
    unsolved: dict[str, int] | None
    cases: tuple[Case, ...]
    texts: dict[str, tuple[str, ...]]


def _weights(spec: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in spec.split(","):
        name, _, weight = item.rpartition(":")
        out[name.strip()] = int(weight)
    return out


def _topic(
    fields: dict[str, str], cases: list[dict[str, list[str]]], texts: dict[str, list[str]]
) -> Topic:
    w = _weights
    missing = [name for name in ("w", "tags", "q", "t") if name not in fields]
    if missing or not all("D" in case for case in cases):
        lacks = f"no {', '.join(missing)}" if missing else "a case without a D line"
        raise ValueError(f"topic {fields['key']}: {lacks}")
    return Topic(
        key=fields["key"],
        weight=int(fields["w"]),
        tags=tuple(fields["tags"].split(",")),
        kb=fields.get("kb"),
        quick=int(fields.get("quick", "25")) / 100,
        queues=w(fields["q"]),
        types=w(fields["t"]),
        priorities=w(fields["p"]) if "p" in fields else None,
        channels=w(fields["c"]) if "c" in fields else None,
        unsolved=w(fields["u"]) if "u" in fields else None,
        cases=tuple(
            Case(
                tuple(case.pop("S")),
                tuple(case.pop("D")),
                {code: tuple(lines) for code, lines in case.items()},
            )
            for case in cases
        ),
        texts={code: tuple(lines) for code, lines in texts.items()},
    )


#: The codes of template lines (see the top of ``data/topics.txt``).
TEMPLATE_CODES = frozenset("SDCATFNRHM")


def parse(corpus: str) -> tuple[Topic, ...]:
    """Read the line format described at the top of ``data/topics.txt``.

    ValueError, naming the line, for a line the format does not know.
    """
    found: list[Topic] = []
    fields: dict[str, str] = {}
    cases: list[dict[str, list[str]]] = []
    texts: dict[str, list[str]] = {}
    target: list[str] = []
    previous = ""
    for number, raw in enumerate(corpus.splitlines(), 1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        code, _, rest = line.partition(" ")
        if code == "==":
            if fields:
                found.append(_topic(fields, cases, texts))
            fields, cases, texts, target, previous = {}, [], {}, [], ""
            key, _, rest = rest.partition(";")
            fields["key"] = key.strip()
        elif code and not fields:
            raise ValueError(f"line {number}: {line!r} comes before the first '== topic' line")
        if code in ("==", "@"):
            for part in rest.split(";"):
                name, _, value = part.strip().partition("=")
                if name:
                    fields[name] = value
        elif code == "--":
            previous = code
        elif code == "+":
            if not target:
                raise ValueError(f"line {number}: '+' continues no template")
            target[-1] += " " + rest
        elif code in TEMPLATE_CODES:
            if code == "S" and previous != "S":
                cases.append({})
            in_case = code == "S" or (bool(cases) and previous != "--")
            target = (cases[-1] if in_case else texts).setdefault(code, [])
            target.append(rest)
            previous = code if code == "S" or in_case else "--"
        elif code:
            raise ValueError(f"line {number}: unknown line code {code!r}")
    if fields:
        found.append(_topic(fields, cases, texts))
    return tuple(found)
