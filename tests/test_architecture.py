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

import ast
import importlib
import pkgutil
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


def _parse(path: Path) -> ast.Module:
    """``ast.parse`` in a thread of its own. CPython 3.11 before 3.11.9 can fail a parse with
    "SystemError: AST constructor recursion depth mismatch" when it starts deep in a call stack
    (gh-106905; seen under pytest-xdist): a fresh thread starts at the bottom of its stack."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(ast.parse, path.read_text(encoding="utf-8")).result()


def _private_imports(path: Path) -> list[str]:
    found = []
    tree = _parse(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("deskterm"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.name}: from {node.module} import {alias.name}")
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
    for node in ast.walk(_parse(init)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(package):
            for alias in node.names:
                assert alias.asname == alias.name, f"{package}: re-export {alias.name} as itself"
                typed[alias.name] = node.module.rsplit(".", 1)[1]
    assert typed == surface.where
    modules = {info.name for info in pkgutil.iter_modules([str(DOMAIN / name)])}
    assert not set(surface.where) & modules, "a public name is also a module's name"
    for public, module in surface.where.items():
        assert hasattr(importlib.import_module(f"{package}.{module}"), public), public
        assert getattr(importlib.import_module(package), public) is getattr(
            importlib.import_module(f"{package}.{module}"), public
        )
