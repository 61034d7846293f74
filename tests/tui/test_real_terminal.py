"""The installed console in a real terminal (tmux), driven as an agent over SSH drives it.

Each reply or note is typed with its ``ctrl+s`` in ONE ``tmux send-keys`` call, so the
console gets it as one burst, ten times in a row without waiting; every saved body is then
read back through ``deskterm ticket show --format json``. Other tests here hang the terminal
up with text unsent, and run the console where the terminal cannot show Unicode.

tmux runs on a private socket, so nothing here touches another tmux session. Without tmux
the tests are skipped, except with ``CI=true``, where that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.drafts import Drafts

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DESKTERM = Path(sys.executable).with_name("deskterm")
#: How long the console may take to show what a test waits for, on a busy machine.
DEADLINE = 90.0


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """``tmux(*args)`` on a private server; returns stdout. The server dies with the test,
    and its socket file goes with it."""
    if shutil.which("tmux") is None:
        if IN_CI:
            pytest.fail("CI=true but tmux is not installed; the real-terminal tests must run")
        pytest.skip("tmux is not installed (the real-terminal tests need it)")
    socket = f"console-test-{uuid.uuid4().hex[:8]}"

    def run(*args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", socket, *args], capture_output=True, text=True, timeout=30, check=False
        )
        if done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    yield run
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)
    # tmux 3.3a leaves the socket file behind when its server is killed.
    tmp = Path(os.environ.get("TMUX_TMPDIR") or "/tmp")
    (tmp / f"tmux-{os.getuid()}" / socket).unlink(missing_ok=True)


def env_for(desk: Desk, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "DESKTERM_DB": desk.store.url,
        "DESKTERM_AGENT": desk.handle,
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "TERM": "xterm-256color",
        **extra,
    }


def start(tmux: Callable[..., str], env: dict[str, str], *args: str, size: str = "80x24") -> str:
    """Open the console in a new session; returns the session's name."""
    name = f"console-{uuid.uuid4().hex[:6]}"
    width, height = size.split("x")
    settings = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    command = " ".join([str(DESKTERM), *args]) + "; echo CONSOLE-EXIT=$?; sleep 600"
    tmux("new-session", "-d", "-s", name, "-x", width, "-y", height, *settings, command)
    return name


def screen(tmux: Callable[..., str], session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(what: str, check: Callable[[], bool], describe: Callable[[], str]) -> None:
    """Poll ``check`` until it holds; fail with ``describe()`` after DEADLINE seconds."""
    deadline = time.monotonic() + DEADLINE
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}:\n{describe()}")
        time.sleep(0.1)


