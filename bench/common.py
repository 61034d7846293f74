"""Shared bench helpers: seeded databases (cached under bench/data/) and fair timing.

Every figure is a ratio against a baseline timed in the same run, interleaved with the
measured code, so a noisy shared machine slows both alike. Nothing here asserts a time.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
RESULTS = ROOT / "results"
BIN = Path(sys.executable).parent
DESKTERM = BIN / "deskterm"
SEED = 7
AGENT = "alice"


def database(tickets: int, days: int = 365) -> Path:
    """A desk seeded with ``tickets`` tickets over ``days`` days (made once, then reused)."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / (f"desk-{tickets}.db" if days == 365 else f"desk-{tickets}-{days}d.db")
    if path.exists():
        return path
    partial = path.with_suffix(".partial.db")
    for leftover in DATA.glob(partial.name + "*"):
        leftover.unlink()
    print(f"seeding {tickets:,} tickets into {path} (once)...", file=sys.stderr, flush=True)
    proc = subprocess.run(
        [
            str(DESKTERM),
            "--db",
            f"sqlite:///{partial}",
            "--as",
            AGENT,
            "--quiet",
            "db",
            "seed",
            "--tickets",
            str(tickets),
            "--articles",
            "40",
            "--seed",
            str(SEED),
            "--days",
            str(days),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    print(proc.stderr.strip(), file=sys.stderr)
    partial.rename(path)
    path.with_suffix(".seed.txt").write_text(proc.stderr)
    return path


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def best_of(fn: Callable[[], object], runs: int = 15) -> float:
    """Median seconds of ``runs`` calls after one warm-up."""
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def alternate(
    a: Callable[[], object], b: Callable[[], object], runs: int = 15
) -> tuple[float, float]:
    """Median seconds of ``a`` and ``b``, timed alternately (a, b, a, b...)."""
    a()
    b()
    ta, tb = [], []
    for _ in range(runs):
        started = time.perf_counter()
        a()
        ta.append(time.perf_counter() - started)
        started = time.perf_counter()
        b()
        tb.append(time.perf_counter() - started)
    return statistics.median(ta), statistics.median(tb)


def run_command(args: list[str], env: dict[str, str] | None = None) -> Callable[[], object]:
    full_env = {**os.environ, **(env or {})}

    def call() -> object:
        return subprocess.run(
            args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=full_env
        )

    return call


def report(lines: list[str], name: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = "\n".join(lines) + "\n"
    (RESULTS / f"{name}.txt").write_text(text)
    print(text, end="")


def ratio_line(label: str, ours: float, base: float, target: float | None) -> str:
    ratio = ours / base if base > 0 else float("inf")
    verdict = ""
    if target is not None:
        verdict = "  ok" if ratio <= target else f"  OVER target {target}x"
    return f"{label:<58} {ours * 1000:8.2f} ms / {base * 1000:8.2f} ms = {ratio:5.2f}x{verdict}"
