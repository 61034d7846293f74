"""Keys that arrive in one burst (SSH, a fast typist) do exactly what they say, in order.

``burst`` delivers the bytes a terminal would send in one write through Textual's own parser
and driver, so every key is queued before the first is handled; ``pilot.press`` with many
keys is checked too. Each test reads the result back from the desk.
"""

from __future__ import annotations

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.kb import articles as kb
from deskterm.domain.tickets import read as ticket_read
from deskterm.domain.views.saved import list_views
from deskterm.tui.screens.compose_screen import ComposeScreen
from deskterm.tui.screens.confirm import ConfirmScreen
from deskterm.tui.screens.detail_screen import DetailScreen
from deskterm.tui.screens.main_screen import MainScreen

from .conftest import app_for, burst, notified, settle

CTRL_S = "\x13"
CTRL_K = "\x0b"


def bodies(desk: Desk, ticket_id: int) -> list[tuple[str, str]]:
    return [(m.kind, m.body) for m in ticket_read.detail(desk, ticket_id).messages[1:]]


async def test_reply_typed_and_sent_in_one_burst_is_saved_complete(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(pilot, "\rrPlease restart the client, then try again." + CTRL_S)
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    assert bodies(seeded, 6) == [("reply", "Please restart the client, then try again.")]


async def test_several_notes_and_replies_in_one_burst_each_keep_their_own_text(
    seeded: Desk,
) -> None:
    sent = [
        ("note", "Checked RADIUS: five failed logins."),
        ("reply", "Please reset your password and try again."),
        ("note", "Escalating if this repeats."),
        ("reply", "Any luck? Reply here if not."),
    ]
    typed = "".join(("n" if kind == "note" else "r") + text + CTRL_S for kind, text in sent)
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(pilot, "\r" + typed)
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    assert bodies(seeded, 6) == sent


async def test_pilot_pressing_a_whole_reply_and_ctrl_s_saves_it(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "r", *"On it: resetting the share now.", "ctrl+s")
        await settle(pilot)
    assert bodies(seeded, 6) == [("reply", "On it: resetting the share now.")]


async def test_a_second_ctrl_s_while_the_first_is_saving_sends_once(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(pilot, "\rrOnly once please" + CTRL_S + CTRL_S + CTRL_S)
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert notified(app) == ["Reply saved on #6; mail queued"]
    assert bodies(seeded, 6) == [("reply", "Only once please")]


async def test_status_picker_takes_the_filter_typed_in_the_same_burst(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(pilot, "ssol\r")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert ticket_read.get(seeded, 6).status == "solved"


async def test_plow_then_enter_sets_low_never_urgent(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(pilot, "plow\r")
        await settle(pilot)
    assert ticket_read.get(seeded, 6).priority == "low"


async def test_pickers_that_load_their_options_take_the_burst_too(seeded: Desk) -> None:
    """``A`` and ``m`` read agents and queues before the picker opens; the keys wait."""
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(pilot, "Abob\rmNetwork\rtfinance\r")
        await settle(pilot)
    ticket = ticket_read.get(seeded, 6)
    assert (ticket.assignee, ticket.queue) == ("bob", "Network L2")
    assert "finance" in ticket.tags


async def test_filter_typed_in_a_burst_filters_and_opens_no_picker(seeded: Desk) -> None:
    before = [ticket_read.get(seeded, i) for i in range(1, 7)]
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(pilot, "/priority:urgent status:new\r")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_text == "priority:urgent status:new"
        assert {t.id for t in app.screen.table.tickets} == {1, 5}
    assert [ticket_read.get(seeded, i) for i in range(1, 7)] == before


async def test_saving_a_view_in_a_burst_names_it_as_typed(seeded: Desk) -> None:
    app = app_for(seeded, "priority:>=high")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(pilot, "SHot tickets\r")
        await settle(pilot)
    assert [v.name for v in list_views(seeded)] == ["Hot tickets"]


async def test_marks_picker_and_confirm_in_one_burst(seeded: Desk) -> None:
    app = app_for(seeded, "-status:solved")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        marked = [t.id for t in app.screen.table.tickets[:2]]
        burst(pilot, "  plow\ry")
        await settle(pilot)
    assert [ticket_read.get(seeded, i).priority for i in marked] == ["low", "low"]


async def test_escalate_with_a_reason_in_one_burst(seeded: Desk) -> None:
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(pilot, "eneeds a firewall change\r")
        await settle(pilot)
    assert ticket_read.get(seeded, 6).queue == "Network L2"
    assert ticket_read.detail(seeded, 6).messages[-1].body.endswith(": needs a firewall change")


async def test_take_then_reply_in_one_burst_replies_on_the_ticket_taken(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(pilot, "TrLooking at it now." + CTRL_S)
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        taken = app.screen.ticket.id
    assert ticket_read.get(seeded, taken).assignee == "alice"
    assert bodies(seeded, taken)[-1] == ("reply", "Looking at it now.")


async def test_kb_article_inserted_and_sent_in_one_burst(seeded: Desk) -> None:
    kb.add(seeded, title="Resetting the VPN client", body="Reconnect to **gateway-2**.")
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(pilot, "\rrHi," + CTRL_K + "vpn\ri" + CTRL_S)
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    assert bodies(seeded, 6) == [
        ("reply", "Hi,\n\nResetting the VPN client\n\nReconnect to gateway-2.")
    ]


async def test_keys_after_a_refused_send_are_dropped_not_run_elsewhere(seeded: Desk) -> None:
    """A stale send asks to reload; the keys typed after ctrl+s were meant for the ticket
    screen and must not answer that question or act on the list."""
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "r", *"first")
        await settle(pilot)
        bob = Desk(seeded.store, "bob", clock=seeded.clock)
        tickets.update(bob, 6, tickets.Changes(status="pending"))
        burst(pilot, CTRL_S + "yes")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # "Reload?" waits for a real answer
        await pilot.press("n")
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.text == "first"
    assert bodies(seeded, 6) == []
    assert ticket_read.get(seeded, 6).status == "pending"


async def test_a_kb_search_that_fails_does_not_hold_the_keyboard(
    seeded: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskterm.domain import kb as domain_kb  # the surface the console uses
    from deskterm.errors import StoreUnavailable

    def down(*args: object, **kwargs: object) -> list[object]:
        raise StoreUnavailable("cannot use database: the server went away")

    monkeypatch.setattr(domain_kb, "search_articles", down)
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(pilot, "Kvpn\r")
        await settle(pilot)
        assert any(n.startswith("The desk cannot be reached") for n in notified(app))
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert app.typeahead.waiting == 0
