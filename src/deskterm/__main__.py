"""``python -m deskterm``."""

from deskterm.cli.entry import run

run()
