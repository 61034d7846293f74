"""The commented config file ``deskterm config init`` writes. ``config.example.toml`` at the
repository root is the same text (a test keeps them equal)."""

TEMPLATE = """\
# deskterm configuration.
# Precedence: command-line flag > environment variable > this file > default.
# `deskterm config show` prints every setting in force and where it came from;
# `deskterm config path` prints where this file is looked for.
# A key deskterm does not know, or a value of the wrong type, is an error naming it.
# Every key is shown below, commented out (timeouts and colour at their defaults).

[store]
# Database URL (flag --db, environment DESKTERM_DB).
# Default: an SQLite file under the platform data directory, created on first use
# (~/.local/share/deskterm/desk.db on Linux).
# A shared PostgreSQL store for a team (psycopg 3); leave the password out and use
# PGPASSWORD or ~/.pgpass as with psql:
#   url = "postgresql+psycopg://deskterm@db.internal:5432/desk"
# An SQLite desk named here must exist: create it with `deskterm --db URL db init`.
# In-memory databases (sqlite://, :memory:) are refused: what you write would be lost.
# url = "sqlite:////home/alice/.local/share/deskterm/desk.db"
#
# Waiting for others, in seconds (0 = no limit):
#
# SQLite: how long a change waits for another deskterm that is writing to the same desk
# (a long `batch` or `import` keeps the desk until it is done). After a few seconds the
# waiting command says so on stderr; after this long it gives up with exit 4 and changes
# nothing.
# busy_timeout = 60
#
# PostgreSQL, set on every connection:
# how long a change waits for a row another agent's transaction holds (then exit 4);
# lock_timeout = 10
# the longest one statement may run (then exit 4);
# statement_timeout = 300
# a client that stops half-way through a transaction (laptop suspended, network lost) is
# disconnected after this long, so it cannot block the team.
# idle_in_transaction_session_timeout = 60

[agent]
# The agent you act as (flag --as, environment DESKTERM_AGENT).
# Default: your login name. On PostgreSQL the database login decides who you are: a handle
# here may only name yourself, unless your login may act for others (docs/team.md).
# handle = "alice"

[ui]
# Colour in the TUI and in CLI tables (flag --no-color, environment NO_COLOR).
# With colour off, states still read through bold, reverse video and symbols.
# color = true

[mail]
# Mail in (docs/mail.md): `deskterm mail receive` (from a mail server) and `mail import`.
# The word of the subject tag that threads a reply to its ticket: "[Desk #123]". Only the
# tag in brackets counts; "order #123" in a subject never joins ticket 123.
# subject_tag = "Desk"
# The desk's own address, and other addresses that deliver to it. Mail sent from one of
# them is the desk's own coming back (a loop): it is held, never a ticket.
# address = "help@example.com"
# aliases = ["support@example.com", "it@example.com"]

# Mail from an IMAP mailbox: `deskterm mail fetch` (once, from cron) or `mail fetch --watch`
# (keeps going). Each message is taken in as `mail receive` takes it, and marked or moved
# on the server only after the desk has stored it. `deskterm config check` tries the login.
# imap_host = "imap.example.com"
# "tls": TLS from the first byte (IMAPS, port 993); "starttls": plain then STARTTLS (port
# 143); "plain": no encryption, only to localhost (a local Dovecot, a tunnel).
# imap_security = "tls"
# Default: 993 for tls, 143 for starttls and plain.
# imap_port = 993
# imap_user = "help@example.com"
# The password: the environment variable DESKTERM_IMAP_PASSWORD first, then the variable
# named here, then imap_password (keep the file readable by you alone: `config init` does).
# It is never stored in the desk.
# imap_password_env = "HELPDESK_IMAP_PASSWORD"
# imap_password = "secret"
# The folder to read. Default: INBOX.
# imap_folder = "INBOX"
# What happens to a message once taken: "flag" marks it read (seen), and only unread mail
# is fetched; "move:FOLDER" moves it there (created if missing), and all mail left in
# imap_folder is fetched. Default: flag.
# imap_after = "move:Desk/Taken"
# `mail fetch --watch` on a server without IDLE (or with --poll) looks this often, in seconds.
# Default: 60.
# imap_interval = 60

# Mail out (docs/mail.md, "Sending"): every public reply (the console's, the CLI's, a
# macro's, a rule's or a queue's automatic reply) and each notification is stored with its
# mail in an outbox, in the same transaction; `deskterm mail send` (from cron, every
# minute) sends what waits over SMTP, and keeps what could not go for a later try.
# `deskterm mail outbox` lists what waits and why; `deskterm config check` tries the login.
# The desk's address above is the From and Reply-To of that mail; the name goes with it.
# name = "Example Help Desk"
# smtp_host = "smtp.example.com"
# "starttls": plain then STARTTLS (port 587); "tls": TLS from the first byte (SMTPS, port
# 465); "plain": no encryption, only to localhost (the machine's own Postfix). Default:
# starttls.
# smtp_security = "starttls"
# Default: 587 for starttls, 465 for tls, 25 for plain.
# smtp_port = 587
# The login; without smtp_user the desk sends without one (a local Postfix).
# smtp_user = "help@example.com"
# The password: the environment variable DESKTERM_SMTP_PASSWORD first, then the variable
# named here, then smtp_password. It is never stored in the desk.
# smtp_password_env = "HELPDESK_SMTP_PASSWORD"
# smtp_password = "secret"
# A mail the server does not take is tried again after 1, 2, 4... minutes (at most an hour
# apart); after this many hours of failing it is given up and marked failed. Default: 48.
# retry_hours = 48
# The notifications sent to requesters: "received" (a new ticket came by mail and no rule
# or queue answered it automatically) and "solved" (says how to reopen it, and to rate it
# by replying "rate good" or "rate bad").
# Default: both. [] sends none (they are marked skipped). Their texts (and the replies'
# wrapping) are the desk's: `deskterm mail template list|edit|reset`.
# notify = ["received", "solved"]
# A requester's reply within this many days of the solve reopens the ticket (the solved
# notification says so); a later one opens a new ticket that names the old one. Default: 14.
# reopen_days = 14

[attachments]
# Files that come with mail, and that `ticket reply --attach` sends, are stored with the
# desk (the same file once, however often it comes). A file larger than this is not kept:
# the mail is still taken, and the ticket lists the file as refused, with why. A number of
# bytes or text: "500KB", "25MB", "1GB". Default: 25MB.
# max_size = "25MB"
"""
