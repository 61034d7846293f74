"""A policy as stored, matched to a ticket, and made the SLA engine's: pure, no database
library, so that the light writer of ``ticket reply`` (``tickets.quick_write``) builds the
desk's policies from the same rows with the same code as ``policies.load_policies`` and
``tickets.clocks.load``. ``policies`` reads and writes them (and re-exports these names).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskterm.domain.sla.calendar import Calendar as BusinessCalendar
from deskterm.domain.sla.clocks import Policy
from deskterm.domain.sla.clocks import Targets as ClockTargets

if TYPE_CHECKING:
    from deskterm.domain.sla.policy_shape import Calendar, Targets


@dataclass(frozen=True)
class SlaPolicy:
    """A policy as stored (targets and calendar in their stored form, see policy_shape)."""

    id: int
    name: str
    description: str
    queue: str | None
    type: str | None
    organization: str | None
    targets: Targets
    calendar: Calendar
    pause_statuses: tuple[str, ...]
    warning_percent: int
    created_at: datetime
    updated_at: datetime
    version: int
    queue_id: int | None = None
    organization_id: int | None = None
    #: ``deskterm sla tick`` escalates its breached tickets one tier up (docs/sla.md).
    escalate_on_breach: bool = False

    @property
    def narrowed_by(self) -> int:
        """How many of queue, type and organization this policy names."""
        return sum(v is not None for v in (self.queue_id, self.type, self.organization_id))

    def fits(
        self, queue_id: int | None, ticket_type: str | None, organization_id: int | None
    ) -> bool:
        """Whether every narrowing this policy names matches the ticket."""
        return (
            (self.queue_id is None or self.queue_id == queue_id)
            and (self.type is None or self.type == ticket_type)
            and (self.organization_id is None or self.organization_id == organization_id)
        )


def stored_policy(row: Any) -> SlaPolicy:
    """The policy of a row of ``policies._select()`` (its columns as attributes: an
    SQLAlchemy row, or the light writer's, ``tickets.quick_write``)."""
    return SlaPolicy(
        id=row.id,
        name=row.name,
        description=row.description,
        queue=row.queue_name,
        type=row.type,
        organization=row.organization_name,
        targets=json.loads(row.targets),
        calendar=json.loads(row.calendar),
        pause_statuses=tuple(s for s in row.pause_statuses.split(",") if s),
        warning_percent=row.warning_percent,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        queue_id=row.queue_id,
        organization_id=row.organization_id,
        escalate_on_breach=bool(row.escalate_on_breach),
    )


@dataclass(frozen=True)
class PolicyBook:
    """Every policy and every queue's default, read once, to match many tickets."""

    policies: tuple[SlaPolicy, ...]
    queue_defaults: Mapping[int, int]

    def match(
        self, queue_id: int | None, ticket_type: str | None, organization_id: int | None
    ) -> SlaPolicy | None:
        default_id = self.queue_defaults.get(queue_id) if queue_id is not None else None
        return match_policy(
            self.policies,
            queue_id=queue_id,
            ticket_type=ticket_type,
            organization_id=organization_id,
            queue_default_id=default_id,
        )


def match_policy(
    policies: Iterable[SlaPolicy],
    *,
    queue_id: int | None,
    ticket_type: str | None,
    organization_id: int | None,
    queue_default_id: int | None = None,
) -> SlaPolicy | None:
    """The policy a ticket runs under: the rule of the module's docstring (pure)."""
    fitting = [p for p in policies if p.fits(queue_id, ticket_type, organization_id)]
    specific = [p for p in fitting if p.narrowed_by]
    if specific:
        return min(
            specific,
            key=lambda p: (
                -p.narrowed_by,
                p.queue_id is None,
                p.organization_id is None,
                p.type is None,
                p.id,
            ),
        )
    if queue_default_id is not None:
        default = next((p for p in fitting if p.id == queue_default_id), None)
        if default is not None:
            return default
    return min(fitting, key=lambda p: p.id, default=None)


def engine_policy(stored: SlaPolicy) -> Policy:
    """The SLA engine's :class:`Policy` of a stored one (targets in minutes -> seconds)."""
    targets = {
        priority: ClockTargets(
            **{clock: None if minutes is None else minutes * 60 for clock, minutes in t.items()}
        )
        for priority, t in stored.targets.items()
    }
    return Policy(
        id=stored.id,
        name=stored.name,
        calendar=BusinessCalendar.from_dict(stored.calendar),
        targets=targets,
        pause_statuses=frozenset(stored.pause_statuses),
        warning=stored.warning_percent / 100,
        version=stored.version,
    )
