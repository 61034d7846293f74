"""Fixtures for the console: a desk with a fixed clock and deterministic tickets.

The clock is fixed and the local zone pinned to UTC, so SLA countdowns, "updated" cells and
snapshots never change between runs or machines.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import shutil
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.segment import Segment
from textual.message_pump import MessagePump
from textual.pilot import Pilot
from textual.rlock import RLock

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import Changes
from deskterm.tui.app import DeskApp, make_app


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests on a fresh event loop (no pytest-asyncio in the dev deps)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture(autouse=True)
def utc_is_local() -> Iterator[None]:
    """The console shows times in the local zone (as the CLI does); pin it for every test."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SUBJECTS = (
    ("VPN drops every 10 minutes", "urgent", "dana@acme.example", "Network L2", ("vpn",)),
    ("Printer on 3rd floor jams", "low", "erin@acme.example", None, ("printer",)),
    ("New laptop for Frank", "normal", "frank@globex.example", None, ("hardware",)),
    ("Outlook keeps asking for password", "high", "gina@acme.example", None, ("email",)),
    ("Disk full on build server", "urgent", "ops@initech.example", "Infrastructure L3", ()),
    ("Access to finance share", "normal", "hank@acme.example", None, ("access",)),
)


def fixed(desk: Desk, when: datetime = NOW) -> Desk:
    return Desk(desk.store, desk.handle, clock=lambda: when)


def _seed_six(desk: Desk) -> None:
    start = NOW - timedelta(hours=len(SUBJECTS))
    for n, (subject, priority, requester, queue, tags) in enumerate(SUBJECTS):
        at = fixed(desk, start + timedelta(hours=n))
        tickets.create(
            at,
            subject=subject,
            body=f"Hello,\n{subject}.\nThanks",
            requester=requester,
            priority=priority,
            queue=queue,
            tags=tags,
            channel="email",
        )
    at = fixed(desk, NOW - timedelta(minutes=30))
    tickets.update(at, 3, Changes(assignee="alice"))
    tickets.note(at, 3, "Ordered from the usual supplier.")
    tickets.update(at, 2, Changes(status="solved"))


