"""What the two fork parents share (``forked_server.py`` for ``deskterm`` commands,
``racing_launcher.py`` for racing scripts): importing deskterm once before any fork, and
turning what a forked child ran into the exit code a process would have had."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from collections.abc import Callable


def preload(packages: tuple[str, ...], skip: tuple[str, ...]) -> None:
    """Import every module of ``packages`` (but those whose name holds one of ``skip``) and
    the two database drivers, so that a forked child finds them loaded."""
    for name in packages:
        package = importlib.import_module(name)
        for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not any(part in found.name for part in skip):
                importlib.import_module(found.name)
    importlib.import_module("sqlalchemy.dialects.sqlite.pysqlite")
    importlib.import_module("sqlalchemy.dialects.postgresql.psycopg")


def exit_code(body: Callable[[], object]) -> int:
    """Run ``body`` as a process's main code: its ``SystemExit`` code (a message printed to
    stderr, as Python does, is 1), 1 with the traceback on any other exception, else 0."""
    try:
        body()
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    except BaseException:
        traceback.print_exc()
        return 1
    return 0
