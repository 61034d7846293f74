"""Every platform path deskterm uses, in one place."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "deskterm"


def data_dir() -> Path:
    """Where the default SQLite database lives (``~/.local/share/deskterm`` on Linux)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Where ``config.toml`` is looked for (``~/.config/deskterm`` on Linux)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """Where per-user state lives (``~/.local/state/deskterm`` on Linux): drafts."""
    from platformdirs import user_state_dir

    return Path(user_state_dir(APP_NAME, appauthor=False))


def drafts_dir() -> Path:
    """Unsent replies and notes, one folder per desk (see ``deskterm/drafts.py``)."""
    return state_dir() / "drafts"


def default_config_file() -> Path:
    return config_dir() / "config.toml"


def default_database_file() -> Path:
    return data_dir() / "desk.db"


def default_database_url() -> str:
    return f"sqlite:///{default_database_file()}"
