"""The shape of the code (issue 11), kept by tests rather than by good intentions.

* No import circle anywhere in ``src/`` at run time. Imports made only for the type checker
  (``TYPE_CHECKING``) do not count; the names a package offers through its lazy surface
  (``deskterm.domain.surface``) count as imports of the modules that hold them.
* The faces (``cli``, ``tui``, ``demo``) and the domain's capability packages use each other
  through their public surfaces: never a capability's inner module from outside it.
* No module imports another module's private (``_underscore``) names.
* Each package's surface offers exactly what it re-exports for the type checker, every name
  exists, and no public name is also the name of a module of the package (importing that
  module would replace the name on the package).
"""

from __future__ import annotations

import functools
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import deskterm.domain
from deskterm.domain.surface import Surface

SRC = Path(deskterm.domain.__file__).parent.parent
DOMAIN = Path(deskterm.domain.__file__).parent
#: Capability packages of the domain (each a folder with an ``__init__`` surface).
CAPABILITIES = sorted(info.name for info in pkgutil.iter_modules([str(DOMAIN)]) if info.ispkg)
#: Domain modules every layer may use directly: plain objects, vocabularies and checks.
SHARED = {
    "deskterm.domain.desk",
    "deskterm.domain.models",
    "deskterm.domain.vocab",
    "deskterm.domain.validate",
    "deskterm.domain.text",
    "deskterm.domain.tags",
    "deskterm.domain.surface",
    "deskterm.domain.lookup",
    "deskterm.domain.templates",
}


def _surface(package: str) -> Surface:
    module = importlib.import_module(package)
    surface = module.__dict__.get("_SURFACE")
    assert isinstance(surface, Surface), f"{package} has no Surface"
    return surface


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    found = grimp.build_graph("deskterm", exclude_type_checking_imports=True, cache_dir=None)
    for name in CAPABILITIES:
        package = f"deskterm.domain.{name}"
        for module in set(_surface(package).where.values()):
            found.add_import(importer=package, imported=f"{package}.{module}")
    return found


def _capability(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 3 and parts[1] == "domain" and parts[2] in CAPABILITIES:
        return ".".join(parts[:3])
    return None


def test_capabilities_are_the_domains_folders() -> None:
    assert CAPABILITIES == [
        "kb",
        "macros",
        "mail",
        "people",
        "query",
        "queues",
        "reports",
        "rules",
        "setup",
        "sla",
        "tickets",
        "transfer",
        "views",
    ]


def test_no_import_circles_anywhere(graph: grimp.ImportGraph) -> None:
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.find_modules_directly_imported_by(node)):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    assert circles == []


def test_nothing_reaches_into_a_capability_from_outside(graph: grimp.ImportGraph) -> None:
    wrong = []
    for importer in sorted(graph.modules):
        own = _capability(importer)
        for imported in graph.find_modules_directly_imported_by(importer):
            target = _capability(imported)
            if target is None or target == own or imported == target:
                continue
            if importer == target:  # the package's own surface
                continue
            wrong.append(f"{importer} -> {imported}")
    assert wrong == [], "use the package's surface: " + ", ".join(wrong)


def test_faces_use_only_surfaces_and_shared_modules(graph: grimp.ImportGraph) -> None:
    wrong = []
    for importer in sorted(graph.modules):
        if not importer.startswith(("deskterm.cli", "deskterm.tui", "deskterm.demo")):
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            if not imported.startswith("deskterm.domain"):
                continue
            if imported in SHARED or imported == "deskterm.domain":
                continue
            if imported == _capability(imported):
                continue
            wrong.append(f"{importer} -> {imported}")
    assert wrong == []


#: Every ``from X import a as b`` of the source tree: path -> [(module, [(name, asname)])].
_IMPORTS_SCRIPT = """
import ast, json, sys
from pathlib import Path
found = {}
for path in sorted(Path(sys.argv[1]).rglob("*.py")):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found[str(path)] = [
        (node.module, [(a.name, a.asname) for a in node.names])
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    ]
print(json.dumps(found))
"""


@functools.cache
def _imports() -> dict[str, list[tuple[str, list[tuple[str, str | None]]]]]:
    """The source tree's ``from`` imports, parsed in a process of its own: CPython 3.11
    before 3.11.9 keeps the AST builder's recursion depth in state shared by threads, and a
    parse in a busy test process failed with "SystemError: AST constructor recursion depth
    mismatch" (gh-106905)."""
    out = subprocess.run(
        [sys.executable, "-c", _IMPORTS_SCRIPT, str(SRC)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return {
        path: [(module, [(n, a) for n, a in names]) for module, names in entries]
        for path, entries in json.loads(out).items()
    }


def _private_imports(path: Path) -> list[str]:
    found = []
    for module, names in _imports()[str(path)]:
        if module.startswith("deskterm"):
            for name, _asname in names:
                if name.startswith("_") and not name.startswith("__"):
                    found.append(f"{path.name}: from {module} import {name}")
    return found


def test_no_module_imports_anothers_private_names() -> None:
    wrong = [line for path in sorted(SRC.rglob("*.py")) for line in _private_imports(path)]
    assert wrong == []


@pytest.mark.parametrize("name", CAPABILITIES)
def test_each_surface_offers_what_it_re_exports_and_nothing_collides(name: str) -> None:
    package = f"deskterm.domain.{name}"
    surface = _surface(package)
    init = DOMAIN / name / "__init__.py"
    typed: dict[str, str] = {}
    for module, names in _imports()[str(init)]:
        if module.startswith(package):
            for name, asname in names:
                assert asname == name, f"{package}: re-export {name} as itself"
                typed[name] = module.rsplit(".", 1)[1]
    assert typed == surface.where
    modules = {info.name for info in pkgutil.iter_modules([str(DOMAIN / name)])}
    assert not set(surface.where) & modules, "a public name is also a module's name"
    for public, module in surface.where.items():
        assert hasattr(importlib.import_module(f"{package}.{module}"), public), public
        assert getattr(importlib.import_module(package), public) is getattr(
            importlib.import_module(f"{package}.{module}"), public
        )
