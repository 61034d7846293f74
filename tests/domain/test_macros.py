"""Macros: a canned reply or note with variables plus field changes, applied in one step."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.macros import (
    MacroSpec,
    add_macro,
    apply_macro,
    delete_macro,
    edit_macro,
    get_macro,
    list_macros,
    preview,
)
from deskterm.domain.people import whoami
from deskterm.domain.tickets import Changes
from deskterm.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StaleVersion
from deskterm.store import schema
from support import as_agent

EVERY_VARIABLE = (
    "{{ ticket.id }}|{{ ticket.subject }}|{{ ticket.status }}|{{ ticket.priority }}|"
    "{{ ticket.queue }}|{{ ticket.type }}\n"
    "{{ requester.name }}|{{ requester.first_name }}|{{ requester.email }}\n"
    "{{ organization.name }}\n"
    "{{ agent.name }}|{{ agent.first_name }}|{{ agent.handle }}|{{ agent.email }}"
)


def _acme(desk: Desk) -> None:
    with desk.store.write() as conn:
        conn.execute(
            insert(schema.organizations).values(
                name="Acme Corp", domain="acme.example", created_at=datetime.now(UTC)
            )
        )


def _ticket(desk: Desk, requester: str | None = "dana.smith@acme.example") -> int:
    return tickets.create(
        desk,
        subject="VPN drops every hour",
        body="Since Monday.",
        requester=requester,
        priority="high",
        queue="Network L2",
        tags=("vpn",),
    ).id


def test_every_variable_is_filled_in_for_the_ticket_and_the_agent_applying_it(
    desk: Desk,
) -> None:
    _acme(desk)
    ticket_id = _ticket(desk)
    add_macro(desk, "All", MacroSpec(body=EVERY_VARIABLE), shared=True)
    bob = as_agent(desk, "bob")
    applied = apply_macro(bob, ticket_id, "All")
    assert applied.text == (
        f"{ticket_id}|VPN drops every hour|new|high|Network L2|incident\n"
        "Dana Smith|Dana|dana.smith@acme.example\n"
        "Acme Corp\n"
        "Bob Stone|Bob|bob|bob@corp.example"
    )
    thread = tickets.detail(desk, ticket_id).messages
    assert (thread[-1].kind, thread[-1].author, thread[-1].body) == ("reply", "bob", applied.text)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("Hi {{ requester.frist_name }}", 'unknown variable "requester.frist_name" (did you mean'),
        ("Hi {{ customer.name }}", 'unknown variable "customer"; variables: ticket.id'),
        ("Ticket {{ ticket['owner'] }}", 'unknown variable "ticket.owner"'),
        ("Hello\n\nHi {{ requester.name }", "line 3: unexpected '}'"),
        ("{% if ticket.id %}open", "line 1: Unexpected end of template"),
        ("Hi {{ requester }}", '"requester" is not a value of its own; use requester.name'),
        ("{{ ticket.subject.__class__ }}", "unsafe"),
        ("{{ lipsum() }}", 'unknown variable "lipsum"'),
    ],
)
def test_a_bad_macro_is_refused_when_it_is_saved_and_nothing_is_stored(
    desk: Desk, body: str, said: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        add_macro(desk, "Greeting", MacroSpec(body=body))
    assert said in str(caught.value)
    assert list_macros(desk) == []


def test_an_unknown_variable_names_what_exists(desk: Desk) -> None:
    with pytest.raises(InvalidInput) as caught:
        add_macro(desk, "Sign", MacroSpec(body="{{ agent.phone }}"))
    assert str(caught.value).endswith(
        "variables: agent.name, agent.first_name, agent.handle, agent.email"
    )


def test_an_edit_that_breaks_the_text_is_refused_and_the_macro_is_kept(desk: Desk) -> None:
    add_macro(desk, "Greeting", MacroSpec(body="Hi {{ requester.first_name }}"))
    with pytest.raises(InvalidInput, match=r"requester\.firstname"):
        edit_macro(desk, "Greeting", {"body": "Hi {{ requester.firstname }}"})
    assert get_macro(desk, "Greeting").body == "Hi {{ requester.first_name }}"


def test_a_value_the_ticket_lacks_is_refused_naming_it_never_a_blank(desk: Desk) -> None:
    ticket_id = _ticket(desk, requester=None)
    add_macro(desk, "Greeting", MacroSpec(body="Hi {{ requester.first_name }},\nthanks"))
    before = tickets.get(desk, ticket_id)
    with pytest.raises(InvalidInput) as caught:
        apply_macro(desk, ticket_id, "Greeting")
    assert "uses requester.first_name, which ticket" in str(caught.value)
    assert "default('...')" in str(caught.value)
    assert tickets.get(desk, ticket_id).version == before.version


def test_a_fallback_in_the_macro_fills_a_missing_value(desk: Desk) -> None:
    ticket_id = _ticket(desk, requester=None)
    body = (
        'Hi {{ requester.first_name | default("there") }},\n'
        "{% if organization.name %}\nYour company: {{ organization.name }}\n{% endif %}\n"
        "Thanks"
    )
    add_macro(desk, "Greeting", MacroSpec(body=body))
    assert apply_macro(desk, ticket_id, "Greeting").text == "Hi there,\nThanks"


def test_applying_is_one_change_one_version_with_the_macro_in_the_history(desk: Desk) -> None:
    ticket_id = _ticket(desk)
    add_macro(
        desk,
        "Waiting for you",
        MacroSpec(
            body="Hi {{ requester.first_name }}, could you send a screenshot?",
            status="pending",
            priority="normal",
            type="question",
            queue="Service Desk",
            assignee="me",
            add_tags=("waiting",),
            remove_tags=("vpn",),
        ),
    )
    before = tickets.get(desk, ticket_id)
    applied = apply_macro(desk, ticket_id, "waiting for you", if_version=before.version)
    after = applied.ticket
    assert after.version == before.version + 1
    assert (after.status, after.priority, after.type, after.queue, after.assignee) == (
        "pending",
        "normal",
        "question",
        "Service Desk",
        "alice",
    )
    assert after.tags == ("waiting",)
    assert after.first_responded_at is not None  # a public reply
    history = tickets.detail(desk, ticket_id).history
    last = [e for e in history if e.version == after.version]
    assert {e.field for e in last} == {
        "reply",
        "status",
        "priority",
        "type",
        "queue",
        "assignee",
        "tags",
        "macro",
    }
    macro_event = next(e for e in last if e.field == "macro")
    assert tickets.describe(macro_event) == "applied macro Waiting for you"
    assert [c.field for c in applied.changes] == [
        "status",
        "priority",
        "type",
        "queue",
        "assignee",
        "tags",
    ]


def test_a_note_macro_adds_an_internal_note_that_is_no_first_response(desk: Desk) -> None:
    ticket_id = _ticket(desk)
    add_macro(
        desk, "Checked", MacroSpec(kind="note", body="RADIUS logs checked by {{ agent.handle }}")
    )
    applied = apply_macro(desk, ticket_id, "Checked")
    assert applied.ticket.first_responded_at is None
    assert tickets.detail(desk, ticket_id).messages[-1].kind == "note"


def test_a_stale_apply_is_refused_and_changes_nothing(desk: Desk) -> None:
    ticket_id = _ticket(desk)
    add_macro(desk, "Solve", MacroSpec(body="Solved, {{ requester.first_name }}.", status="solved"))
    seen = tickets.get(desk, ticket_id).version
    tickets.reply(as_agent(desk, "bob"), ticket_id, "Looking into it.")
    with pytest.raises(StaleVersion, match="bob changed"):
        apply_macro(desk, ticket_id, "Solve", if_version=seen)
    assert tickets.get(desk, ticket_id).status == "open"


def test_a_move_the_workflow_forbids_is_refused_whole(desk: Desk) -> None:
    ticket_id = _ticket(desk)
    add_macro(desk, "Close", MacroSpec(body="Closing.", status="closed"))
    before = tickets.get(desk, ticket_id)
    with pytest.raises(Conflict):
        apply_macro(desk, ticket_id, "Close")
    assert tickets.get(desk, ticket_id).version == before.version
    assert len(tickets.detail(desk, ticket_id).messages) == 1


def test_a_dry_run_shows_the_text_and_the_changes_and_changes_nothing(desk: Desk) -> None:
    ticket_id = _ticket(desk)
    add_macro(desk, "Pend", MacroSpec(body="Hi {{ requester.first_name }}", status="pending"))
    applied = apply_macro(desk, ticket_id, "Pend", dry_run=True)
    assert applied.text == "Hi Dana"
    assert [(c.field, c.old, c.new) for c in applied.changes] == [("status", "new", "pending")]
    unchanged = tickets.detail(desk, ticket_id)
    assert (unchanged.ticket.status, unchanged.ticket.version) == ("new", 1)
    assert len(unchanged.messages) == 1


def test_the_preview_is_what_applying_does(desk: Desk) -> None:
    ticket_id = _ticket(desk)
    add_macro(
        desk,
        "Pend",
        MacroSpec(
            body="Hi {{ requester.first_name }}", status="pending", assignee="me", add_tags=("x",)
        ),
    )
    macro = get_macro(desk, "Pend")
    shown = preview(macro, tickets.get(desk, ticket_id), whoami(desk))
    applied = apply_macro(desk, ticket_id, "Pend")
    assert shown.text == applied.text
    assert [(c.field, c.new) for c in shown.changes] == [(c.field, c.new) for c in applied.changes]


def test_the_preview_names_a_missing_value_instead_of_a_blank(desk: Desk) -> None:
    ticket_id = _ticket(desk, requester=None)
    add_macro(desk, "Greeting", MacroSpec(body="Hi {{ requester.name }}"))
    shown = preview(get_macro(desk, "Greeting"), tickets.get(desk, ticket_id), whoami(desk))
    assert shown.text is None
    assert shown.problem is not None and "requester.name" in shown.problem


def test_personal_macros_are_their_owners_and_shared_ones_need_a_lead(desk: Desk) -> None:
    bob, carol = as_agent(desk, "bob"), as_agent(desk, "carol")
    add_macro(bob, "Mine", MacroSpec(body="Bob's own"))
    with pytest.raises(PermissionDenied):
        add_macro(bob, "Team", MacroSpec(body="Hi"), shared=True)
    add_macro(carol, "Team", MacroSpec(body="Hi"), shared=True)
    assert [(m.name, m.owner) for m in list_macros(bob)] == [("Mine", "bob"), ("Team", None)]
    assert [m.name for m in list_macros(desk)] == ["Team"]
    with pytest.raises(NotFound, match='no macro "Mine"'):
        apply_macro(desk, _ticket(desk), "Mine")
    with pytest.raises(PermissionDenied, match="shared macro"):
        edit_macro(bob, "Team", {"body": "Changed"})
    with pytest.raises(PermissionDenied):
        delete_macro(bob, "Team")
    edit_macro(carol, "Team", {"body": "Hello {{ requester.first_name }}", "name": "Team hello"})
    assert get_macro(bob, "team hello").body == "Hello {{ requester.first_name }}"
    delete_macro(desk, "Team hello")  # an admin may
    assert [m.name for m in list_macros(bob)] == ["Mine"]


def test_names_are_unique_per_owner_and_ones_own_comes_first(desk: Desk) -> None:
    bob, carol = as_agent(desk, "bob"), as_agent(desk, "carol")
    add_macro(carol, "Thanks", MacroSpec(body="Shared thanks"), shared=True)
    add_macro(bob, "Thanks", MacroSpec(body="Bob's thanks"))
    with pytest.raises(Conflict, match="already named"):
        add_macro(bob, "THANKS", MacroSpec(body="again"))
    assert get_macro(bob, "Thanks").body == "Bob's thanks"
    assert get_macro(bob, "Thanks", shared=True).body == "Shared thanks"


def test_a_macro_needs_text_or_a_change_and_known_values(desk: Desk) -> None:
    with pytest.raises(InvalidInput, match="a text or at least one field change"):
        add_macro(desk, "Empty", MacroSpec())
    with pytest.raises(InvalidInput, match='unknown status "pendng"'):
        add_macro(desk, "Bad", MacroSpec(status="pendng"))
    with pytest.raises(NotFound, match='unknown queue "Nowhere"'):
        add_macro(desk, "Bad", MacroSpec(queue="Nowhere"))
    with pytest.raises(NotFound, match='unknown agent "zed"'):
        add_macro(desk, "Bad", MacroSpec(assignee="zed"))
    with pytest.raises(InvalidInput, match='unknown macro kind "email"'):
        add_macro(desk, "Bad", MacroSpec(kind="email", body="x"))
    add_macro(desk, "Field only", MacroSpec(status="pending", queue="network l2"))
    assert get_macro(desk, "Field only").queue == "Network L2"


def test_a_macro_that_changes_nothing_on_a_ticket_says_so(desk: Desk) -> None:
    ticket_id = _ticket(desk)
    tickets.update(desk, ticket_id, Changes(status="pending"))
    add_macro(desk, "Pend", MacroSpec(status="pending"))
    with pytest.raises(InvalidInput, match="changes nothing"):
        apply_macro(desk, ticket_id, "Pend")


def test_listing_macros_does_not_import_the_template_engine() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from deskterm.domain.macros import list_macros, get_macro\n"
        "import deskterm.cli.macro_cmd\n"
        "assert 'jinja2' not in sys.modules, 'jinja2 imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
