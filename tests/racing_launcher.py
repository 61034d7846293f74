"""The parent of one race's processes (``racing.race``): imports deskterm's domain and store once,
then forks one process per command, so that each racing process is a real, separate process
(its own pid, its own desk and connections, killed and reaped on its own) that does not pay
the half second of CPU an import costs.

Run as ``python racing_launcher.py SPEC``, SPEC a JSON object: ``nice`` and ``children``, each
``{"argv": [script or "-c", code, *args], "fds": [stdin, stdout, stderr]}``, the fds being
pipe ends the test passed to this process. Each child makes those its standard streams and
runs the script as ``__main__`` (or the code, as ``python -c`` would). Nothing is connected
before the fork. Prints one JSON list: each child's exit code (negative: killed by that
signal)."""

from __future__ import annotations

import json
import os
import runpy
import sys

import forking

NOT_PRELOADED = (".migrations",)  # Alembic's env runs only under Alembic


def preload() -> None:
    forking.preload(("deskterm.domain", "deskterm.store"), NOT_PRELOADED)


def child(argv: list[str], fds: list[int], passed: set[int], nice: int) -> int:
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    for fd in passed:
        os.close(fd)
    if nice:
        os.nice(nice)
    sys.argv = list(argv)

    def body() -> None:
        if argv[0] == "-c":
            sys.argv = ["-c", *argv[2:]]
            exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__"})
        else:
            runpy.run_path(argv[0], run_name="__main__")

    return forking.exit_code(body)


def main(spec: dict) -> None:
    preload()
    children = spec["children"]
    passed = {fd for c in children for fd in c["fds"]}
    sys.stdout.flush()
    sys.stderr.flush()
    pids = []
    for c in children:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = child(c["argv"], c["fds"], passed, spec.get("nice", 0))
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        pids.append(pid)
    for fd in passed:  # the children hold them now: their ends close when they end
        os.close(fd)
    codes = []
    for pid in pids:
        _pid, status = os.waitpid(pid, 0)
        codes.append(os.waitstatus_to_exitcode(status))
    print(json.dumps(codes), flush=True)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