def shown(desk: Desk, ticket_id: int) -> dict[str, object]:
    done = subprocess.run(
        [str(DESKTERM), "ticket", "show", str(ticket_id), "--format", "json"],
        env={**os.environ, "DESKTERM_DB": desk.store.url, "DESKTERM_AGENT": desk.handle},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data: dict[str, object] = json.loads(done.stdout)
    return data


def thread(desk: Desk, ticket_id: int) -> list[tuple[str, str]]:
    messages = shown(desk, ticket_id)["messages"]
    assert isinstance(messages, list)
    return [(m["kind"], m["body"]) for m in messages]


@pytest.fixture
def ticket(sqlite_desk: Desk) -> int:
    return tickets.create(
        sqlite_desk, subject="VPN drops every hour", body="It drops.", requester="dana@x.io"
    ).id


def test_ten_replies_and_notes_each_typed_in_one_burst_are_saved_complete(
    tmux: Callable[..., str], sqlite_desk: Desk, ticket: int, tmp_path: Path
) -> None:
    session = start(tmux, env_for(sqlite_desk, tmp_path), "tui", f"'id:{ticket}'")
    wait_for(
        "the ticket list",
        lambda: "VPN drops every hour" in screen(tmux, session),
        lambda: screen(tmux, session),
    )
    tmux("send-keys", "-t", session, "Enter")
    wait_for("the ticket", lambda: "Thread" in screen(tmux, session), lambda: screen(tmux, session))
    sent = []
    for n in range(1, 11):
        kind = "reply" if n % 2 else "note"
        body = f"{kind.title()} {n}: please restart the VPN client, then log in again (#{n})."
        sent.append((kind, body))
        tmux("send-keys", "-t", session, "r" if kind == "reply" else "n", body, "C-s")
    wait_for(
        "ten messages in the thread",
        lambda: len(thread(sqlite_desk, ticket)) >= 11,
        lambda: f"{thread(sqlite_desk, ticket)}\n{screen(tmux, session)}",
    )
    assert thread(sqlite_desk, ticket)[1:] == sent
    tmux("send-keys", "-t", session, "Escape")  # (escape then q in one write is alt+q)
    wait_for(
        "the list", lambda: "Thread" not in screen(tmux, session), lambda: screen(tmux, session)
    )
    tmux("send-keys", "-t", session, "q")
    wait_for(
        "the console to quit",
        lambda: "CONSOLE-EXIT=0" in screen(tmux, session),
        lambda: screen(tmux, session),
    )


def test_a_lost_terminal_keeps_the_text_being_written_and_a_restart_offers_it(
    tmux: Callable[..., str], sqlite_desk: Desk, ticket: int, tmp_path: Path
) -> None:
    env = env_for(sqlite_desk, tmp_path)
    session = start(tmux, env, "tui", f"'id:{ticket}'")
    wait_for(
        "the ticket list",
        lambda: "VPN drops every hour" in screen(tmux, session),
        lambda: screen(tmux, session),
    )
    typed = "Half a note, then the SSH link dropped"
    tmux("send-keys", "-t", session, "Enter", "n", typed)
    wait_for(
        "the note on screen", lambda: typed in screen(tmux, session), lambda: screen(tmux, session)
    )
    tmux("kill-session", "-t", session)  # the terminal goes away: SIGHUP
    root = tmp_path / "xdg-state" / "deskterm" / "drafts"
    drafts = Drafts.for_desk(sqlite_desk.store.url, sqlite_desk.handle, root=root)
    wait_for(
        "the draft on disk",
        lambda: drafts.load(ticket, "note") == typed,
        lambda: repr(drafts.load(ticket, "note")),
    )
    assert thread(sqlite_desk, ticket)[1:] == []

    again = start(tmux, env, "tui", f"'id:{ticket}'")
    wait_for(
        "the draft marker in the list",
        lambda: "✎" in screen(tmux, again),
        lambda: screen(tmux, again),
    )
    tmux("send-keys", "-t", again, "Enter", "n")
    wait_for("the draft back", lambda: typed in screen(tmux, again), lambda: screen(tmux, again))
    tmux("send-keys", "-t", again, " - sent after all", "C-s")
    wait_for(
        "the note saved",
        lambda: len(thread(sqlite_desk, ticket)) == 2,
        lambda: screen(tmux, again),
    )
    assert thread(sqlite_desk, ticket)[1] == ("note", typed + " - sent after all")
    assert drafts.load(ticket, "note") is None


def _shell_and_console(tmux: Callable[..., str], session: str) -> tuple[int, int]:
    shell = tmux("list-panes", "-t", session, "-F", "#{pane_pid}").strip()
    children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
    assert len(children) == 1, children
    return int(shell), int(children[0])


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_a_hang_up_that_wakes_a_stopped_console_ends_it(
    tmux: Callable[..., str], sqlite_desk: Desk, ticket: int, tmp_path: Path
) -> None:
    """The kernel sends SIGCONT with SIGHUP when the terminal goes. Textual took every SIGCONT
    for a return from a suspend (SIGTSTP) and started drawing again on the dead terminal;
    the console then never ended (tui/driver.py) when enough was drawn before it left; how
    much was drawn varies, so test_driver.py proves the rule itself and this test the way
    out. Stopping the console before the hang-up makes both signals arrive together."""
    session = start(tmux, env_for(sqlite_desk, tmp_path), "tui")
    wait_for(
        "the ticket list and the footer",
        lambda: "Commands palette" in screen(tmux, session),
        lambda: screen(tmux, session),
    )
    shell, console = _shell_and_console(tmux, session)
    os.kill(console, signal.SIGSTOP)
    tmux("kill-server")
    wait_for("the terminal to go", lambda: not _running(shell), lambda: f"shell {shell}")
    os.kill(console, signal.SIGCONT)
    wait_for("the console to end", lambda: not _running(console), lambda: f"pid {console}")


def test_the_console_draws_in_ascii_where_the_terminal_has_no_unicode(
    tmux: Callable[..., str], sqlite_desk: Desk, ticket: int, tmp_path: Path
) -> None:
    env = env_for(sqlite_desk, tmp_path, LC_ALL="C", PYTHONUTF8="0")
    session = start(tmux, env, "tui")
    # The footer mounts just after the first frame (the list comes first): wait for both.
    wait_for(
        "the ticket list and the footer",
        lambda: (
            "VPN drops every hour" in (shown := screen(tmux, session))
            and "Commands palette" in shown
        ),
        lambda: screen(tmux, session),
    )
    text = screen(tmux, session)
    assert "\\u" not in text and text.isascii(), text
    assert "|Commands palette" in text  # the footer's bar, drawn as | not as \u258f
