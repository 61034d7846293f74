"""The query language (SPEC section 6): parsing what users type (``language``), turning it
into SQL (``sql``), and the times it understands (``times``).

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.query.language import FieldTerm as FieldTerm
    from deskterm.domain.query.language import Query as Query
    from deskterm.domain.query.language import complete as complete
    from deskterm.domain.query.language import completion_start as completion_start
    from deskterm.domain.query.language import parse as parse
    from deskterm.domain.query.sql import NOW_PARAM as NOW_PARAM
    from deskterm.domain.query.sql import visible as visible
    from deskterm.domain.query.sql import where_clause as where_clause
    from deskterm.domain.query.times import TIME_FORMS as TIME_FORMS
    from deskterm.domain.query.times import TimeValueError as TimeValueError
    from deskterm.domain.query.times import parse_time as parse_time

_SURFACE = Surface(
    __name__,
    {
        "language": (
            "Query",
            "FieldTerm",
            "parse",
            "complete",
            "completion_start",
        ),
        "sql": (
            "where_clause",
            "visible",
            "NOW_PARAM",
        ),
        "times": (
            "TIME_FORMS",
            "TimeValueError",
            "parse_time",
        ),
    },
)
__getattr__ = _SURFACE.getattr
