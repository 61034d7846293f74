"""Real processes started together (the concurrency tests and first use): each says ``ready``
once set up, waits for ``go`` on stdin so that all start at the same moment, and prints one
JSON object when done.

The processes are forked by one parent that has imported deskterm's domain and store
(``racing_launcher.py``): each is a real, separate process with its own desk and
connections, its own pipes and exit code, but the import (half a second of CPU, most of a
worker's cost) is paid once per race instead of once per process."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

LAUNCHER = Path(__file__).with_name("racing_launcher.py")


def race(
    commands: Sequence[Sequence[str]],
    *,
    timeout: float = 300,
    nice: int = 0,
    env: Mapping[str, str] | None = None,
) -> list[Any]:
    """Start every command (``[sys.executable, script or "-c", ...]``), wait until each is
    ready, let them all go, and return each one's JSON result (its last line of output) in the
    order given. A process that fails fails the test with its stderr; none is left running.
    ``nice`` lowers the processes' priority (for workers that run for a fixed time: they do
    less work, and leave the cores to the rest of the suite); ``env`` is added to the
    environment."""
    for command in commands:
        assert command[0] == sys.executable, command
    ours: list[tuple[IO[str], IO[str], IO[str]]] = []
    children: list[dict[str, Any]] = []
    theirs: list[int] = []
    for command in commands:
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        stderr_r, stderr_w = os.pipe()
        ours.append(
            (
                open(stdin_w, "w", encoding="utf-8"),  # noqa: SIM115 (closed below)
                open(stdout_r, encoding="utf-8"),  # noqa: SIM115
                open(stderr_r, encoding="utf-8"),  # noqa: SIM115
            )
        )
        children.append({"argv": list(command[1:]), "fds": [stdin_r, stdout_w, stderr_w]})
        theirs += [stdin_r, stdout_w, stderr_w]
    try:
        launcher = subprocess.Popen(
            [sys.executable, str(LAUNCHER), json.dumps({"nice": nice, "children": children})],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            pass_fds=theirs,
            env={**os.environ, **(env or {})},
            start_new_session=True,  # the launcher and its children: one group to kill
        )
    finally:
        for fd in theirs:
            os.close(fd)
    try:
        with ThreadPoolExecutor(max_workers=2 * len(ours)) as pool:
            try:
                return _run(launcher, ours, pool, timeout)
            finally:
                stop(launcher)  # before the pool waits for the readers' end of file
    finally:
        for files in ours:
            for f in files:
                with contextlib.suppress(OSError):  # a "go" never read
                    f.close()


def _run(
    launcher: subprocess.Popen[str],
    ours: list[tuple[IO[str], IO[str], IO[str]]],
    pool: ThreadPoolExecutor,
    timeout: float,
) -> list[Any]:
    errs = [pool.submit(err.read) for _in, _out, err in ours]
    for _in, out, _err in ours:  # every process set up before any starts
        line = out.readline()
        if line.strip() != "ready":
            stop(launcher)
            assert launcher.stderr is not None
            raise AssertionError(f"not ready: {line!r} {launcher.stderr.read()}")
    for stdin, _out, _err in ours:
        stdin.write("go\n")
        stdin.close()
    outs = [pool.submit(out.read) for _in, out, _err in ours]
    launched_out, launched_err = launcher.communicate(timeout=timeout)
    assert launcher.returncode == 0, launched_err
    codes = json.loads(launched_out)
    results = []
    for code, out_f, err_f in zip(codes, outs, errs, strict=True):
        out, err = out_f.result(timeout=timeout), err_f.result(timeout=timeout)
        assert code == 0, err
        assert "database is locked" not in err
        assert "Traceback" not in err, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def stop(launcher: subprocess.Popen[str]) -> None:
    """Kill the launcher's process group: it and every process it forked that still runs."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(launcher.pid, signal.SIGKILL)  # also any child a crashed launcher left
    launcher.wait()
