"""``deskterm agent ...`` and ``deskterm kb ...``."""

from __future__ import annotations

import json

from clitools import SQLITE_ONLY, ok, ok_json, one_error_line

from deskterm.domain.kb import articles as kb

# -- agents -----------------------------------------------------------------------------------


@SQLITE_ONLY
def test_agent_list_as_json_shows_every_agent_with_its_role(cli_inproc) -> None:
    rows = ok_json(cli_inproc("agent", "list", "--format", "json"))

    roles = {row["handle"]: row["role"] for row in rows}
    assert roles == {"alice": "admin", "bob": "agent", "carol": "lead"}
    assert all(type(row["id"]) is int and row["active"] is True for row in rows)


@SQLITE_ONLY
def test_an_admin_adds_an_agent_changes_its_role_and_the_agent_can_act(cli_inproc) -> None:
    added = ok_json(
        cli_inproc(
            "agent",
            "add",
            "dave",
            "--name",
            "Dave Park",
            "--email",
            "dave@corp.example",
            "--role",
            "lead",
            "--format",
            "json",
        )
    )
    assert (added["handle"], added["name"], added["role"]) == ("dave", "Dave Park", "lead")
    assert added["email"] == "dave@corp.example"

    changed = ok_json(cli_inproc("agent", "set-role", "dave", "admin", "--format", "json"))
    assert changed["role"] == "admin"

    me = ok_json(cli_inproc("--as", "dave", "agent", "whoami", "--format", "json"))
    assert (me["handle"], me["role"]) == ("dave", "admin")


@SQLITE_ONLY
def test_agent_set_role_with_an_unknown_role_names_the_allowed_roles(cli_inproc) -> None:
    line = one_error_line(cli_inproc("agent", "set-role", "bob", "boss"), 2)

    assert "agent, lead, admin" in line


@SQLITE_ONLY
def test_whoami_shows_the_agent_from_the_environment(cli_inproc) -> None:
    me = ok_json(cli_inproc("agent", "whoami", env={"DESKTERM_AGENT": "carol"}))

    assert (me["handle"], me["role"]) == ("carol", "lead")


# -- knowledge base ---------------------------------------------------------------------------


def test_kb_add_reads_markdown_from_stdin_and_search_finds_it_with_a_snippet(cli_inproc) -> None:
    body = "# Reset the VPN\n\nRestart the VPN client when the tunnel drops every hour.\n"
    added = ok_json(
        cli_inproc(
            "kb",
            "add",
            "--title",
            "VPN drops every hour",
            "--tag",
            "vpn",
            "--body",
            "-",
            input=body,
        )
    )
    assert added["slug"] == "vpn-drops-every-hour"
    assert added["body"].strip() == body.strip()
    assert added["tags"] == ["vpn"]
    assert added["author"] == "alice"

    hits = ok_json(cli_inproc("kb", "search", 'tunnel "drops every"', "--format", "json"))

    assert [hit["id"] for hit in hits] == [added["id"]]
    hit = hits[0]
    assert {"id", "slug", "title", "snippet", "matches", "rank"} <= hit.keys()
    assert "tunnel" in hit["snippet"]
    assert "tunnel" in hit["matches"]
    assert any("drops" in match for match in hit["matches"])


@SQLITE_ONLY
def test_kb_search_for_nothing_that_matches_is_an_empty_list(cli_inproc) -> None:
    assert ok_json(cli_inproc("kb", "search", 'NEAR( "quotes* 🚀', "--format", "json")) == []


@SQLITE_ONLY
def test_kb_show_as_json_by_slug_and_by_id(cli_inproc, desk) -> None:
    article = kb.add(desk, title="Reset your password", body="Go to **id.corp**.", tags=["pw"])

    by_slug = ok_json(cli_inproc("kb", "show", "reset-your-password", "--format", "json"))
    by_id = ok_json(cli_inproc("kb", "show", str(article.id)))

    assert by_slug == by_id
    assert by_slug["title"] == "Reset your password"
    assert by_slug["body"] == "Go to **id.corp**."
    assert by_slug["tags"] == ["pw"]


@SQLITE_ONLY
def test_kb_show_of_an_unknown_article_is_not_found(cli_inproc) -> None:
    line = one_error_line(cli_inproc("kb", "show", "no-such-article"), 3)

    assert "no-such-article" in line


@SQLITE_ONLY
def test_kb_list_writes_one_json_line_per_article(cli_inproc, desk) -> None:
    kb.add(desk, title="Printer setup", body="Add the printer.")
    kb.add(desk, title="Mail on phone", body="Use the app.")

    rows = [json.loads(line) for line in ok(cli_inproc("kb", "list")).splitlines()]

    assert sorted(row["slug"] for row in rows) == ["mail-on-phone", "printer-setup"]


@SQLITE_ONLY
def test_kb_search_snippet_keeps_the_space_between_a_line_and_a_match(cli_inproc, desk) -> None:
    kb.add(desk, title="Client", body="Intro line about things.\nRestart the VPN client now.")

    (hit,) = ok_json(cli_inproc("kb", "search", "vpn", "--format", "json"))

    assert "the VPN client" in hit["snippet"], hit["snippet"]
