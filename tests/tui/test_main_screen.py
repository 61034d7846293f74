"""The main screen: the list, moving, views, the filter bar, help, palette and quit."""

from __future__ import annotations

import time

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.domain.views.saved import list_views, save_view
from deskterm.tui.screens.confirm import ConfirmScreen
from deskterm.tui.screens.detail_screen import DetailScreen
from deskterm.tui.screens.help_screen import HelpScreen
from deskterm.tui.screens.main_screen import MainScreen
from deskterm.tui.widgets.ticket_table import TicketTable

from .conftest import app_for, notified, screen_text, settle


def table(app) -> TicketTable:
    return app.screen.query_one(TicketTable)


async def test_list_shows_tickets_in_the_cli_default_order(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        ids = [t.id for t in table(app).tickets]
        assert ids == [t.id for t in ticket_read.list_page(seeded, "", limit=50).items]
        text = screen_text(app)
        assert "VPN drops every 10 minutes" in text
        assert "All tickets" in text


async def test_times_are_shown_in_the_local_zone(
    seeded: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")  # 09:00 UTC is 04:00 there, on 11-20
    time.tzset()
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        # "VPN drops..." was created 03:00 UTC: 22:00 the evening before, in New York.
        vpn = next(line for line in text.splitlines() if "VPN drops" in line)
        assert "11-19 22:00" in vpn
        # The disk ticket, 07:00 UTC, is today there: 02:00.
        disk = next(line for line in text.splitlines() if "Disk full" in line)
        assert "02:00" in disk and "07:00" not in disk
        await pilot.press("enter")
        await settle(pilot)
        # The detail of the top ticket, #3, created 05:00 UTC: midnight in New York.
        detail = screen_text(app)
        assert "New laptop for Frank" in detail
        assert "2026-11-20 00:00" in detail and "2026-11-20 05:00" not in detail


async def test_j_k_g_G_move_the_cursor(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        t = table(app)
        await pilot.press("j", "j")
        assert t.cursor_row == 2
        await pilot.press("k")
        assert t.cursor_row == 1
        await pilot.press("G")
        await settle(pilot)
        assert t.cursor_row == len(t.tickets) - 1
        await pilot.press("g")
        await settle(pilot)
        assert t.cursor_row == 0


async def test_list_pages_by_keyset_and_never_loads_everything(many: Desk) -> None:
    app = app_for(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        t = table(app)
        assert len(t.tickets) == 100
        t.move_cursor(row=90)  # pressing j 90 times is slow under Pilot, not in the app
        for _ in range(5):
            await pilot.press("j")
        await settle(pilot)
        assert len(t.tickets) == 200
        assert t.current is not None and t.current.subject == "Ticket number 155"
        await pilot.press("G")
        await settle(pilot)
        assert t.current is not None and t.current.subject == "Ticket number 1"
        assert len(t.tickets) == 100
        await pilot.press("g")
        await settle(pilot)
        assert t.current is not None and t.current.subject == "Ticket number 250"


async def test_moving_up_from_the_last_page_loads_the_page_before(many: Desk) -> None:
    app = app_for(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        t = table(app)
        t.move_cursor(row=15)
        for _ in range(5):
            await pilot.press("k")
        await settle(pilot)
        assert len(t.tickets) == 200
        assert t.current is not None and t.current.subject == "Ticket number 90"
        assert t.cursor_row == 110


async def test_valid_filter_applies_and_is_remembered(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"priority:urgent")
        await pilot.press("enter")
        await settle(pilot)
        assert {t.priority for t in table(app).tickets} == {"urgent"}
        assert len(table(app).tickets) == 2
        assert app.filter_history == ["priority:urgent"]
        assert app.screen.query_one("#filter").display is False


async def test_invalid_filter_shows_the_caret_and_leaves_the_list(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = [t.id for t in table(app).tickets]
        await pilot.press("slash")
        await pilot.press(*"bogus:1")
        await pilot.press("enter")
        await settle(pilot)
        assert [t.id for t in table(app).tickets] == before
        text = screen_text(app)
        assert "bogus" in text and "^" in text
        await pilot.press("escape")
        assert app.screen.query_one("#filter").display is False


async def test_filter_completes_field_names_and_values_with_tab(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"prio", "tab")
        field = app.screen.query_one("#filter-input")
        assert field.value == "priority:"
        await pilot.press(*"urg", "tab")
        assert field.value == "priority:urgent "
        await pilot.press(*"queue:Net", "tab")
        assert field.value == 'priority:urgent queue:"Network L2" '


async def test_filter_history_walks_with_up(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for query in ("tag:vpn", "priority:low"):
            await pilot.press("slash", "ctrl+u", *query, "enter")
            await settle(pilot)
        await pilot.press("slash", "ctrl+u", "up")
        assert app.screen.query_one("#filter-input").value == "priority:low"
        await pilot.press("up")
        assert app.screen.query_one("#filter-input").value == "tag:vpn"


async def test_number_keys_pick_saved_views_with_counts(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # My tickets
        await settle(pilot)
        assert [t.id for t in table(app).tickets] == [3]
        await pilot.press("3")  # Unassigned
        await settle(pilot)
        assert 3 not in [t.id for t in table(app).tickets]
        assert 2 not in [t.id for t in table(app).tickets]  # solved
        assert "Unassigned 4" in screen_text(app)


async def test_wide_screen_shows_the_detail_of_the_selected_ticket(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        current = table(app).current
        assert current is not None
        assert app.screen.query_one("#detail").detail.ticket.id == current.id


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_enter_opens_the_ticket_and_escape_goes_back(seeded: Desk, size) -> None:
    app = app_for(seeded)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        text = screen_text(app)
        assert "Thread" in text and "REQUESTER WROTE" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_narrow_screen_folds_sidebar_and_detail(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        assert app.screen.query_one("#sidebar").region.width == 0
        assert app.screen.query_one("#detail").region.height == 0
        assert "Views" not in screen_text(app)
        assert "VPN drops" in screen_text(app)


async def test_question_mark_lists_the_keys(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in ("Reply", "Assign to me", "Take next", "Filter"):
            assert words in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_ctrl_p_palette_runs_actions_by_name(seeded: Desk) -> None:
    from textual.command import CommandPalette

    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Unassigned")
        await settle(pilot)  # the palette searches its providers in a worker
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_text == "is:unassigned is:unsolved"


async def test_q_quits_from_the_main_screen(seeded: Desk) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


async def test_opens_with_the_query_given_on_the_command_line(seeded: Desk) -> None:
    app = app_for(seeded, "tag:printer")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert [t.id for t in table(app).tickets] == [2]


async def test_quick_first_page_is_shown_and_paging_continues_on_the_desk(many: Desk) -> None:
    """`deskterm` on an SQLite desk: rows from plain sqlite3 first, the desk opened later."""
    from deskterm.domain.tickets import first_page
    from deskterm.tui.app import make_app
    from deskterm.tui.widgets.ticket_table import PAGE_SIZE

    page = first_page(many.store.url, "alice", limit=PAGE_SIZE)
    assert page is not None
    opened: list[bool] = []

    def open_desk() -> Desk:
        opened.append(True)
        return many

    app = make_app(open_desk, first_page=page)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert [t.id for t in table(app).tickets] == [t.id for t in page.items]
        assert page.items[0].subject[:20] in screen_text(app)
        await settle(pilot)
        t = table(app)
        t.move_cursor(row=95)
        for _ in range(5):
            await pilot.press("j")
        await settle(pilot)
        assert len(t.tickets) == 200  # the next page came through the real desk
        assert opened == [True]


async def test_S_saves_the_current_filter_as_a_view_in_the_sidebar(seeded: Desk) -> None:
    app = app_for(seeded, "priority:>=high")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await pilot.pause()
        await pilot.press(*"Hot")
        await pilot.press("enter")
        await settle(pilot)
        assert [(v.name, v.query) for v in list_views(seeded)] == [("Hot", "priority:>=high")]
        assert "Hot" in screen_text(app)
        assert 'Saved view "Hot"' in notified(app)


async def test_saving_under_a_taken_name_asks_before_replacing(seeded: Desk) -> None:
    save_view(seeded, "Hot", "priority:urgent")
    app = app_for(seeded, "priority:>=high")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S", *"Hot", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "already exists (priority:urgent)" in app.screen.question.plain
        await pilot.press("n")
        await settle(pilot)
        assert [v.query for v in list_views(seeded)] == ["priority:urgent"]
        await pilot.press("S", *"Hot", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert [v.query for v in list_views(seeded)] == ["priority:>=high"]


async def test_adding_a_view_moves_no_number_key(seeded: Desk) -> None:
    save_view(seeded, "Zulu", "tag:vpn")
    app = app_for(seeded, "priority:>=high")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = [v.label for v in app.screen.views]
        await pilot.press("S", *"Alpha", "enter")
        await settle(pilot)
        after = [v.label for v in app.screen.views]
        assert after == [*before, "Alpha"]
        await pilot.press(str(after.index("Zulu") + 1))
        await settle(pilot)
        assert app.screen.query_text == "tag:vpn"


async def test_a_write_re_reads_only_the_counts_it_can_change(
    seeded: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskterm.domain import tickets as reads  # the surface the console uses

    counted: list[str] = []
    real = reads.count

    def count(desk, query=""):
        counted.append(query)
        return real(desk, query)

    monkeypatch.setattr(reads, "count", count)
    tickets.update(seeded, 6, tickets.Changes(status="open"))  # (assigning a new one opens it)
    app = app_for(seeded, "id:6")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        counted.clear()
        await pilot.press("a")  # assign to me: only who-owns-it views can change
        await settle(pilot)
        assert sorted(counted) == sorted(["is:mine is:unsolved", "is:unassigned is:unsolved"])
        assert "My tickets 2" in screen_text(app)
        counted.clear()
        await pilot.press("t", *"printer", "enter")  # a tag: no view here filters on tags
        await settle(pilot)
        assert counted == []
