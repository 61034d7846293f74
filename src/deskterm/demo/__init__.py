"""Demo data: a generated IT help desk for trying deskterm, its tests and its benchmarks."""

from deskterm.demo.load import seed_anchor, seed_desk

__all__ = ["seed_anchor", "seed_desk"]
