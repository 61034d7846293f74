"""Settings (SPEC section 4): flag > environment > config file > default, and ``config ...``.

``config show --format json`` is the observation point: each row has the value in force and
where it came from. Runs are in-process (Typer's runner, ``deskterm_inproc``); one
subprocess checks the real command agrees.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest
from clitools import fails, ok, ok_json, one_error_line

from deskterm import paths
from deskterm.config_template import TEMPLATE

REPO_ROOT = Path(__file__).resolve().parents[2]
FILE_URL = "sqlite:////srv/from-file.db"
ENV_URL = "sqlite:////srv/from-env.db"
FLAG_URL = "sqlite:////srv/from-flag.db"


def _write_config(path: Path, *, url: str | None = None, handle: str | None = None) -> Path:
    lines = []
    if url:
        lines += ["[store]", f'url = "{url}"']
    if handle:
        lines += ["[agent]", f'handle = "{handle}"']
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _settings(result) -> dict[str, dict[str, object]]:
    assert result.exit_code == 0, (result.output, result.exception)
    return {row["setting"]: row for row in json.loads(result.stdout)}


LAYERS = ("default", "file", "env", "flag")


@pytest.mark.parametrize("highest", LAYERS)
def test_the_database_url_comes_from_the_highest_layer_that_sets_it(invoke, highest: str) -> None:
    present = LAYERS[: LAYERS.index(highest) + 1]
    config = paths.default_config_file()
    args: list[str] = []
    env: dict[str, str] = {}
    if "file" in present:
        _write_config(config, url=FILE_URL)
    if "env" in present:
        env["DESKTERM_DB"] = ENV_URL
    if "flag" in present:
        args += ["--db", FLAG_URL]

    row = _settings(invoke(*args, "config", "show", "--format", "json", env=env))["store.url"]

    expected = {
        "default": (paths.default_database_url(), "default"),
        "file": (FILE_URL, f"config file {config}"),
        "env": (ENV_URL, "environment DESKTERM_DB"),
        "flag": (FLAG_URL, "flag --db"),
    }[highest]
    assert (row["value"], row["source"]) == expected


@pytest.mark.parametrize("highest", LAYERS)
def test_the_acting_agent_comes_from_the_highest_layer_that_sets_it(invoke, highest: str) -> None:
    present = LAYERS[: LAYERS.index(highest) + 1]
    config = paths.default_config_file()
    args: list[str] = []
    env: dict[str, str] = {}
    if "file" in present:
        _write_config(config, handle="filehandle")
    if "env" in present:
        env["DESKTERM_AGENT"] = "envhandle"
    if "flag" in present:
        args += ["--as", "flaghandle"]

    row = _settings(invoke(*args, "config", "show", "--format", "json", env=env))["agent.handle"]

    expected = {
        "default": (getpass.getuser(), "default (login name)"),
        "file": ("filehandle", f"config file {config}"),
        "env": ("envhandle", "environment DESKTERM_AGENT"),
        "flag": ("flaghandle", "flag --as"),
    }[highest]
    assert (row["value"], row["source"]) == expected


def test_the_installed_command_resolves_flag_over_env_over_file(deskterm) -> None:
    _write_config(paths.default_config_file(), url=FILE_URL, handle="filehandle")

    rows = ok_json(
        deskterm(
            "--as",
            "flaghandle",
            "config",
            "show",
            "--format",
            "json",
            env={"DESKTERM_DB": ENV_URL, "DESKTERM_AGENT": "envhandle"},
        )
    )

    by_name = {row["setting"]: row for row in rows}
    assert (by_name["store.url"]["value"], by_name["store.url"]["source"]) == (
        ENV_URL,
        "environment DESKTERM_DB",
    )
    assert (by_name["agent.handle"]["value"], by_name["agent.handle"]["source"]) == (
        "flaghandle",
        "flag --as",
    )


def test_desktermconfig_chooses_the_file_and_the_config_flag_overrides_it(
    invoke, tmp_path: Path
) -> None:
    env_file = _write_config(tmp_path / "env.toml", handle="fromenvfile")
    flag_file = _write_config(tmp_path / "flag.toml", handle="fromflagfile")

    by_env = _settings(
        invoke("config", "show", "--format", "json", env={"DESKTERM_CONFIG": str(env_file)})
    )
    by_flag = _settings(
        invoke(
            "--config",
            str(flag_file),
            "config",
            "show",
            "--format",
            "json",
            env={"DESKTERM_CONFIG": str(env_file)},
        )
    )

    assert by_env["agent.handle"]["value"] == "fromenvfile"
    assert by_env["config"]["source"] == "environment DESKTERM_CONFIG"
    assert by_flag["agent.handle"]["value"] == "fromflagfile"
    assert (by_flag["config"]["value"], by_flag["config"]["source"]) == (
        str(flag_file),
        "flag --config",
    )


@pytest.mark.parametrize("fmt", ["json", "table", "csv"])
def test_config_show_masks_the_password_in_the_database_url(invoke, fmt: str) -> None:
    url = "postgresql+psycopg://desk:s3cr3t-pw@db.internal:5432/desk"

    result = invoke("--db", url, "config", "show", "--format", fmt)

    assert result.exit_code == 0, result.output
    assert "s3cr3t-pw" not in result.output
    assert "postgresql+psycopg://desk:***@db.internal:5432/desk" in result.output


def test_a_config_flag_naming_a_missing_file_is_a_usage_error(
    deskterm_inproc, tmp_path: Path
) -> None:
    missing = tmp_path / "nope" / "config.toml"

    result = deskterm_inproc("--config", str(missing), "--db", "sqlite://", "ticket", "list")

    line = one_error_line(result, 2)
    assert str(missing) in line
    assert "deskterm config init" in line


def test_a_config_file_that_is_not_toml_is_a_usage_error(deskterm_inproc) -> None:
    config = paths.default_config_file()
    config.parent.mkdir(parents=True)
    config.write_text("[store\nurl = ", encoding="utf-8")

    line = one_error_line(deskterm_inproc("config", "show"), 2)

    assert str(config) in line
    assert "TOML" in line


# -- config path / init -----------------------------------------------------------------------


def test_config_path_prints_the_default_file_or_the_chosen_one(invoke, tmp_path: Path) -> None:
    default = invoke("config", "path")
    chosen = invoke("config", "path", env={"DESKTERM_CONFIG": str(tmp_path / "c.toml")})

    assert default.stdout == f"{paths.default_config_file()}\n"
    assert str(paths.default_config_file()).startswith(str(tmp_path))  # the isolated XDG dir
    assert chosen.stdout == f"{tmp_path / 'c.toml'}\n"


def test_config_init_writes_the_template_and_refuses_to_overwrite_without_force(
    deskterm_inproc,
) -> None:
    target = paths.default_config_file()

    out = ok(deskterm_inproc("config", "init"))
    assert str(target) in out
    assert target.read_text(encoding="utf-8") == TEMPLATE

    target.write_text("# mine\n", encoding="utf-8")
    line = fails(deskterm_inproc("config", "init"), 4)
    assert "--force" in line
    assert target.read_text(encoding="utf-8") == "# mine\n"

    ok(deskterm_inproc("config", "init", "--force"))
    assert target.read_text(encoding="utf-8") == TEMPLATE


def test_config_init_writes_the_same_text_as_config_example_toml(invoke, tmp_path: Path) -> None:
    target = tmp_path / "written.toml"

    result = invoke("--config", str(target), "config", "init")

    assert result.exit_code == 0, result.output
    example = REPO_ROOT / "config.example.toml"
    assert example.is_file(), f"{example} is missing"
    assert target.read_text(encoding="utf-8") == example.read_text(encoding="utf-8")


def test_the_template_documents_every_settings_key() -> None:
    for key in ("[store]", "url =", "[agent]", "handle =", "[ui]", "color ="):
        assert key in TEMPLATE


# -- the config file cannot silently point elsewhere ----------------------------------------


def _config_with(text: str | bytes) -> Path:
    config = paths.default_config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        config.write_bytes(text)
    else:
        config.write_text(text, encoding="utf-8")
    return config


@pytest.mark.parametrize(
    ("text", "named", "nearest"),
    [
        pytest.param('[store]\nulr = "sqlite:////srv/x.db"\n', '"ulr"', '"url"', id="store-key"),
        pytest.param('[agent]\nhandel = "bob"\n', '"handel"', '"handle"', id="agent-key"),
        pytest.param("[ui]\ncolour = false\n", '"colour"', '"color"', id="ui-key"),
        pytest.param('[stroe]\nurl = "sqlite:////srv/x.db"\n', "[stroe]", "[store]", id="table"),
        pytest.param('url = "sqlite:////srv/x.db"\n', '"url"', "[store]", id="top-level-key"),
        pytest.param(
            '[store.extra]\nurl = "x"\n', "[store.extra]", "url", id="table-inside-a-table"
        ),
        pytest.param("[store]\nlock_timout = 5\n", '"lock_timout"', '"lock_timeout"', id="timeout"),
    ],
)
def test_an_unknown_key_in_the_config_file_is_an_error_naming_it_and_the_nearest_known_one(
    deskterm_inproc, text: str, named: str, nearest: str
) -> None:
    config = _config_with(text)

    line = one_error_line(deskterm_inproc("ticket", "list"), 2)

    assert str(config) in line
    assert named in line.replace("'", '"')
    assert nearest in line.replace("'", '"')
    assert not paths.default_database_file().exists()  # no desk was created anywhere


@pytest.mark.parametrize(
    ("text", "key", "wanted"),
    [
        pytest.param("[store]\nurl = 5\n", "url", "string", id="url-number"),
        pytest.param('[store]\nurl = ""\n', "url", "non-empty", id="url-empty"),
        pytest.param("[agent]\nhandle = true\n", "handle", "string", id="handle-bool"),
        pytest.param('[ui]\ncolor = "no"\n', "color", "true or false", id="color-string"),
        pytest.param('[store]\nlock_timeout = "10s"\n', "lock_timeout", "seconds", id="text"),
        pytest.param("[store]\nbusy_timeout = -1\n", "busy_timeout", "seconds", id="negative"),
        pytest.param("[store]\nstatement_timeout = true\n", "statement_timeout", "seconds", id="b"),
        pytest.param("[store]\nlock_timeout = nan\n", "lock_timeout", "seconds", id="nan"),
        pytest.param('store = "x"\n', "[store]", "table", id="table-as-string"),
    ],
)
def test_a_wrong_type_in_the_config_file_is_one_line_naming_the_key(
    deskterm_inproc, text: str, key: str, wanted: str
) -> None:
    config = _config_with(text)

    line = one_error_line(deskterm_inproc("config", "show"), 2)

    assert str(config) in line
    assert key in line
    assert wanted in line


def test_a_config_file_that_is_not_utf8_is_one_line_naming_the_file_and_line(
    deskterm_inproc,
) -> None:
    config = _config_with(b'[agent]\nhandle = "ren\xe9"\n')

    line = one_error_line(deskterm_inproc("config", "show"), 2)

    assert str(config) in line
    assert "UTF-8" in line
    assert "line 2" in line


def _documented_keys() -> dict[str, dict[str, object]]:
    """Every ``# key = value`` line of the template, uncommented and read as TOML."""
    import re
    import tomllib

    lines = []
    for line in TEMPLATE.splitlines():
        if line.startswith("["):
            lines.append(line)
        elif match := re.fullmatch(r"# ([a-z_]+ = .+)", line):
            lines.append(match.group(1))
    return tomllib.loads("\n".join(lines))


