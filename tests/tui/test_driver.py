"""tui/driver.py: a SIGCONT brings the console back only after its own suspend (SIGTSTP),
and only to a terminal that is still there. The kernel sends SIGCONT with every hang-up;
Textual's driver took each one for a return from a suspend and started drawing on the dead
terminal, after which the console never ended (tests/tui/test_real_terminal.py has the
hang-up itself)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from deskterm.tui.app import DeskApp
from deskterm.tui.driver import ConsoleDriver


@pytest.fixture
def signals() -> Iterator[None]:
    """Textual's driver installs SIGTSTP and SIGCONT handlers: put the test process's back."""
    before = {number: signal.getsignal(number) for number in (signal.SIGTSTP, signal.SIGCONT)}
    yield
    for number, handler in before.items():
        signal.signal(number, handler)


async def started_again(desk: object, *, suspended: bool, terminal_there: bool) -> bool:
    app = DeskApp(lambda: desk)  # type: ignore[arg-type, return-value]
    driver = ConsoleDriver(app)
    # The method Textual registers is the one overridden here (its private name, pinned).
    assert signal.getsignal(signal.SIGCONT) == driver._sigcont_application
    main, terminal = os.openpty()
    try:
        if not terminal_there:
            os.close(main)  # what a hang-up leaves: reads and writes fail with EIO
        driver.fileno = terminal
        driver._must_signal_resume = suspended
        calls: list[str] = []
        driver.start_application_mode = lambda: calls.append("start")  # type: ignore[method-assign]
        driver._sigcont_application(signal.SIGCONT, None)
        return calls == ["start"]
    finally:
        os.close(terminal)
        if terminal_there:
            os.close(main)


async def test_a_sigcont_without_ctrl_z_starts_nothing(signals: None) -> None:
    assert not await started_again(None, suspended=False, terminal_there=True)


async def test_a_sigcont_after_ctrl_z_comes_back(signals: None) -> None:
    assert await started_again(None, suspended=True, terminal_there=True)


async def test_a_sigcont_after_ctrl_z_to_a_hung_up_terminal_starts_nothing(
    signals: None,
) -> None:
    assert not await started_again(None, suspended=True, terminal_there=False)


def test_the_console_runs_on_this_driver_on_unix() -> None:
    app = DeskApp(lambda: None)  # type: ignore[arg-type, return-value]
    assert app.driver_class is ConsoleDriver
