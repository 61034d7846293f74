"""PostgreSQL's side of identity and confidential queues (migration 0017, docs/team.md).

Who is acting, as the database sees it: the agent whose ``agents.db_role`` is the
session's login (``session_user``: a client cannot change it without being a superuser;
``current_user`` changes with ``SET ROLE`` and, inside the SECURITY DEFINER functions below,
is their owner). A *trusted* login (a superuser, the desk's owner or a member of the owner
role, or the login of an active admin agent) may instead name the agent it acts for with
``SET LOCAL deskterm.agent = 'handle'``; anyone else's setting is ignored, so a client with
an agent's login cannot claim another agent with raw SQL.

Row-level security, ENABLE + FORCE (the owner is subject too, and exempt explicitly:
a trusted login that names no agent sees everything, which migrations, ``export`` and
admin scripts need):

- tickets: admins (and the exempt owner) see all; everyone else the tickets of the queues
  :func:`deskterm_visible_queues` lists (not confidential, or the agent is a member). The
  same condition checks what is written, so a ticket cannot be moved into a queue one
  may not see. The two functions are called as ``(SELECT f())``: evaluated once per
  statement (an InitPlan), not once per row.
- messages, audit events, tags on tickets, time entries, ratings, the search index and
  mail: visible when their ticket is (the inner ``tickets`` read is itself row-secured).
- agents: everyone reads; only admins write. queues: everyone reads; leads add; admins and
  leads who are members change or delete. queue members: admins, and leads of the queue.

Migration 0023: the tickets' policy asks ``deskterm_visible_queues(current_user)``, so that
the desk's own SECURITY DEFINER functions (``deskterm_mail_thread``,
``deskterm_file_new_ticket``), running as the owner for another login, see every ticket
(:func:`definer_paths`).

``deskterm_agent`` is the group role agents' logins are members of (``agent add --login``
grants it): it may read and write the desk's tables (row security decides which rows) but
not change the schema or the revision table.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy.engine import Connection

GROUP: Final = "deskterm_agent"
#: The per-transaction setting a trusted login names the acting agent with.
AGENT_SETTING: Final = "deskterm.agent"
#: Merges followed from the ticket a mail names (as ``domain/mail/thread.py``).
MAX_MERGES: Final = 20

#: Tables whose rows belong to one ticket: (table, the column naming it, whether it may be NULL).
TICKET_CHILDREN: Final = (
    ("messages", "ticket_id", False),
    ("audit_events", "ticket_id", False),
    ("ticket_tags", "ticket_id", False),
    ("time_entries", "ticket_id", False),
    ("ratings", "ticket_id", False),
    ("ticket_search", "ticket_id", False),
    ("mail_messages", "ticket_id", True),
    ("presence", "ticket_id", False),
)
SECURED: Final = (
    "tickets",
    *(table for table, _c, _n in TICKET_CHILDREN),
    "agents",
    "queues",
    "queue_members",
)
FUNCTIONS: Final = (
    "deskterm_login_trusted()",
    "deskterm_actor_id()",
    "deskterm_sees_all()",
    "deskterm_visible_queues()",
    "deskterm_manages_queue(bigint)",
    "deskterm_is_lead()",
)


def _functions(schema: str) -> tuple[str, ...]:
    # PL/pgSQL, not SQL: a SECURITY DEFINER SQL function is never inlined and is planned
    # again on every call, which cost a list page about 0.3 ms per call; PL/pgSQL keeps its
    # plans for the session (migration 0020).
    header = (
        "LANGUAGE plpgsql STABLE SECURITY DEFINER "
        f"SET search_path = {_ident(schema)}, pg_catalog, pg_temp"
    )
    named = f"nullif(current_setting('{AGENT_SETTING}', true), '')"
    return (
        f"""CREATE OR REPLACE FUNCTION deskterm_login_trusted() RETURNS boolean {header} AS $$
        BEGIN
            RETURN coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
                OR pg_has_role(session_user,
                               (SELECT relowner FROM pg_class WHERE oid = 'tickets'::regclass),
                               'MEMBER')
                OR EXISTS (SELECT 1 FROM agents
                            WHERE db_role = session_user AND active AND role = 'admin');
        END $$""",
        f"""CREATE OR REPLACE FUNCTION deskterm_actor_id() RETURNS bigint {header} AS $$
        DECLARE
            named text := {named};
        BEGIN
            IF named IS NOT NULL AND deskterm_login_trusted() THEN
                RETURN (SELECT id FROM agents WHERE handle = named AND active);
            END IF;
            RETURN (SELECT id FROM agents WHERE db_role = session_user AND active);
        END $$""",
        f"""CREATE OR REPLACE FUNCTION deskterm_sees_all() RETURNS boolean {header} AS $$
        BEGIN
            IF {named} IS NULL AND deskterm_login_trusted() THEN
                RETURN true;
            END IF;
            RETURN coalesce(
                (SELECT role = 'admin' FROM agents WHERE id = deskterm_actor_id()), false);
        END $$""",
        # Every queue for whoever sees all: the tickets' policy is then one array test. The
        # rules of the three functions above, in as few statements as they take: it runs
        # for every statement that reads tickets.
        f"""CREATE OR REPLACE FUNCTION deskterm_visible_queues() RETURNS bigint[] {header} AS $$
        DECLARE
            named text := {named};
            mine_id bigint;
            mine_role text;
            me bigint;
            my_role text;
            trusted boolean;
        BEGIN
            SELECT id, role INTO mine_id, mine_role
              FROM agents WHERE db_role = session_user AND active;
            trusted := coalesce(mine_role = 'admin', false)
                OR coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
                OR pg_has_role(session_user,
                               (SELECT relowner FROM pg_class WHERE oid = 'tickets'::regclass),
                               'MEMBER');
            IF named IS NULL THEN
                IF trusted THEN
                    RETURN ARRAY(SELECT id FROM queues);
                END IF;
                me := mine_id;
                my_role := mine_role;
            ELSIF trusted THEN
                SELECT id, role INTO me, my_role FROM agents WHERE handle = named AND active;
            ELSE
                me := mine_id;
                my_role := mine_role;
            END IF;
            IF me IS NULL THEN
                RETURN '{{}}'::bigint[];
            END IF;
            IF my_role = 'admin' THEN
                RETURN ARRAY(SELECT id FROM queues);
            END IF;
            RETURN ARRAY(
                SELECT q.id FROM queues q
                 WHERE NOT q.confidential
                    OR EXISTS (SELECT 1 FROM queue_members m
                                WHERE m.queue_id = q.id AND m.agent_id = me));
        END $$""",
        f"""CREATE OR REPLACE FUNCTION deskterm_is_lead() RETURNS boolean {header} AS $$
        BEGIN
            RETURN deskterm_sees_all()
                OR coalesce((SELECT role = 'lead' FROM agents WHERE id = deskterm_actor_id()),
                            false);
        END $$""",
        f"""CREATE OR REPLACE FUNCTION deskterm_manages_queue(queue bigint) RETURNS boolean
            {header} AS $$
        DECLARE
            me bigint;
        BEGIN
            IF deskterm_sees_all() THEN
                RETURN true;
            END IF;
            me := deskterm_actor_id();
            RETURN coalesce((SELECT role = 'lead' FROM agents WHERE id = me), false)
                AND (EXISTS (SELECT 1 FROM queue_members m
                              WHERE m.queue_id = queue AND m.agent_id = me)
                     OR NOT EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = queue));
        END $$""",
    )


#: Evaluated once per statement (an InitPlan: ``(SELECT f())``), then one array test a row.
_TICKET_RULE: Final = "queue_id = ANY ((SELECT deskterm_visible_queues())::bigint[])"


def _policies() -> tuple[str, ...]:
    statements = [f"CREATE POLICY deskterm_tickets ON tickets USING ({_TICKET_RULE})"]
    for table, column, nullable in TICKET_CHILDREN:
        rule = f"EXISTS (SELECT 1 FROM tickets t WHERE t.id = {table}.{column})"
        if nullable:
            rule = f"{column} IS NULL OR {rule}"
        statements.append(f"CREATE POLICY deskterm_{table} ON {table} USING ({rule})")
    statements += [
        "CREATE POLICY deskterm_read ON agents FOR SELECT USING (true)",
        "CREATE POLICY deskterm_add ON agents FOR INSERT WITH CHECK ((SELECT deskterm_sees_all()))",
        "CREATE POLICY deskterm_change ON agents FOR UPDATE USING ((SELECT deskterm_sees_all()))",
        "CREATE POLICY deskterm_remove ON agents FOR DELETE USING ((SELECT deskterm_sees_all()))",
        "CREATE POLICY deskterm_read ON queues FOR SELECT USING (true)",
        "CREATE POLICY deskterm_add ON queues FOR INSERT WITH CHECK ((SELECT deskterm_is_lead()))",
        "CREATE POLICY deskterm_change ON queues FOR UPDATE USING (deskterm_manages_queue(id))",
        "CREATE POLICY deskterm_remove ON queues FOR DELETE USING (deskterm_manages_queue(id))",
        "CREATE POLICY deskterm_read ON queue_members FOR SELECT USING (true)",
        "CREATE POLICY deskterm_add ON queue_members FOR INSERT "
        "WITH CHECK (deskterm_manages_queue(queue_id))",
        "CREATE POLICY deskterm_change ON queue_members FOR UPDATE "
        "USING (deskterm_manages_queue(queue_id))",
        "CREATE POLICY deskterm_remove ON queue_members FOR DELETE "
        "USING (deskterm_manages_queue(queue_id))",
    ]
    return tuple(statements)


def faster_functions(conn: Connection) -> None:
    """Migration 0020: the functions in PL/pgSQL (plans kept per session) and the tickets'
    policy as one array test; what they decide is unchanged."""
    schema = str(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
    for statement in _functions(schema):
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql("DROP POLICY IF EXISTS deskterm_tickets ON tickets")
    conn.exec_driver_sql(_policies()[0])


def secure_attachments(conn: Connection) -> None:
    """Row security on the attachments (migration 0019), as on the tables of
    :data:`TICKET_CHILDREN`: an attachment is visible when its ticket is; a blob when an
    attachment one may see holds it. Anyone may add a blob (the attachment that holds it
    comes next in the same transaction); nobody changes or removes one."""
    for table in ("attachments", "attachment_blobs"):
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        conn.exec_driver_sql(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    conn.exec_driver_sql(
        "CREATE POLICY deskterm_attachments ON attachments "
        "USING (EXISTS (SELECT 1 FROM tickets t WHERE t.id = attachments.ticket_id))"
    )
    conn.exec_driver_sql(
        "CREATE POLICY deskterm_read ON attachment_blobs FOR SELECT "
        "USING (EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = attachment_blobs.sha256))"
    )
    conn.exec_driver_sql(
        "CREATE POLICY deskterm_add ON attachment_blobs FOR INSERT WITH CHECK (true)"
    )


#: Migration 0023: the tickets' policy, asking whose statement it is (``current_user``): a
#: member of the desk's owner running for another login is inside one of the desk's own
#: SECURITY DEFINER functions, and sees every queue. Still one InitPlan a statement.
_TICKET_RULE_0023: Final = (
    "queue_id = ANY ((SELECT deskterm_visible_queues(current_user))::bigint[])"
)


def definer_paths(conn: Connection) -> None:
    """Migration 0023: the tickets' policy lets the desk's own definer functions see (and,
    through ``tickets``' one policy, change) every ticket, and with them every row that
    hangs off one (their policies ask the tickets'); and two such functions:

    - ``deskterm_mail_thread(keys, tagged)``: the ticket a mail answers (the first of
      ``keys`` stored with a ticket, else ticket ``tagged`` if there is one, followed
      through merges), whoever may see it: an id, nothing else;
    - ``deskterm_file_new_ticket(ticket, queue)``: put a ticket created in the calling
      transaction in ``queue``, which its creator may not see (a triage rule's filing);
      true when it did."""
    schema = str(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
    header = (
        f"LANGUAGE plpgsql SECURITY DEFINER SET search_path = {_ident(schema)}, pg_catalog, pg_temp"
    )
    conn.exec_driver_sql(
        f"""CREATE OR REPLACE FUNCTION deskterm_visible_queues(invoker name)
            RETURNS bigint[] STABLE {header} AS $$
        BEGIN
            IF invoker <> session_user
               AND pg_has_role(invoker,
                               (SELECT relowner FROM pg_class WHERE oid = 'tickets'::regclass),
                               'MEMBER') THEN
                RETURN ARRAY(SELECT id FROM queues);
            END IF;
            RETURN deskterm_visible_queues();
        END $$"""
    )
    conn.exec_driver_sql("DROP POLICY IF EXISTS deskterm_tickets ON tickets")
    conn.exec_driver_sql(f"CREATE POLICY deskterm_tickets ON tickets USING ({_TICKET_RULE_0023})")
    conn.exec_driver_sql(
        f"""CREATE OR REPLACE FUNCTION deskterm_mail_thread(keys text[], tagged bigint)
            RETURNS bigint STABLE {header} AS $$
        DECLARE
            found bigint;
            onward bigint;
        BEGIN
            SELECT m.ticket_id INTO found
              FROM unnest(keys) WITH ORDINALITY AS k(mail_key, n)
              JOIN mail_messages m ON m.mail_key = k.mail_key
             WHERE m.ticket_id IS NOT NULL
             ORDER BY k.n LIMIT 1;
            IF found IS NULL AND tagged IS NOT NULL THEN
                SELECT id INTO found FROM tickets WHERE id = tagged;
            END IF;
            FOR i IN 1..{MAX_MERGES} LOOP
                EXIT WHEN found IS NULL;
                SELECT merged_into_id INTO onward FROM tickets WHERE id = found;
                EXIT WHEN onward IS NULL;
                found := onward;
            END LOOP;
            RETURN found;
        END $$"""
    )
    conn.exec_driver_sql(
        f"""CREATE OR REPLACE FUNCTION deskterm_file_new_ticket(ticket bigint, queue bigint)
            RETURNS boolean VOLATILE {header} AS $$
        BEGIN
            UPDATE tickets SET queue_id = queue
             WHERE id = ticket
               AND xmin = pg_current_xact_id()::xid
               AND EXISTS (SELECT 1 FROM audit_events e
                            WHERE e.ticket_id = ticket AND e.field = 'created'
                              AND e.xmin = pg_current_xact_id()::xid)
               AND EXISTS (SELECT 1 FROM queues q WHERE q.id = queue);
            RETURN FOUND;
        END $$"""
    )


def drop_definer_paths(conn: Connection) -> None:
    conn.exec_driver_sql("DROP FUNCTION IF EXISTS deskterm_mail_thread(text[], bigint)")
    conn.exec_driver_sql("DROP FUNCTION IF EXISTS deskterm_file_new_ticket(bigint, bigint)")
    conn.exec_driver_sql("DROP POLICY IF EXISTS deskterm_tickets ON tickets")
    conn.exec_driver_sql(_policies()[0])
    conn.exec_driver_sql("DROP FUNCTION IF EXISTS deskterm_visible_queues(name)")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_group_sql(role: str) -> str:
    """Create the group role unless it exists. Roles belong to the whole server, so two desks
    set up at once on one server both see it missing: the second CREATE waits for the first
    transaction and then fails with a duplicate, which here means "made by the other one"."""
    return f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE {_ident(role)} NOLOGIN;
            END IF;
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'deskterm: cannot create role {role}; ask the DBA to create it';
            WHEN unique_violation OR duplicate_object THEN
                NULL;
        END $$"""


def create_objects(conn: Connection) -> None:
    """The group role (when this login may create roles and it is missing), its
    privileges, the functions and the policies. Idempotent for the role only."""
    schema = str(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
    conn.exec_driver_sql(create_group_sql(GROUP))
    for statement in _functions(schema):
        conn.exec_driver_sql(statement)
    for table in SECURED:
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        conn.exec_driver_sql(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    for statement in _policies():
        conn.exec_driver_sql(statement)
    if group_exists(conn):
        grant(conn, schema)


def group_exists(conn: Connection) -> bool:
    found = conn.exec_driver_sql(f"SELECT 1 FROM pg_roles WHERE rolname = '{GROUP}'").first()
    return found is not None


def grant(conn: Connection, schema: str) -> None:
    """What ``deskterm_agent`` may do: read and write rows (row security decides which),
    use the id sequences, read the schema revision; nothing else."""
    where = _ident(schema)
    for statement in (
        f"GRANT USAGE ON SCHEMA {where} TO {GROUP}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {where} TO {GROUP}",
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {GROUP}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {GROUP}",
        # Tables and sequences later migrations (run by the same owner) add.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {GROUP}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} GRANT USAGE, SELECT ON SEQUENCES TO {GROUP}",
    ):
        conn.exec_driver_sql(statement)


def ensure_login(conn: Connection, name: str) -> bool:
    """Make ``name`` a login in the group ``deskterm_agent``: create it (LOGIN, no password:
    the DBA sets one, or a certificate or peer rule) or grant the group to the role there
    is. True when it was created. Needs a login that may create roles (CREATEROLE or a
    superuser); the database's refusal is PermissionDenied (store/failures.py)."""
    exists = conn.exec_driver_sql(
        "SELECT 1 FROM pg_roles WHERE rolname = %(n)s", {"n": name}
    ).first()
    if exists is None:
        conn.exec_driver_sql(f"CREATE ROLE {_ident(name)} LOGIN IN ROLE {GROUP}")
        return True
    conn.exec_driver_sql(f"GRANT {GROUP} TO {_ident(name)}")
    return False


def drop_objects(conn: Connection) -> None:
    schema = str(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
    for table in SECURED:
        found = conn.exec_driver_sql(
            "SELECT polname FROM pg_policy WHERE polrelid = %(t)s::regclass", {"t": table}
        ).scalars()
        for name in list(found):
            conn.exec_driver_sql(f"DROP POLICY {name} ON {table}")
        conn.exec_driver_sql(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for function in FUNCTIONS:
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}")
    if group_exists(conn):
        where = _ident(schema)
        conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {GROUP}")
        conn.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {GROUP}")
        conn.exec_driver_sql(f"REVOKE ALL ON SCHEMA {where} FROM {GROUP}")
        conn.exec_driver_sql(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} REVOKE ALL ON TABLES FROM {GROUP}"
        )
        conn.exec_driver_sql(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} REVOKE ALL ON SEQUENCES FROM {GROUP}"
        )
