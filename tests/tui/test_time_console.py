"""The editor's "Time spent" field: typed with the reply in one burst and sent with it, a
wrong value refused before anything is sent, and kept with the draft."""

from __future__ import annotations

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.tui.screens.compose_screen import ComposeScreen
from deskterm.tui.screens.detail_screen import DetailScreen

from .conftest import app_for, burst, screen_text, settle

CTRL_S = "\x13"
TAB = "\t"


def _thread(desk: Desk, ticket_id: int) -> list[str]:
    return [m.body for m in tickets.detail(desk, ticket_id).messages[1:]]


async def test_reply_and_time_typed_in_one_burst_are_sent_together(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(pilot, "\rrRestarted the VPN concentrator." + TAB + "1h15m" + CTRL_S)
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "Time spent: 1h15m" in screen_text(app)
    detail = tickets.detail(seeded, 6)
    assert _thread(seeded, 6) == ["Restarted the VPN concentrator."]
    assert (detail.time_spent_seconds, dict(detail.time_by_agent)) == (4500, {"alice": 4500})
    time_entry = [e for e in detail.history if e.field == "time"]
    reply = [e for e in detail.history if e.field == "reply"]
    assert [e.new for e in time_entry] == ["1h15m"]
    assert time_entry[0].version == reply[0].version


async def test_a_note_without_a_time_logs_none(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(pilot, "\rnChecked the logs." + CTRL_S)
        await settle(pilot)
    assert _thread(seeded, 6) == ["Checked the logs."]
    assert tickets.detail(seeded, 6).time_spent_seconds == 0


async def test_a_wrong_time_is_refused_before_sending_and_the_draft_stays(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(pilot, "\rrPlease try again now." + TAB + "half an hour" + CTRL_S)
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert 'Not sent: Invalid time spent "half an hour"' in screen_text(app)
        assert _thread(seeded, 6) == []
        # Corrected in place, it goes.
        await pilot.press("ctrl+u", *"20m", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    assert _thread(seeded, 6) == ["Please try again now."]
    assert tickets.detail(seeded, 6).time_spent_seconds == 1200


async def test_the_time_is_kept_with_the_draft(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(pilot, "\rrHalf written" + TAB + "25m")
        await settle(pilot)
        await pilot.press("escape", "n")  # leave, keeping the draft
        await settle(pilot)
        assert app.drafts.load_time(6, "reply") == "25m"
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.time == "25m"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert tickets.detail(seeded, 6).time_spent_seconds == 1500
    assert app.drafts.load_time(6, "reply") is None


async def test_the_detail_shows_the_requesters_rating(seeded: Desk) -> None:
    tickets.rate(seeded, 2, "bad", comment="Took three days")
    app = app_for(seeded, "id:2")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Satisfaction: bad: Took three days" in screen_text(app)
