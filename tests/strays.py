"""Processes a test started and left running (a console in a killed tmux, a server, a worker).

Every process this test process starts inherits ``DESKTERM_TEST_OWNER`` (its pid), even when
it is later re-parented to init (tmux's server, a daemon), so the leftovers can be found in
``/proc``. ``tests/conftest.py`` looks after every test that starts processes (``process`` and
``console``) and once at the end of the run, stops what it finds and reports it: a leftover
keeps loading the machine that the rest of the run and the next run share.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

VARIABLE = "DESKTERM_TEST_OWNER"
_MARK = f"{VARIABLE}={os.getpid()}".encode()
_LINUX = Path("/proc/self/environ").exists()


def mark_children() -> None:
    """Make every process started from now on carry this process's mark."""
    os.environ[VARIABLE] = str(os.getpid())


def _marked() -> dict[int, str]:
    found: dict[int, str] = {}
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            environ = (entry / "environ").read_bytes()
            if _MARK not in environ.split(b"\0"):
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").strip()
        except OSError:  # ended meanwhile, or not ours to read
            continue
        found[int(entry.name)] = command.decode(errors="replace")[:200]
    return found


def running() -> frozenset[int]:
    """The marked processes running now (before a test: the ones its fixtures started)."""
    return frozenset(_marked()) if _LINUX else frozenset()


def stop_strays(grace: float = 5.0, keep: frozenset[int] = frozenset()) -> list[str]:
    """The command lines of marked processes, other than ``keep``, still running after
    ``grace`` seconds (a process being stopped as the test ends gets that long); they are
    killed."""
    if not _LINUX:
        return []
    deadline = time.monotonic() + grace

    def left() -> dict[int, str]:
        return {pid: command for pid, command in _marked().items() if pid not in keep}

    found = left()
    while found and time.monotonic() < deadline:
        time.sleep(0.1)
        found = left()
    for pid in found:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return [f"{pid} {command}" for pid, command in sorted(found.items())]
