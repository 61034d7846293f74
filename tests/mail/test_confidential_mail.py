"""Mail to a ticket in a confidential queue, the same on both backends (docs/mail.md).

The mail gateway (agent ``mail``; on PostgreSQL under a login of its own, so row security
applies to it) takes a requester's reply to a ticket of the confidential queue HR:

- when the gateway may see HR (a member), the reply joins that ticket, and agents outside HR
  still see nothing of it;
- when it may not, the mail is refused as "ticket #N not found" (nothing written: the mail
  server keeps it, ``mail fetch`` leaves it on the IMAP server), whether it answers by
  References or by the subject tag; it never becomes a new ticket in an open queue, where
  every agent would read the requester's words. Once the gateway joins HR the same mail
  joins its ticket.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import support_pg
from deskterm.domain import queues, tickets
from deskterm.domain.desk import Desk
from deskterm.domain.mail import MailSettings, receive
from deskterm.domain.people import add_agent
from deskterm.domain.setup import open_desk
from deskterm.errors import NotFound

CORPUS = Path(__file__).parent / "corpus"
SETTINGS = MailSettings(addresses=("help@desk.example",))


def mail(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.fixture
def gateway(desk: Desk) -> Iterator[Desk]:
    """The mail gateway agent, acting through its own login on PostgreSQL."""
    add_agent(desk, "mail", name="Mail gateway")
    queues.add_queue(desk, "HR", tier="L1", confidential=True)
    queues.join_queue(desk, "HR", ["carol"])
    if desk.store.url.startswith("sqlite"):
        yield Desk(desk.store, "mail")
        return
    with support_pg.agent_logins(desk, "mail", "bob") as roles:
        gate = open_desk(support_pg.login_url(desk.store.url, roles["mail"]), "mail")
        try:
            yield gate
        finally:
            gate.close()


def _first_in_hr(desk: Desk, gateway: Desk) -> int:
    first = receive(gateway, mail("plain-utf8.eml"), SETTINGS)
    assert first.outcome == "created" and first.ticket_id is not None
    tickets.update(desk, first.ticket_id, tickets.Changes(queue="HR"))
    return first.ticket_id


@pytest.mark.parametrize("reply", ["reply-references.eml", "reply-subject-tag.eml"])
def test_a_reply_to_a_confidential_ticket_the_gateway_may_not_see_is_refused_not_leaked(
    desk: Desk, gateway: Desk, reply: str
) -> None:
    ticket_id = _first_in_hr(desk, gateway)

    with pytest.raises(NotFound) as refused:
        receive(gateway, mail(reply), SETTINGS)

    assert str(refused.value) == f"ticket #{ticket_id} not found"
    assert tickets.count(desk, "") == 1  # no new ticket anywhere
    assert len(tickets.detail(desk, ticket_id).messages) == 1
    # Once the gateway may see HR, the same mail joins its ticket.
    queues.join_queue(desk, "HR", ["mail"])
    joined = receive(gateway, mail(reply), SETTINGS)
    assert (joined.outcome, joined.ticket_id) == ("appended", ticket_id)
    assert len(tickets.detail(desk, ticket_id).messages) == 2
    assert tickets.count(desk, "") == 1


def test_a_reply_joins_the_confidential_ticket_and_stays_closed_to_others(
    desk: Desk, gateway: Desk
) -> None:
    queues.join_queue(desk, "HR", ["mail"])
    ticket_id = _first_in_hr(desk, gateway)

    joined = receive(gateway, mail("reply-references.eml"), SETTINGS)

    assert (joined.outcome, joined.ticket_id) == ("appended", ticket_id)
    bob = Desk(desk.store, "bob")
    assert tickets.count(bob, "") == 0
    with pytest.raises(NotFound):
        tickets.detail(bob, ticket_id)
    carol = Desk(desk.store, "carol")
    assert len(tickets.detail(carol, ticket_id).messages) == 2


@pytest.fixture
def owned_url(desk: Desk) -> Iterator[str]:
    """A desk owned by a login that is not a superuser (``desk``: PostgreSQL is there)."""
    with support_pg.owned_database() as url:
        yield url


@pytest.mark.parametrize("backend", ["postgres"])
def test_on_a_desk_owned_by_a_login_that_is_not_a_superuser_the_refusal_holds(
    owned_url: str,
) -> None:
    owned = open_desk(owned_url, "alice")
    try:
        add_agent(owned, "carol")
        add_agent(owned, "mail", name="Mail gateway")
        queues.add_queue(owned, "HR", tier="L1", confidential=True)
        queues.join_queue(owned, "HR", ["carol"])
        with support_pg.agent_logins(owned, "mail") as roles:
            gate = open_desk(support_pg.login_url(owned_url, roles["mail"]), "mail")
            try:
                ticket_id = _first_in_hr(owned, gate)
                with pytest.raises(NotFound):
                    receive(gate, mail("reply-references.eml"), SETTINGS)
                assert tickets.count(owned, "") == 1
                queues.join_queue(owned, "HR", ["mail"])
                joined = receive(gate, mail("reply-references.eml"), SETTINGS)
                assert (joined.outcome, joined.ticket_id) == ("appended", ticket_id)
            finally:
                gate.close()
    finally:
        owned.close()
