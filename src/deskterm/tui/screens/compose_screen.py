"""The reply/note editor: ``ctrl+s`` sends, ``escape`` asks before discarding, ``ctrl+k``
inserts a knowledge-base article; ``tab`` goes to the "Time spent" field below the text
(empty: no time entry), whose value is sent with the text and kept with its draft. A time
that does not read (``1.5h``) is refused before anything is sent.

What is written is kept on disk as a draft (``deskterm/drafts.py``) a moment after each change
and whenever the editor is left, so it survives ``q``, a crash, a lost SSH session and a
restart; it is removed once sent or discarded. While a reply is being sent the editor says
so and takes no keys: the keys typed meanwhile wait for the send to finish (see
``tui/typeahead.py``), and a second ``ctrl+s`` sends nothing twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, Static, TextArea

from deskterm.domain.models import Message, Ticket, TicketDetail
from deskterm.domain.text import long_time, one_line, sanitize
from deskterm.errors import DeskError, StaleVersion
from deskterm.tui.access import desk_app
from deskterm.tui.messages import PresenceChanged, TicketsChanged
from deskterm.tui.presence import phrase

if TYPE_CHECKING:
    from deskterm.domain.tickets import Presence

#: Seconds after the last change before the draft is written to disk.
DRAFT_DELAY = 0.4


def paragraph_insert(before: str, text: str, after: str) -> tuple[str, str]:
    """``text`` made into a paragraph of its own between ``before`` and ``after`` (a blank
    line on each side where there is text): returns (what to insert, the part of it that
    comes before the cursor's new place)."""
    body = text.strip("\n")
    lead = "" if not before.strip() else "\n" * max(0, 2 - _trailing_newlines(before))
    tail = "" if not after.strip() else "\n" * max(0, 2 - _leading_newlines(after))
    return lead + body + tail, lead + body


def _trailing_newlines(text: str) -> int:
    return len(text) - len(text.rstrip("\n"))


def _leading_newlines(text: str) -> int:
    return len(text) - len(text.lstrip("\n"))


class ComposeScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", priority=True),
        Binding("ctrl+k", "insert_article", "Insert KB article", priority=True),
        Binding("escape", "leave", "Back", priority=True),
    ]

    def __init__(self, ticket: Ticket, kind: str) -> None:
        super().__init__()
        self.ticket = ticket
        self.kind = kind
        self.sending = False
        #: Sent or discarded: nothing more to keep.
        self.finished = False
        self._draft_timer: Timer | None = None
        #: The text as last changed (kept here too: the editor is gone by unmount time).
        self._latest = ""
        self._kept: str | None = None
        #: The time spent as last typed, and as last kept with the draft.
        self._latest_time = ""
        self._kept_time = ""
        #: Who else is on the ticket, as the status line last said it.
        self._others = ""

    def compose(self) -> ComposeResult:
        label = "Reply to" if self.kind == "reply" else "INTERNAL NOTE on"
        title = Text(f"{label} #{self.ticket.id} ", style="bold")
        title.append(one_line(self.ticket.subject, 200))
        if self.kind == "reply" and self.ticket.requester:
            title.append(f"\nto {one_line(self.ticket.requester, 100)}", style="dim")
        if self.kind == "note":
            title.append("\nonly agents see notes", style="dim")
        yield Static(title, id="compose-title", classes=f"-{self.kind}")
        drafts = desk_app(self).drafts
        draft = drafts.load(self.ticket.id, self.kind) or ""
        self._kept = draft or None
        self._latest = draft
        time = (drafts.load_time(self.ticket.id, self.kind) or "") if draft else ""
        self._latest_time = self._kept_time = time
        yield Static("", id="compose-status")
        # tab moves on to the time spent (a reply is plain text; a pasted tab still arrives).
        yield TextArea(draft, id="editor", soft_wrap=True, tab_behavior="focus")
        with Horizontal(id="compose-time"):
            yield Label("Time spent ", id="time-label")
            yield Input(time, placeholder="e.g. 15m, 1h30m (optional)", id="time", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        app = desk_app(self)
        app.ticket_changes.subscribe(self, self._tickets_changed)
        app.presence_changes.subscribe(self, self._presence_changed)
        self._leave = app.here.hold(
            self.ticket.id, "replying" if self.kind == "reply" else "noting"
        )
        app.before_exit.append(self.keep_draft)
        editor = self.query_one(TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)
        if self._kept:
            self._status("Your unsent draft is back.")
        else:
            self._say_others(app.others.get(self.ticket.id, ()))

    def on_unmount(self) -> None:
        self._leave()
        app = desk_app(self)
        if self.keep_draft in app.before_exit:
            app.before_exit.remove(self.keep_draft)
        self.keep_draft()

    @property
    def text(self) -> str:
        """What is in the editor (as last changed, once the editor is gone)."""
        editors = self.query(TextArea)
        return editors.first().text if editors else self._latest

    @property
    def time(self) -> str:
        """The time spent as typed, stripped ("" for none)."""
        fields = self.query("#time")
        return (fields.first(Input).value if fields else self._latest_time).strip()

    def _status(self, text: str, style: str = "dim") -> None:
        self.query_one("#compose-status", Static).update(Text(text, style=style))

    # -- the draft -----------------------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _edited(self, event: TextArea.Changed) -> None:
        self._latest = event.text_area.text
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.keep_draft)

    @on(Input.Changed, "#time")
    def _time_edited(self, event: Input.Changed) -> None:
        self._latest_time = event.value
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.keep_draft)

    def keep_draft(self) -> None:
        """Write the text and the time spent to the draft now (nothing once sent or
        discarded)."""
        if self.finished:
            return
        text, time = self.text, self.time
        if text == (self._kept or "") and time == self._kept_time:
            return
        try:
            desk_app(self).drafts.save(self.ticket.id, self.kind, text, time)
        except OSError as exc:
            self._status(f"The draft could not be saved: {exc.strerror or exc}", "bold")
            return
        self._kept, self._kept_time = text, time

    def _forget_draft(self) -> None:
        self.finished = True
        if self._draft_timer is not None:
            self._draft_timer.stop()
        desk_app(self).drafts.remove(self.ticket.id, self.kind)

    def _tickets_changed(self, change: TicketsChanged) -> None:
        # After "reload" on a conflict: send against the version now on screen. Not after a
        # change the console only heard of: the agent has not read it (a reply sent after
        # someone else's then asks first, see _check_replies).
        if change.by_others:
            return
        for ticket in change.tickets:
            if ticket.id == self.ticket.id:
                self.ticket = ticket

    def _presence_changed(self, change: PresenceChanged) -> None:
        self._say_others(change.on(self.ticket.id))

    def _say_others(self, on_ticket: tuple[Presence, ...]) -> None:
        """Say, above the text, who else is on this ticket (``bob is replying``)."""
        others = phrase(on_ticket)
        if others != self._others and not self.sending:
            self._others = others
            self._status(f"◉ {others}" if others else "", "bold")

    # -- keys ----------------------------------------------------------------------------------

    def action_send(self) -> None:
        if self.sending or self.finished:
            return  # a second ctrl+s while the first is saving
        body = self.text
        if not body.strip():
            self.notify("Nothing to send", severity="warning")
            return
        time = self.time or None
        if time is not None and not self._time_reads(time):
            return
        self.keep_draft()  # should the send not come back, the text is on disk
        app = desk_app(self)
        desk = app.desk
        ticket, kind = self.ticket, self.kind
        editor = self.query_one(TextArea)
        self.sending = True
        editor.read_only = True
        self.query_one("#time", Input).disabled = True
        self._status("Sending…" if kind == "reply" else "Saving the note…", "bold")

        def call() -> tuple[Ticket, Message]:
            from deskterm.domain.tickets import add_message

            return add_message(desk, ticket.id, kind, body, if_version=ticket.version, time=time)

        def done(result: tuple[Ticket, Message]) -> None:
            self.sending = False
            self._forget_draft()
            fields = {kind} | ({"status"} if result[0].status != ticket.status else set())
            app.tickets_changed([result[0]], frozenset(fields))
            # A reply is stored, and its mail to the requester queued (``mail send`` sends it;
            # the thread shows what became of it).
            what = "Reply saved" if kind == "reply" else "Note added"
            mailed = "; mail queued" if kind == "reply" and result[0].requester else ""
            self.notify(f"{what} on #{ticket.id}{mailed}", markup=False)
            if self.is_attached:
                self.dismiss()

        def failed(exc: DeskError) -> bool:
            self.sending = False
            if self.is_mounted:
                editor.read_only = False
                self.query_one("#time", Input).disabled = False
                self._status("Not sent; your text is kept as a draft.", "bold")
            if isinstance(exc, StaleVersion) and kind == "reply" and self.is_mounted:
                self._check_replies(exc)
                return True
            return False

        app.run_domain(call, done, ticket_id=ticket.id, failed=failed)

    def _check_replies(self, stale: StaleVersion) -> None:
        """A reply refused because the conversation moved on since the ticket was opened: show
        the public replies that arrived since and ask before sending this one after them;
        for any other change (a status change, a merge) offer the reload as for any
        conflict."""
        from deskterm.domain.tickets import detail

        app = desk_app(self)

        def replies() -> tuple[TicketDetail, list[Message]]:
            found = detail(app.desk, stale.ticket_id)
            ids = {
                int(e.new or 0)
                for e in found.history
                if e.version > stale.seen and e.field in ("reply", "requester_reply")
            }
            return found, [m for m in found.messages if m.id in ids]

        def ask(result: tuple[TicketDetail, list[Message]]) -> None:
            found, since = result
            if not since:
                app.show_error(stale, stale.ticket_id)
                return
            from deskterm.tui.screens.confirm import ConfirmScreen

            def answer(send: bool | None) -> None:
                if send and self.is_attached:
                    self.ticket = found.ticket  # the agent has now read what came in
                    self.action_send()

            app.push_screen(
                ConfirmScreen(Content(replies_since(since)), yes="Send anyway", no="Keep editing"),
                answer,
            )

        app.run_domain(replies, ask, group="read", ticket_id=stale.ticket_id)

    def _time_reads(self, time: str) -> bool:
        """Whether the time spent reads as a duration; if not, say so and go to it."""
        from deskterm.domain.tickets import parse_time_spent
        from deskterm.errors import InvalidInput

        try:
            parse_time_spent(time)
        except InvalidInput as exc:
            self._status(f"Not sent: {exc.message[:1].upper()}{exc.message[1:]}.", "bold")
            self.query_one("#time", Input).focus()
            return False
        return True

    def action_leave(self) -> None:
        if self.sending:
            return
        if not self.text.strip():
            self._forget_draft()
            self.dismiss()
            return
        from deskterm.tui.screens.confirm import ConfirmScreen

        def answer(discard: bool | None) -> None:
            if discard:
                self._forget_draft()
                self.dismiss()
            elif discard is False:
                self.keep_draft()
                self.dismiss()

        self.app.push_screen(
            ConfirmScreen(
                Content("Discard this draft? (n keeps it for when you come back)"),
                yes="Discard",
                no="Keep draft",
            ),
            answer,
        )

    def action_insert_article(self) -> None:
        if self.sending:
            return
        from deskterm.tui.screens.kb_screen import KbScreen

        def insert(text: str | None) -> None:
            if not text:
                return
            editor = self.query_one(TextArea)
            start, end = sorted((editor.selection.start, editor.selection.end))
            whole = editor.text
            at, to = _offset(whole, start), _offset(whole, end)
            piece, up_to_cursor = paragraph_insert(whole[:at], text, whole[to:])
            editor.replace(piece, start, end)
            editor.move_cursor(_location(editor.text, at + len(up_to_cursor)))
            editor.focus()

        self.app.push_screen(KbScreen(pick=True), insert)


#: The most of each reply shown when asking before sending after it.
REPLY_SHOWN = 600


def replies_since(messages: list[Message]) -> str:
    """The question asked before a reply that comes after others' public replies: who
    replied, when, and what (each cut at :data:`REPLY_SHOWN` characters)."""
    parts = []
    for message in messages:
        who = one_line(message.author_name or message.author or "someone", 60)
        body = sanitize(message.body, multiline=True).strip()
        if len(body) > REPLY_SHOWN:
            body = body[:REPLY_SHOWN] + "…"
        parts.append(f"{who} replied {long_time(message.created_at)}:\n\n{body}")
    ask = "Send your reply after theirs?" if len(messages) == 1 else "Send yours after them?"
    return "\n\n".join(["Since you opened this ticket:", *parts, ask])


def _offset(text: str, location: tuple[int, int]) -> int:
    """The index in ``text`` of a (row, column) location."""
    row, column = location
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[:row]) + column


def _location(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n"), len(before) - (before.rfind("\n") + 1)
