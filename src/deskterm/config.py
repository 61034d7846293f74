"""Settings: command-line flag > environment > config file > default (SPEC section 4).

Every resolved value remembers where it came from, so ``deskterm config show`` and
``deskterm db doctor`` can say why a setting is what it is. This module is imported on every
command, so it stays light: no database or UI library here.
"""

from __future__ import annotations

import getpass
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deskterm import paths
from deskterm.errors import InvalidInput

ENV_DB = "DESKTERM_DB"
ENV_AGENT = "DESKTERM_AGENT"
ENV_CONFIG = "DESKTERM_CONFIG"


@dataclass(frozen=True)
class Setting:
    value: Any
    source: str  # "flag", "environment (NAME)", "config file (PATH)", "default"


@dataclass(frozen=True)
class Settings:
    db_url: Setting
    agent: Setting
    config_file: Setting
    color: Setting
    config_exists: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return str(self.db_url.value)

    @property
    def handle(self) -> str:
        return str(self.agent.value)

    @property
    def use_color(self) -> bool:
        return bool(self.color.value)


def mask_url(url: str) -> str:
    """Hide the password of a database URL: ``postgresql://bob:secret@h/db`` -> ``bob:***@``."""
    return re.sub(r"^([a-zA-Z0-9+._-]+://[^:/@]*):[^@]*@", r"\1:***@", url)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "agent"


def load_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"config file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read config file {path}: {exc.strerror}") from None


def resolve(
    *,
    db: str | None = None,
    agent: str | None = None,
    config: str | None = None,
    no_color: bool = False,
    environ: Mapping[str, str] | None = None,
    require_config: bool = True,
) -> Settings:
    """Resolve every setting from flags, then the environment, then the file, then defaults."""
    env = os.environ if environ is None else environ

    if config:
        config_setting = Setting(Path(config).expanduser(), "flag --config")
    elif env.get(ENV_CONFIG):
        config_setting = Setting(Path(env[ENV_CONFIG]).expanduser(), f"environment {ENV_CONFIG}")
    else:
        config_setting = Setting(paths.default_config_file(), "default")
    config_path: Path = config_setting.value
    exists = config_path.is_file()
    if not exists and config_setting.source != "default" and require_config:
        raise InvalidInput(
            f"config file {config_path} does not exist",
            hint="create one with: deskterm config init",
        )
    data = load_file(config_path) if exists else {}
    file_source = f"config file {config_path}"

    store = _table(data, "store", config_path)
    agent_table = _table(data, "agent", config_path)
    ui = _table(data, "ui", config_path)

    if db:
        db_setting = Setting(db, "flag --db")
    elif env.get(ENV_DB):
        db_setting = Setting(env[ENV_DB], f"environment {ENV_DB}")
    elif "url" in store:
        db_setting = Setting(_string(store["url"], "[store] url", config_path), file_source)
    else:
        db_setting = Setting(paths.default_database_url(), "default")

    if agent:
        agent_setting = Setting(agent, "flag --as")
    elif env.get(ENV_AGENT):
        agent_setting = Setting(env[ENV_AGENT], f"environment {ENV_AGENT}")
    elif "handle" in agent_table:
        handle = _string(agent_table["handle"], "[agent] handle", config_path)
        agent_setting = Setting(handle, file_source)
    else:
        agent_setting = Setting(_login_name(), "default (login name)")

    if no_color:
        color_setting = Setting(False, "flag --no-color")
    elif env.get("NO_COLOR"):
        color_setting = Setting(False, "environment NO_COLOR")
    elif "color" in ui:
        if not isinstance(ui["color"], bool):
            raise InvalidInput(f"{config_path}: [ui] color must be true or false")
        color_setting = Setting(ui["color"], file_source)
    else:
        color_setting = Setting(True, "default")

    return Settings(
        db_url=db_setting,
        agent=agent_setting,
        config_file=config_setting,
        color=color_setting,
        config_exists=exists,
        extra=data,
    )


def _table(data: Mapping[str, Any], name: str, path: Path) -> Mapping[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise InvalidInput(f"{path}: [{name}] must be a table")
    return value


def _string(value: object, key: str, path: Path) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{path}: {key} must be a non-empty string")
    return value
