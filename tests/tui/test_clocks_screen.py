"""``C``: a ticket's SLA policy and clocks explained in the console (``ticket sla ID``)."""

from __future__ import annotations

from deskterm.domain.desk import Desk
from deskterm.tui.screens.clocks_screen import ClocksScreen
from deskterm.tui.screens.main_screen import MainScreen

from .conftest import app_for, screen_text, settle


async def test_c_explains_the_selected_ticket_s_clocks_and_escape_goes_back(
    clocked: Desk,
) -> None:
    app = app_for(clocked, "id:6")  # the finance share: pending since ten minutes
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, ClocksScreen)
        shown = screen_text(app)
        assert "SLA clocks of #6" in shown and "Access to finance share" in shown
        assert "Round the clock (version 1)" in shown
        assert "normal: resolve 4h 30m" in shown
        assert "State now" in shown and "paused" in shown
        # The timeline: the resolution clock started at creation, paused by pending.
        assert "started" in shown and "created" in shown and "status pending" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_c_on_a_ticket_without_a_policy_says_so(seeded: Desk) -> None:
    app = app_for(seeded, "id:1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, ClocksScreen)
        assert "none (sla_state: none)" in screen_text(app)
