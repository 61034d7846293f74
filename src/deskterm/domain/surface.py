"""The public surface of a capability package, loaded on first use.

Each package of the domain (``tickets``, ``query``, ``kb``...) says in its ``__init__`` what
it offers the rest of deskterm, and from which of its modules::

    __getattr__ = Surface(__name__, {"read": ("get", "list_page"), ...}).getattr

A name's module is imported only when the name is first used. So the console's quick first
page can use ``deskterm.domain.tickets.first_page`` (plain ``sqlite3``) without importing
SQLAlchemy with the rest of the package, and ``deskterm --help`` imports none of it. For the
type checker each ``__init__`` also imports the same names under ``TYPE_CHECKING`` (``import
x as x``: an explicit re-export); ``tests/test_architecture.py`` keeps the two lists equal.

Callers outside a package use its surface (``from deskterm.domain.tickets import update``),
never its inner modules; inside a package, modules import each other directly.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping, Sequence
from typing import Any


class Surface:
    """Names offered by ``package``: module (within the package) -> the names it holds."""

    def __init__(self, package: str, offered: Mapping[str, Sequence[str]]) -> None:
        self.package = package
        self.where: dict[str, str] = {}
        for module, names in offered.items():
            for name in names:
                if name in self.where:
                    raise ValueError(f"{package}: {name} is offered twice")
                self.where[name] = module

    @property
    def names(self) -> list[str]:
        return sorted(self.where)

    def getattr(self, name: str) -> Any:
        """The module ``__getattr__`` of the package (PEP 562)."""
        module = self.where.get(name)
        if module is None:
            raise AttributeError(f"module {self.package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{self.package}.{module}"), name)
        # Kept on the package, so the next use is an ordinary attribute lookup.
        setattr(sys.modules[self.package], name, value)
        return value
