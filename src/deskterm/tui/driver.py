"""The console's terminal driver: Textual's, except on SIGCONT.

Textual's Unix driver starts application mode again on every SIGCONT, meant for the return
from a suspend (SIGTSTP, as a shell's job control sends it; the console binds no key to
it). But the kernel sends SIGCONT with SIGHUP when the terminal goes away (an SSH session
lost, tmux killed): Textual then started a second output thread on the dead terminal, which
died on its first write; its queue filled, and leaving waited on it for ever, so the console
stayed running, invisible, after every such hang-up that came at the wrong moment. Here a
SIGCONT brings the console back only when Textual itself suspended it on SIGTSTP and the
terminal is still there. Checked against Textual 8.2 (``_sigcont_application`` and
``_must_signal_resume`` are its private names; tests/tui/test_driver.py pins them).
"""

from __future__ import annotations

import termios
from typing import Any

from textual.drivers.linux_driver import LinuxDriver


class ConsoleDriver(LinuxDriver):
    def _sigcont_application(self, *args: Any) -> None:
        if not self._must_signal_resume or not _terminal_there(self.fileno):
            return
        super()._sigcont_application(*args)


def _terminal_there(fileno: int) -> bool:
    try:
        termios.tcgetattr(fileno)
    except (termios.error, OSError):
        return False
    return True
