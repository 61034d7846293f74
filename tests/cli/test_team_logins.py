"""A team on one PostgreSQL desk, with real logins (issue 15, docs/team.md).

Agents bob and carol (a lead) each connect with a PostgreSQL login of their own, made by
``agent set-login`` in the fixture and dropped after. The login is the agent: ``--as`` and
``DESKTERM_AGENT`` naming someone else are refused (exit 5) unless the login may act for
others; every audit event records the login beside the agent. The confidential queue
Security (member: carol) is closed to bob through the app and through raw SQL under his
login, even with the domain's own filter switched off: row-level security is the last line.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from clitools import ok, ok_json, one_error_line
from sqlalchemy.engine import make_url

import support_pg
from deskterm.domain import queues, reports, tickets
from deskterm.domain.desk import Desk
from deskterm.domain.people import agents
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.domain.tickets import watch
from deskterm.errors import NotFound

pytestmark = pytest.mark.parametrize("backend", ["postgres"])

SECRET_WORD = "zebrafinch"
#: Tables whose rows belong to one ticket (store/security.py TICKET_CHILDREN).
CHILDREN = ("messages", "audit_events", "ticket_tags", "ticket_search", "attachments")


class Team:
    def __init__(self, desk: Desk, roles: dict[str, str], secret: int, plain: int) -> None:
        self.desk = desk
        self.roles = roles
        self.secret = secret
        self.plain = plain

    def url(self, handle: str) -> str:
        url = make_url(self.desk.store.url).set(username=self.roles[handle], password=None)
        return url.render_as_string(hide_password=False)

    def env(self, handle: str, acting: str | None = None) -> dict[str, str | None]:
        """The environment of ``handle``'s terminal: their login, no handle unless given."""
        return {"DESKTERM_DB": self.url(handle), "DESKTERM_AGENT": acting}

    def sql(self, handle: str) -> psycopg.Connection[Any]:
        """A raw connection under ``handle``'s login, as psql would make."""
        url = make_url(self.desk.store.url)
        return psycopg.connect(
            host=url.host, port=url.port, dbname=url.database, user=self.roles[handle]
        )


@pytest.fixture
def team(desk: Desk) -> Iterator[Team]:
    tag = uuid.uuid4().hex[:8]
    roles = {handle: f"deskterm_test_{handle}_{tag}" for handle in ("bob", "carol")}
    try:
        for handle, role in roles.items():
            agents.set_login(desk, handle, role)
        queues.add_queue(desk, "Security", tier="L2", confidential=True)
        queues.join_queue(desk, "Security", ["carol"])
        queues.join_queue(desk, "Network L2", ["bob"])
        secret = tickets.create(
            desk, subject=f"Breach on the {SECRET_WORD} server", queue="Security", tags=["sec"]
        )
        key_file = tickets.NewFile("keys.txt", "text/plain", f"{SECRET_WORD} keys".encode())
        tickets.note(desk, secret.id, f"Rotate the {SECRET_WORD} keys", files=[key_file])
        plain = tickets.create(desk, subject="Printer jam", assignee="alice")
        yield Team(desk, roles, secret.id, plain.id)
    finally:
        for role in roles.values():
            support_pg.execute(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'"
            )
            support_pg.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_the_login_is_the_agent_and_may_not_act_as_another(cli_inproc, team: Team) -> None:
    me = ok_json(cli_inproc("agent", "whoami", "--format", "json", env=team.env("bob")))
    assert (me["handle"], me["login"]) == ("bob", team.roles["bob"])
    # Naming oneself is fine; naming anyone else, by variable or flag, is refused.
    ok(cli_inproc("agent", "whoami", env=team.env("bob", acting="bob")))
    for args, env in (
        (("agent", "whoami"), team.env("bob", acting="alice")),
        (("--as", "carol", "ticket", "list"), team.env("bob")),
        (("--as", "alice", "agent", "set-role", "bob", "admin"), team.env("bob")),
    ):
        line = one_error_line(cli_inproc(*args, env=env), 5)
        assert f'the database login "{team.roles["bob"]}" is agent "bob"' in line
        assert "may not act as" in line
    assert agents.whoami(team.desk).role == "admin"
    assert {a.handle: a.role for a in agents.list_agents(team.desk)}["bob"] == "agent"


