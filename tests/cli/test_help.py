"""``--help`` and ``--version``: fast (no database or UI library imported) and with examples."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.main import get_command

from deskterm import __version__
from deskterm.cli.main import app

HEAVY = ("sqlalchemy", "textual", "psycopg", "alembic", "rich")


def _commands(group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], bool]]:
    """(path, is_group) for every command under ``group``."""
    found = []
    ctx = group.make_context("deskterm", [], resilient_parsing=True)
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        sub = (*path, name)
        is_group = hasattr(command, "commands")
        found.append((sub, is_group))
        if is_group:
            found.extend(_commands(command, sub))
    return found


ALL = _commands(get_command(app))
LEAVES = [path for path, is_group in ALL if not is_group]
GROUPS = [path for path, is_group in ALL if is_group]


def _imported_top_level_packages(stderr: str) -> set[str]:
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            names.add(name.split(".")[0])
    return names


@pytest.mark.parametrize(
    "args",
    [["--help"], ["ticket", "--help"], ["ticket", "list", "--help"]],
    ids=["root", "ticket", "ticket-list"],
)
def test_help_exits_0_without_importing_database_or_ui_libraries(args: list[str]) -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['deskterm', *{args!r}]\n"
        "from deskterm.cli.main import run\n"
        "run()\n"
    )

    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: deskterm")
    imported = _imported_top_level_packages(result.stderr)
    assert "deskterm" in imported  # the import log was read
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


def test_every_command_is_found() -> None:
    names = {" ".join(path) for path in LEAVES}
    expected = {"ticket list", "ticket create", "db doctor", "kb search", "config init"}
    assert expected <= names
    assert {("ticket",), ("db",), ("agent",), ("kb",), ("config",)} <= set(GROUPS)


@pytest.mark.parametrize("path", LEAVES, ids=[" ".join(p) for p in LEAVES])
def test_every_command_help_has_an_example(invoke, path: tuple[str, ...]) -> None:
    result = invoke(*path, "--help")

    assert result.exit_code == 0, result.output
    assert "Example:" in result.stdout
    assert "deskterm" in result.stdout.split("Example:", 1)[1]


def test_every_command_group_help_has_an_example(invoke) -> None:
    missing = [
        " ".join(path) for path in GROUPS if "Example:" not in invoke(*path, "--help").stdout
    ]
    assert not missing


def test_root_help_has_an_example(invoke) -> None:
    result = invoke("--help")

    assert result.exit_code == 0
    assert "Example: deskterm" in result.stdout


def test_version_prints_the_version(deskterm) -> None:
    result = deskterm("--version")

    assert result.returncode == 0
    assert result.stdout == f"deskterm {__version__}\n"
    assert result.stderr == ""


def test_lazy_command_list_matches_each_commands_own_help() -> None:
    """`deskterm --help` lists lazy commands from a table; it must say what they say."""
    from deskterm.cli.lazy import LAZY, load

    for name, spec in LAZY.items():
        first_line = (load(name).help or "").strip().splitlines()[0]
        assert first_line == spec.help, name


def test_help_builds_no_subcommand_module() -> None:
    code = (
        "import sys; sys.argv=['deskterm','--help']\n"
        "from deskterm.cli.main import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "loaded = [m for m in sys.modules if m.endswith('_cmd') and m.startswith('deskterm')]\n"
        "print(','.join(sorted(loaded)), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == ""
