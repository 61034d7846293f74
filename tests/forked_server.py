"""The server of ``forked.commands()``: imports deskterm's command line, domain and store once,
then forks one real ``deskterm`` process per request.

Started by the test with one end of a ``SOCK_SEQPACKET`` socket pair (its fd number in argv).
Each request is one packet: a JSON object (``argv``, ``env``, ``cwd``) and four fds: the
process's stdin, stdout and stderr, and a socket on which this server writes the process's
pid, then, when it has ended, its exit code (negative: the signal that killed it), one line
each. Nothing is connected to a database before a fork. When the test closes its end, the
server waits for the processes still running and exits.

With a second argument, a socket path, it also takes the same requests from any process
that connects there: ``forked_client.py``, the ``deskterm`` that ``forked.commands(path)``
puts on PATH for scripts run by a shell (one request a connection)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import threading
import time

import forking

#: Alembic's env runs only under Alembic; the console is not started here.
NOT_PRELOADED = (".migrations", ".tui")


def preload() -> None:
    forking.preload(("deskterm.cli", "deskterm.domain", "deskterm.store"), NOT_PRELOADED)


def child(spec: dict, fds: list[int]) -> int:
    """In the forked process: the standard streams, environment and directory of the
    request, then the console script's function, as the installed ``deskterm`` runs it."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the request's and every other one's
    os.environ.clear()
    os.environ.update(spec["env"])
    os.chdir(spec["cwd"])
    time.tzset()
    sys.argv = ["deskterm", *spec["argv"]]
    from deskterm.cli.entry import run

    return forking.exit_code(lambda: run(list(spec["argv"])))


def report(pid: int, reply: socket.socket) -> None:
    _pid, status = os.waitpid(pid, 0)
    with contextlib.suppress(OSError):  # the test stopped listening
        reply.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
    reply.close()


class Server:
    def __init__(self) -> None:
        self.waiters: list[threading.Thread] = []
        self.lock = threading.Lock()

    def serve(self, message: bytes, fds: list[int], *, close: list[socket.socket]) -> None:
        """Fork the process a request asks for (``close``: sockets the child must not keep)."""
        spec = json.loads(message)
        with self.lock:  # one fork at a time
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    for sock in close:
                        sock.close()
                    os.close(fds[3])
                    code = child(spec, fds[:3])
                finally:
                    try:
                        sys.stdout.flush()
                        sys.stderr.flush()
                    finally:
                        os._exit(code)
        for stream in fds[:3]:
            os.close(stream)
        reply = socket.socket(fileno=fds[3])
        reply.sendall(f"{pid}\n".encode())
        waiter = threading.Thread(target=report, args=(pid, reply))
        waiter.start()
        self.waiters.append(waiter)

    def listen(self, listener: socket.socket, control: socket.socket) -> None:
        """Requests from the ``deskterm`` stand-in (``forked_client.py``): one a connection."""
        while True:
            try:
                conn, _address = listener.accept()
            except OSError:  # closed: the test is done
                return
            with conn:
                message, fds, _flags, _address = socket.recv_fds(conn, 1 << 20, 4)
                if message and len(fds) == 4:
                    self.serve(message, fds, close=[control, listener, conn])


def main(fd: int, path: str | None) -> None:
    control = socket.socket(fileno=fd)
    preload()
    sys.stdout.flush()
    sys.stderr.flush()
    server = Server()
    listener = None
    if path is not None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(path)
        listener.listen(16)
        threading.Thread(target=server.listen, args=(listener, control), daemon=True).start()
    control.send(b"ready")
    while True:
        message, fds, _flags, _address = socket.recv_fds(control, 1 << 20, 4)
        if not message:
            break
        server.serve(message, fds, close=[control, *([listener] if listener else [])])
    if listener is not None:
        listener.close()
    for waiter in list(server.waiters):
        waiter.join()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None)
