"""A real SMTP server for the tests of ``mail send``: aiosmtpd's ``Controller`` (a dev
dependency) in a thread of this process, on a free local port. It keeps every message it
was given; it can be stopped and started again on the same port (a mail server going down
and coming back), refuse given recipients for good (550), and ask for a login."""

from __future__ import annotations

import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

TLS = Path(__file__).parent / "mail" / "tls"
#: The certificate the TLS servers show (trusted by the client through SSL_CERT_FILE).
CERT = TLS / "cert.pem"
USER = "help@desk.example"
PASSWORD = "smtp s3cret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def text(self) -> str:
        """The text of the message, with plain newlines."""
        return str(self.message.get_content()).replace("\r\n", "\n")


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    #: Go down when this many messages were taken: the next one's connection is cut.
    down_after: int | None = None
    #: Called (in a thread of its own) when the server goes down so.
    on_down: Any = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.down_after is not None and len(self.received) >= self.down_after:
            # The machine goes away mid-run: this message is not taken, the connection is
            # cut, and the server stops listening.
            self.down_after = None
            server.transport.close()
            threading.Thread(target=self.on_down).start()
            return "421 4.3.0 going down"
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 Message accepted for delivery"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = (
        isinstance(data, LoginPassword)
        and data.login.decode() == USER
        and data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False)


class SmtpServer:
    """``start()``/``stop()``; ``received``: what it was given; ``refuse``: addresses it
    refuses for good; ``login``: whether it asks for one (``USER``/``PASSWORD``)."""

    def __init__(self, *, login: bool = False, security: str = "plain") -> None:
        self.port = free_port()
        self.login = login
        #: "plain", "starttls" (required before MAIL) or "tls" (from the first byte).
        self.security = security
        self.handler = _Handler()
        self.controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    @property
    def refuse(self) -> set[str]:
        return self.handler.refuse

    def go_down_after(self, count: int) -> threading.Event:
        """Go down in the middle of a run, once ``count`` messages were taken; the event is
        set once the server has stopped."""
        stopped = threading.Event()

        def down() -> None:
            self.stop()
            stopped.set()

        self.handler.down_after = count
        self.handler.on_down = down
        return stopped

    def start(self) -> None:
        extra: dict[str, Any] = {}
        if self.login:
            extra = {
                "authenticator": _authenticate,
                "auth_require_tls": False,
                "auth_required": False,
            }
        if self.security != "plain":
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(CERT, TLS / "key.pem")
            if self.security == "starttls":
                extra.update(tls_context=context, require_starttls=True)
            else:
                extra["ssl_context"] = context
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **extra)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def config(self, **extra: object) -> str:
        """A config file's text that sends through this server."""
        lines = [
            "[mail]",
            'address = "help@desk.example"',
            'name = "Example Help Desk"',
            f'smtp_host = "{"127.0.0.1" if self.security == "plain" else "localhost"}"',
            f"smtp_port = {self.port}",
            f'smtp_security = "{self.security}"',
        ]
        if self.login:
            lines.append(f'smtp_user = "{USER}"')
        for key, value in extra.items():
            shown = f'"{value}"' if isinstance(value, str) else str(value).lower()
            if isinstance(value, list):
                shown = "[" + ", ".join(f'"{v}"' for v in value) + "]"
            lines.append(f"{key} = {shown}")
        return "\n".join(lines) + "\n"
