"""Time until the first ticket subject is on screen, in a real terminal (tmux, 120x40).

For databases of 1,000 and 1,000,000 tickets, the real ``deskterm`` console and the floor
app (``floor_app.py``: Textual + sqlite3 + 50 rows) are started alternately in tmux (each
round does both desks, so the two sizes share the machine's load too) and the
pane is polled with ``capture-pane`` until the newest ticket's subject appears. Also: resident
memory once the first page is up, and how long 1,000 presses of ``j`` take to be worked off
(pressed at 60 per second, faster than keyboard auto-repeat; keeping up means the cursor
is on row 1,000 a moment after the last press).

Usage: python bench/bench_tui.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import DESKTERM, database, ratio_line, report

SESSION = "deskterm-bench"
#: The idle session that keeps the server up and watches this script (``keep_server``). Not
#: "deskterm-bench-keep": tmux takes ``-t deskterm-bench`` for any session whose name starts
#: so when there is none of that exact name, and each start's kill-session killed it.
WATCHDOG = "watchdog"
#: A tmux server of this run's own: several people may run this bench at once on one machine,
#: and sessions of the same name on the shared default server would kill each other. Its
#: name does not start with "deskterm-bench": on 2026-11-28 something on the shared machine
#: ended such servers (someone's clean-up) a second into each run.
TMUX = ["tmux", "-L", f"tuibench-{os.getpid()}"]
#: That server's socket: tmux 3.3a leaves the file behind when its server is killed.
SOCKET = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}" / TMUX[2]
SIZE = ("120", "40")
#: The process group of the app being timed (tmux runs each pane's program as a session and
#: process-group leader; ``--pty`` starts it in a session of its own): killed, not asked.
CURRENT: list[int] = []


def tmux(*args: str) -> str:
    done = subprocess.run([*TMUX, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"tmux {args[0]} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def first_subject(db: Path) -> tuple[str, list[tuple[int, str]]]:
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT id, subject FROM tickets ORDER BY updated_at DESC, id DESC LIMIT 1002"
    ).fetchall()
    # What the list shows of it at 120 columns (a longer subject ends in … there).
    return rows[0][1][:20], rows


def start(command: list[str], env: dict[str, str]) -> float:
    subprocess.run([*TMUX, "kill-session", "-t", SESSION], capture_output=True)
    exports = " ".join(f"{k}={v!r}" for k, v in env.items())
    started = time.perf_counter()
    tmux(
        "new-session",
        "-d",
        "-s",
        SESSION,
        "-x",
        SIZE[0],
        "-y",
        SIZE[1],
        # exec: the pane's process is the app itself (env execs it too), so its pid is the
        # pane's and leads the pane's process group.
        f"exec env {exports} {' '.join(command)}",
    )
    CURRENT[:] = [pane_pid()]
    return started


def pane_pid() -> int:
    return int(tmux("list-panes", "-t", SESSION, "-F", "#{pane_pid}").strip())


def kill_group(pid: int) -> None:
    """SIGKILL ``pid``'s process group and wait (up to 5 s) until ``pid`` is gone. A console
    asked to leave (the SIGHUP of a closed pane) can take its time: a worker thread counting
    a million tickets finishes first. On 2026-11-28 about 30 consoles outlived their runs."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            # A zombie (not yet reaped by tmux) is gone for this purpose.
            if Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z":
                return
        except OSError:
            return
        time.sleep(0.01)


def wait_for(text: str, started: float, timeout: float = 60.0) -> float:
    while time.perf_counter() - started < timeout:
        if text in tmux("capture-pane", "-p", "-t", SESSION):
            return time.perf_counter() - started
        time.sleep(0.005)
    raise TimeoutError(f"{text!r} never appeared")


