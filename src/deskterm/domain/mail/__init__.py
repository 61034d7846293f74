"""Mail in (docs/mail.md): a message becomes a ticket, a reply on its ticket, or a held
record with the reason; the same message twice is taken once.

``parse`` reads raw bytes (any charset, HTML-only mail as text, quotes and signatures trimmed
from what the thread shows); ``held_reason`` is the loop and noise guards; ``thread`` finds the
ticket a reply joins; ``send`` sends the outbox over SMTP (``outbox`` lists it,
``check_smtp_login`` tries the login); ``receive``/``receive_in``/``receive_all`` take
messages in through the tickets' one workflow; ``fetch``/``watch`` take them from an IMAP mailbox
(``check_login`` tries the login); ``sources`` lists the messages of .eml, mbox and Maildir paths;
``mail_log``/``original`` read what came in; ``attach_files`` puts a reply's files on its
outgoing mail.

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.mail.body import decode as decode
    from deskterm.domain.mail.body import html_to_text as html_to_text
    from deskterm.domain.mail.body import trimmed as trimmed
    from deskterm.domain.mail.files import attach_files as attach_files
    from deskterm.domain.mail.guards import DEFAULT_REOPEN_DAYS as DEFAULT_REOPEN_DAYS
    from deskterm.domain.mail.guards import DEFAULT_TAG as DEFAULT_TAG
    from deskterm.domain.mail.guards import MailSettings as MailSettings
    from deskterm.domain.mail.guards import held_reason as held_reason
    from deskterm.domain.mail.imap import Fetched as Fetched
    from deskterm.domain.mail.imap import ImapSettings as ImapSettings
    from deskterm.domain.mail.imap import check_login as check_login
    from deskterm.domain.mail.imap import fetch as fetch
    from deskterm.domain.mail.imap import watch as watch
    from deskterm.domain.mail.intake import Outcome as Outcome
    from deskterm.domain.mail.intake import Source as Source
    from deskterm.domain.mail.intake import receive as receive
    from deskterm.domain.mail.intake import receive_all as receive_all
    from deskterm.domain.mail.intake import receive_in as receive_in
    from deskterm.domain.mail.log import MailRecord as MailRecord
    from deskterm.domain.mail.log import mail_log as mail_log
    from deskterm.domain.mail.log import original as original
    from deskterm.domain.mail.mailboxes import sources as sources
    from deskterm.domain.mail.message import Mail as Mail
    from deskterm.domain.mail.message import NotMail as NotMail
    from deskterm.domain.mail.message import parse as parse
    from deskterm.domain.mail.notices import TEMPLATE_KINDS as TEMPLATE_KINDS
    from deskterm.domain.mail.notices import MailTemplate as MailTemplate
    from deskterm.domain.mail.notices import check_text as check_text
    from deskterm.domain.mail.notices import reset_template as reset_template
    from deskterm.domain.mail.notices import set_template as set_template
    from deskterm.domain.mail.notices import template as template
    from deskterm.domain.mail.notices import templates as templates
    from deskterm.domain.mail.outgoing import NOTIFICATIONS as NOTIFICATIONS
    from deskterm.domain.mail.outgoing import OutboxItem as OutboxItem
    from deskterm.domain.mail.outgoing import OutSettings as OutSettings
    from deskterm.domain.mail.outgoing import SendReport as SendReport
    from deskterm.domain.mail.outgoing import SmtpSettings as SmtpSettings
    from deskterm.domain.mail.outgoing import check_smtp_login as check_smtp_login
    from deskterm.domain.mail.outgoing import outbox as outbox
    from deskterm.domain.mail.outgoing import send as send
    from deskterm.domain.mail.thread import tagged as tagged

_SURFACE = Surface(
    __name__,
    {
        "body": ("decode", "html_to_text", "trimmed"),
        "files": ("attach_files",),
        "guards": ("DEFAULT_REOPEN_DAYS", "DEFAULT_TAG", "MailSettings", "held_reason"),
        "imap": ("Fetched", "ImapSettings", "check_login", "fetch", "watch"),
        "intake": ("Outcome", "Source", "receive", "receive_all", "receive_in"),
        "log": ("MailRecord", "mail_log", "original"),
        "message": ("Mail", "NotMail", "parse"),
        "mailboxes": ("sources",),
        "thread": ("tagged",),
        "notices": (
            "TEMPLATE_KINDS",
            "MailTemplate",
            "check_text",
            "reset_template",
            "set_template",
            "template",
            "templates",
        ),
        "outgoing": (
            "NOTIFICATIONS",
            "OutboxItem",
            "OutSettings",
            "SendReport",
            "SmtpSettings",
            "check_smtp_login",
            "outbox",
            "send",
        ),
    },
)
__getattr__ = _SURFACE.getattr
