"""What to say about a database whose schema is not this code's."""

from __future__ import annotations

from deskterm.errors import SchemaMismatch
from deskterm.store.engine import mask
from deskterm.store.migrate import SchemaState, SchemaStatus


def schema_mismatch(url: str, state: SchemaState) -> SchemaMismatch:
    """The error for a database whose schema is not this code's (``state.status`` is not
    CURRENT): what it is, in words any face can show, and the data to say what to do."""
    where = mask(url)
    status = state.status
    if status is SchemaStatus.EMPTY:
        message = f"database {where} has no deskterm schema yet"
    elif status is SchemaStatus.BEHIND:
        message = (
            f"database {where} is at schema {state.current or 'none'}, "
            f"this deskterm needs {state.head}"
        )
    elif status is SchemaStatus.AHEAD:
        message = (
            f"database {where} was written by a newer deskterm (schema {state.current}, this "
            f"version knows up to {state.head}); nothing was changed"
        )
    else:
        message = (
            f"database {where} is not a deskterm database (it has other tables); "
            "nothing was changed"
        )
    return SchemaMismatch(
        message, where=where, status=status.value, current=state.current, head=state.head
    )
