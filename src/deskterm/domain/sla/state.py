"""What is stored on a ticket about its clocks, and the ``sla_state`` it reads as.

Kept apart from ``clocks`` (the rules) and ``calendar`` (business time) so that turning a
list row into a ticket (``tickets/convert.py``, also on the console's quick first page)
imports no more than this small module.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, Literal, NamedTuple

#: Statuses in which a ticket's work is done: the clocks stop (resolution is met).
DONE: Final = frozenset({"solved", "closed"})

Clock = Literal["first_response", "next_response", "resolution"]
SlaState = Literal["none", "ok", "warning", "breached", "paused", "met"]


class ClockState(NamedTuple):
    """What is stored on the ticket row about its clocks (``docs/sla.md``, "What is
    stored"). Built and changed only by ``clocks.step`` and ``clocks.recompute``."""

    policy_id: int | None = None
    first_response_due: datetime | None = None
    next_response_due: datetime | None = None
    resolution_due: datetime | None = None
    #: When the running next-response clock started (None: none running).
    next_response_started_at: datetime | None = None
    #: When the current pause (a pausing status, or solved/closed) began (None: running).
    paused_at: datetime | None = None
    #: Business seconds paused since the ticket was created (finished pauses).
    paused_seconds: float = 0.0
    #: Business seconds paused since the running next-response clock started.
    next_response_paused_seconds: float = 0.0
    #: The earliest due of the running, unmet clocks (None: paused, met or no clocks).
    sla_due: datetime | None = None
    #: The earliest time a running clock reaches its warning share (None likewise).
    warn_at: datetime | None = None

    def due(self, clock: Clock) -> datetime | None:
        """The due time of ``clock``."""
        if clock == "first_response":
            return self.first_response_due
        if clock == "next_response":
            return self.next_response_due
        return self.resolution_due

    def columns(self) -> dict[str, Any]:
        """The ticket columns and their values, for the write (see :data:`COLUMNS`)."""
        return dict(zip(COLUMNS, self, strict=True))

    def stored(self) -> dict[str, Any]:
        """The columns as the ticket row stores them: paused seconds in whole seconds."""
        columns = self.columns()
        for name in ("sla_paused_seconds", "next_response_paused_seconds"):
            columns[name] = round(columns[name])
        return columns

    @classmethod
    def from_columns(cls, row: Mapping[str, Any]) -> ClockState:
        """The state from a ticket row: a mapping with the column names of :data:`COLUMNS`."""
        values = [row[column] for column in COLUMNS]
        values[6] = float(values[6] or 0.0)
        values[7] = float(values[7] or 0.0)
        return cls._make(values)


#: The ticket columns, in the order of ClockState's fields.
COLUMNS: Final = (
    "sla_policy_id",
    "first_response_due",
    "next_response_due",
    "resolution_due",
    "next_response_started_at",
    "sla_paused_at",
    "sla_paused_seconds",
    "next_response_paused_seconds",
    "sla_due",
    "sla_warn_at",
)
#: The same, under the name the package offers.
CLOCK_COLUMNS: Final = COLUMNS


def state_of(
    state: ClockState, status: str, first_responded_at: datetime | None, now: datetime
) -> SlaState:
    """The ticket's ``sla_state`` at ``now``: ``none`` (no policy, or no clock at its
    priority), ``met`` (solved/closed, or every clock met), ``paused``, ``breached`` (a
    running clock's due has passed), ``warning`` (a running clock has used its warning
    share), else ``ok``."""
    if state.policy_id is None or (
        state.first_response_due is None
        and state.next_response_due is None
        and state.resolution_due is None
    ):
        return "none"
    if status in DONE:
        return "met"
    if state.paused_at is not None:
        return "paused"
    earliest = state.resolution_due
    for due in (
        state.first_response_due if first_responded_at is None else None,
        state.next_response_due if state.next_response_started_at is not None else None,
    ):
        if due is not None and (earliest is None or due < earliest):
            earliest = due
    if earliest is None:
        return "met"
    if earliest <= now:
        return "breached"
    if state.warn_at is not None and state.warn_at <= now:
        return "warning"
    return "ok"


def sla_state(
    *,
    status: str,
    first_responded_at: datetime | None,
    first_response_due: datetime | None,
    resolution_due: datetime | None,
    now: datetime,
    policy_id: int | None = None,
    next_response_due: datetime | None = None,
    next_response_started_at: datetime | None = None,
    paused_at: datetime | None = None,
    warn_at: datetime | None = None,
) -> SlaState:
    """:func:`state_of` from a ticket's columns, as the list rows carry them.

    Until the rows carry ``sla_policy_id``, a ticket with a due time counts as having a
    policy; until they carry ``sla_paused_at`` and ``sla_warn_at``, no ticket reads as paused
    or in warning.
    """
    if policy_id is None and (first_response_due is not None or resolution_due is not None):
        policy_id = 0
    state = ClockState(
        policy_id=policy_id,
        first_response_due=first_response_due,
        next_response_due=next_response_due,
        resolution_due=resolution_due,
        next_response_started_at=next_response_started_at,
        paused_at=paused_at,
        warn_at=warn_at,
    )
    return state_of(state, status, first_responded_at, now)
