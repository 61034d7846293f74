"""The reply/note editor: ``ctrl+s`` sends, ``escape`` asks before discarding, ``ctrl+k``
inserts a knowledge-base article. The text is kept as a draft per ticket until it is sent."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from deskterm.domain.models import Message, Ticket
from deskterm.domain.text import one_line


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

    @property
    def draft_key(self) -> tuple[int, str]:
        return (self.ticket.id, self.kind)

    def compose(self) -> ComposeResult:
        label = "Reply to" if self.kind == "reply" else "INTERNAL NOTE on"
        title = Text(f"{label} #{self.ticket.id} ", style="bold")
        title.append(one_line(self.ticket.subject, 200))
        if self.kind == "reply" and self.ticket.requester:
            title.append(f"\nto {one_line(self.ticket.requester, 100)}", style="dim")
        if self.kind == "note":
            title.append("\nonly agents see notes", style="dim")
        yield Static(title, id="compose-title", classes=f"-{self.kind}")
        draft = self.app.drafts.get(self.draft_key, "")  # type: ignore[attr-defined]
        yield TextArea(draft, id="editor", soft_wrap=True, tab_behavior="indent")
        yield Footer()

    def on_mount(self) -> None:
        editor = self.query_one(TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def _keep_draft(self) -> None:
        drafts: dict[tuple[int, str], str] = self.app.drafts  # type: ignore[attr-defined]
        if self.text.strip():
            drafts[self.draft_key] = self.text
        else:
            drafts.pop(self.draft_key, None)

    def ticket_changed(self, ticket: Ticket) -> None:
        # After "reload" on a conflict: send against the version now on screen.
        if ticket.id == self.ticket.id:
            self.ticket = ticket

    def action_send(self) -> None:
        body = self.text
        if not body.strip():
            self.notify("Nothing to send", severity="warning")
            return
        self._keep_draft()
        desk = self.app.desk  # type: ignore[attr-defined]
        ticket, kind = self.ticket, self.kind

        def call() -> tuple[Ticket, Message]:
            from deskterm.domain.tickets import add_message

            return add_message(desk, ticket.id, kind, body, if_version=ticket.version)

        def done(result: tuple[Ticket, Message]) -> None:
            self.app.drafts.pop(self.draft_key, None)  # type: ignore[attr-defined]
            self.app.ticket_changed(result[0])  # type: ignore[attr-defined]
            what = "Reply sent" if kind == "reply" else "Note added"
            self.notify(f"{what} on #{ticket.id}", markup=False)
            if self.is_attached:
                self.dismiss()

        self.app.run_domain(call, done, ticket_id=ticket.id)  # type: ignore[attr-defined]

    def action_leave(self) -> None:
        if not self.text.strip():
            self.app.drafts.pop(self.draft_key, None)  # type: ignore[attr-defined]
            self.dismiss()
            return
        from deskterm.tui.screens.confirm import ConfirmScreen

        def answer(discard: bool | None) -> None:
            if discard:
                self.app.drafts.pop(self.draft_key, None)  # type: ignore[attr-defined]
                self.dismiss()
            elif discard is False:
                self._keep_draft()
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
        from deskterm.tui.screens.kb_screen import KbScreen

        def insert(body: str | None) -> None:
            if body:
                editor = self.query_one(TextArea)
                editor.insert(body)
                editor.focus()

        self.app.push_screen(KbScreen(pick=True), insert)
