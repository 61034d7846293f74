"""Templates: a macro's text, a triage rule's note and automatic reply, a queue's
acknowledgement and the mail notifications to requesters (``mail/notices.py``, which adds
variables of its own through ``extra``): a Jinja template in a sandbox, checked when it is
saved (pure; shared).

The template is plain text (no HTML escaping) rendered by Jinja's ``SandboxedEnvironment``:
no attribute of Python's internals, no file, no import can be reached from it, whoever
wrote it. Only the variables of :data:`VARIABLES` exist. :func:`check_template` is the save
time check: a syntax error, an unknown variable or attribute, or a template that fails on a
ticket that has every value, is InvalidInput naming it (with its line and what exists), so
a mistake never reaches a requester as a blank. :func:`render` fills it in for one ticket;
a value this ticket does not have (no requester, a contact without a name) is refused,
naming the variable, unless the template gives a fallback (``| default("there")``).

Jinja is imported here only, and this module only when a macro is saved, shown or applied.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from deskterm.domain.models import Agent, Ticket
from deskterm.errors import InvalidInput

if TYPE_CHECKING:
    from jinja2 import Template

#: Every variable a macro may use: object -> attribute -> what it is (docs/macros.md).
VARIABLES: Final[dict[str, dict[str, str]]] = {
    "ticket": {
        "id": "the ticket's number (12 for #12)",
        "subject": "the ticket's subject",
        "status": "its status (before the macro's changes)",
        "priority": "its priority (before the macro's changes)",
        "queue": "its queue's name (before the macro's changes)",
        "type": "its type: incident, service_request, question, problem, change",
    },
    "requester": {
        "name": "the requester's full name",
        "first_name": "the first word of the requester's name",
        "email": "the requester's e-mail address",
    },
    "organization": {
        "name": "the requester's organization",
    },
    "agent": {
        "name": "the full name of the agent applying the macro",
        "first_name": "the first word of that agent's name",
        "handle": "that agent's handle",
        "email": "that agent's e-mail address",
    },
}
ALL_NAMES: Final = tuple(f"{obj}.{attr}" for obj, attrs in VARIABLES.items() for attr in attrs)
#: Objects a kind of template has beyond :data:`VARIABLES`: object -> attribute -> what.
Extra = Mapping[str, Mapping[str, str]]
#: Values that a ticket may lack (no name on the contact, no organization, an agent without
#: an e-mail address): a ``strict`` check renders the template without them too.
OPTIONAL: Final = {
    "requester": ("name", "first_name"),
    "organization": ("name",),
    "agent": ("email",),
}


class _Values(dict[str, Any]):
    """One object of the template's variables; ``_var`` names it in error messages (a name
    with an underscore, which the sandbox does not let a template reach)."""

    __slots__ = ("_var",)

    def __init__(self, var: str, values: dict[str, Any]) -> None:
        super().__init__({k: v for k, v in values.items() if v not in (None, "")})
        self._var = var


class MissingValue(StrictUndefined):
    """A variable without a value: printing it fails (naming it), but ``is defined``,
    ``| default(...)`` and ``{% if requester.name %}`` work as they read."""

    __slots__ = ()

    def __bool__(self) -> bool:  # type: ignore[override]
        return False

    @property
    def _undefined_message(self) -> str:
        owner = self._undefined_obj
        if isinstance(owner, _Values):
            return f"{owner._var}.{self._undefined_name}"
        return super()._undefined_message


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=MissingValue,
        autoescape=False,
        # {% if %} and {% endif %} on lines of their own leave no blank line behind.
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Of Jinja's own globals (lipsum, cycler, dict...) only the sandbox's bounded range stays:
    # a name a template uses is one of VARIABLES, its own, or a mistake.
    env.globals = {"range": env.globals["range"]}
    return env


@lru_cache(maxsize=64)
def _compiled(body: str) -> Template:
    return _environment().from_string(body)


def variables(ticket: Ticket, agent: Agent) -> dict[str, _Values]:
    """The values of :data:`VARIABLES` for ``ticket`` as ``agent`` applies the macro."""
    return {
        "ticket": _Values(
            "ticket",
            {
                "id": ticket.id,
                "subject": ticket.subject,
                "status": ticket.status,
                "priority": ticket.priority,
                "queue": ticket.queue,
                "type": ticket.type,
            },
        ),
        "requester": _Values(
            "requester",
            {
                "name": ticket.requester_name,
                "first_name": first_name(ticket.requester_name),
                "email": ticket.requester,
            },
        ),
        "organization": _Values("organization", {"name": ticket.organization}),
        "agent": _Values(
            "agent",
            {
                "name": agent.name,
                "first_name": first_name(agent.name),
                "handle": agent.handle,
                "email": agent.email,
            },
        ),
    }


def first_name(name: str | None) -> str | None:
    parts = (name or "").split()
    return parts[0] if parts else None


def _sample(
    known: Extra, *, without: Mapping[str, tuple[str, ...]] | None = None
) -> dict[str, _Values]:
    """A ticket with every value (but those ``without`` names), to try a template on when
    it is saved."""
    lacking = without or {}
    return {
        obj: _Values(
            obj,
            {
                attr: 1 if attr in ("id", "reopen_days") else f"{obj} {attr}"
                for attr in attrs
                if attr not in lacking.get(obj, ())
            },
        )
        for obj, attrs in known.items()
    }


def check_template(
    body: str, *, extra: Extra | None = None, what: str = "macro text", strict: bool = False
) -> str:
    """``body`` if it is a template a macro may hold (with ``extra``, the objects a kind of
    template adds; ``what`` names it in errors); InvalidInput names the first mistake: a
    syntax error (with its line), an unknown variable or attribute (with what exists), or a
    failure when it is tried on a ticket that has every value. ``strict``: also on a ticket
    without the values one may lack (:data:`OPTIONAL`), for text no agent reads before it
    goes out."""
    known: dict[str, Mapping[str, str]] = {**VARIABLES, **(extra or {})}
    env = _environment()
    try:
        tree = env.parse(body)
    except TemplateSyntaxError as exc:
        raise InvalidInput(f"{what}: line {exc.lineno}: {exc.message}") from None
    _check_names(tree, known, what)
    try:
        _compiled(body).render(_sample(known))
    except TemplateError as exc:
        name = _undefined_name(exc, known)
        if name is not None:
            raise _unknown(name, None, known, what) from None
        raise InvalidInput(f"{what} cannot be rendered: {exc}") from None
    except (ArithmeticError, TypeError, ValueError, LookupError) as exc:
        raise InvalidInput(f"{what} cannot be rendered: {exc}") from None
    if strict:
        try:
            _compiled(body).render(_sample(known, without=OPTIONAL))
        except TemplateError as exc:
            name = _undefined_name(exc, known)
            if name is None:
                raise InvalidInput(f"{what} cannot be rendered: {exc}") from None
            raise InvalidInput(
                f"{what} uses {name}, which a ticket may have no value for; give it a "
                f"fallback: {{{{ {name} | default('...') }}}}",
                field="body",
            ) from None
        except (ArithmeticError, TypeError, ValueError, LookupError) as exc:
            raise InvalidInput(f"{what} cannot be rendered: {exc}") from None
    return body


def uses(body: str, name: str) -> bool:
    """Whether the (checked) template ``body`` reads the variable ``name`` (``reply.text``)."""
    obj, attr = name.split(".", 1)
    tree = _environment().parse(body)
    for node in tree.find_all(nodes.Getattr):
        assert isinstance(node, nodes.Getattr)
        if isinstance(node.node, nodes.Name) and (node.node.name, node.attr) == (obj, attr):
            return True
    return False


def _check_names(tree: nodes.Template, known: Extra, what: str) -> None:
    undeclared = meta.find_undeclared_variables(tree)
    reached: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        assert isinstance(node, nodes.Getattr | nodes.Getitem)
        target = node.node
        if not isinstance(target, nodes.Name) or target.name not in known:
            continue
        if target.name not in undeclared:
            continue  # {% set ticket = ... %}: the template's own name
        reached.add(id(target))
        attr: object = node.attr if isinstance(node, nodes.Getattr) else None
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            attr = node.arg.value
        if not isinstance(attr, str) or attr not in known[target.name]:
            shown = f"{target.name}.{attr}" if isinstance(attr, str) else f"{target.name}[...]"
            raise _unknown(shown, node.lineno, known, what)
    for test in tree.find_all(nodes.Test):
        if isinstance(test.node, nodes.Name):
            reached.add(id(test.node))
    for name in tree.find_all(nodes.Name):
        if name.ctx != "load" or name.name not in undeclared:
            continue
        if name.name not in known:
            raise _unknown(name.name, name.lineno, known, what)
        if id(name) not in reached:
            attrs = ", ".join(f"{name.name}.{a}" for a in known[name.name])
            raise InvalidInput(
                f'{what}: line {name.lineno}: "{name.name}" is not a value of its own; use {attrs}'
            )


def _unknown(name: str, line: int | None, known: Extra, what: str) -> InvalidInput:
    every = [f"{obj}.{attr}" for obj, attrs in known.items() for attr in attrs]
    obj = name.split(".", 1)[0]
    listed = [f"{obj}.{a}" for a in known[obj]] if obj in known else every
    close = difflib.get_close_matches(name, every, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    where = f"line {line}: " if line is not None else ""
    return InvalidInput(
        f'{what}: {where}unknown variable "{name}"{hint}; variables: {", ".join(listed)}',
        field="body",
    )


def _undefined_name(exc: Exception, known: Extra = VARIABLES) -> str | None:
    from jinja2 import UndefinedError

    if isinstance(exc, UndefinedError) and exc.message and "." in exc.message:
        obj = exc.message.split(".", 1)[0]
        if obj in known and " " not in exc.message:
            return exc.message
    return None


def render(
    body: str,
    ticket: Ticket,
    agent: Agent,
    *,
    source: str = "the macro",
    extra: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """``body`` filled in for ``ticket`` as ``agent`` applies it (``extra``: the values of a
    kind of template's own objects). A variable the ticket has no value for is InvalidInput
    naming it, where it comes from (``source``: ``macro "X"``, ``rule "Y"``) and how to give
    a fallback."""
    if not body:
        return ""
    values = variables(ticket, agent)
    for obj, attrs in (extra or {}).items():
        values[obj] = _Values(obj, dict(attrs))
    try:
        # Blank lines a {% if %} left at the start or end are not part of the message.
        return _compiled(body).render(values).strip("\n")
    except TemplateError as exc:
        name = _undefined_name(exc, {**VARIABLES, **{k: {} for k in extra or {}}})
        which = source
        if name is None:
            raise InvalidInput(f"{which} cannot be rendered: {exc}") from None
        raise InvalidInput(
            f"{which} uses {name}, which ticket #{ticket.id} has no value for; give it a "
            f"fallback: {{{{ {name} | default('...') }}}}",
            field="body",
        ) from None