def _seed_clocked(desk: Desk) -> None:
    """The six tickets under a 24x7 SLA policy whose targets put, at NOW, one clock in each
    state: VPN and Disk ok, the laptop in warning (4h of 4h30m used), Outlook breached an
    hour ago, the printer met (solved), the finance share paused (pending)."""
    from deskterm.domain.sla import PolicyChanges, add_policy

    add_policy(
        fixed(desk, NOW - timedelta(days=1)),
        "Round the clock",
        PolicyChanges(
            targets={
                "urgent": {"resolution": 8 * 60},
                "high": {"resolution": 2 * 60},
                "normal": {"resolution": 4 * 60 + 30},
                "low": {"resolution": 24 * 60},
            },
            hours={day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
            | {"sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]]},
        ),
    )
    _seed_six(desk)
    tickets.update(fixed(desk, NOW - timedelta(minutes=10)), 6, Changes(status="pending"))


def _seed_many(desk: Desk) -> None:
    start = NOW - timedelta(days=30)
    for n in range(250):
        tickets.create(
            fixed(desk, start + timedelta(minutes=n)),
            subject=f"Ticket number {n + 1}",
            priority=("low", "normal", "high")[n % 3],
        )


def _desk_file(tmp: Path, template: Path, name: str, fill: Callable[[Desk], None]) -> Path:
    path = tmp / f"{name}.db"
    shutil.copyfile(template, path)
    desk = open_desk(f"sqlite:///{path}", "alice")
    try:
        fill(desk)
    finally:
        desk.close()
    return path


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """The ``seeded`` desk, made once per test process (the clock is fixed, so every copy is
    the same desk); each test opens its own copy."""
    return _desk_file(tmp_path_factory.mktemp("tui"), sqlite_template, "seeded", _seed_six)


@pytest.fixture(scope="session")
def clocked_file(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    return _desk_file(tmp_path_factory.mktemp("tui"), sqlite_template, "clocked", _seed_clocked)


@pytest.fixture(scope="session")
def many_file(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    return _desk_file(tmp_path_factory.mktemp("tui"), sqlite_template, "many", _seed_many)


def _copy_of(source: Path, tmp_path: Path) -> Iterator[Desk]:
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    desk = open_desk(f"sqlite:///{target}", "alice")  # the admin
    yield fixed(desk)
    desk.close()


@pytest.fixture
def seeded(seeded_file: Path, tmp_path: Path) -> Iterator[Desk]:
    """Six tickets (two urgent, one assigned to alice, one solved), created an hour apart, with
    SLA due times spread around now, on a desk (its own SQLite file) whose clock is NOW."""
    yield from _copy_of(seeded_file, tmp_path)


@pytest.fixture
def clocked(clocked_file: Path, tmp_path: Path) -> Iterator[Desk]:
    """The ``seeded`` tickets under an SLA policy: at NOW one clock ok, one in warning, one
    breached, one met and one paused (see ``_seed_clocked``)."""
    yield from _copy_of(clocked_file, tmp_path)


@pytest.fixture
def many(many_file: Path, tmp_path: Path) -> Iterator[Desk]:
    """250 tickets (more than two pages of the list), numbered in their subjects."""
    yield from _copy_of(many_file, tmp_path)


Settle = Callable[[Pilot[None]], Awaitable[None]]


async def settle(pilot: Pilot[None], rounds: int = 1) -> None:
    """Wait until the console has nothing left to do: every worker finished, every message
    handled, every timer the console started (a debounce) fired, and what those set off
    finished too. It waits for those events themselves, never for a fixed time.

    Quiet means a whole round (wait for the workers and the console's timers, then for every
    widget of the screen to handle what is queued for it) that starts and ends with nothing
    running, queued or due. ``rounds`` is how many such rounds in a row to see (1 is enough:
    whatever a handler starts during a round is seen at its end). A last repaint
    (``_repaint``: ``pilot.pause()`` without its idle wait) lays out and paints the screen,
    so what a test reads is what a terminal would show."""
    from textual.worker import WorkerCancelled

    app = pilot.app
    quiet = 0
    for _ in range(1000):
        busy_before = _busy(app)
        for worker in list(app.workers):
            with contextlib.suppress(WorkerCancelled):  # replaced by a newer exclusive one
                await worker.wait()
        timers = _console_timers(app)
        if timers:
            await asyncio.wait(timers)
        await _handled(pilot)  # each widget handled its queue
        if busy_before is None and _busy(app) is None:
            quiet += 1
            if quiet >= rounds:
                await _repaint(pilot)
                return
        else:
            quiet = 0
    raise AssertionError(f"the console never settled: {_busy(app)}")


async def _repaint(pilot: Pilot[None]) -> None:
    """What ``Pilot.pause()`` does without its idle wait: let every queue empty, then lay out
    and paint the screen as the screen's update timer would. ``pause()`` first sleeps 20 ms
    at a time until the process is idle (at least 20 ms, at every key press and every
    settle, and longer on a busy machine); the events it waits for are waited for here."""
    await _handled(pilot)
    pilot.app.screen._on_timer_update()


async def _handled(pilot: Pilot[None]) -> None:
    """Wait until the app and every widget of its screens have handled their messages and
    callbacks, and what handling them queued: ``Pilot``'s own wait, repeated until a round
    starts and ends with every queue empty. Callbacks that wait for the next repaint
    (``call_after_refresh``) get it now, as the screen's update timer would give it."""
    app = pilot.app
    for _ in range(1000):
        before = _queued(app)
        if app.screen._callbacks:  # they wait for the next repaint: do it now
            app.screen._on_timer_update()
        await pilot._wait_for_screen()
        if before is None and _queued(app) is None:
            break
    else:
        raise AssertionError(f"the console never emptied its queues: {_queued(app)}")


def _queued(app: DeskApp) -> str | None:
    """What the app still has queued (a message, a callback), or None."""
    for screen in app.screen_stack:
        if screen._callbacks:
            return f"{screen!r} has callbacks to run after its refresh"
    for node in _nodes(app):
        if node.message_queue_size or node._next_callbacks:
            return f"{node!r} has messages queued"
    return None


def _nodes(app: DeskApp) -> list[MessagePump]:
    nodes: list[MessagePump] = [app]
    for screen in app.screen_stack:
        nodes.extend(screen.walk_children(with_self=True))
    return nodes


def _console_timers(app: DeskApp) -> list[asyncio.Task[None]]:
    """The console's own one-shot timers that have not fired yet. Textual's timers (a
    notification's expiry, a cursor's blink) are not the console's work and are left out.
    ``_timers`` and a timer's ``_task`` are Textual's internals: a Textual upgrade that
    renames them fails here with an AttributeError, not silently."""
    tasks = []
    for node in _nodes(app):
        if not type(node).__module__.startswith("deskterm."):
            continue
        for timer in list(node._timers):
            task = timer._task
            if task is not None and not task.done() and timer._repeat == 0:
                tasks.append(task)
    return tasks


def _busy(app: DeskApp) -> str | None:
    """What the console is still doing (a worker, a queued message or callback, a pending
    timer of its own), or None."""
    if len(app.workers):
        return f"workers {[w.name for w in app.workers]}"
    queued = _queued(app)
    if queued is not None:
        return queued
    if _console_timers(app):
        return "a console timer has not fired yet"
    for node in _nodes(app):
        # A widget holds its lock while it updates in a task of its own, outside every queue:
        # a Markdown document parsing and mounting its blocks (the knowledge-base article).
        lock = getattr(node, "lock", None)
        if isinstance(lock, RLock) and lock.is_locked:
            return f"{node!r} is in the middle of an update"
    return None


def app_for(
    desk: Desk, query: str = "", *, color: bool = True, live: float | None = None
) -> DeskApp:
    """The console on ``desk``; without its timer looking for others' changes (a test calls
    ``app.live.poll()`` when it wants to), so that no test depends on when a timer fires."""
    return make_app(desk, query=query, color=color, live=live)


def screen_text(app: DeskApp) -> str:
    """What is on the terminal, as plain text (from the SVG export's text)."""
    import html
    import re

    svg = app.export_screenshot()
    lines = re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)
    return html.unescape("".join(lines)).replace("\xa0", " ")


def burst(pilot: Pilot[None], typed: str) -> None:
    """Deliver ``typed`` as one write to the terminal (a burst over SSH, a fast typist): the
    bytes go through Textual's own terminal parser and every key reaches the app's queue
    before the app handles the first, as the driver's input thread delivers them.

    ``typed`` is what the terminal sends: ``"\\x13"`` is ctrl+s, ``"\\r"`` enter."""
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    events = [*parser.feed(typed), *parser.tick()]
    driver = pilot.app._driver
    assert driver is not None
    for event in events:
        driver.process_message(event)


def notified(app: DeskApp) -> list[str]:
    """The notifications the app has raised and not yet timed out, as "title: message"
    (``run_test`` does not draw toasts, so they are read from the app)."""
    return [f"{n.title}: {n.message}" if n.title else n.message for n in app._notifications]


def rendered(app: DeskApp) -> list[list[Segment]]:
    """The screen as Textual renders it for the terminal, line by line (after its line
    filters: monochrome, ASCII), as segments with their final styles."""
    update = app.screen._compositor.render_update(full=True)
    return [[segment for strip in line for segment in strip] for line in update.strips]
