"""``python -m deskterm``."""

from deskterm.cli.main import run

run()
