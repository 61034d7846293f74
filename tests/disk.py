"""Disks as they are on users' machines: full, or shared with a loose umask."""

from __future__ import annotations

import os
import resource
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def small_disk(limit: int) -> Callable[[], None]:
    """A ``preexec_fn`` after which any write past ``limit`` bytes of a file fails (EFBIG),
    as a write on a full disk fails (ENOSPC): a real failing write in the real command."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write, not the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@contextmanager
def group_readable_umask() -> Iterator[None]:
    """The usual umask of a shared host (022: new files readable by everybody), for as long
    as the block runs: what deskterm creates must still be its owner's alone."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)
