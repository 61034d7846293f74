"""PostgreSQL databases for the tests, cheap enough to give every test a clean one.

Creating a database from a template and dropping it costs PostgreSQL a second or more (it
copies files and forces a checkpoint), which is longer than most tests. So each test process
keeps one working database per kind (a desk cloned from the migrated template, and an empty
one) and, after every test, puts it back exactly as it was made:

- other connections to it are ended (a test may leak an engine, or leave a transaction open);
- its *shape* is compared with the shape it had when made: schemas, tables, columns, indexes,
  constraints, triggers and whether they are enabled, functions, policies, grants, settings,
  sequences' definitions, planner statistics (:data:`SHAPE`). A test that changed any of it
  (a migration test, a downgrade) gets the database dropped and a new one made, as before;
- but a test whose only change to the shape is planner statistics (``db seed`` ends with
  ANALYZE; a test may ANALYZE) gets them forgotten instead, as a new clone has them: the
  user tables' rows of ``pg_statistic`` deleted and every relation's ``relpages``,
  ``reltuples`` and ``relallvisible`` set back (a re-clone costs 1.7 s, this a few ms). The
  shape is then compared again, and any difference left still replaces the database. (The
  system catalogs' own statistics, which ANALYZE without a table name also refreshes, are
  not put back: they only steer the plans of queries on the catalogs);
- otherwise every table is emptied with DELETE (TRUNCATE makes new files: slower here than
  cloning) and refilled with the rows it had, and every sequence is set back to its value.

Autovacuum is off on the working database's tables: nothing then analyzes them behind a
test's back or reuses the space deleted rows leave, so rows come back in the order they are
inserted, as on a fresh database. ``tests/store/test_test_databases.py`` proves the reset.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

PG_URL = os.environ.get("DESKTERM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")

_USER_SCHEMAS = "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'"

#: One text line per thing a test could change about a database other than its rows; all of
#: them, sorted, are the database's shape.
SHAPE = f"""
SELECT coalesce(string_agg(item, E'\\n' ORDER BY item), '') FROM (
  SELECT concat_ws(' ', 'schema', n.nspname, n.nspowner::regrole, n.nspacl) AS item
    FROM pg_namespace n WHERE {_USER_SCHEMAS}
  UNION ALL
  SELECT concat_ws(' ', 'relation', c.oid::regclass, c.relkind, c.reloptions, c.relrowsecurity,
                   c.relforcerowsecurity, c.relacl, c.relowner::regrole, c.relpersistence)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_SCHEMAS}
  UNION ALL
  SELECT concat_ws(' ', 'column', a.attrelid::regclass, a.attname,
                   format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated,
                   pg_get_expr(d.adbin, d.adrelid), a.attacl)
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE {_USER_SCHEMAS} AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT concat_ws(' ', 'index', pg_get_indexdef(i.indexrelid), i.indisvalid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_SCHEMAS}
  UNION ALL
  SELECT concat_ws(' ', 'constraint', co.conrelid::regclass, co.conname,
                   pg_get_constraintdef(co.oid))
    FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace WHERE {_USER_SCHEMAS}
  UNION ALL
  SELECT concat_ws(' ', 'trigger', pg_get_triggerdef(t.oid), t.tgenabled)
    FROM pg_trigger t WHERE NOT t.tgisinternal
  UNION ALL
  SELECT concat_ws(' ', 'function', p.oid::regprocedure, md5(p.prosrc), p.proacl, p.proconfig)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {_USER_SCHEMAS}
  UNION ALL
  SELECT concat_ws(' ', 'type', t.oid::regtype, t.typtype)
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {_USER_SCHEMAS}
  UNION ALL
  SELECT concat_ws(' ', 'enum', e.enumtypid::regtype, e.enumlabel, e.enumsortorder)
    FROM pg_enum e
  UNION ALL
  SELECT concat_ws(' ', 'policy', p.polrelid::regclass, p.polname, p.polcmd, p.polpermissive,
                   p.polroles, pg_get_expr(p.polqual, p.polrelid),
                   pg_get_expr(p.polwithcheck, p.polrelid))
    FROM pg_policy p
  UNION ALL
  SELECT concat_ws(' ', 'sequence', s.seqrelid::regclass, s.seqtypid::regtype, s.seqstart,
                   s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle)
    FROM pg_sequence s
  UNION ALL
  SELECT concat_ws(' ', 'extension', x.extname, x.extversion) FROM pg_extension x
  UNION ALL
  SELECT concat_ws(' ', 'setting', r.setrole::regrole, r.setconfig)
    FROM pg_db_role_setting r
   WHERE r.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL
  SELECT concat_ws(' ', 'database', d.datacl, d.datdba::regrole)
    FROM pg_database d WHERE d.datname = current_database()
  UNION ALL
  SELECT concat_ws(' ', 'analyzed', s.starelid::regclass, s.staattnum)
    FROM pg_statistic s JOIN pg_class c ON c.oid = s.starelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_SCHEMAS}
  UNION ALL
  SELECT concat_ws(' ', 'statistics', e.stxname) FROM pg_statistic_ext e
  UNION ALL
  SELECT concat_ws(' ', 'publication', p.pubname) FROM pg_publication p
) AS shape
"""

_TABLES = f"""
SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE {_USER_SCHEMAS} AND c.relkind IN ('r', 'p') ORDER BY 1
"""
_SEQUENCES = f"""
SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE {_USER_SCHEMAS} AND c.relkind = 'S' ORDER BY 1
"""


def _connect_args(database: str | None = None) -> dict[str, Any]:
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    return {
        "host": url.host or "127.0.0.1",
        "port": url.port or 5432,
        "user": url.username or "postgres",
        "password": url.password,
        "dbname": database or url.database or "postgres",
        "connect_timeout": 3,
    }


def admin_url(database: str) -> str:
    """``PG_URL`` pointing at ``database`` (what a test's desk is opened with)."""
    from sqlalchemy.engine import make_url

    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


def execute(sql: str, database: str | None = None) -> None:
    """Run one statement in autocommit on the server's maintenance database (or ``database``)."""
    import psycopg

    with psycopg.connect(**_connect_args(database), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def new_name(kind: str) -> str:
    return f"deskterm_{kind}_{worker()}_{uuid.uuid4().hex[:8]}"


def _literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _changes(before: str, after: str) -> str:
    """What differs between two shapes, briefly (why a database was replaced)."""
    old, new = set(before.splitlines()), set(after.splitlines())
    lines = [f"-{line}" for line in sorted(old - new)] + [f"+{line}" for line in sorted(new - old)]
    return "its shape changed: " + "; ".join(lines[:4]) + (" ..." if len(lines) > 4 else "")


@dataclass
class _Clean:
    shape: str
    tables: tuple[str, ...]
    rows: dict[str, bytes]  # COPY text of the tables that had rows
    sequences: dict[str, tuple[int, bool]]  # last_value, is_called
    sizes: list[tuple[int, int, float, int]]  # oid, relpages, reltuples, relallvisible

    @property
    def empty_all(self) -> str:
        """No triggers or foreign-key checks while the rows are put back as they were; every
        table emptied, every sequence set back."""
        statements = [
            "SET LOCAL session_replication_role = replica",
            "SET LOCAL lock_timeout = '20s'",
            *(f"DELETE FROM {table}" for table in self.tables),
            *(
                f"SELECT setval({_literal(sequence)}, {last}, {str(called).lower()})"
                for sequence, (last, called) in self.sequences.items()
            ),
        ]
        return ";\n".join(statements)


class ReusedDatabase:
    """One working database that every test of this process gets back in its first state.

    ``template`` names the database to clone (None: an empty database). ``url()`` gives the
    database for a test; ``reset()`` after the test puts it back (or replaces it).
    """

    def __init__(self, kind: str, template: str | None) -> None:
        self.kind = kind
        self.template = template
        self.name: str | None = None
        self.replaced = 0  # how many times it was dropped and made again
        self.why_replaced = ""
        self.statistics_forgotten = 0  # how many times planner statistics were forgotten
        self._conn: Any = None
        self._clean: _Clean | None = None

    def url(self) -> str:
        if self.name is None:
            self._create()
        assert self.name is not None
        return admin_url(self.name)

    def reset(self) -> None:
        """Put the database back as it was made; drop and replace it if that cannot be done."""
        if self.name is None:
            return
        try:
            self._end_other_connections()
            shape = self._shape()
            if shape == self._clean_state().shape:
                self._restore_rows()
                return
            if self._only_statistics_added(shape) and self._forget_statistics():
                self.statistics_forgotten += 1
                self._restore_rows()
                return
            if self.template is None and self._empty_again():
                return
            self.why_replaced = _changes(self._clean_state().shape, shape)
        except Exception as exc:  # any doubt about the reset: start from a new database
            self.why_replaced = f"the reset failed: {type(exc).__name__}: {exc}"
        self.replaced += 1
        self.drop()

    def drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self.name is not None:
            execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.name = None
        self._clean = None

    # -- the parts -----------------------------------------------------------------------------

    def _create(self) -> None:
        import psycopg

        name = new_name(self.kind)
        template = f' TEMPLATE "{self.template}"' if self.template else ""
        execute(f'CREATE DATABASE "{name}"{template}')
        self.name = name
        self._conn = psycopg.connect(**_connect_args(name), autocommit=True)
        for table in self._list(_TABLES):
            self._conn.execute(
                f"ALTER TABLE {table} SET (autovacuum_enabled = false, "
                "toast.autovacuum_enabled = false)"
            )
        self._clean = self._capture()

    def _list(self, sql: str) -> tuple[str, ...]:
        return tuple(row[0] for row in self._conn.execute(sql))

    def _shape(self) -> str:
        return str(self._conn.execute(SHAPE).fetchone()[0])

    def _clean_state(self) -> _Clean:
        assert self._clean is not None
        return self._clean

    def _capture(self) -> _Clean:
        conn = self._conn
        rows: dict[str, bytes] = {}
        tables = self._list(_TABLES)
        for table in tables:
            with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                data = b"".join(bytes(block) for block in copy)
            if data:
                rows[table] = data
        sequences = {}
        for sequence in self._list(_SEQUENCES):
            last, called = conn.execute(f"SELECT last_value, is_called FROM {sequence}").fetchone()
            sequences[sequence] = (int(last), bool(called))
        sizes = [
            (int(oid), int(pages), float(tuples), int(visible))
            for oid, pages, tuples, visible in conn.execute(
                "SELECT oid, relpages, reltuples, relallvisible FROM pg_class"
            )
        ]
        return _Clean(self._shape(), tables, rows, sequences, sizes)

    def _only_statistics_added(self, shape: str) -> bool:
        """Whether ``shape`` is the clean one plus planner statistics of user tables, from a
        clean shape that had none (the template is never analyzed)."""
        old, new = set(self._clean_state().shape.splitlines()), set(shape.splitlines())
        if any(line.startswith("analyzed ") for line in old) or not old <= new:
            return False
        return all(line.startswith("analyzed ") for line in new - old)

    def _forget_statistics(self) -> bool:
        """Delete the user tables' planner statistics and put every relation's size
        estimates back. True when the shape is then the clean one again."""
        conn = self._conn
        with conn.transaction():
            conn.execute("SET LOCAL lock_timeout = '20s'")
            conn.execute(
                f"""DELETE FROM pg_statistic s USING pg_class c, pg_namespace n
                     WHERE c.oid = s.starelid AND n.oid = c.relnamespace AND {_USER_SCHEMAS}"""
            )
            oids, pages, tuples, visible = zip(*self._clean_state().sizes, strict=True)
            conn.execute(
                """UPDATE pg_class c SET relpages = k.relpages, reltuples = k.reltuples,
                          relallvisible = k.relallvisible
                     FROM unnest(%s::oid[], %s::int[], %s::real[], %s::int[])
                          AS k (oid, relpages, reltuples, relallvisible)
                    WHERE c.oid = k.oid AND (c.relpages, c.reltuples, c.relallvisible)
                          IS DISTINCT FROM (k.relpages, k.reltuples, k.relallvisible)""",
                (list(oids), list(pages), list(tuples), list(visible)),
            )
        return self._shape() == self._clean_state().shape

    def _end_other_connections(self) -> None:
        ended = self._conn.execute(
            "SELECT bool_and(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
        if ended is False:
            raise RuntimeError(f"a connection to {self.name} would not end")

    def _empty_again(self) -> bool:
        """An empty database made empty again: every schema dropped, ``public`` made anew as
        PostgreSQL 15 makes it. True when its shape is then the first one."""
        conn = self._conn
        with conn.transaction():
            conn.execute("SET LOCAL lock_timeout = '20s'")
            schemas = self._list(
                f"SELECT quote_ident(n.nspname) FROM pg_namespace n WHERE {_USER_SCHEMAS}"
            )
            for schema in schemas:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
            conn.execute("CREATE SCHEMA public AUTHORIZATION pg_database_owner")
            conn.execute("GRANT USAGE ON SCHEMA public TO PUBLIC")
        return self._shape() == self._clean_state().shape

    def _restore_rows(self) -> None:
        clean = self._clean_state()
        conn = self._conn
        with conn.transaction():
            # One round trip for the settings, the DELETEs and the sequences (a statement
            # without parameters may hold several); then one COPY per table that had rows.
            conn.execute(clean.empty_all)  # type: ignore[arg-type]
            for table, data in clean.rows.items():
                with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(data)


@contextlib.contextmanager
def agent_logins(desk: Any, *handles: str) -> Iterator[dict[str, str]]:
    """A PostgreSQL login of their own for each of ``handles`` (``agent set-login``: created
    in the group ``deskterm_agent``, no admin rights), dropped afterwards with anything
    still connected under it. Yields handle -> login."""
    from deskterm.domain.people import agents

    tag = uuid.uuid4().hex[:8]
    roles = {handle: f"deskterm_test_{handle}_{tag}" for handle in handles}
    try:
        for handle, role in roles.items():
            agents.set_login(desk, handle, role)
        yield roles
    finally:
        for role in roles.values():
            execute(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'"
            )
            execute(f'DROP ROLE IF EXISTS "{role}"')


def login_url(url: str, role: str) -> str:
    """``url`` with ``role`` as the user and no password (what that agent's terminal has)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=role, password=None).render_as_string(hide_password=False)


@contextlib.contextmanager
def owned_database() -> Iterator[str]:
    """A database set up as docs/team.md tells a DBA to: owned by a login that is not a
    superuser (with CREATEROLE and the admin option on ``deskterm_agent``, to map agents'
    logins), empty; yields its URL under that owner. The tests' own desks are the
    superuser's, and a superuser passes row security, so the desk's definer functions are
    only really confined here. Dropped afterwards, with the owner."""
    owner = new_name("owner")
    database = new_name("owned")
    execute(f'CREATE ROLE "{owner}" LOGIN CREATEROLE')
    execute(
        "DO $$ BEGIN CREATE ROLE deskterm_agent NOLOGIN; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    execute(f'GRANT deskterm_agent TO "{owner}" WITH ADMIN OPTION')
    execute(f'CREATE DATABASE "{database}" OWNER "{owner}"')
    try:
        yield login_url(admin_url(database), owner)
    finally:
        execute(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"
        )
        execute(f'DROP DATABASE IF EXISTS "{database}"')
        execute(f'DROP ROLE IF EXISTS "{owner}"')
