"""Seeded random streams and the draws every generator shares.

Each kind of data draws from its own stream (``derive_seed(seed, "tickets")``,
``derive_seed(seed, "articles")``...), so a new kind of data with a stream of its own leaves
the others as they were: the same seed keeps giving the same tickets.

A stream is a ``random.Random(...).random`` bound method; draws are written as
``seq[int(rnd() * len(seq))]`` (inline where a generator draws millions of times).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")


def derive_seed(seed: int, stream: str) -> int:
    """A 64-bit seed for one independent random stream of ``seed``.

    Through SHA-256, never ``hash()``: the same on every run and machine.
    """
    digest = hashlib.sha256(f"deskterm-seed:{seed}:{stream}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def pick(rnd: Callable[[], float], seq: Sequence[T]) -> T:
    """One item of ``seq``, each as likely."""
    return seq[int(rnd() * len(seq))]


def sample(rnd: Callable[[], float], seq: Sequence[T], k: int) -> list[T]:
    """``k`` distinct items of ``seq`` in a drawn order (all of them, shuffled, when ``k`` is
    its length)."""
    pool = list(seq)
    for i in range(min(k, len(pool))):
        j = i + int(rnd() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def weighted(weights: Mapping[str, int], vocabulary: Sequence[str]) -> tuple[str, ...]:
    """A flat tuple with each name repeated ``weight`` times, for O(1) weighted draws.

    ValueError when a name is not one of ``vocabulary``.
    """
    for name in weights:
        if name not in vocabulary:
            raise ValueError(f"{name!r} is not one of {tuple(vocabulary)}")
    return tuple(name for name, weight in weights.items() for _ in range(weight))
