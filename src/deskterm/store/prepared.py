"""Compiled SQL for statements that repeat with new values, run straight on the driver.

A list page is the hottest read deskterm has: the console asks for one on every scroll and
filter. Building the SQLAlchemy statement, computing its cache key and processing each row
through the result machinery cost about twice what SQLite needs to answer it. So the first
time a statement shape is seen it is compiled once; afterwards only the values that change
(the keyset cursor) are bound and the SQL runs on the driver's cursor, with each result
column converted by the same processor SQLAlchemy would use: the public
``TypeEngine.dialect_impl(dialect).bind_processor(dialect)`` / ``.result_processor(dialect,
coltype)``, which SQLAlchemy's own (private, memoized) ``_cached_*_processor`` call.

Entries live ``TTL`` seconds: a statement can bake in lookups (a queue name's id, whether a
search word is common), and those may change.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

TTL = 30.0
SIZE = 256


@dataclass(frozen=True)
class _Prepared:
    sql: str
    names: tuple[str, ...] | None  # positional order (qmark drivers); None for named styles
    constants: dict[str, Any]  # bound values that do not change, already processed
    processors: dict[str, Callable[[Any], Any] | None]  # for the values that do change
    convert_at: tuple[tuple[int, Callable[[Any], Any]], ...]  # result columns to convert
    born: float


class StatementCache:
    def __init__(self, *, size: int = SIZE, ttl: float = TTL) -> None:
        self._entries: OrderedDict[Hashable, _Prepared] = OrderedDict()
        self.size = size
        self.ttl = ttl

    def rows(
        self,
        conn: Connection,
        key: Hashable,
        build: Callable[[], Select[Any]],
        values: Mapping[str, Any],
    ) -> list[tuple[Any, ...]]:
        """Run the statement ``build()`` makes (compiled once per ``key``) with ``values``
        bound to its named ``bindparam``s (names it lacks are ignored); return the rows as
        converted tuples. The same ``key`` must always offer the same names.

        Declare each changing ``bindparam`` with a placeholder value (``bindparam("k0", None,
        ...)``): a statement with an IN list is compiled with the list expanded, which
        SQLAlchemy refuses while a parameter has no value. The placeholder is never sent."""
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry.born > self.ttl:
            entry = self._prepare(conn, build(), set(values))
            self._entries[key] = entry
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        params = dict(entry.constants)
        for name, process in entry.processors.items():
            value = values[name]
            params[name] = process(value) if process and value is not None else value
        bound: Any = params if entry.names is None else [params[n] for n in entry.names]
        cursor = conn.connection.cursor()
        try:
            cursor.execute(entry.sql, bound)
            raw = cursor.fetchall()
        finally:
            cursor.close()
        convert_at = entry.convert_at
        if not convert_at:
            return [tuple(row) for row in raw]
        out = []
        for row in raw:
            cells = list(row)
            for i, convert in convert_at:
                value = cells[i]
                if value is not None:
                    cells[i] = convert(value)
            out.append(tuple(cells))
        return out

    @staticmethod
    def _prepare(conn: Connection, stmt: Select[Any], variable: set[str]) -> _Prepared:
        dialect = conn.dialect
        compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        processors: dict[str, Callable[[Any], Any] | None] = {}
        for name, bind in compiled.binds.items():
            processors[name] = bind.type.dialect_impl(dialect).bind_processor(dialect)
        constants: dict[str, Any] = {}
        for name, value in compiled.params.items():
            if name in variable:
                continue
            process = processors.get(name)
            constants[name] = process(value) if process and value is not None else value
        names = (
            tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
        )
        converters = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in stmt.selected_columns
        )
        return _Prepared(
            sql=compiled.string,
            names=names,
            constants=constants,
            # Only the changing values this statement actually has (a caller may offer more).
            processors={n: processors[n] for n in variable if n in compiled.binds},
            convert_at=tuple((i, c) for i, c in enumerate(converters) if c is not None),
            born=time.monotonic(),
        )