def test_every_change_records_the_agent_and_the_login(cli_inproc, team: Team) -> None:
    ok(cli_inproc("ticket", "note", str(team.plain), "--body", "mine", env=team.env("bob")))
    # An admin's login may act for others, and both are recorded.
    agents.set_role(team.desk, "carol", "admin")
    ok(
        cli_inproc(
            "ticket", "note", str(team.plain), "--body", "for bob", env=team.env("carol", "bob")
        )
    )
    # The superuser (the tests' own login) acting for carol.
    ok(
        cli_inproc(
            "ticket", "note", str(team.plain), "--body", "x", env={"DESKTERM_AGENT": "carol"}
        )
    )
    with team.sql("carol") as conn:
        rows = conn.execute(
            "SELECT a.handle, e.login FROM audit_events e JOIN agents a ON a.id = e.actor_id "
            "WHERE e.ticket_id = %s AND e.field = 'note' ORDER BY e.id",
            (team.plain,),
        ).fetchall()
    assert rows == [
        ("bob", team.roles["bob"]),
        ("bob", team.roles["carol"]),
        ("carol", "postgres"),
    ]


def test_a_confidential_ticket_is_invisible_to_another_login_through_the_app(
    cli_inproc, team: Team
) -> None:
    bob = team.env("bob")
    secret = str(team.secret)
    assert one_error_line(cli_inproc("ticket", "show", secret, env=bob), 3)
    listed = ok(cli_inproc("ticket", "list", "--format", "ids", "--limit", "100", env=bob))
    assert secret not in listed.split() and str(team.plain) in listed.split()
    assert ok(cli_inproc("ticket", "list", SECRET_WORD, "--format", "ids", env=bob)) == ""
    report = ok_json(cli_inproc("report", "--format", "json", env=bob))
    assert "Security" not in json.dumps(report)
    batch = json.dumps({"op": "note", "id": team.secret, "body": "peek"}) + "\n"
    assert "not found" in one_error_line(cli_inproc("batch", "-", input=batch, env=bob), 3)
    assert "Security" not in ok(cli_inproc("queue", "list", "--format", "json", env=bob))
    carol = team.env("carol")
    assert SECRET_WORD in ok(cli_inproc("ticket", "show", secret, "--format", "json", env=carol))


def test_row_security_hides_it_even_when_the_app_forgets(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Desk, "hidden_queues", lambda self, conn: frozenset())
    bob = open_desk(team.url("bob"), "bob")
    try:
        assert team.secret not in [t.id for t in ticket_read.list_page(bob, "").items]
        assert ticket_read.list_page(bob, SECRET_WORD).items == ()
        assert ticket_read.count(bob, "tag:sec") == 0
        with pytest.raises(NotFound):
            ticket_read.detail(bob, team.secret)
        with pytest.raises(NotFound):
            tickets.note(bob, team.secret, "peek")
        assert reports.summary(bob).created == 1
        assert team.secret not in {e.ticket_id for e in watch.events_after(bob, 0)}
        assert team.secret not in {t.id for t in watch.changes_since(bob, 0).tickets}
    finally:
        bob.close()


