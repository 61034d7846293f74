"""What ``cli/main.py`` relies on in Typer, pinned to the versions it was checked against.

Since 0.26 Typer carries its own copy of Click (``typer._click``) instead of depending on
Click, and raises only its own exceptions; the ``click`` package that may also be installed
(import-linter needs it) is not Typer's, so ``import click`` would catch nothing. Everything
``run()`` needs is public (``typer.TyperException``, its ``exit_code`` and
``format_message()``) except one name: ``typer._click.exceptions.NoArgsIsHelpError``, the
error for a command group given no command. ``cli/typer_light.py`` (parameter conversion
without pydantic) replaces ``typer.core.build_runtime_param`` and calls
``typer._coercion.build_runtime_param``: pinned below by what Typer's code calls and by
comparing both converters' answers. When Typer changes minor version these tests
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


# ------------------------------------------------------ conversion without pydantic
# cli/typer_light.py replaces typer.core.build_runtime_param (how a parameter's converter is
# made) with LightParam, which converts plain values itself and hands the rest to Typer's.


def test_typer_still_makes_each_converter_through_the_replaced_name() -> None:
    import inspect

    import typer.core
    from typer._coercion import build_runtime_param

    import deskterm.cli.main  # noqa: F401  (installs LightParam)
    from deskterm.cli.typer_light import LightParam

    source = inspect.getsource(typer.core._TyperParameter.get_runtime_param)
    assert "build_runtime_param(self.type_descriptor)" in source
    assert "self.get_runtime_param().coerce(value, param=self, ctx=ctx)" in inspect.getsource(
        typer.core._TyperParameter.process_value
    )
    assert typer.core.build_runtime_param is LightParam  # installed by importing cli.main
    assert callable(build_runtime_param)


def test_light_conversion_gives_what_typer_gives() -> None:
    from types import SimpleNamespace

    from typer._coercion import build_runtime_param, resolve_type_descriptor
    from typer.models import ArgumentInfo, OptionInfo

    from deskterm.cli.typer_light import LightParam

    cases = [
        (str, OptionInfo(), ["", "x", " spaced ", "☕", "--", "12"]),
        (str, ArgumentInfo(), ["status:open"]),
        (int, OptionInfo(min=1, max=10_000), ["1", "50", "10000", "0", "10001", "007", "-3"]),
        (int, OptionInfo(), ["0", "42", "+4", " 5", "x", "1_000", "٣"]),
        (int, ArgumentInfo(), ["9", "99999999999999999999"]),
        (list[str], OptionInfo(), [("a", "b"), ["c"], ()]),
        (float, OptionInfo(min=0), ["1.5", "x"]),
        (bool, OptionInfo(), [True, False]),
    ]
    for annotation, info, values in cases:
        descriptor = resolve_type_descriptor(annotation, info)
        many = annotation == list[str]
        param = SimpleNamespace(multiple=many, nargs=1, name="p", human_readable_name="P")
        for value in (*values, None):
            light = _outcome(LightParam(descriptor), value, param)
            typer_own = _outcome(build_runtime_param(descriptor), value, param)
            assert light == typer_own, (annotation, value)
            assert type(light) is type(typer_own), (annotation, value)


def _outcome(converter, value, param):
    try:
        return converter.coerce(value, param=param, ctx=None)
    except typer.BadParameter as exc:
        return ("error", exc.message)


_PROBE = """
import sys
from deskterm.cli.entry import run
try:
    run(sys.argv[1:])
except SystemExit:
    pass
finally:
    print(sorted(m for m in ("pydantic", "sqlalchemy", "alembic") if m in sys.modules))
"""


def test_help_version_and_completion_import_no_pydantic_or_database_library(tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "DESKTERM_DB": f"sqlite:///{tmp_path / 'none.db'}"}
    runs = [
        (("--help",), {}),
        (("--version",), {}),
        (("ticket", "--help"), {}),
        (("ticket", "list", "--help"), {}),
        (("ticket", "note", "--help"), {}),
        ((), {"_DESKTERM_COMPLETE": "complete_bash", "COMP_WORDS": "deskterm ticket li"}),
    ]
    for args, extra in runs:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, *args],
            env={**env, "COMP_CWORD": "2", **extra},
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        assert done.stdout.splitlines()[-1] == "[]", (args, done.stdout, done.stderr)
