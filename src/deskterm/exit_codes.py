"""Exit codes of the ``deskterm`` command, in one place (SPEC section 5)."""

OK = 0
FAILURE = 1
USAGE = 2
NOT_FOUND = 3
CONFLICT = 4
PERMISSION_DENIED = 5
