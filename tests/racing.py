"""Real processes started together (the concurrency tests and first use): each says ``ready``
once set up, waits for ``go`` on stdin so that all start at the same moment, and prints one
JSON object when done."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from typing import Any


def race(commands: Sequence[Sequence[str]], *, timeout: float = 300, nice: int = 0) -> list[Any]:
    """Start every command, wait until each is ready, let them all go, and return each one's
    JSON result in the order given. A process that fails fails the test with its stderr; none
    is left running. ``nice`` lowers the processes' priority (for workers that run for a
    fixed time: they do less work, and leave the cores to the rest of the suite)."""
    procs = [
        subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=(lambda: os.nice(nice)) if nice else None,
        )
        for command in commands
    ]
    try:
        for proc in procs:  # every process set up before any starts
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready", proc.stderr
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=timeout)
            assert proc.returncode == 0, err
            assert "database is locked" not in err
            results.append(json.loads(out))
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