def test_a_confidential_ticket_is_invisible_to_raw_sql_under_that_login(team: Team) -> None:
    secret = team.secret
    with team.sql("bob") as conn:
        for table in ("tickets WHERE id", *(f"{t} WHERE ticket_id" for t in CHILDREN)):
            assert conn.execute(f"SELECT count(*) FROM {table} = %s", (secret,)).fetchone() == (0,)
        # Naming another agent is for trusted logins only: bob's setting is ignored.
        conn.execute("SET deskterm.agent = 'alice'")
        assert conn.execute("SELECT count(*) FROM tickets WHERE id = %s", (secret,)).fetchone() == (
            0,
        )
        assert conn.execute("SELECT count(*) FROM tickets").fetchone() == (1,)
        # A role of his other than his login (current_user, not session_user) is no way in:
        # only the desk's own definer functions read for another login (migration 0023).
        conn.execute("SET ROLE deskterm_agent")
        assert conn.execute("SELECT count(*) FROM tickets WHERE id = %s", (secret,)).fetchone() == (
            0,
        )
        assert conn.execute(
            "SELECT count(*) FROM mail_messages WHERE ticket_id = %s", (secret,)
        ).fetchone() == (0,)
        conn.execute("RESET ROLE")
        assert (
            conn.execute("UPDATE tickets SET priority = 3 WHERE id = %s", (secret,)).rowcount == 0
        )
        assert conn.execute("UPDATE agents SET role = 'admin' WHERE handle = 'bob'").rowcount == 0
        assert (
            conn.execute("UPDATE queues SET confidential = false WHERE name = 'Security'").rowcount
            == 0
        )
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "UPDATE tickets SET queue_id = (SELECT id FROM queues WHERE name = 'Security') "
                "WHERE id = %s",
                (team.plain,),
            )
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("ALTER TABLE tickets DISABLE ROW LEVEL SECURITY")
    with team.sql("carol") as conn:  # a member: the note is there
        assert conn.execute(
            "SELECT body FROM messages WHERE ticket_id = %s", (secret,)
        ).fetchall() == [(f"Rotate the {SECRET_WORD} keys",)]


def test_a_lead_login_manages_only_their_queues(cli_inproc, team: Team) -> None:
    carol = team.env("carol")
    line = one_error_line(
        cli_inproc("queue", "edit", "Network L2", "--description", "mine", env=carol), 5
    )
    assert 'not a member of queue "Network L2"' in line
    ok(cli_inproc("queue", "edit", "Security", "--description", "Ours", env=carol))
    with team.sql("carol") as conn:
        changed = conn.execute("UPDATE queues SET description = 'x' WHERE name = 'Network L2'")
        assert changed.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO queue_members (queue_id, agent_id, added_at) "
                "SELECT q.id, a.id, now() FROM queues q, agents a "
                "WHERE q.name = 'Network L2' AND a.handle = 'carol'"
            )
    assert [m.handle for m in queues.queue_members(team.desk, "Network L2")] == ["bob"]


def test_a_confidential_tickets_files_are_invisible_to_raw_sql_and_others_can_attach(
    team: Team,
) -> None:
    with team.sql("bob") as conn:
        assert conn.execute("SELECT count(*) FROM attachment_blobs").fetchone() == (0,)
    with team.sql("carol") as conn:
        assert conn.execute("SELECT count(*) FROM attachment_blobs").fetchone() == (1,)
    # Under row security bob still stores a file on a ticket he sees, even one whose bytes
    # are already stored for a ticket he does not see (stored once all the same).
    bob = open_desk(team.url("bob"), "bob")
    try:
        same = tickets.NewFile("copy.txt", "text/plain", f"{SECRET_WORD} keys".encode())
        tickets.note(bob, team.plain, "same bytes", files=[same])
        attachment, data = tickets.attachment_data(bob, team.plain, 1)
        assert (attachment.name, data) == ("copy.txt", f"{SECRET_WORD} keys".encode())
    finally:
        bob.close()
    with team.sql("carol") as conn:
        assert conn.execute("SELECT count(*) FROM attachment_blobs").fetchone() == (1,)


def test_db_doctor_says_which_agent_the_login_is(cli_inproc, team: Team) -> None:
    checks = {
        row["check"]: row
        for row in ok_json(cli_inproc("db", "doctor", "--format", "json", env=team.env("bob")))
    }
    assert checks["agent"]["state"] == "ok"
    assert checks["agent"]["detail"] == f'bob is agent, as the database login "{team.roles["bob"]}"'
    refused = cli_inproc("db", "doctor", "--format", "json", env=team.env("bob", acting="alice"))
    checks = {row["check"]: row for row in json.loads(refused.stdout)}
    assert checks["agent"]["state"] == "fail"
    assert "may not act as" in checks["agent"]["detail"]


