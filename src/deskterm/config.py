"""Settings: command-line flag > environment > config file > default (SPEC section 4).

Every resolved value remembers where it came from, so ``deskterm config show`` and
``deskterm db doctor`` can say why a setting is what it is. This module is imported on every
command, so it stays light: no database or UI library here.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deskterm import paths
from deskterm.errors import InvalidInput
from deskterm.store.options import MAX_TIMEOUT, TIMEOUT_KEYS, StoreOptions

ENV_DB = "DESKTERM_DB"
ENV_AGENT = "DESKTERM_AGENT"
ENV_CONFIG = "DESKTERM_CONFIG"
#: The source of a setting nobody set.
DEFAULT = "default"


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
    #: ``[store]`` limits in seconds (StoreOptions' fields), each with where it came from.
    timeouts: Mapping[str, Setting] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return str(self.db_url.value)

    @property
    def handle(self) -> str:
        return str(self.agent.value)

    @property
    def handle_given(self) -> bool:
        """Whether the acting agent was asked for (flag, environment, config file) rather
        than taken from the login name (which PostgreSQL replaces by the database login's)."""
        return not self.agent.source.startswith("default")

    @property
    def use_color(self) -> bool:
        return bool(self.color.value)

    @property
    def default_desk(self) -> bool:
        """True when no flag, variable or file named the database: the default desk under
        the platform data dir, the only one created on first use (SPEC section 3)."""
        return self.db_url.source == DEFAULT

    def store_options(self, on_wait: Callable[[float], None] | None = None) -> StoreOptions:
        limits = {key: float(setting.value) for key, setting in self.timeouts.items()}
        return StoreOptions(**limits, on_wait=on_wait)


def mask_url(url: str) -> str:
    """Hide the password of a database URL: ``postgresql://bob:secret@h/db`` -> ``bob:***@``."""
    return re.sub(r"^([a-zA-Z0-9+._-]+://[^:/@]*):[^@]*@", r"\1:***@", url)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "agent"


def load_file(path: Path) -> dict[str, Any]:
    """The config file as TOML, checked: unknown keys, wrong types and bytes that are not
    UTF-8 are one-line errors naming the file and the key (``check``)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            f"config file {path} is not UTF-8 text: byte 0x{raw[exc.start]:02x} on line {line}"
        ) from None
    import tomllib  # here: most commands run without a config file, and reads count its import

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"config file {path} is not valid TOML: {exc}") from None
    check(data, path)
    return data


def _seconds(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and 0 <= value <= MAX_TIMEOUT
        and value == value  # not NaN
    )


_SECONDS = (_seconds, f"a number of seconds from 0 (no limit) to {MAX_TIMEOUT}")
_TEXT = (lambda value: isinstance(value, str) and bool(value.strip()), "a non-empty string")
_BOOL = (lambda value: isinstance(value, bool), "true or false")

_TAG_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,29}")
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _address(value: object) -> bool:
    return isinstance(value, str) and len(value) <= 320 and bool(_ADDRESS.fullmatch(value))


_MAIL_TAG = (
    lambda value: isinstance(value, str) and bool(_TAG_WORD.fullmatch(value)),
    "a word of letters, digits, - and _ (at most 30), as in [Desk #123]",
)
_MAIL_ADDRESS = (_address, "an e-mail address")
_MAIL_ADDRESSES = (
    lambda value: isinstance(value, list) and all(_address(item) for item in value),
    "a list of e-mail addresses",
)

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: ``[mail] imap_*``: where ``mail fetch`` reads mail (docs/mail.md, "Fetching").
_IMAP_KEYS: dict[str, tuple[Callable[[object], bool], str]] = {
    "imap_host": _TEXT,
    "imap_port": (
        lambda value: isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536,
        "a port number from 1 to 65535",
    ),
    "imap_user": _TEXT,
    "imap_password": _TEXT,
    "imap_password_env": (
        lambda value: isinstance(value, str) and bool(_ENV_NAME.fullmatch(value)),
        "the name of an environment variable (letters, digits and _)",
    ),
    "imap_folder": _TEXT,
    "imap_security": (
        lambda value: value in ("tls", "starttls", "plain"),
        '"tls" (IMAPS, port 993), "starttls" (port 143) or "plain" (localhost only)',
    ),
    "imap_after": (
        lambda value: (
            isinstance(value, str)
            and (value == "flag" or (value.startswith("move:") and bool(value[5:].strip())))
        ),
        '"flag" (mark taken mail as read) or "move:FOLDER"',
    ),
    "imap_interval": (
        lambda value: (
            isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value <= 86400
        ),
        "a number of seconds from 1 to 86400",
    ),
}

#: ``[attachments] max_size`` when the file does not set it: 25 MB.
DEFAULT_ATTACHMENT_MAX: int = 25 * 1024 * 1024
_SIZE = re.compile(r"(?i)\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*")
_UNITS = {"b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}


def parse_size(value: object) -> int | None:
    """A size setting as bytes: a number of bytes, or text such as ``25MB``, ``500 KB``,
    ``1.5GB`` (1 KB = 1024 bytes); None when it is neither, or negative."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if not isinstance(value, str):
        return None
    found = _SIZE.fullmatch(value)
    if found is None:
        return None
    return int(float(found.group(1)) * _UNITS[(found.group(2) or "b").lower()])


def attachment_max_size(settings: Settings) -> int:
    """``[attachments] max_size`` in bytes (checked when the file was read)."""
    table = settings.extra.get("attachments", {})
    size = parse_size(table.get("max_size", DEFAULT_ATTACHMENT_MAX))
    return DEFAULT_ATTACHMENT_MAX if size is None else size


_SIZE_SETTING = (
    lambda value: parse_size(value) is not None,
    'a size: a number of bytes or text such as "25MB" or "500KB"',
)


#: ``[mail] smtp_*`` and the rest of mail out: where ``mail send`` sends the outbox
#: (docs/mail.md, "Sending").
_SMTP_KEYS: dict[str, tuple[Callable[[object], bool], str]] = {
    "smtp_host": _TEXT,
    "smtp_port": _IMAP_KEYS["imap_port"],
    "smtp_user": _TEXT,
    "smtp_password": _TEXT,
    "smtp_password_env": _IMAP_KEYS["imap_password_env"],
    "smtp_security": (
        lambda value: value in ("tls", "starttls", "plain"),
        '"tls" (SMTPS, port 465), "starttls" (port 587) or "plain" (localhost only)',
    ),
    "name": (
        lambda value: isinstance(value, str) and 0 < len(value.strip()) <= 100,
        "a name of at most 100 characters",
    ),
    "retry_hours": (
        lambda value: (
            isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 8760
        ),
        "a number of hours above 0, at most 8760",
    ),
    "notify": (
        lambda value: (
            isinstance(value, list) and all(item in ("received", "solved") for item in value)
        ),
        'a list of the notifications sent: "received", "solved" ([] for none)',
    ),
    "reopen_days": (
        lambda value: isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 365,
        "a number of days from 1 to 365",
    ),
}

#: Every key the config file may hold: table -> key -> (check, what the check wants).
#: ``config.example.toml`` documents each one (a test keeps them in step).
KEYS: dict[str, dict[str, tuple[Callable[[object], bool], str]]] = {
    "store": {"url": _TEXT, **{key: _SECONDS for key in TIMEOUT_KEYS}},
    "agent": {"handle": _TEXT},
    "ui": {"color": _BOOL},
    "mail": {
        "subject_tag": _MAIL_TAG,
        "address": _MAIL_ADDRESS,
        "aliases": _MAIL_ADDRESSES,
        **_IMAP_KEYS,
        **_SMTP_KEYS,
    },
    "attachments": {"max_size": _SIZE_SETTING},
}


def check(data: Mapping[str, Any], path: Path) -> None:
    """Refuse what deskterm would otherwise ignore: a mistyped key silently sends writes to
    another desk. Names the key and the nearest known one."""
    for name, table in data.items():
        if name not in KEYS:
            raise InvalidInput(f"{path}: unknown {_where(name, table)}" + _nearest_top(name))
        if not isinstance(table, dict):
            raise InvalidInput(f"{path}: [{name}] must be a table, not a {_kind(table)}")
        known = KEYS[name]
        for key, value in table.items():
            if key not in known:
                what = f"table [{name}.{key}]" if isinstance(value, dict) else f"key {key!r}"
                hint = _nearest(key, known)
                raise InvalidInput(
                    f"{path}: unknown {what} in [{name}]"
                    + (f"; did you mean {hint!r}?" if hint else "")
                    + f" (known: {', '.join(known)})"
                )
            accepts, wanted = known[key]
            if not accepts(value):
                raise InvalidInput(f"{path}: [{name}] {key} must be {wanted}, not {_show(value)}")


def _where(name: str, value: object) -> str:
    return f"table [{name}]" if isinstance(value, dict) else f"key {name!r} at the top level"


def _nearest_top(name: str) -> str:
    table = _nearest(name, KEYS)
    if table:
        return f"; did you mean [{table}]? (known: {', '.join(f'[{t}]' for t in KEYS)})"
    owners = [t for t, keys in KEYS.items() if name in keys]
    if owners:
        return f"; it belongs in [{owners[0]}]"
    for table_name, keys in KEYS.items():
        key = _nearest(name, keys)
        if key:
            return f"; did you mean {key!r} in [{table_name}]?"
    return f" (known tables: {', '.join(f'[{t}]' for t in KEYS)})"


def _nearest(word: str, known: Iterable[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return found[0] if found else None


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__


def _show(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 40 else f'"{value[:39]}…"'
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return repr(value)
    return f"a {_kind(value)}"


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
    for flag, given in (("--db", db), ("--as", agent), ("--config", config)):
        if given is not None and not given.strip():
            raise InvalidInput(f"{flag} was given an empty value")

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
    store = data.get("store", {})
    agent_table = data.get("agent", {})
    ui = data.get("ui", {})

    if db:
        db_setting = Setting(db, "flag --db")
    elif env.get(ENV_DB):
        db_setting = Setting(env[ENV_DB], f"environment {ENV_DB}")
    elif "url" in store:
        db_setting = Setting(store["url"], file_source)
    else:
        db_setting = Setting(paths.default_database_url(), DEFAULT)

    if agent:
        agent_setting = Setting(agent, "flag --as")
    elif env.get(ENV_AGENT):
        agent_setting = Setting(env[ENV_AGENT], f"environment {ENV_AGENT}")
    elif "handle" in agent_table:
        agent_setting = Setting(agent_table["handle"], file_source)
    else:
        agent_setting = Setting(_login_name(), "default (login name)")

    if no_color:
        color_setting = Setting(False, "flag --no-color")
    elif env.get("NO_COLOR"):
        color_setting = Setting(False, "environment NO_COLOR")
    elif "color" in ui:
        color_setting = Setting(ui["color"], file_source)
    else:
        color_setting = Setting(True, DEFAULT)

    defaults = StoreOptions()
    timeouts = {
        key: Setting(store[key], file_source)
        if key in store
        else Setting(getattr(defaults, key), DEFAULT)
        for key in TIMEOUT_KEYS
    }

    return Settings(
        db_url=db_setting,
        agent=agent_setting,
        config_file=config_setting,
        color=color_setting,
        config_exists=exists,
        extra=data,
        timeouts=timeouts,
    )
