"""``M``: the macro picker filters as you type, previews the reply and the changes for the
ticket in view, applies on enter (one change), cancels on escape; keys typed in a burst go
to the picker."""

from __future__ import annotations

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.macros import MacroSpec, add_macro
from deskterm.tui.screens.macro_screen import MacroScreen

from .conftest import app_for, burst, notified, screen_text, settle

WAITING = MacroSpec(
    body="Hi {{ requester.first_name }},\n\ncould you send us a screenshot of the error?\n\n"
    "{{ agent.handle }}",
    status="pending",
    add_tags=("waiting",),
)


def with_macros(desk: Desk) -> Desk:
    add_macro(desk, "Waiting for your reply", WAITING, shared=True)
    add_macro(
        desk,
        "Closing as resolved",
        MacroSpec(body="Glad it works again, {{ requester.first_name }}.", status="solved"),
        shared=True,
    )
    add_macro(desk, "Checked logs", MacroSpec(kind="note", body="Logs checked."))
    return desk


async def test_m_previews_the_rendered_reply_and_changes_then_enter_applies(seeded: Desk) -> None:
    with_macros(seeded)
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, MacroScreen)
        await pilot.press(*"wait")
        await settle(pilot)
        assert [m.name for m in app.screen.shown] == ["Waiting for your reply"]
        text = screen_text(app)
        assert "PUBLIC REPLY" in text
        assert "Hi Hank," in text and "could you send us a screenshot" in text
        assert "status: new → pending" in text
        assert "tags: +waiting" in text
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, MacroScreen)
    detail = tickets.detail(seeded, 6)
    assert detail.ticket.status == "pending"
    assert "waiting" in detail.ticket.tags
    assert detail.messages[-1].kind == "reply"
    assert detail.messages[-1].body.startswith("Hi Hank,\n\ncould you send us")
    assert detail.ticket.version == 2
    assert detail.history[-1].field == "macro"


async def test_escape_closes_the_picker_and_changes_nothing(seeded: Desk) -> None:
    with_macros(seeded)
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        await pilot.press("down", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, MacroScreen)
    assert tickets.get(seeded, 6).version == 1


async def test_a_burst_of_keys_reaches_the_picker_and_applies_the_filtered_macro(
    seeded: Desk,
) -> None:
    with_macros(seeded)
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(pilot, "Mclosing\r")
        await settle(pilot)
        assert not isinstance(app.screen, MacroScreen)
    ticket = tickets.get(seeded, 6)
    assert ticket.status == "solved"


async def test_a_macro_the_ticket_lacks_a_value_for_says_so_and_is_not_applied(
    seeded: Desk,
) -> None:
    add_macro(seeded, "Hello", MacroSpec(body="Hello {{ organization.name }}"))
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert "Cannot apply" in screen_text(app)
        assert "organization.name" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MacroScreen)
    assert tickets.get(seeded, 6).version == 1


async def test_m_without_macros_says_how_to_add_one(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert not isinstance(app.screen, MacroScreen)
        assert any("deskterm macro add" in n for n in notified(app))
