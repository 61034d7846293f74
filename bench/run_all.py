"""`make bench`: every bench script in turn; results land in bench/results/*.txt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
SCRIPTS = ("bench_store.py", "bench_cli.py", "bench_bulk.py", "bench_tui.py")


def main() -> int:
    failed = 0
    for script in SCRIPTS:
        print(f"== {script}", flush=True)
        failed |= subprocess.run([sys.executable, str(HERE / script), *sys.argv[1:]]).returncode
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
