"""Alembic environment: runs on the connection deskterm hands over (no alembic.ini)."""

from __future__ import annotations

import warnings

from alembic import context

from deskterm.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - deskterm always passes a connection
    raise RuntimeError("deskterm migrations run through `deskterm db migrate`")


_RAW_SQL_TABLES = ("ticket_fts", "kb_fts", "ticket_search")
_RAW_SQL_INDEXES = ("ix_kb_articles_search", "ix_ticket_search_doc")
#: Partial indexes (migrations 0003, 0004): declared in the migrations only.
_PARTIAL_INDEX_PREFIX = "ix_tickets_unsolved_"


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Search tables, triggers and generated columns are raw SQL in migrations, not models."""
    if type_ == "table" and name and name.startswith(_RAW_SQL_TABLES):
        return False
    if (
        type_ == "index"
        and name
        and (name in _RAW_SQL_INDEXES or name.startswith(_PARTIAL_INDEX_PREFIX))
    ):
        return False
    return not (type_ == "column" and name == "search_doc")


context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_object=include_object,
    compare_type=True,
)
#: Expression indexes (migration 0024): SQLite's reflection cannot read them, so comparing
#: the schema (``alembic check``, the migration tests) skips them there, saying so each time;
#: PostgreSQL compares them.
_EXPRESSION_INDEXES = ("ix_contacts_email_lower",)
with warnings.catch_warnings():
    for name in _EXPRESSION_INDEXES:
        warnings.filterwarnings("ignore", f".*expression-based index '?{name}")
    with context.begin_transaction():
        context.run_migrations()
