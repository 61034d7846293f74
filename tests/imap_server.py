"""A real IMAP server for the tests of ``mail fetch``: pymap (a pure-Python IMAP server, a dev
dependency) with its in-memory backend, in a process of its own on a free local port, plain
or with STARTTLS on the certificate in tests/mail/tls (trusted by the client through
SSL_CERT_FILE); :class:`TlsFront` puts TLS from the first byte (IMAPS, as on port 993) in
front of a plain one. It can be stopped and started again on the same port (its mail is then
gone, as after a real server's crash), emptied between tests (:meth:`ImapServer.reset`), and
read and written by the test through imaplib."""

from __future__ import annotations

import imaplib
import re
import select
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: pymap's command with cheap password hashing (pymap_server.py).
PYMAP = Path(__file__).with_name("pymap_server.py")
TLS = Path(__file__).parent / "mail" / "tls"
CERT = TLS / "cert.pem"
KEY = TLS / "key.pem"
USER = "help@desk.example"
PASSWORD = "s3cret pass"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ImapServer:
    def __init__(self, *, tls: bool, log: Path, password: str = PASSWORD) -> None:
        self.tls = tls
        self.password = password
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [sys.executable, str(PYMAP), "--host", "127.0.0.1", "--port", str(self.port)]
        args += ["--cert", str(CERT), "--key", str(KEY)] if self.tls else ["--no-tls"]
        args += ["dict", "--demo-user", USER, "--demo-password", self.password]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"pymap did not start: {self.log.read_text()}") from None
                time.sleep(0.05)

    def reset(self) -> None:
        """Empty the server for the next test: every folder but INBOX deleted, INBOX emptied
        (what a restart does, without a new process: one server serves a module's tests).
        Started again if it is not running."""
        if self.process is None or self.process.poll() is not None:
            self.stop()
            self.start()
            return
        with self.client() as conn:
            _typ, listed = conn.list()
            names = []
            for line in listed:
                if isinstance(line, bytes):
                    found = re.match(rb'\(.*?\) (?:"[^"]*"|NIL) (.*)$', line)
                    assert found, line
                    names.append(found.group(1).decode())
            # Children before their parents.
            for name in sorted(names, key=lambda n: -n.count("/")):
                if name.strip('"').upper() != "INBOX":
                    typ, data = conn.delete(name)
                    # A parent that only held the child deleted before it may be gone.
                    assert typ == "OK" or b"NONEXISTENT" in data[0], (name, data)
            conn.uid("STORE", "1:*", "+FLAGS.SILENT", r"(\Deleted)")
            conn.expunge()
        assert self.messages() == [], "not emptied"

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def config(self, **extra: object) -> str:
        """The ``[mail]`` table of a config file that reads this server."""
        values: dict[str, object] = {
            "imap_host": "127.0.0.1" if not self.tls else "localhost",
            "imap_port": self.port,
            "imap_user": USER,
            "imap_password": self.password,
            "imap_security": "starttls" if self.tls else "plain",
            **extra,
        }
        lines = ["[mail]", 'address = "help@desk.example"']
        for key, value in values.items():
            lines.append(f"{key} = {value}" if isinstance(value, int) else f'{key} = "{value}"')
        return "\n".join(lines) + "\n"

    @contextmanager
    def client(self, folder: str = "INBOX") -> Iterator[imaplib.IMAP4]:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        if self.tls:
            conn.starttls(ssl.create_default_context(cafile=str(CERT)))
        if self.password.isascii():
            conn.login(USER, self.password)
        else:
            secret = f"\0{USER}\0{self.password}".encode()
            conn.authenticate("PLAIN", lambda _challenge: secret)
        conn.select(f'"{folder}"')
        try:
            yield conn
        finally:
            conn.logout()

    def append(self, *raws: bytes, folder: str = "INBOX") -> None:
        with self.client(folder) as conn:
            for raw in raws:
                typ, data = conn.append(f'"{folder}"', None, None, raw)
                assert typ == "OK", data

    def messages(self, folder: str = "INBOX") -> list[tuple[set[str], bytes]]:
        """The flags and Message-ID line of each message in ``folder``, oldest first (none
        when there is no such folder)."""
        with self.client(folder) as conn:
            if conn.state != "SELECTED":
                return []
            _typ, parts = conn.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            out = []
            for part in parts:
                if not isinstance(part, tuple):
                    continue
                flags = re.search(rb"FLAGS \(([^)]*)\)", part[0])
                names = set(flags.group(1).decode().split()) if flags else set()
                out.append((names, part[1].strip()))
            return out


class TlsFront:
    """IMAPS in front of a plain server (pymap speaks only STARTTLS): each connection is
    TLS from the first byte, on the certificate in tests/mail/tls, relayed to ``port``."""

    def __init__(self, port: int) -> None:
        self.backend = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(CERT, KEY)
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.closed = True
        self.listener.close()

    def _accept(self) -> None:
        while not self.closed:
            try:
                conn, _addr = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(conn,), daemon=True).start()

    def _relay(self, conn: socket.socket) -> None:
        # One thread per connection reads and writes both sides: an SSL object is not to be
        # used from two threads at once.
        try:
            front = self.context.wrap_socket(conn, server_side=True)
            back = socket.create_connection(("127.0.0.1", self.backend))
        except OSError:
            conn.close()
            return
        with front, back:
            while not self.closed:
                ready = [front] if front.pending() else []
                if not ready:
                    ready, _, _ = select.select([front, back], [], [], 0.2)
                for side in ready:
                    try:
                        data = side.recv(65536)
                    except (OSError, ssl.SSLError):
                        return
                    if not data:
                        return
                    (back if side is front else front).sendall(data)
