"""The ``deskterm`` a shell finds on PATH when ``forked.commands(listen=...)`` serves it
(test_recipes.py): it hands its arguments, environment, directory and its own stdin, stdout
and stderr to the server, which forks a real ``deskterm`` process on them, and exits with that
process's exit code. Run with ``python -S`` (standard library only): a start of
milliseconds, where the command's own start is a third of a second of CPU. ``SOCKET`` is
put before this text when the file is written."""

import json
import os
import signal
import socket
import sys

SOCKET: str


def main() -> None:
    ours, theirs = socket.socketpair()
    env = dict(os.environ)
    spec = {"argv": sys.argv[1:], "env": env, "cwd": os.getcwd()}
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as conn:
        conn.connect(SOCKET)  # noqa: F821 (written before this text)
        socket.send_fds(conn, [json.dumps(spec).encode()], [0, 1, 2, theirs.fileno()])
    theirs.close()
    for fd in (0, 1, 2):  # the process has them now (a pipe's end closes when it ends)
        os.close(fd)
    data = b""
    while data.count(b"\n") < 2:
        more = ours.recv(4096)
        if not more:
            os._exit(70)  # the server went away
        data += more
    code = int(data.split(b"\n")[1])
    if code < 0:  # killed by a signal: so is this process, as a shell would see it
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code)


main()
