"""The summary report through SQLAlchemy (both backends): the statements and the arithmetic
are ``figures``', shared with the light reader."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import text

from deskterm.domain.desk import Desk
from deskterm.domain.reports.figures import Summary, compute


def summary(desk: Desk, *, since: datetime | None = None, until: datetime | None = None) -> Summary:
    """The plain summary report for ``[since, until)``; InvalidInput if since >= until."""
    with desk.store.read() as conn:
        hidden = desk.hidden_queues(conn)

        def run(sql: str, values: Mapping[str, object]) -> list[Any]:
            return list(conn.execute(text(sql), dict(values)).all())

        return compute(run, conn.dialect.name, since=since, until=until, hidden=hidden)
