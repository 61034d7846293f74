"""What ``cli/main.py`` relies on in Typer, pinned to the versions it was checked against.

Since 0.26 Typer carries its own copy of Click (``typer._click``) instead of depending on
Click, and raises only its own exceptions; the ``click`` package that may also be installed
(import-linter needs it) is not Typer's, so ``import click`` would catch nothing. Everything
``run()`` needs is public (``typer.TyperException``, its ``exit_code`` and
``format_message()``) except one name: ``typer._click.exceptions.NoArgsIsHelpError``, the
error for a command group given no command. When Typer changes minor version these tests
fail on purpose: check the behaviour below with the new version, then widen
``CHECKED_TYPER`` and the pin in pyproject.toml together.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import typer
from clitools import fails

#: Typer minor versions cli/main.py was checked against.
CHECKED_TYPER = ("0.29",)
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_installed_typer_is_one_this_was_checked_against() -> None:
    minor = ".".join(typer.__version__.split(".")[:2])
    assert minor in CHECKED_TYPER, (
        f"typer {typer.__version__} is installed; cli/main.py was checked against "
        f"{', '.join(CHECKED_TYPER)}: re-check _usage_message and _no_command_given"
    )


def test_pyproject_pins_the_checked_versions() -> None:
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    (spec,) = [d for d in dependencies if re.match(r"typer\b", d)]
    low, high = CHECKED_TYPER[0], CHECKED_TYPER[-1]
    major, minor = high.split(".")
    assert spec == f"typer>={low},<{major}.{int(minor) + 1}"


def test_the_one_private_name_is_still_a_public_typer_exception() -> None:
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    assert issubclass(NoArgsIsHelpError, typer.TyperException)
    assert issubclass(typer.BadParameter, typer.TyperException)
    assert UsageError.exit_code == 2


def test_a_group_given_no_command_prints_its_help_and_exits_2(deskterm) -> None:
    result = deskterm("ticket")
    assert result.returncode == 2
    assert result.stdout.startswith("Usage: deskterm ticket")
    assert result.stderr == ""


def test_a_usage_error_is_one_line_with_where_to_look(deskterm) -> None:
    line = fails(deskterm("ticket", "list", "--no-such-option"), 2)
    assert "No such option: --no-such-option" in line
    assert line.endswith("(see: deskterm ticket list --help)")
