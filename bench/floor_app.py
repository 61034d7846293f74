"""The floor for bench_tui.py: the least a Textual app can do to show 50 tickets.

Reads 50 rows with plain sqlite3 and shows them in a DataTable. deskterm's console is timed
against this, in the same terminal, in the same run.
"""

from __future__ import annotations

import sqlite3
import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable


class Floor(App[None]):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("ID", "STATUS", "SUBJECT")
        conn = sqlite3.connect(self.path)
        rows = conn.execute(
            "SELECT id, status, subject FROM tickets ORDER BY updated_at DESC, id DESC LIMIT 50"
        ).fetchall()
        for row in rows:
            table.add_row(*[str(v) for v in row])


if __name__ == "__main__":
    Floor(sys.argv[1]).run()
