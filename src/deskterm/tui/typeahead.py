"""Keys typed ahead are handled one at a time, each in the state the keys before it left.

A terminal hands a burst of keys to the console in one read: a fast typist, a slow SSH link
catching up, a macro in tmux. Textual routes each key to whatever has focus *when the key is
dequeued*, which is before the key ahead of it has done its work. So ``r`` (open the editor),
``Hello`` and ``ctrl+s`` sent ``Hello`` to the ticket list, where ``e`` escalates, and
``ctrl+s`` (a priority binding, run at once) read an editor whose keys were still queued;
``p`` ``low`` ``enter`` chose the first priority of a picker that never saw ``low``.

:class:`TypeAhead` fixes that where it starts: a key that arrives while the console is still
busy with earlier ones waits in a line, and is let through only when

* every message the keys before it caused has been handled, everywhere in the app (a screen
  they opened is composed, mounted and focused; an input they typed into has filtered), and
* no :meth:`hold` is open: a write or read the console started on a key (a reply being sent,
  the agents a picker will offer) holds the keys typed after it until it has finished and
  its screen is up, so a second ``ctrl+s`` never meets the reply being sent, and the next
  reply's letters never land in the editor that is saving the last one.

A key that arrives while the console is idle is handled at once (that is the usual case).
Only public Textual API is used: ``message_queue_size`` to see which parts are busy and
``call_later`` to wait until a part has handled what it had queued, the way Textual's own
test pilot waits for a screen.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

#: Rounds of waiting for the app's parts to finish, per key. Each round lets every busy part
#: handle what it had queued; a key's work is a chain of a few messages (key, binding, mount,
#: focus), so this limit is never reached in practice. It keeps a part that can no longer
#: answer (closed mid-way) from holding the keyboard.
MAX_ROUNDS = 40
#: Seconds one round may wait for a part to answer before the key is let through anyway.
ROUND_LIMIT = 2.0


class TypeAhead:
    """The line of keys (and pastes) the console has not handled yet."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._waiting: deque[events.Event] = deque()
        self._let_through: list[events.Event] = []
        self._holds = 0
        self._resumed: asyncio.Event | None = None
        self._feeding = False

    # -- what the app asks ---------------------------------------------------------------------

    def admit(self, event: events.Event) -> bool:
        """Whether the app should handle ``event`` (a key or paste from the terminal) now.

        False means it joined the line and will be posted to the app again in its turn.
        """
        for index, released in enumerate(self._let_through):
            if released is event:
                del self._let_through[index]
                return True
        if not self._waiting and not self._feeding and not self._holds and self._idle():
            return True
        self._waiting.append(event)
        if not self._feeding:
            self._feeding = True
            self._app.run_worker(self._feed(), group="typeahead", exit_on_error=True)
        return False

    def hold(self) -> Callable[[bool], None]:
        """Keys typed from now wait until the returned ``release`` is called.

        ``release(discard=True)`` drops the keys that waited instead (after a failed write
        they were meant for what would have come next, not for the error in its place).
        Calling ``release`` more than once has no further effect.
        """
        self._holds += 1
        if self._resumed is not None:
            self._resumed.clear()
        released = False

        def release(discard: bool = False) -> None:
            nonlocal released
            if released:
                return
            released = True
            self._holds -= 1
            if discard:
                self._waiting.clear()
            if not self._holds and self._resumed is not None:
                self._resumed.set()

        return release

    @property
    def waiting(self) -> int:
        """How many keys are in the line (for tests and the status of a save)."""
        return len(self._waiting)

    # -- the line ------------------------------------------------------------------------------

    async def _feed(self) -> None:
        try:
            while self._waiting:
                await self._settle()
                if not self._waiting:
                    break
                event = self._waiting.popleft()
                self._let_through.append(event)
                self._app.post_message(event)
        finally:
            self._feeding = False

    async def _settle(self) -> None:
        """Until no hold is open and the app has handled everything the keys before caused."""
        while True:
            while self._holds:
                if self._resumed is None:
                    self._resumed = asyncio.Event()
                if self._holds:
                    await self._resumed.wait()
            await self._drain()
            if not self._holds:
                return

    async def _drain(self) -> None:
        for _ in range(MAX_ROUNDS):
            busy = [pump for pump in self._pumps() if pump.message_queue_size]
            # The app always takes part: it may be running a handler right now.
            await _flush([self._app, *(p for p in busy if p is not self._app)])
            if not busy and self._idle():
                return

    def _idle(self) -> bool:
        return not any(pump.message_queue_size for pump in self._pumps())

    def _pumps(self) -> Iterator[MessagePump]:
        yield self._app
        for screen in self._app.screen_stack:
            yield from screen.walk_children(with_self=True)


async def _flush(pumps: list[MessagePump]) -> None:
    """Wait until each of ``pumps`` has handled every message it had queued."""
    left = 0
    done = asyncio.Event()

    def answered() -> None:
        nonlocal left
        left -= 1
        if left == 0:
            done.set()

    for pump in pumps:
        if pump.call_later(answered):
            left += 1
    if left:
        try:
            await asyncio.wait_for(done.wait(), ROUND_LIMIT)
        except TimeoutError:
            return
