"""``--no-color`` / ``NO_COLOR``: a monochrome console whose states still read (symbols and
text attributes), at WCAG AA contrast (4.5:1) measured on what Textual actually renders."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from rich.style import Style
from textual.color import Color
from textual.constants import DIM_FACTOR

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import Changes
from deskterm.tui.app import DeskApp
from deskterm.tui.render import PRIORITY_LABEL, SLA_SYMBOL

from .conftest import NOW, app_for, fixed, rendered, screen_text, settle

AA = 4.5
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")


async def test_no_color_app_is_monochrome_and_states_keep_their_symbols(seeded: Desk) -> None:
    app = app_for(seeded, color=False)
    assert app.no_color and not app.color
    assert "NO_COLOR" not in os.environ  # Textual takes it; nothing leaks to the next app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "‼urgent" in screen_text(app)


async def test_no_color_environment_is_honoured(
    seeded: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(seeded)
    assert app.no_color and not app.color


@pytest.fixture
def every_state(sqlite_desk: Desk) -> Desk:
    """A ticket in each status and each priority, with SLA clocks running, met and paused."""
    start = NOW - timedelta(days=3)
    for n, status in enumerate(STATUSES):
        desk = fixed(sqlite_desk, start + timedelta(hours=n))
        priority = ("urgent", "high", "normal", "low", "normal", "high")[n]
        ticket = tickets.create(desk, subject=f"Ticket {status}", priority=priority)
        if status != "new":
            tickets.reply(desk, ticket.id, "Looking at it.")
        if status in ("pending", "on_hold", "solved"):
            tickets.update(desk, ticket.id, Changes(status=status))
        if status == "closed":
            tickets.update(desk, ticket.id, Changes(status="solved"))
            tickets.close(desk, ticket.id)
    return fixed(sqlite_desk)


def luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(style: Style, default: Style) -> float:
    """WCAG contrast of text in ``style`` as the terminal shows it (reverse swaps; dim blends
    the text towards the background as Textual's dim filter does)."""
    fg = Color.from_rich_color(style.color or default.color)
    bg = Color.from_rich_color(style.bgcolor or default.bgcolor)
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        fg = bg.blend(fg, DIM_FACTOR)
    high, low = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


STATE_WORDS = (
    *STATUSES,
    *PRIORITY_LABEL.values(),
    *(symbol.strip() for symbol in SLA_SYMBOL.values() if symbol.strip()),
)


def state_segments(app: DeskApp) -> list[tuple[str, Style]]:
    found = []
    for line in rendered(app):
        for segment in line:
            words = segment.text.split()
            if segment.style is not None and any(w in STATE_WORDS for w in words):
                found.append((segment.text.strip(), segment.style))
    return found


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_every_state_reads_at_wcag_aa_contrast_without_colour(
    every_state: Desk, size: tuple[int, int]
) -> None:
    app = app_for(every_state, color=False)
    default = Style(color="#e0e0e0", bgcolor="#1e1e1e")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("space", "j")  # a marked row, and the cursor on another
        await settle(pilot)
        seen: dict[str, float] = {}
        for _ in range(len(STATUSES)):
            for text, style in state_segments(app):
                seen[text] = min(seen.get(text, 99.0), contrast(style, default))
            await pilot.press("j")  # every row under the cursor once
            await settle(pilot, rounds=1)
    shown = {word for text in seen for word in text.split()}
    assert set(STATUSES) <= shown and set(PRIORITY_LABEL.values()) <= shown
    low = {text: round(ratio, 2) for text, ratio in seen.items() if ratio < AA}
    assert low == {}, f"below {AA}:1 without colour: {low}"


async def test_the_detail_pane_states_read_without_colour(every_state: Desk) -> None:
    app = app_for(every_state, "status:pending", color=False)
    default = Style(color="#e0e0e0", bgcolor="#1e1e1e")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab")  # focus leaves the list: the detail is drawn as it rests
        await settle(pilot)
        states = state_segments(app)
    assert sum("pending" in text for text, _ in states) >= 2  # the row and the detail
    low = [(t, round(contrast(s, default), 2)) for t, s in states if contrast(s, default) < AA]
    assert low == []
