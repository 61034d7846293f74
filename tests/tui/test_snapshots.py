"""Snapshots of the console at the sizes agents use (80x24 over SSH, 120x40 on a laptop).

The desk's clock is fixed and the data deterministic, so each picture only changes when the
console's look does. Regenerate with ``pytest tests/tui --snapshot-update`` and look at the
SVGs (``tests/tui/__snapshots__``) before accepting them.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from deskterm.domain.desk import Desk
from deskterm.domain.kb import articles as kb

from .conftest import app_for, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def steady(pilot: Pilot[None]) -> None:
    """Workers done and no blinking cursor, so the picture is the same every run."""
    await settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


def run_keys(*keys: str):
    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot, rounds=1)
        await steady(pilot)

    return before


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare, seeded: Desk, size) -> None:
    assert snap_compare(app_for(seeded), terminal_size=size, run_before=run_keys("j"))


@pytest.mark.parametrize("color", [True, False], ids=["colour", "no-colour"])
@pytest.mark.parametrize("size", SIZES)
def test_sla_clocks_in_every_state(snap_compare, clocked: Desk, size, color) -> None:
    """The list's SLA column and the detail pane's clocks: ok, warning, breached, met and
    paused, told apart by symbol as well as by colour."""
    app = app_for(clocked, color=color)
    assert snap_compare(app, terminal_size=size, run_before=run_keys("j"))


@pytest.mark.parametrize("size", SIZES)
def test_clocks_screen(snap_compare, clocked: Desk, size) -> None:
    """``C`` on the breached ticket: its policy's terms and its clock's timeline."""
    app = app_for(clocked, "id:4", color=False)
    assert snap_compare(app, terminal_size=size, run_before=run_keys("C"))


@pytest.mark.parametrize("size", SIZES)
def test_ticket_detail(snap_compare, seeded: Desk, size) -> None:
    app = app_for(seeded, "id:3")
    assert snap_compare(app, terminal_size=size, run_before=run_keys("enter"))


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, seeded: Desk, size) -> None:
    assert snap_compare(app_for(seeded), terminal_size=size, run_before=run_keys("question_mark"))


@pytest.mark.parametrize("size", SIZES)
def test_status_picker_filtered(snap_compare, seeded: Desk, size) -> None:
    keys = run_keys("s", "o")
    assert snap_compare(app_for(seeded), terminal_size=size, run_before=keys)


@pytest.mark.parametrize("size", SIZES)
def test_kb_search_results(snap_compare, seeded: Desk, size) -> None:
    kb.add(seeded, title="Resetting the VPN client", body="Reconnect the VPN.", category="Network")
    kb.add(seeded, title="VPN on a phone", body="Install the VPN app first.", category="Network")
    keys = run_keys("K", "v", "p", "n")
    assert snap_compare(app_for(seeded), terminal_size=size, run_before=keys)


@pytest.mark.parametrize("size", SIZES)
def test_filter_error(snap_compare, seeded: Desk, size) -> None:
    keys = run_keys("slash", *"status:opne", "enter")
    assert snap_compare(app_for(seeded), terminal_size=size, run_before=keys)


@pytest.mark.parametrize("size", SIZES)
def test_escalate_screen(snap_compare, seeded: Desk, size) -> None:
    keys = run_keys("e", *"needs a firewall change")
    assert snap_compare(app_for(seeded, "id:6"), terminal_size=size, run_before=keys)


@pytest.mark.parametrize("size", SIZES)
def test_editor_sending(snap_compare, seeded: Desk, size, monkeypatch) -> None:
    """A reply being sent: the editor says so and takes no more keys."""
    import threading

    from deskterm.domain import tickets as domain_tickets

    gate = threading.Event()
    real = domain_tickets.add_message

    def held(*args, **kwargs):
        gate.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(domain_tickets, "add_message", held)

    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("r", *"Please restart the VPN client.", "ctrl+s")
        for area in pilot.app.screen.query(TextArea):
            area.cursor_blink = False
        await pilot.pause()

    app = app_for(seeded, "id:6")
    leave = app.exit

    def exit_releasing_the_send(*args, **kwargs):
        # The screenshot is taken; let the held send finish so the app can shut down now
        # rather than when the gate times out.
        gate.set()
        return leave(*args, **kwargs)

    app.exit = exit_releasing_the_send  # type: ignore[method-assign]
    try:
        assert snap_compare(app, terminal_size=size, run_before=before)
    finally:
        gate.set()


@pytest.mark.parametrize("size", SIZES)
def test_macro_picker_with_preview(snap_compare, seeded: Desk, size) -> None:
    """``M`` filtered to one macro: the reply rendered for the ticket and its changes."""
    from .test_macros_console import with_macros

    with_macros(seeded)
    keys = run_keys("M", *"wait")
    assert snap_compare(app_for(seeded, "id:6"), terminal_size=size, run_before=keys)
