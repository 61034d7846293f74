"""The people of a desk: agents with their roles, and contacts (the people who ask). The
queues agents work are ``deskterm.domain.queues``.

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.people.agents import add_agent as add_agent
    from deskterm.domain.people.agents import list_agents as list_agents
    from deskterm.domain.people.agents import set_login as set_login
    from deskterm.domain.people.agents import set_role as set_role
    from deskterm.domain.people.agents import whoami as whoami
    from deskterm.domain.people.contacts import contact_for as contact_for
    from deskterm.domain.people.contacts import known_contacts as known_contacts
    from deskterm.domain.people.contacts import new_contact as new_contact
    from deskterm.domain.people.contacts import organization_of_domain as organization_of_domain

_SURFACE = Surface(
    __name__,
    {
        "agents": (
            "list_agents",
            "add_agent",
            "set_role",
            "set_login",
            "whoami",
        ),
        "contacts": (
            "contact_for",
            "known_contacts",
            "new_contact",
            "organization_of_domain",
        ),
    },
)
__getattr__ = _SURFACE.getattr