def test_agent_add_login_creates_a_login_that_can_connect_as_that_agent(
    cli_inproc, team: Team
) -> None:
    role = team.roles["bob"].replace("_bob_", "_dave_")
    try:
        added = ok_json(cli_inproc("agent", "add", "dave", "--login", role, "--format", "json"))
        assert (added["handle"], added["login"]) == ("dave", role)
        team.roles["dave"] = role
        me = ok_json(cli_inproc("agent", "whoami", "--format", "json", env=team.env("dave")))
        assert me["handle"] == "dave"
        # A login already mapped to another agent is refused, naming that agent.
        line = one_error_line(cli_inproc("agent", "add", "erin", "--login", role), 4)
        assert f'the database login "{role}" is already agent "dave"' in line
    finally:
        support_pg.execute(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'"
        )
        support_pg.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_an_agent_login_queues_replies_and_sends_only_the_mail_it_may_see(
    cli_inproc, team: Team, tmp_path
) -> None:
    from smtp_server import SmtpServer

    secret_mail = tickets.create(
        team.desk, subject="Secret ask", queue="Security", requester="spy@x.example"
    )
    tickets.reply(team.desk, secret_mail.id, "Secret answer.")
    mine = tickets.create(team.desk, subject="VPN", requester="dana@customer.example")
    ok(cli_inproc("ticket", "reply", str(mine.id), "--body", "Try 5.2.", env=team.env("bob")))
    server = SmtpServer()
    server.start()
    try:
        path = tmp_path / "config.toml"
        path.write_text(server.config())
        env = {**team.env("bob"), "DESKTERM_CONFIG": str(path)}
        assert ok(cli_inproc("mail", "send", env=env)).startswith("1 mail: 1 sent")
        assert [m.recipients for m in server.received] == [["dana@customer.example"]]
        # The confidential ticket's mail waits for a login that may see it.
        listed = ok_json(cli_inproc("mail", "outbox", "--format", "json", env=env))
        assert listed == []
        everything = ok_json(cli_inproc("mail", "outbox", "--format", "json"))
        assert [(r["ticket_id"], r["status"]) for r in everything] == [(secret_mail.id, "queued")]
    finally:
        server.stop()


def test_a_refused_as_is_one_error_before_the_console_opens_and_before_watch_listens(
    cli_inproc, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    import deskterm.cli.tui_cmd as tui_cmd
    import deskterm.tui.app as tui_app

    opened: list[object] = []
    monkeypatch.setattr(tui_cmd, "on_terminal", lambda: True)
    monkeypatch.setattr(tui_app, "run_app", lambda *args, **kwargs: opened.append(args))
    for args in (("tui",), ()):
        line = one_error_line(cli_inproc("--as", "carol", *args, env=team.env("bob")), 5)
        assert 'is agent "bob" and may not act as "carol"' in line
    assert opened == []
    ok(cli_inproc("tui", env=team.env("bob")))  # his own agent: the console opens
    assert len(opened) == 1
    # watch refuses before it listens or streams anything (it would wait for ever).
    watched = cli_inproc("watch", env=team.env("bob", acting="carol"))
    line = one_error_line(watched, 5)
    assert "may not act as" in line and watched.stdout == ""


def _light(cli_inproc_bytes: Any, *args: str, env: dict[str, str | None]) -> Any:
    """Run ``args`` on the light path (asserting it answered) and on the ordinary path, and
    require the same bytes; return the light path's result."""
    from unittest import mock

    from deskterm.cli import quick

    answers: list[bool] = []
    real = quick.run

    def spy(argv: list[str]) -> bool:
        answers.append(real(argv))
        return answers[-1]

    with mock.patch.object(quick, "run", spy):
        fast = cli_inproc_bytes(*args, env=env)
    with mock.patch.object(quick, "run", return_value=False):
        full = cli_inproc_bytes(*args, env=env)
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        full.returncode,
        full.stdout,
        full.stderr,
    ), args
    fast.light = answers == [True]
    return fast


