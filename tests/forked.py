"""Real ``deskterm`` processes without the import: ``with forked.commands() as commands:``
starts one server (``forked_server.py``) that imports deskterm once, and
``commands.popen(args, env=..., stdin=..., stdout=..., stderr=...)`` has it fork a process
that runs the console script's function on those arguments, with its own pid, pipes,
environment and exit code; it can be killed with SIGKILL like any process. It answers like
``subprocess.Popen`` as far as the tests use it (``pid``, ``stdin``, ``stdout``, ``stderr``,
``poll``, ``wait``, ``send_signal``, ``kill``, ``communicate``, ``returncode``).

For the tests where the process is the point because it is killed or runs beside others
(tests/faults, concurrent deliveries), not for what only the installed script shows (its
entry, the interpreter's start: argv and stream encodings, locales): those keep
``subprocess``. Each process costs a fork instead of the half second of CPU of a start; the
server is a child of the test, so their CPU is still counted as the test's children."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

SERVER = Path(__file__).with_name("forked_server.py")
CLIENT = Path(__file__).with_name("forked_client.py")
PIPE = subprocess.PIPE
DEVNULL = subprocess.DEVNULL


class ForkedProcess:
    """One process the server forked (the part of ``subprocess.Popen`` the tests use)."""

    def __init__(self, reply: socket.socket, streams: list[IO[bytes] | None]) -> None:
        self._reply = reply
        self._buffer = b""
        self.stdin, self.stdout, self.stderr = streams
        self.returncode: int | None = None
        self.pid = int(self._line(None))

    def _line(self, timeout: float | None) -> str:
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self._reply], [], [], left)
            if not ready:
                raise subprocess.TimeoutExpired(["deskterm"], timeout or 0)
            data = self._reply.recv(4096)
            if not data:
                raise RuntimeError("the command server ended before the process did")
            self._buffer += data
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()

    def poll(self) -> int | None:
        if self.returncode is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.returncode = int(self._line(0))
                self._reply.close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self.returncode = int(self._line(timeout))
            self._reply.close()
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def communicate(
        self, input: bytes | None = None, timeout: float | None = None
    ) -> tuple[bytes | None, bytes | None]:
        got: dict[str, bytes] = {}

        def read(name: str, stream: IO[bytes]) -> None:
            got[name] = stream.read()
            stream.close()

        readers = [
            threading.Thread(target=read, args=(name, stream), daemon=True)
            for name, stream in (("out", self.stdout), ("err", self.stderr))
            if stream is not None and not stream.closed
        ]
        for reader in readers:
            reader.start()
        if self.stdin is not None and not self.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                if input:
                    self.stdin.write(input)
            with contextlib.suppress(BrokenPipeError):
                self.stdin.close()
        self.wait(timeout)
        for reader in readers:
            reader.join(timeout)
        return got.get("out"), got.get("err")


class Commands:
    def __init__(self, control: socket.socket) -> None:
        self._control = control
        self.started: list[ForkedProcess] = []

    def popen(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str],
        stdin: int | None = DEVNULL,
        stdout: int | None = DEVNULL,
        stderr: int | None = DEVNULL,
        cwd: str | os.PathLike[str] | None = None,
    ) -> ForkedProcess:
        """``deskterm ARGS`` in a forked process; ``stdin``, ``stdout``, ``stderr`` are
        ``PIPE`` or ``DEVNULL`` as for ``subprocess.Popen`` (bytes)."""
        theirs: list[int] = []
        streams: list[IO[bytes] | None] = []
        for n, how in enumerate((stdin, stdout, stderr)):
            if how == PIPE:
                read, write = os.pipe()
                if n == 0:
                    theirs.append(read)
                    streams.append(open(write, "wb"))  # noqa: SIM115 (the caller's to close)
                else:
                    theirs.append(write)
                    streams.append(open(read, "rb"))  # noqa: SIM115
            else:
                assert how in (DEVNULL, None), how
                theirs.append(os.open(os.devnull, os.O_RDWR))
                streams.append(None)
        ours, reply = socket.socketpair()
        spec = {"argv": list(args), "env": dict(env), "cwd": os.fspath(cwd or os.getcwd())}
        try:
            socket.send_fds(self._control, [json.dumps(spec).encode()], [*theirs, reply.fileno()])
        finally:
            for fd in theirs:
                os.close(fd)
            reply.close()
        process = ForkedProcess(ours, streams)
        self.started.append(process)
        return process

    def run(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str],
        input: bytes | None = None,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        """Like ``subprocess.run(..., capture_output=True)``."""
        process = self.popen(args, env=env, stdin=PIPE, stdout=PIPE, stderr=PIPE)
        out, err = process.communicate(input, timeout)
        assert process.returncode is not None
        return subprocess.CompletedProcess(["deskterm", *args], process.returncode, out, err)


def stand_in(folder: Path, listening: Path) -> Path:
    """Write ``folder/deskterm``: the stand-in (``forked_client.py``) that has the server
    listening at ``listening`` run each command; put ``folder`` first on PATH."""
    script = folder / "deskterm"
    script.write_text(
        f"#!{sys.executable} -S\nSOCKET = {str(listening)!r}\n" + CLIENT.read_text(),
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


@contextlib.contextmanager
def commands(listen: Path | None = None) -> Iterator[Commands]:
    """The server, stopped at the end with every process it forked (none is left running).
    With ``listen`` (a socket path, short: at most 107 bytes) it also serves ``stand_in``."""
    control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        server = subprocess.Popen(
            [
                sys.executable,
                str(SERVER),
                str(theirs.fileno()),
                *([str(listen)] if listen is not None else []),
            ],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # the server and its processes: one group to kill
        )
    finally:
        theirs.close()
    made = Commands(control)
    try:
        control.settimeout(120)
        assert control.recv(16) == b"ready", "the command server did not start"
        control.settimeout(None)
        yield made
    finally:
        for process in made.started:  # a test that failed half-way
            with contextlib.suppress(OSError, RuntimeError, subprocess.TimeoutExpired):
                if process.poll() is None:
                    process.kill()
                    process.wait(10)
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        control.close()  # the server ends
        try:
            _out, err = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            err = b""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        assert server.returncode == 0, err.decode(errors="replace")
