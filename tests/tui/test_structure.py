"""How the console is put together: screens and widgets reach the app through one typed
accessor (``tui/access.py``) and never import the app module at run time (an import circle);
nothing in the console papers over its types."""

from __future__ import annotations

import ast
from pathlib import Path

import deskterm.tui

TUI = Path(deskterm.tui.__file__).parent


def runtime_imports(path: Path) -> set[str]:
    """Modules ``path`` imports outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(n) for child in node.body for n in ast.walk(child))
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_screens_and_widgets_do_not_import_the_app_at_run_time() -> None:
    offenders = [
        str(path.relative_to(TUI))
        for path in TUI.rglob("*.py")
        if path.name != "app.py" and "deskterm.tui.app" in runtime_imports(path)
    ]
    assert offenders == []


def test_the_console_needs_no_type_ignores() -> None:
    ignored = [
        f"{path.relative_to(TUI)}:{number}"
        for path in TUI.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "type: ignore" in line
    ]
    assert ignored == []