def test_the_light_read_path_keeps_a_confidential_ticket_invisible(
    cli_inproc_bytes, team: Team
) -> None:
    """``ticket list``/``show``/``report`` read with psycopg alone (issue 16) confine an agent's
    login exactly as the ordinary path does."""
    bob, carol = team.env("bob"), team.env("carol")
    secret = str(team.secret)
    listed = _light(cli_inproc_bytes, "ticket", "list", "-f", "ids", "--limit", "100", env=bob)
    assert listed.light
    assert secret not in listed.stdout.decode().split()
    assert str(team.plain) in listed.stdout.decode().split()
    every = _light(cli_inproc_bytes, "ticket", "list", "--all", "-f", "jsonl", env=bob)
    assert every.light and SECRET_WORD.encode() not in every.stdout
    report = _light(cli_inproc_bytes, "report", "-f", "json", env=bob)
    assert report.light and b"Security" not in report.stdout
    shown = _light(cli_inproc_bytes, "ticket", "show", secret, env=bob)
    assert not shown.light and shown.returncode == 3  # not there: the ordinary path says so
    mine = _light(cli_inproc_bytes, "ticket", "show", secret, "-f", "json", env=carol)
    assert mine.light and SECRET_WORD.encode() in mine.stdout
    # Naming another agent is refused, by the ordinary path, with its message.
    refused = _light(cli_inproc_bytes, "--as", "carol", "ticket", "list", env=bob)
    assert not refused.light and refused.returncode == 5