def rss_kb() -> int:
    # The pane runs `exec env ... program`; env execs the program, so the pid is the program's.
    for line in Path(f"/proc/{CURRENT[0]}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def stop() -> None:
    """End the timed app: its process group first, then its tmux session."""
    while CURRENT:
        kill_group(CURRENT.pop())
    subprocess.run([*TMUX, "kill-session", "-t", SESSION], capture_output=True)


def pty_app(db: Path, ours: bool, subject: str) -> tuple[float, int]:
    """One timed start on a pseudo-terminal of this process's own (``--pty``): seconds until
    the subject is in what the app wrote, and its resident memory then. No tmux: the same
    clock for both apps, but "written" rather than "on a terminal's screen"."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    env = {**os.environ, "TERM": "xterm-256color", "DESKTERM_AGENT": "alice"}
    env["DESKTERM_DB"] = f"sqlite:///{db}"
    env.pop("TMUX", None)
    if ours:
        command = [str(DESKTERM), "tui"]
    else:
        command = [sys.executable, str(Path(__file__).with_name("floor_app.py")), str(db)]
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", int(SIZE[1]), int(SIZE[0]), 0, 0))
    wanted = subject.encode()
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    CURRENT[:] = [proc.pid]
    os.close(slave)
    seen = b""
    try:
        while time.perf_counter() - started < 60:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the app ended
                    raise RuntimeError(f"the app ended: {seen[-2000:]!r}") from None
                seen = seen[-4000:] + chunk
                if wanted in seen:
                    elapsed = time.perf_counter() - started
                    status = Path(f"/proc/{proc.pid}/status").read_text().splitlines()
                    rss = next((int(x.split()[1]) for x in status if x.startswith("VmRSS:")), 0)
                    return elapsed, rss
        raise TimeoutError(f"{subject!r} never appeared")
    finally:
        if CURRENT:
            kill_group(CURRENT.pop())
        proc.wait()
        os.close(master)


PTY = False


def time_app(db: Path, ours: bool, subject: str) -> tuple[float, int]:
    """One timed start; again (up to twice more) if the tmux server died under it."""
    if PTY:
        return pty_app(db, ours, subject)
    for attempt in range(3):
        try:
            return _time_app(db, ours, subject)
        except RuntimeError as exc:
            if attempt == 2:
                raise
            print(f"again after: {exc}", file=sys.stderr)
            keep_server()
    raise AssertionError("unreachable")


def _time_app(db: Path, ours: bool, subject: str) -> tuple[float, int]:
    env = {"TERM": "xterm-256color", "DESKTERM_AGENT": "alice", "DESKTERM_DB": f"sqlite:///{db}"}
    if ours:
        command = [str(DESKTERM), "tui"]
    else:
        command = [sys.executable, str(Path(__file__).with_name("floor_app.py")), str(db)]
    started = start(command, env)
    try:
        elapsed = wait_for(subject, started)
        return elapsed, rss_kb()
    finally:
        stop()


REPEAT_HZ = 60  # faster than any keyboard's auto-repeat (typically 25-40 per second)


def hold_j(db: Path, rows: list[tuple[int, str]]) -> float:
    """Press ``j`` 1,000 times at key-repeat speed; seconds from the last press until the
    detail pane shows the ticket on row 1,000 (it shows the selected ticket)."""
    env = {"TERM": "xterm-256color", "DESKTERM_AGENT": "alice", "DESKTERM_DB": f"sqlite:///{db}"}
    started = start([str(DESKTERM), "tui"], env)
    try:
        wait_for(rows[0][1][:30], started)
        target = f"#{rows[1000][0]} "
        burst = 4
        for _ in range(1000 // burst):
            tmux("send-keys", "-t", SESSION, *(["j"] * burst))
            time.sleep(burst / REPEAT_HZ)
        return wait_for(target, time.perf_counter(), timeout=30)
    finally:
        stop()


def keep_server() -> None:
    """Keep one idle session so the tmux server does not shut down (and race a new session)
    each time a measured session ends. It is also the watchdog: should this script die
    without its clean-up (SIGKILL, a harness's timeout), it kills every pane's process group
    and the server within a second or two, so no console outlives the run."""
    subprocess.run([*TMUX, "kill-session", "-t", WATCHDOG], capture_output=True)
    tmux(
        "new-session",
        "-d",
        "-s",
        WATCHDOG,
        f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; "
        f"for p in $({' '.join(TMUX)} list-panes -a -F '#{{pane_pid}}'); do "
        f"[ $p != $$ ] && kill -9 -- -$p; done; {' '.join(TMUX)} kill-server; "
        f"rm -f {str(SOCKET)!r}",
    )


def compile_sources() -> None:
    """Write deskterm's byte code, as installing a wheel does. An editable install under
    PYTHONDONTWRITEBYTECODE=1 (this machine's setting) has none, and each start would
    compile deskterm's modules from source (40 to 60 ms here) while Textual's come
    compiled: that is the checkout, not the console."""
    import compileall

    import deskterm

    for folder in deskterm.__path__:
        compileall.compile_dir(folder, quiet=1)


def main() -> None:
    # A polite kill (SIGTERM, a closed terminal) unwinds through the clean-up below.
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda number, _frame: sys.exit(128 + number))
    compile_sources()
    try:
        keep_server()
        run()
    finally:
        stop()
        subprocess.run([*TMUX, "kill-server"], capture_output=True)
        SOCKET.unlink(missing_ok=True)


def run() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument(
        "--pty", action="store_true", help="time the first frame on a pty instead of tmux"
    )
    parser.add_argument("--no-keys", action="store_true", help="skip the key-repeat run")
    args = parser.parse_args()
    global PTY
    PTY = args.pty
    where = "written to a pty" if PTY else "on screen, tmux"
    lines = [
        f"bench_tui: first subject {where} {SIZE[0]}x{SIZE[1]} (median of {args.runs}, "
        f"interleaved; load average {os.getloadavg()[0]:.1f} at the start)"
    ]
    results: dict[int, tuple[float, float, int]] = {}
    sizes = (args.small, args.big)
    desks = {tickets: database(tickets) for tickets in sizes}
    subjects = {tickets: first_subject(desks[tickets])[0] for tickets in sizes}
    ours_t: dict[int, list[float]] = {tickets: [] for tickets in sizes}
    floor_t: dict[int, list[float]] = {tickets: [] for tickets in sizes}
    ours_m: dict[int, list[int]] = {tickets: [] for tickets in sizes}
    # Both desk sizes in each round, not all of one and then the other: on a shared machine
    # the load moves within a minute, and "1M within 1.1x of 1k" compared two phases of it.
    for _ in range(args.runs):
        for tickets in sizes:
            t, m = time_app(desks[tickets], True, subjects[tickets])
            ours_t[tickets].append(t)
            ours_m[tickets].append(m)
            floor_t[tickets].append(time_app(desks[tickets], False, subjects[tickets])[0])
    for tickets in sizes:
        ours, floor = statistics.median(ours_t[tickets]), statistics.median(floor_t[tickets])
        results[tickets] = (ours, floor, int(statistics.median(ours_m[tickets])))
        lines.append(ratio_line(f"deskterm vs floor app, {tickets:,} tickets", ours, floor, 1.3))
    big, small = results[args.big], results[args.small]
    lines.append(
        ratio_line(f"deskterm {args.big:,} vs {args.small:,} tickets (time)", big[0], small[0], 1.1)
    )
    lines.append(
        f"{'deskterm resident memory ' + f'{args.big:,} vs {args.small:,}':<58} "
        f"{big[2] / 1024:8.1f} MB / {small[2] / 1024:8.1f} MB = {big[2] / max(small[2], 1):5.2f}x"
        + ("  ok" if big[2] / max(small[2], 1) <= 1.2 else "  OVER target 1.2x")
    )
    if not args.no_keys:
        db = database(args.big)
        _subject, rows = first_subject(db)
        held = hold_j(db, rows)
        lines.append(
            f"{f'1,000 j at {REPEAT_HZ}/s: row 1,000 shown after the last press':<58} "
            f"{held:8.2f} s" + ("  ok" if held < 0.5 else "  lags behind")
        )
    lines.append(f"load average at the end: {os.getloadavg()[0]:.1f}")
    report(lines, "tui")
    os.environ.pop("TMUX", None)


if __name__ == "__main__":
    main()
