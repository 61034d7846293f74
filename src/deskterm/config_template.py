"""The commented config file ``deskterm config init`` writes. ``config.example.toml`` at the
repository root is the same text (a test keeps them equal)."""

TEMPLATE = """\
# deskterm configuration.
# Precedence: command-line flag > environment variable > this file > default.
# `deskterm config show` prints every setting in force and where it came from;
# `deskterm config path` prints where this file is looked for.

[store]
# Database URL (flag --db, environment DESKTERM_DB).
# Default: an SQLite file under the platform data directory, created on first use
# (~/.local/share/deskterm/desk.db on Linux).
# A shared PostgreSQL store for a team (psycopg 3); leave the password out and use
# PGPASSWORD or ~/.pgpass as with psql:
#   url = "postgresql+psycopg://deskterm@db.internal:5432/desk"
# url = "sqlite:////home/alice/.local/share/deskterm/desk.db"

[agent]
# The agent you act as (flag --as, environment DESKTERM_AGENT).
# Default: your login name.
# handle = "alice"

[ui]
# Colour in the TUI and in CLI tables (flag --no-color, environment NO_COLOR).
# With colour off, states still read through bold, reverse video and symbols.
# color = true
"""
