"""pymap's command, as tests/imap_server.py runs it: the same server, its password hashing
(pysasl's PBKDF2) at one round instead of 500,000. The server hashes the password when it
starts and again at every login, and at the default rounds that was a tenth of a second of
CPU each time: more than the rest of a test's IMAP traffic."""

from __future__ import annotations

import sys

from pysasl import hashing

hashing.BuiltinHash.__init__.__kwdefaults__["rounds"] = 1

from pymap.main import main  # noqa: E402 (after the change above)

if __name__ == "__main__":
    sys.exit(main())
