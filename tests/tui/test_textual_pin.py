"""What ``TicketTable._update_dimensions`` relies on in Textual, pinned to the versions checked.

``widgets/ticket_table.py`` overrides the private ``DataTable._update_dimensions`` so that a new
page's cells are not measured when no column sizes to its cells (7 to 12 ms of the first frame
on a page of 100 rows). When Textual changes minor version these tests fail on purpose: read
the new ``DataTable._update_dimensions`` (what it sets besides column widths and
``virtual_size``), check the override against it, then widen ``CHECKED_TEXTUAL``.
The snapshot tests (``test_snapshots.py``) prove the list still looks the same.
"""

from __future__ import annotations

import inspect

import textual
from textual.widgets import DataTable

from deskterm.domain.desk import Desk
from deskterm.tui.widgets.ticket_table import COLUMNS, TicketTable

from .conftest import app_for, settle

#: Textual minor versions the override was checked against.
CHECKED_TEXTUAL = ("8.2",)


def test_the_installed_textual_is_one_the_override_was_checked_against() -> None:
    minor = ".".join(textual.__version__.split(".")[:2])
    assert minor in CHECKED_TEXTUAL, (
        f"textual {textual.__version__} is installed; TicketTable._update_dimensions was "
        f"checked against {', '.join(CHECKED_TEXTUAL)}: re-read DataTable._update_dimensions"
    )


def test_textual_still_has_what_the_override_uses() -> None:
    source = inspect.getsource(DataTable._update_dimensions)
    # Measuring only widens auto-width columns and the label column; rows of automatic
    # height are the only other work; the rest is virtual_size from these names.
    for name in (
        "column.content_width = max(",
        "self._label_column.content_width = max(",
        "row.auto_height",
        "self._labelled_row_exists = True",
        "column.get_render_width(self)",
        "self._row_label_column_width",
        "self._total_row_height + header_height",
    ):
        assert name in source, f"DataTable._update_dimensions no longer has {name!r}"
    assert "def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:" in source


def test_every_list_column_has_a_fixed_width() -> None:
    assert all(width for _, _, width in COLUMNS)


async def test_the_override_sizes_the_list_as_textual_does(many: Desk) -> None:
    app = app_for(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        assert len(table.tickets) >= 100
        assert not any(column.auto_width for column in table.columns.values())
        ours = table.virtual_size
        widths = [column.get_render_width(table) for column in table.columns.values()]
        DataTable._update_dimensions(table, list(table.rows))
        assert table.virtual_size == ours
        assert [column.get_render_width(table) for column in table.columns.values()] == widths
        assert not table._labelled_row_exists
