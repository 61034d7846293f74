"""What the desk's mail to a requester says (docs/mail.md, "Notifications"): three templates
of the sandboxed engine (``domain/templates.py``) with the variables of macros and rules, and
a few of their own (:data:`EXTRA`):

- ``received``: a new ticket came by mail and no rule or queue answered it automatically;
- ``replied``: an agent's public reply (``reply.text``), however it was written;
- ``solved``: the ticket is solved; a reply within ``reopen_days`` reopens it, and a reply
  that starts with ``rate good`` or ``rate bad`` rates the solve (``intake``).

A desk's admins may change each (``mail template edit``): the text is kept in
``mail_templates`` (migration 0022), checked when it is saved as a macro's is, and more
strictly (it goes out with nobody reading it first): an unknown variable, or one a ticket may
lack without a ``| default(...)``, is refused. A kind with no row uses :data:`DEFAULTS`.
Every mail ends with :data:`FOOTER`, which no template changes: its signature delimiter keeps
it out of the thread when the requester's answer quotes it, and its tag threads the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from deskterm.domain import validate
from deskterm.domain.desk import Desk
from deskterm.domain.models import Agent, Ticket
from deskterm.domain.templates import VARIABLES, check_template, uses
from deskterm.domain.templates import render as render_template
from deskterm.errors import InvalidInput
from deskterm.store import schema

T, A = schema.mail_templates, schema.agents
RECEIVED, REPLIED, SOLVED = "received", "replied", "solved"
KINDS: Final = (RECEIVED, REPLIED, SOLVED)
#: The same, as the mail surface names them.
TEMPLATE_KINDS: Final = KINDS
#: What each kind is for, in ``mail template list``.
PURPOSES: Final = {
    RECEIVED: "a new ticket came by mail (no rule or queue answered it)",
    REPLIED: "an agent's public reply",
    SOLVED: "the ticket is solved: how to reopen it, how to rate it",
}
#: Who writes the mail of each kind, for the editor's note: the ``agent`` variables.
AGENT_IS: Final = {
    RECEIVED: "the agent running mail send",
    REPLIED: "the agent who wrote the reply",
    SOLVED: "the agent running mail send",
}
#: The objects each kind has beyond the macros' variables: object -> attribute -> what.
_MAIL: Final = {
    "reopen_days": "[mail] reopen_days: a reply within this many days of the solve reopens it",
    "address": "the desk's address ([mail] address), which answers come back to",
}
EXTRA: Final[dict[str, dict[str, dict[str, str]]]] = {
    RECEIVED: {"mail": _MAIL},
    REPLIED: {"mail": _MAIL, "reply": {"text": "the text of the agent's reply"}},
    SOLVED: {"mail": _MAIL},
}
#: The built-in texts.
DEFAULTS: Final[dict[str, str]] = {
    RECEIVED: """\
Hello {{ requester.first_name | default("there") }},

we have received your request and will answer as soon as we can:

    {{ ticket.subject }}

Its number is #{{ ticket.id }}. To add to it, reply to this mail and keep the
ticket number in the subject.""",
    REPLIED: "{{ reply.text }}",
    SOLVED: """\
Hello {{ requester.first_name | default("there") }},

your request #{{ ticket.id }} is solved:

    {{ ticket.subject }}

If it is not, reply to this mail within {{ mail.reopen_days }} days and the ticket opens again.

How did we do? Reply with just "rate good" or "rate bad" (and a comment after
it, if you like).""",
}
#: Closes every mail: the signature delimiter ("-- ") keeps it out of the thread when the
#: requester's reply quotes it.
FOOTER: Final = "-- \nTicket #{id} [{tag} #{id}]: reply to this mail to add to it."


@dataclass(frozen=True)
class MailTemplate:
    """One notification's text as the desk uses it."""

    kind: str
    body: str
    #: False: the built-in text.
    changed: bool
    updated_at: datetime | None = None
    #: The handle of the agent who changed it last.
    updated_by: str | None = None

    @property
    def purpose(self) -> str:
        return PURPOSES[self.kind]

    @property
    def default(self) -> str:
        """The built-in text of this kind."""
        return DEFAULTS[self.kind]

    @property
    def variables(self) -> tuple[tuple[str, str], ...]:
        """The variables this kind may use: (``ticket.subject``, what it is)."""
        found = []
        for obj, attrs in {**VARIABLES, **EXTRA[self.kind]}.items():
            for attr, what in attrs.items():
                # The macros' wording, said of a mail.
                what = what.replace(" (before the macro's changes)", "")
                if obj == "agent":
                    what = what.replace("the agent applying the macro", AGENT_IS[self.kind])
                found.append((f"{obj}.{attr}", what))
        return tuple(found)


