"""What the desk's mail to a requester says (docs/mail.md, "Notifications"): the text of a
reply, and the notifications, each a template of the sandboxed engine
(``domain/templates.py``) with the same variables as macros and rules.

- ``received``: a new ticket came by mail and no rule or queue answered it automatically;
- ``solved``: the ticket is solved; a reply within ``reopen_days`` reopens it, and a reply
  that starts with ``rate good`` or ``rate bad`` rates the solve (``intake``).
"""

from __future__ import annotations

from typing import Final

from deskterm.domain.models import Agent, Ticket
from deskterm.domain.templates import render as render_template

#: The notifications' templates (``@DAYS@`` is ``reopen_days``).
TEMPLATES: Final[dict[str, str]] = {
    "received": """\
Hello {{ requester.first_name | default("there") }},

we have received your request and will answer as soon as we can:

    {{ ticket.subject }}

Its number is #{{ ticket.id }}. To add to it, reply to this mail and keep the
ticket number in the subject.""",
    "solved": """\
Hello {{ requester.first_name | default("there") }},

your request #{{ ticket.id }} is solved:

    {{ ticket.subject }}

If it is not, reply to this mail within @DAYS@ days and the ticket opens again.

How did we do? Reply with just "rate good" or "rate bad" (and a comment after
it, if you like).""",
}
#: Closes every mail: the signature delimiter ("-- ") keeps it out of the thread when the
#: requester's reply quotes it.
FOOTER: Final = "-- \nTicket #{id} [{tag} #{id}]: reply to this mail to add to it."


def render(kind: str, ticket: Ticket, agent: Agent, *, reopen_days: int) -> str:
    """The text of the notification ``kind`` for ``ticket``."""
    body = TEMPLATES[kind].replace("@DAYS@", str(reopen_days))
    return render_template(body, ticket, agent, source=f"the {kind!r} notification") + "\n"


def reply_text(body: str, ticket: Ticket, tag: str) -> str:
    """A reply as it goes out: the text the agent wrote, then the footer."""
    return f"{body.rstrip()}\n\n{FOOTER.format(id=ticket.id, tag=tag)}\n"
