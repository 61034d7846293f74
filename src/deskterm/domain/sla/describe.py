"""A stored policy in words, as the command line and the console show it (one wording)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskterm.domain.sla.policy_shape import CLOCKS, describe_hours

if TYPE_CHECKING:
    from deskterm.domain.sla.stored import SlaPolicy

SHORT = {"first_response": "first", "next_response": "next", "resolution": "resolve"}


def minutes_text(minutes: int | None) -> str:
    """Business time as typed: ``45m``, ``8h``, ``1h 30m``, ``40h`` (never days: a business
    day is as long as the calendar's working day)."""
    if minutes is None:
        return "-"
    hours, rest = divmod(minutes, 60)
    return " ".join(
        part for part in (f"{hours}h" if hours else "", f"{rest}m" if rest else "") if part
    )


def targets_text(policy: SlaPolicy, *, one_line: bool) -> str:
    """``urgent: first 30m next 2h resolve 4h``, most urgent first; priorities without any
    target left out."""
    parts = []
    for priority in reversed(list(policy.targets)):
        clocks = policy.targets[priority]
        if all(m is None for m in clocks.values()):
            continue
        shown = " ".join(f"{SHORT[c]} {minutes_text(clocks[c])}" for c in CLOCKS if clocks[c])
        parts.append(f"{priority}: {shown}")
    return ("; " if one_line else "\n").join(parts)


def applies_to(policy: SlaPolicy) -> str:
    """``queue Network L2, type incident`` or ``every ticket``."""
    named = [
        f"queue {policy.queue}" if policy.queue else None,
        f"type {policy.type}" if policy.type else None,
        f"org {policy.organization}" if policy.organization else None,
    ]
    return ", ".join(n for n in named if n) or "every ticket"


def calendar_text(policy: SlaPolicy) -> str:
    """``Europe/Berlin mon-fri 09:00-17:00; holidays of DE-BY; +2 days off``."""
    calendar = policy.calendar
    text = f"{calendar['zone']} {describe_hours(calendar['hours'])}"
    if calendar.get("country"):
        sub = calendar.get("subdivision")
        text += f"; holidays of {calendar['country']}{'-' + sub if sub else ''}"
    if calendar.get("holidays"):
        text += f"; +{len(calendar['holidays'])} days off"
    return text
