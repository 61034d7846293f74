"""Mail intake on both backends (docs/mail.md): the corpus of odd real-world mail goes in with
no traceback, once, and threads as a requester expects; held mail says why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.mail import MailSettings, NotMail, mail_log, original, receive
from deskterm.domain.sla import PolicyChanges, add_policy
from deskterm.errors import StaleVersion

CORPUS = Path(__file__).parent / "corpus"
SETTINGS = MailSettings(addresses=("help@desk.example",))

#: Every message of the corpus that makes a ticket of its own, and the subject it gets.
NEW_TICKETS = {
    "plain-utf8.eml": "VPN drops every ten minutes",
    "latin1.eml": "Drucker im Büro druckt nicht",
    "windows-1252.eml": "Invoice – € 40 charged twice",
    "iso-2022-jp.eml": "プリンターの故障",
    "wrong-charset.eml": "Contact form: Lieferung",
    "unknown-charset.eml": "Strange charset",
    "alternative.eml": "Outlook keeps asking for my password",
    "html-only.eml": "Cannot log in to the portal",
    "attachment.eml": "Screenshot of the error",
    "no-message-id.eml": "No Message-ID here",
    "broken-headers.eml": None,
    "subject-hash.eml": "Re: order #1 still missing, testing #1 [Desk 1] #1",
    "duplicate-request.eml": "VPN broken (sent again)",
    "attachments-odd.eml": "Odd files",
    "attachment-again.eml": "The same report again",
    "attachment-large.eml": "A big log",
}
HELD = {
    "bounce-dsn.eml": "bounce (delivery status report)",
    "auto-reply.eml": "automatic message (Auto-Submitted: auto-replied)",
    "precedence-bulk.eml": "bulk mail (Precedence: bulk)",
    "x-autoreply.eml": "automatic reply (X-Autoreply: yes)",
    "desk-own.eml": "sent by the desk's own address help@desk.example (a mail loop)",
}


def mail(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def thread_of(desk: Desk, ticket_id: int) -> list[tuple[str, str | None, str]]:
    return [(m.kind, m.author, m.body) for m in tickets.detail(desk, ticket_id).messages]


def test_every_message_of_the_corpus_goes_in_once_and_again_is_a_duplicate(desk: Desk) -> None:
    made: dict[str, int] = {}
    for name in sorted(NEW_TICKETS):
        outcome = receive(desk, mail(name), SETTINGS)
        assert outcome.outcome == "created", (name, outcome)
        assert outcome.ticket_id is not None
        made[name] = outcome.ticket_id
        ticket = tickets.get(desk, outcome.ticket_id)
        assert ticket.channel == "email"
        if NEW_TICKETS[name] is not None:
            assert ticket.subject == NEW_TICKETS[name]
    for name, why in HELD.items():
        outcome = receive(desk, mail(name), SETTINGS)
        assert (outcome.outcome, outcome.reason, outcome.ticket_id) == ("held", why, None)
    before = tickets.count(desk, "")
    for name in [*NEW_TICKETS, *HELD]:
        again = receive(desk, mail(name), SETTINGS)
        assert again.outcome == "duplicate", name
        assert again.ticket_id == made.get(name)
    assert tickets.count(desk, "") == before == len(NEW_TICKETS)
    log = mail_log(desk, limit=100)
    assert len(log) == len(NEW_TICKETS) + len(HELD)
    assert {r.what for r in mail_log(desk, held=True)} == {f"held: {why}" for why in HELD.values()}


def test_charsets_and_html_read_as_the_sender_wrote(desk: Desk) -> None:
    expected = {
        "latin1.eml": "weiße Seiten. Grüße aus München.",
        "windows-1252.eml": "We were charged € 40 twice – “please” refund one.",
        "iso-2022-jp.eml": "プリンターが動きません。",
        "wrong-charset.eml": "Grüße, Zoë",
        "unknown-charset.eml": "The naïve résumé is attached.",
        "alternative.eml": "every hour (plain part).",
        "html-only.eml": "I cannot log in to the [portal](https://portal.example):",
        "attachment.eml": "[attachments: error report.pdf]",
    }
    for name, text in expected.items():
        outcome = receive(desk, mail(name), SETTINGS)
        assert outcome.ticket_id is not None
        body = thread_of(desk, outcome.ticket_id)[0][2]
        assert text in body, (name, body)
    html = receive(desk, mail("html-only.eml"), SETTINGS)
    assert html.outcome == "duplicate"
    body = thread_of(desk, int(html.ticket_id or 0))[0][2]
    assert "alert" not in body and "color" not in body and "<" not in body
    latin = tickets.get(desk, int(receive(desk, mail("latin1.eml"), SETTINGS).ticket_id or 0))
    assert (latin.requester, latin.requester_name) == ("juergen@firma.example", "Jürgen Müller")


def test_a_reply_by_references_joins_its_ticket_trimmed_and_as_the_requester(desk: Desk) -> None:
    first = receive(desk, mail("plain-utf8.eml"), SETTINGS)
    assert first.ticket_id is not None
    # The first message keeps the signature trimmed too.
    assert "Customer Inc." not in thread_of(desk, first.ticket_id)[0][2]
    reply = receive(desk, mail("reply-references.eml"), SETTINGS)
    assert (reply.outcome, reply.ticket_id, reply.found_by) == (
        "appended",
        first.ticket_id,
        "references",
    )
    kind, author, body = thread_of(desk, first.ticket_id)[-1]
    assert (kind, author) == ("reply", "dana@customer.example")
    assert body == "It happened again this morning, at 08:50.\n\nDana"
    history = [e.field for e in tickets.detail(desk, first.ticket_id).history]
    assert history == ["created", "requester_reply"]
    # The whole message is kept as it came.
    record, raw = original(desk, int(reply.record_id or 0))
    assert raw == mail("reply-references.eml")
    assert record.what == "appended"


def test_only_the_bracketed_subject_tag_joins_a_ticket(desk: Desk) -> None:
    first = receive(desk, mail("plain-utf8.eml"), SETTINGS)
    number = int(first.ticket_id or 0)
    hashes = receive(desk, mail("subject-hash.eml").replace(b"#1", f"#{number}".encode()), SETTINGS)
    assert hashes.outcome == "created" and hashes.ticket_id != number
    tagged = mail("reply-subject-tag.eml").replace(b"[Desk #1]", f"[Desk #{number}]".encode())
    reply = receive(desk, tagged, SETTINGS)
    assert (reply.outcome, reply.ticket_id, reply.found_by) == ("appended", number, "subject tag")
    assert thread_of(desk, number)[-1][2] == "Still dropping, now every five minutes."
    # The tag's word is the desk's setting.
    other = MailSettings(subject_tag="Support")
    renamed = tagged.replace(b"[Desk #", b"[Support #").replace(b"outlook-3", b"outlook-4")
    assert receive(desk, renamed, other).ticket_id == number
    assert receive(desk, renamed.replace(b"outlook-4", b"outlook-5"), SETTINGS).outcome == (
        "created"
    )


def test_mail_to_a_merged_ticket_lands_in_the_ticket_it_was_merged_into(desk: Desk) -> None:
    kept = receive(desk, mail("plain-utf8.eml"), SETTINGS)
    duplicate = receive(desk, mail("duplicate-request.eml"), SETTINGS)
    tickets.merge(desk, int(duplicate.ticket_id or 0), into=int(kept.ticket_id or 0))
    reply = receive(desk, mail("reply-to-merged.eml"), SETTINGS)
    assert (reply.outcome, reply.ticket_id) == ("appended", kept.ticket_id)
    assert thread_of(desk, int(kept.ticket_id or 0))[-1][2] == "Any news on this one?"


def test_a_requester_reply_reopens_a_solved_ticket_and_opens_a_pending_one(desk: Desk) -> None:
    first = receive(desk, mail("plain-utf8.eml"), SETTINGS)
    number = int(first.ticket_id or 0)
    tickets.reply(desk, number, "Please restart the client.", status="pending")
    receive(desk, mail("reply-references.eml"), SETTINGS)
    assert tickets.get(desk, number).status == "open"
    tickets.update(desk, number, tickets.Changes(status="solved"))
    tagged = mail("reply-subject-tag.eml").replace(b"[Desk #1]", f"[Desk #{number}]".encode())
    receive(desk, tagged, SETTINGS)
    ticket = tickets.get(desk, number)
    assert ticket.status == "open"
    changes = [(e.field, e.old, e.new) for e in tickets.detail(desk, number).history]
    assert ("status", "solved", "open") in changes


def test_a_reply_to_a_closed_ticket_opens_a_new_one_that_names_it(desk: Desk) -> None:
    first = receive(desk, mail("plain-utf8.eml"), SETTINGS)
    number = int(first.ticket_id or 0)
    tickets.update(desk, number, tickets.Changes(status="solved"))
    tickets.close(desk, number)
    reply = receive(desk, mail("reply-references.eml"), SETTINGS)
    assert reply.outcome == "created" and reply.ticket_id != number
    assert reply.reason == f"#{number} is closed"
    # Its subject is the old one's, without "Re:" and the old ticket's tag.
    assert tickets.get(desk, int(reply.ticket_id or 0)).subject == "VPN drops every ten minutes"
    tagged = mail("reply-subject-tag.eml").replace(b"[Desk #1]", f"[Desk #{number}]".encode())
    again = receive(desk, tagged, SETTINGS)
    assert tickets.get(desk, int(again.ticket_id or 0)).subject == "VPN drops every ten minutes"
    notes = [m.body for m in tickets.detail(desk, int(reply.ticket_id or 0)).messages]
    assert f"This mail answers #{number}, which is closed." in notes


def test_a_reply_after_reopen_days_opens_a_new_ticket_naming_the_solved_one(desk: Desk) -> None:
    solved_at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    clock = [solved_at]
    timed = Desk(desk.store, desk.handle, clock=lambda: clock[0])
    week = MailSettings(addresses=SETTINGS.addresses, reopen_days=7)
    first = receive(timed, mail("plain-utf8.eml"), week)
    number = int(first.ticket_id or 0)
    tickets.update(timed, number, tickets.Changes(status="solved"))
    solved = tickets.get(timed, number)

    # One minute past the seventh day: a new ticket that names the old one, which is left
    # as it was (still solved, same version: a cron job closing solved tickets still may).
    clock[0] = solved_at + timedelta(days=7, minutes=1)
    late = receive(timed, mail("reply-references.eml"), week)
    assert late.outcome == "created" and late.ticket_id == number + 1
    assert late.reason == f"#{number} was solved more than 7 days ago"
    assert tickets.get(timed, number + 1).subject == "VPN drops every ten minutes"
    assert (
        late.describe() == f"new ticket #{number + 1} (#{number} was solved more than 7 days ago)"
    )
    after = tickets.get(timed, number)
    assert (after.status, after.version) == ("solved", solved.version)
    thread = thread_of(timed, number + 1)
    assert thread[0][2] == "It happened again this morning, at 08:50.\n\nDana"
    assert thread[-1][0] == "note"
    assert thread[-1][2] == (
        f"This mail answers #{number}, solved on 2026-11-02, more than 7 days ago "
        "([mail] reopen_days): a new ticket instead of reopening it."
    )

    # Within the window (exactly seven days), a reply reopens the ticket as before.
    again = receive(timed, mail("plain-utf8.eml").replace(b"plain-1@", b"plain-9@"), week)
    other = int(again.ticket_id or 0)
    clock[0] += timedelta(days=1)
    tickets.update(timed, other, tickets.Changes(status="solved"))
    clock[0] += timedelta(days=7)
    tagged = mail("reply-subject-tag.eml").replace(b"[Desk #1]", f"[Desk #{other}]".encode())
    reopened = receive(timed, tagged, week)
    assert (reopened.outcome, reopened.ticket_id) == ("appended", other)
    assert tickets.get(timed, other).status == "open"


def test_a_requester_reply_starts_the_next_response_clock_and_is_no_first_response(
    desk: Desk,
) -> None:
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    clock = [start]
    timed = Desk(desk.store, desk.handle, clock=lambda: clock[0])
    add_policy(
        timed,
        "Standard",
        PolicyChanges(
            targets={"normal": {"first_response": 240, "next_response": 480, "resolution": 4320}}
        ),
    )
    first = receive(timed, mail("plain-utf8.eml"), SETTINGS)
    number = int(first.ticket_id or 0)
    clock[0] = start + timedelta(hours=1)
    tickets.reply(timed, number, "Please restart the client.")
    clock[0] = start + timedelta(hours=2)
    receive(timed, mail("reply-references.eml"), SETTINGS)
    ticket = tickets.get(timed, number)
    assert ticket.first_responded_at == start + timedelta(hours=1)
    assert ticket.next_response_due == start + timedelta(hours=10)
    # ``ticket sla`` rebuilds the clocks from the history and agrees with what is stored.
    timeline = tickets.sla_timeline(timed, number)[1]
    assert timeline.state.next_response_due == ticket.next_response_due
    assert next(e.what for e in timeline.entries if e.clock == "next_response") == "started"


def test_input_that_is_not_mail_is_refused_and_nothing_is_written(desk: Desk) -> None:
    for junk in (b"", b"   \n", b"hello world\nthis is not mail\n", b"\x00\x01\x02binary"):
        with pytest.raises(NotMail):
            receive(desk, junk, SETTINGS)
    assert mail_log(desk) == []


def test_an_agent_reply_written_before_the_requester_answered_is_told_so(desk: Desk) -> None:
    first = receive(desk, mail("plain-utf8.eml"), SETTINGS)
    number = int(first.ticket_id or 0)
    seen = tickets.get(desk, number).version
    receive(desk, mail("reply-references.eml"), SETTINGS)
    with pytest.raises(StaleVersion) as caught:
        tickets.reply(desk, number, "Please restart the client.", if_version=seen)
    assert "alice changed a requester's reply" in caught.value.message
    # A note is never stale.
    tickets.note(desk, number, "Checked the logs.", if_version=seen)


#: Found by mutating the corpus (a NUL or raw 8-bit bytes where a mail server would never
#: put them): each raised on PostgreSQL, SQLite or both, so `mail receive` would have exited
#: 75 for ever, and `mail import` and `mail fetch` stopped at it on every run.
POISON = {
    "a NUL in the Message-ID": (
        b"From: a@poison.example\nSubject: NUL id\nMessage-ID: <n\x00ul@poison.example>\n\nBody.\n",
        "created",
    ),
    "raw 8-bit bytes in the Message-ID": (
        b"From: b@poison.example\nSubject: 8-bit id\nMessage-ID: <\xff\xfe@poison.example>\n"
        b"In-Reply-To: <\xff@poison.example>\n\nBody.\n",
        "created",
    ),
    "a NUL in the sender's address": (
        b"From: Leo <le\x00o@poison.example>\nSubject: NUL sender\n"
        b"Message-ID: <nul-sender@poison.example>\n\nBody.\n",
        "held",
    ),
    "a NUL in an attachment's type": (
        b"From: c@poison.example\nSubject: NUL type\nMessage-ID: <nul-type@poison.example>\n"
        b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
        b"Content-Type: text/plain\n\nSee the file.\n--b\n"
        b'Content-Type: tex\x00t/plain\nContent-Disposition: attachment; filename="n.txt"\n\n'
        b"data\n--b--\n",
        "created",
    ),
}


@pytest.mark.parametrize("case", sorted(POISON))
def test_nul_and_raw_bytes_in_header_fields_go_in_once(desk: Desk, case: str) -> None:
    raw, expected = POISON[case]
    first = receive(desk, raw, SETTINGS)
    assert first.outcome == expected, first
    again = receive(desk, raw, SETTINGS)
    assert (again.outcome, again.ticket_id) == ("duplicate", first.ticket_id)
    assert original(desk, mail_log(desk, limit=1)[0].id)[1] == raw


def probe(n: int, answers: int | None = None) -> bytes:
    answer = f"In-Reply-To: <chunk-{answers}@probe.example>\n" if answers is not None else ""
    return (
        f"From: Kim Probe <kim@probe.example>\nTo: help@desk.example\nSubject: Chunk probe {n}\n"
        f"{answer}Message-ID: <chunk-{n}@probe.example>\n"
        f"Date: Mon, 02 Nov 2026 09:00:00 +0000\n\nThe printer on floor {n} is jammed.\n"
    ).encode()


def test_import_takes_whole_chunks_and_a_failure_leaves_its_chunk_for_the_next_run(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Messages go in by the chunk, one transaction each: what a chunk made is told only
    once it has committed; a chunk that fails is not taken at all (not half of it), the
    chunks before it stay taken, and a second run takes the rest once each."""
    from deskterm.domain.mail import intake

    monkeypatch.setattr(intake, "CHUNK", 3)
    raws = [probe(1), probe(2, answers=1), probe(3), probe(4), probe(5, answers=4), probe(6)]
    sources = [intake.Source(f"#{n}", lambda raw=raw: raw) for n, raw in enumerate(raws, 1)]
    real = intake.receive_in

    def failing(
        ctx: tickets.Context, mail: Any, settings: MailSettings, **chunk: Any
    ) -> intake.Outcome:
        if mail.subject == "Chunk probe 5":
            raise RuntimeError("the disk went away")
        return real(ctx, mail, settings, **chunk)

    monkeypatch.setattr(intake, "receive_in", failing)
    told: list[str] = []
    with pytest.raises(RuntimeError):
        for source, outcome in intake.receive_all(desk, sources, SETTINGS):
            told.append(f"{source.label} {outcome.describe()}")
    assert told == ["#1 new ticket #1", "#2 reply to #1 (by references)", "#3 new ticket #2"]
    assert [r.subject for r in mail_log(desk)] == [
        "Chunk probe 3",
        "Chunk probe 2",
        "Chunk probe 1",
    ]
    assert tickets.count(desk, "") == 2

    monkeypatch.setattr(intake, "receive_in", real)
    again = [o for _s, o in intake.receive_all(desk, sources, SETTINGS)]
    assert [o.outcome for o in again] == [
        *("duplicate",) * 3,
        *("created", "appended", "created"),
    ]
    assert [o.ticket_id for o in again[:3]] == [1, 1, 2]
    # PostgreSQL's ids skip what the failed chunk drew; the reply finds its request.
    assert again[4].ticket_id == again[3].ticket_id != again[5].ticket_id
    assert len(mail_log(desk)) == 6 and tickets.count(desk, "") == 4
