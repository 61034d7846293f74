"""Kept for callers of the old module path; the code lives in ``domain.tickets.claims``."""

from deskterm.domain.tickets.claims import link, merge, take

__all__ = ["link", "merge", "take"]
