"""Fixtures for the console: a desk with a fixed clock and deterministic tickets.

The clock is fixed and the local zone pinned to UTC, so SLA countdowns, "updated" cells and
snapshots never change between runs or machines.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from rich.segment import Segment
from textual.pilot import Pilot

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
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


@pytest.fixture
def seeded(sqlite_desk: Desk) -> Desk:
    """Six tickets (two urgent, one assigned to alice, one solved), created an hour apart, with
    SLA due times spread around now, on a desk whose clock is NOW."""
    start = NOW - timedelta(hours=len(SUBJECTS))
    for n, (subject, priority, requester, queue, tags) in enumerate(SUBJECTS):
        at = fixed(sqlite_desk, start + timedelta(hours=n))
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
    at = fixed(sqlite_desk, NOW - timedelta(minutes=30))
    tickets.update(at, 3, Changes(assignee="alice"))
    tickets.note(at, 3, "Ordered from the usual supplier.")
    tickets.update(at, 2, Changes(status="solved"))
    return fixed(sqlite_desk)


@pytest.fixture
def many(sqlite_desk: Desk) -> Desk:
    """250 tickets (more than two pages of the list), numbered in their subjects."""
    start = NOW - timedelta(days=30)
    for n in range(250):
        tickets.create(
            fixed(sqlite_desk, start + timedelta(minutes=n)),
            subject=f"Ticket number {n + 1}",
            priority=("low", "normal", "high")[n % 3],
        )
    return fixed(sqlite_desk)


Settle = Callable[[Pilot[None]], Awaitable[None]]


async def settle(pilot: Pilot[None], rounds: int = 3) -> None:
    """Let every worker finish and every message land (workers start workers; the detail pane
    waits a moment after the cursor stops)."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)
    await pilot.pause(0.2)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def app_for(desk: Desk, query: str = "", *, color: bool = True) -> DeskApp:
    return make_app(desk, query=query, color=color)


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
