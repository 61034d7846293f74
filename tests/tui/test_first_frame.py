"""Start-up: the first frame holds the list alone; the rest comes after, and keys typed
before it has come are handled in order, not lost (issue 16).

The first page is held back here (its read waits on an event) so that the keys certainly
arrive while the console is still starting.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.tui.app import make_app
from deskterm.tui.screens.main_screen import MainScreen
from deskterm.tui.widgets.ticket_table import TicketTable

from .conftest import app_for, burst, notified, screen_text, settle


@pytest.fixture
def page_held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The console's page reads wait until the returned event is set."""
    go = threading.Event()
    real = tickets.list_page

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        go.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(tickets, "list_page", held)
    yield go
    go.set()


async def test_the_first_frame_holds_the_list_and_the_rest_comes_after(
    seeded: Desk, page_held: threading.Event
) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.query_one(TicketTable) is not None
        # Blank places of their size instead of the detail pane and the footer.
        assert [w.id for w in screen.query("#detail, #filter, Footer")] == []
        assert len(screen.query("#detail-slot, #footer-slot")) == 2
        page_held.set()
        await settle(pilot)
        assert screen.started
        assert len(screen.query("#detail-slot, #footer-slot")) == 0
        assert [w.id for w in screen.query("#filter, #detail")] == ["filter", "detail"]
        text = screen_text(app)
        assert "Filter" in text  # the footer's keys
        assert "REQUESTER WROTE" in text  # the detail pane shows the selected ticket


async def test_the_main_screen_is_the_apps_own_first_screen(seeded: Desk) -> None:
    """Not pushed over a blank one from the app's on_mount: Textual paints nothing until the
    app has mounted, and a screen pushed from there mounted inside that, so its first frame
    (the list) was drawn, dropped, and reached the terminal only after the rest of start-up
    (issue 16: about 50 ms of the first frame)."""
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(app.screen_stack) == 1
        assert isinstance(app.screen, MainScreen)
        assert app.screen.started


async def test_keys_typed_during_start_up_are_handled_in_order_once_it_is_up(
    seeded: Desk, page_held: threading.Event
) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        # The filter bar is not there yet: "/" must wait for it, and what follows for "/".
        burst(pilot, "/priority:urgent\r")
        await pilot.pause()
        assert not screen.started
        assert app.typeahead.waiting > 0
        page_held.set()
        await settle(pilot)
        table = screen.query_one(TicketTable)
        assert table.query_text == "priority:urgent"
        assert [t.priority for t in table.tickets] == ["urgent", "urgent"]
        assert screen.query_one("#filter").display is False
        assert app.typeahead.waiting == 0


async def test_moves_typed_before_the_first_page_act_on_it(
    seeded: Desk, page_held: threading.Event
) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        burst(pilot, "jj")
        await pilot.pause()
        page_held.set()
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        assert len(table.tickets) == 6
        assert table.cursor_row == 2


async def test_quitting_during_start_up_quits(seeded: Desk, page_held: threading.Event) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(pilot, "q")
        assert app.return_code is None  # still starting: "q" waits
        page_held.set()
        await settle(pilot)
        assert app.return_code == 0  # then it quits


async def test_a_first_page_that_breaks_still_lets_the_keys_through(
    seeded: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(tickets, "list_page", broken)
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.started
        assert any("disk on fire" in n for n in notified(app))
        burst(pilot, "q")
        await settle(pilot)
        assert app.return_code == 0


def test_what_the_first_frame_imports_leaves_out_the_objects_it_does_not_show() -> None:
    """The modules the console imports before its first frame (cli/entry.py's quick path,
    the app, the main screen) leave the thread, knowledge-base, view, agent and queue objects
    to be built on first use (``models_read``, ``models_more``: half a millisecond a class),
    and import no database library."""
    code = (
        "import sys\n"
        "import deskterm.cli.entry, deskterm.config, deskterm.domain.tickets.quick\n"
        "import deskterm.tui.app, deskterm.tui.screens.main_screen\n"
        "late = ('deskterm.domain.models_read', 'deskterm.domain.models_more', 'sqlalchemy',"
        " 'pydantic', 'alembic', 'typer')\n"
        "print(sorted(m for m in late if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


async def test_a_collector_held_for_start_up_is_back_on_once_the_screen_is_complete(
    seeded: Desk,
) -> None:
    """cli/entry.py turns the cyclic garbage collector off while the console starts (a full
    collection landed in the middle of the first frame); the app turns it back on, with what
    start-up made frozen out of its walks, once the main screen is complete."""
    app = make_app(seeded, live=None, collector_held=True)
    gc.disable()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, MainScreen) and app.screen.started
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0
    finally:
        gc.enable()
        gc.unfreeze()