def test_the_template_documents_every_key_the_config_accepts_and_no_other() -> None:
    from deskterm.config import KEYS, check

    documented = _documented_keys()

    assert {t: set(keys) for t, keys in documented.items()} == {
        t: set(keys) for t, keys in KEYS.items()
    }
    check(documented, Path("config.example.toml"))  # every documented value is accepted


def test_the_template_states_the_real_default_of_every_timeout() -> None:
    from deskterm.store.options import TIMEOUT_KEYS, StoreOptions

    store = _documented_keys()["store"]

    assert {key: store[key] for key in TIMEOUT_KEYS} == {
        key: getattr(StoreOptions(), key) for key in TIMEOUT_KEYS
    }


def test_store_timeouts_come_from_the_config_file_and_config_show_says_so(invoke) -> None:
    config = _config_with("[store]\nlock_timeout = 2.5\nbusy_timeout = 0\n")

    rows = _settings(invoke("config", "show", "--format", "json"))

    assert (rows["store.lock_timeout"]["value"], rows["store.lock_timeout"]["source"]) == (
        2.5,
        f"config file {config}",
    )
    assert rows["store.busy_timeout"]["value"] == 0
    assert (
        rows["store.statement_timeout"]["value"],
        rows["store.statement_timeout"]["source"],
    ) == (
        300.0,
        "default",
    )


@pytest.mark.parametrize("flag", ["--db", "--as", "--config"])
def test_an_empty_value_for_a_settings_flag_is_a_usage_error(deskterm_inproc, flag: str) -> None:
    line = one_error_line(deskterm_inproc(flag, "", "ticket", "list"), 2)

    assert flag in line
    assert not paths.default_database_file().exists()


def test_config_init_writes_a_file_only_its_owner_can_read_whatever_the_umask(
    deskterm_inproc, tmp_path: Path
) -> None:
    import os
    import stat

    target = tmp_path / "fresh" / "conf" / "config.toml"
    old = os.umask(0)
    try:
        ok(deskterm_inproc("--config", str(target), "config", "init"))
    finally:
        os.umask(old)

    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(target.parent.parent.stat().st_mode) == 0o700
