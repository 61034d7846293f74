"""Exit codes of the ``deskterm`` command, in one place (SPEC section 5)."""

OK = 0
FAILURE = 1
USAGE = 2
NOT_FOUND = 3
CONFLICT = 4
PERMISSION_DENIED = 5

# sysexits.h, for ``mail receive`` (a mail server reads them, docs/mail.md):
#: The input is not a mail message: the server returns it to its sender.
DATAERR = 65
#: The desk cannot take the message now: the server keeps it and tries again later. Also
#: ``mail fetch``: the mail server cannot be reached now (try again later).
TEMPFAIL = 75
#: ``mail fetch``: the mail server refused the login.
NOPERM = 77
#: ``mail fetch``: the mail server is not set up in the config (or set up wrongly).
CONFIG = 78