def test_the_light_path_names_the_agent_to_row_security_when_the_app_forgets(
    cli_inproc_bytes, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An admin's login acting for bob: with the domain's own filter switched off in both
    readers, row security still confines the light path's reads to bob's queues, because
    the acting agent is named (``deskterm.agent``) in the transaction that reads."""
    from deskterm.domain.tickets import quick as light_reader

    agents.set_role(team.desk, "carol", "admin")
    monkeypatch.setattr(Desk, "hidden_queues", lambda self, conn: frozenset())
    monkeypatch.setattr(light_reader, "hidden_from", lambda agent: frozenset())
    for_bob = team.env("carol", acting="bob")
    listed = _light(cli_inproc_bytes, "ticket", "list", "-f", "ids", "--limit", "100", env=for_bob)
    assert listed.light
    assert str(team.secret) not in listed.stdout.decode().split()
    shown = _light(cli_inproc_bytes, "ticket", "show", str(team.secret), env=for_bob)
    assert not shown.light and shown.returncode == 3
    as_herself = _light(cli_inproc_bytes, "ticket", "list", "-f", "ids", env=team.env("carol"))
    assert as_herself.light and str(team.secret) in as_herself.stdout.decode().split()


def test_only_an_admin_changes_what_the_mail_to_requesters_says(cli_inproc, team: Team) -> None:
    from deskterm.domain.mail import set_template

    set_template(team.desk, "solved", "Solved: {{ ticket.subject }}.")
    refused = cli_inproc(
        "mail", "template", "edit", "solved", "--body", "Bye.", env=team.env("carol")
    )
    assert "this needs admin" in one_error_line(refused, 5)
    with team.sql("bob") as conn:  # psql under an agent's login: read, never write
        assert conn.execute("SELECT kind, body FROM mail_templates").fetchall() == [
            ("solved", "Solved: {{ ticket.subject }}.")
        ]
        assert conn.execute("UPDATE mail_templates SET body = 'Hacked.'").rowcount == 0
        assert conn.execute("DELETE FROM mail_templates").rowcount == 0
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO mail_templates (kind, body, updated_at) "
                "VALUES ('received', 'x', now())"
            )
    shown = ok_json(cli_inproc("mail", "template", "show", "solved", env=team.env("bob")))
    assert shown["body"] == "Solved: {{ ticket.subject }}."


def test_a_rule_files_a_new_ticket_of_bobs_in_security_and_he_is_told(
    cli_inproc, team: Team
) -> None:
    from deskterm.domain.rules import Actions, add_rule

    add_rule(team.desk, "Breaches", "breach", Actions(queue="Security", add_tags=("sec",)))
    bob = team.env("bob")
    made = cli_inproc(
        "ticket", "create", "--subject", "A breach on the VPN", "--format", "json", env=bob
    )
    assert made.returncode == 0, made.stderr
    ticket = json.loads(made.stdout)
    assert (ticket["queue"], ticket["tags"]) == ("Security", ["sec"])
    assert made.stderr == (
        f'warning: #{ticket["id"]} was filed by a triage rule in queue "Security", which is '
        "confidential and which you are not a member of: you will not see it; its members "
        "and admins will\n"
    )
    one_error_line(cli_inproc("ticket", "show", str(ticket["id"]), env=bob), 3)
    shown = ok_json(
        cli_inproc("ticket", "show", str(ticket["id"]), "-f", "json", env=team.env("carol"))
    )
    assert shown["queue"] == "Security"
    with team.sql("bob") as conn:  # and his login's own filing stays refused by hand
        assert conn.execute(
            "SELECT count(*) FROM tickets WHERE id = %s", (ticket["id"],)
        ).fetchone() == (0,)
        assert conn.execute(
            "SELECT deskterm_file_new_ticket(%s, (SELECT id FROM queues WHERE name = 'Security'))",
            (team.plain,),
        ).fetchone() == (False,)
    assert tickets.get(team.desk, team.plain).queue != "Security"


def test_on_a_desk_owned_by_a_login_that_is_not_a_superuser_a_rule_files_into_security(
    desk: Desk,  # PostgreSQL is there
) -> None:
    # The tests' desks are the superuser's, who passes row security: here the desk's own
    # definer functions (migration 0023) are subject to it, as on a DBA's desk.
    from deskterm.domain.rules import Actions, add_rule

    with support_pg.owned_database() as url:
        owner = open_desk(url, "alice")
        try:
            agents.add_agent(owner, "bob")
            agents.add_agent(owner, "carol")
            queues.add_queue(owner, "Security", tier="L2", confidential=True)
            queues.join_queue(owner, "Security", ["carol"])
            add_rule(owner, "Breaches", "breach", Actions(queue="Security"))
            with support_pg.agent_logins(owner, "bob") as roles:
                bob = open_desk(support_pg.login_url(url, roles["bob"]), "bob")
                try:
                    notices: list[str] = []
                    made = tickets.create(bob, notices, subject="A breach on the VPN")
                    assert made.queue == "Security" and len(notices) == 1
                    with pytest.raises(NotFound):
                        tickets.get(bob, made.id)
                finally:
                    bob.close()
            assert tickets.get(owner, made.id).queue == "Security"
        finally:
            owner.close()


def test_every_table_that_holds_part_of_a_ticket_hides_the_confidential_one_from_raw_sql(
    team: Team,
) -> None:
    # The secret ticket gets a row in every table that holds a part of a ticket (the list
    # row security keeps: store/security.py, and 0019's, 0021's tables): bob's login reads
    # none of them, carol's every one.
    from deskterm.domain.mail import MailSettings, receive
    from deskterm.store.security import TICKET_CHILDREN

    desk, secret = team.desk, team.secret
    tickets.reply(desk, secret, "We are on it.", time="10m")  # outbox, time
    tickets.update(desk, secret, tickets.Changes(status="solved"))
    tickets.rate(desk, secret, "good")
    tickets.beat(Desk(desk.store, "carol"), secret, "viewing")
    mailed = receive(
        desk,
        b"From: spy@x.example\r\nTo: help@desk.example\r\nSubject: leak\r\n"
        b"Message-ID: <leak-1@x.example>\r\n\r\nzebrafinch\r\n",
        MailSettings(addresses=("help@desk.example",)),
    )
    assert mailed.ticket_id is not None
    tickets.update(desk, mailed.ticket_id, tickets.Changes(queue="Security"))  # a mail row
    tables = sorted({t for t, _c, _n in TICKET_CHILDREN} | {"attachments", "mail_outbox"})
    for handle, expected in (("carol", True), ("bob", False)):
        with team.sql(handle) as conn:
            for table in tables:
                (found,) = conn.execute(
                    f"SELECT count(*) FROM {table} WHERE ticket_id IN (%s, %s)",
                    (secret, mailed.ticket_id),
                ).fetchone()
                assert bool(found) is expected, (handle, table, found)


def test_export_is_for_admins_and_the_knowledge_base_holds_no_link_to_a_ticket(
    cli_inproc, team: Team
) -> None:
    bob = team.env("bob")
    assert "this needs admin" in one_error_line(cli_inproc("export", env=bob), 5)
    # The knowledge base has no links to tickets (kb_articles and their tags name none): a
    # search under bob finds articles only, never a ticket's words.
    from deskterm.domain import kb

    kb.add(team.desk, title="Rotating keys", body="How to rotate server keys.")
    found = ok_json(cli_inproc("kb", "search", "keys", "--format", "json", env=bob))
    assert [a["title"] for a in found] == ["Rotating keys"]
    assert ok_json(cli_inproc("kb", "search", SECRET_WORD, "--format", "json", env=bob)) == []
    with team.sql("bob") as conn:
        columns = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_name LIKE 'kb%%' AND column_name LIKE '%%ticket%%'"
        ).fetchall()
    assert columns == []


def test_watch_under_an_agents_login_streams_only_what_it_may_see(team: Team) -> None:
    import os
    import queue
    import subprocess
    import sys
    import threading
    import time
    from pathlib import Path

    deskterm = Path(sys.executable).with_name("deskterm")
    env = {**os.environ, "DESKTERM_DB": team.url("bob")}
    env.pop("DESKTERM_AGENT", None)
    proc = subprocess.Popen(
        [str(deskterm), "watch", "--interval", "0.2"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    got: list[dict[str, Any]] = []
    try:
        deadline = time.monotonic() + 30
        while len(got) < 2 and time.monotonic() < deadline:
            tickets.note(team.desk, team.secret, f"{SECRET_WORD} again")
            tickets.note(team.desk, team.plain, "paper")
            try:
                got.append(json.loads(lines.get(timeout=0.5)))
            except queue.Empty:
                continue
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    assert len(got) >= 2, proc.stderr.read() if proc.stderr else "no output"
    assert {e["ticket_id"] for e in got} == {team.plain}


def test_the_light_path_reads_in_one_round_trip_where_it_can(
    cli_inproc_bytes, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After connecting, a light read sends who is acting and the command's statements in
    one pipeline; only an agent with something hidden (or named to row security) needs a
    second, to read again with its confinement."""
    from deskterm.store.light_pg import PgReader

    trips: list[int] = []
    real = PgReader.many

    def counted(self: PgReader, statements: Any) -> Any:
        trips.append(len(statements))
        return real(self, statements)

    monkeypatch.setattr(PgReader, "many", counted)
    for handle, expected in (("carol", [3]), ("bob", [3, 2])):
        trips.clear()
        listed = _light(cli_inproc_bytes, "ticket", "list", "-f", "ids", env=team.env(handle))
        assert listed.light
        assert trips[: len(expected)] == expected, handle  # then the ordinary path's run
    trips.clear()
    shown = _light(cli_inproc_bytes, "ticket", "show", str(team.plain), env=team.env("carol"))
    assert shown.light and trips[:1] == [7]  # who, the ticket and its five child statements