def kind_of(value: str) -> str:
    """``value`` as a kind of template; InvalidInput naming the kinds otherwise."""
    return validate.choice("notification", value.strip().lower(), KINDS)


def check_text(kind: str, body: str) -> str:
    """``body`` if it may be the ``kind`` notification's text; InvalidInput names what is
    wrong (a syntax error, an unknown variable, one without a fallback that a ticket may
    lack, an empty text)."""
    if not body.strip():
        raise InvalidInput(f"the {kind} template is empty; mail text is needed", field="body")
    what = f"{kind} template"
    clean = validate.storable(body).strip("\n")
    text = check_template(clean, extra=EXTRA[kind], what=what, strict=True)
    if kind == REPLIED and not uses(text, "reply.text"):
        raise InvalidInput(
            "the replied template must hold {{ reply.text }}: the agent's reply would not "
            "reach the requester",
            field="body",
        )
    return text


def stored(conn: Connection) -> dict[str, str]:
    """The texts the desk's admins changed, by kind (the rest are :data:`DEFAULTS`)."""
    return {str(kind): str(body) for kind, body in conn.execute(select(T.c.kind, T.c.body))}


def render(
    kind: str,
    ticket: Ticket,
    agent: Agent,
    *,
    texts: Mapping[str, str],
    reopen_days: int,
    address: str,
    reply: str | None = None,
    tag: str,
) -> str:
    """The mail of ``kind`` for ``ticket``, footer and all, from the desk's text (``texts``)
    or the built-in one. A changed text that fails on this ticket (it was checked at save,
    so only what that check cannot foresee) gives way to the built-in one: the requester
    gets a sensible mail rather than none."""
    values: dict[str, dict[str, object]] = {
        "mail": {"reopen_days": reopen_days, "address": address}
    }
    if kind == REPLIED:
        values["reply"] = {"text": (reply or "").rstrip()}
    source = f"the {kind} template"
    body = texts.get(kind)
    text = None
    if body is not None:
        try:
            text = render_template(body, ticket, agent, source=source, extra=values)
        except InvalidInput:
            text = None
    if text is None or not text.strip():
        text = render_template(DEFAULTS[kind], ticket, agent, source=source, extra=values)
    return f"{text.rstrip()}\n\n{FOOTER.format(id=ticket.id, tag=tag)}\n"


# ------------------------------------------------------------------------------ catalog


def templates(desk: Desk) -> list[MailTemplate]:
    """Each notification's text as the desk uses it, in :data:`KINDS` order."""
    with desk.store.read() as conn:
        desk.actor(conn)
        rows = {
            row.kind: row
            for row in conn.execute(
                select(T.c.kind, T.c.body, T.c.updated_at, A.c.handle).outerjoin(
                    A, A.c.id == T.c.updated_by_id
                )
            )
        }
    found = []
    for kind in KINDS:
        row = rows.get(kind)
        if row is None:
            found.append(MailTemplate(kind, DEFAULTS[kind], changed=False))
        else:
            found.append(MailTemplate(kind, row.body, True, row.updated_at, row.handle))
    return found


def template(desk: Desk, kind: str) -> MailTemplate:
    """The ``kind`` notification's text as the desk uses it (InvalidInput: no such kind)."""
    wanted = kind_of(kind)
    return next(t for t in templates(desk) if t.kind == wanted)


def set_template(desk: Desk, kind: str, body: str) -> MailTemplate:
    """Change the ``kind`` notification's text (admins). InvalidInput names what is wrong
    with it (:func:`check_text`); nothing is changed then."""
    from deskterm.domain.tickets import Context, transact

    wanted = kind_of(kind)
    text = check_text(wanted, body)

    def work(ctx: Context) -> None:
        me = ctx.desk.require_role(ctx.conn, "admin")
        values = {"body": text, "updated_at": ctx.now, "updated_by_id": me.id}
        changed = ctx.conn.execute(update(T).where(T.c.kind == wanted).values(values))
        if changed.rowcount == 0:
            ctx.conn.execute(insert(T).values(kind=wanted, **values))

    transact(desk, work)
    return template(desk, wanted)


def reset_template(desk: Desk, kind: str) -> MailTemplate:
    """Go back to the built-in text of the ``kind`` notification (admins)."""
    from deskterm.domain.tickets import Context, transact

    wanted = kind_of(kind)

    def work(ctx: Context) -> None:
        ctx.desk.require_role(ctx.conn, "admin")
        ctx.conn.execute(delete(T).where(T.c.kind == wanted))

    transact(desk, work)
    return template(desk, wanted)
