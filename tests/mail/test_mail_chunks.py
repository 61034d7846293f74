"""``mail import`` takes a chunk of messages in one transaction and makes the chunk's new
tickets together (intake.Chunk); the desk it leaves must be the desk the same messages leave
when each comes alone, as ``mail receive`` takes them (docs/mail.md, "mail import"): the same
tickets, replies, contacts, attachments, held mail, ratings, audit history, rules' work and
notifications, each ticket's rows in the same order. Both backends."""

from __future__ import annotations

import mailbox
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.mail import MailSettings, intake, receive, receive_all, sources
from deskterm.domain.rules import Actions, add_rule
from deskterm.domain.setup import open_desk
from deskterm.store import schema

CORPUS = Path(__file__).parent / "corpus"
SETTINGS = MailSettings(addresses=("help@desk.example",))
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
#: Tables whose rows are not the import's (the desk's set-up, search indexes' helpers).
SKIPPED = frozenset({"alembic_version"})
#: Audit entries whose new value is a thread entry's id.
MESSAGE_ENTRIES = frozenset({"reply", "note", "requester_reply"})


def message(
    n: int,
    sender: str = "kim@probe.example",
    subject: str | None = None,
    *,
    answers: str | None = None,
    text: str | None = None,
    message_id: str | None = "",
) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Kim Probe {n} <{sender}>"
    mail["To"] = "help@desk.example"
    mail["Subject"] = subject if subject is not None else f"Probe {n}: the printer is jammed"
    mail["Date"] = "Mon, 16 Nov 2026 09:00:00 +0000"
    if message_id is not None:
        mail["Message-ID"] = message_id or f"<probe-{n}@probe.example>"
    if answers is not None:
        mail["In-Reply-To"] = answers
        mail["References"] = answers
    mail.set_content(text if text is not None else f"Floor {n}: jammed again.\n")
    return mail.as_bytes()


def corpus(names: dict[str, int]) -> list[bytes]:
    """The odd corpus, requests and replies among each other, with what threads into the
    desk's older tickets (``names``: set-up ticket -> id) and into the same chunk."""
    files = sorted(p.name for p in CORPUS.glob("*.eml"))
    solved, closed, merged = names["solved"], names["closed"], names["merged"]
    raws = [
        # A reply by the subject tag alone to the request just before it: the import's
        # first ticket (the set-up made names["next"] - 1).
        message(8, subject="Probe 8"),
        message(9, subject=f"Re: Probe 8 [Desk #{names['next']}]", message_id=None),
    ]
    raws += [(CORPUS / name).read_bytes() for name in files]
    raws += [
        # Six new requests from one sender: the rule's reply and "received" notices stop
        # at the hourly limit of automatic replies.
        *(message(n, "flood@probe.example") for n in range(1, 7)),
        # Replies to requests of this same chunk: by References, and by the subject tag of
        # a ticket made in it (after a reply by References made it).
        message(10, subject="Probe 10"),
        message(11, subject="Re: Probe 10", answers="<probe-10@probe.example>"),
        message(12, subject=f"Re: Probe 8 [Desk #{names['next']}]", message_id=None),
        # The same message twice in the chunk, and a Message-ID-less one twice.
        message(13, subject="Probe 13 twice"),
        message(13, subject="Probe 13 twice"),
        message(14, subject="No id, twice", message_id=None),
        message(14, subject="No id, twice", message_id=None),
        # The requester rates a solved ticket; a reply to a closed one opens a new ticket
        # (made at once: the chunk's waiting ones first), one to a merged ticket lands in
        # the ticket it was merged into.
        message(
            15,
            "dana@customer.example",
            f"Re: Old question [Desk #{solved}]",
            text="rate good: quick and kind",
        ),
        message(18, subject="Probe 18, before a follow-up"),
        message(16, "dana@customer.example", f"Re: Old matter [Desk #{closed}]"),
        message(17, "dana@customer.example", f"Re: merged away [Desk #{merged}]"),
        message(19, "new.person@elsewhere.example", "A stranger's printer"),
        message(20, subject="Re: Probe 18", answers="<probe-18@probe.example>"),
    ]
    return raws


def set_up(desk: Desk) -> dict[str, int]:
    """The same older desk each time: a rule that replies, a solved, a closed and a merged
    ticket (mail the import answers)."""
    add_rule(
        desk,
        "Printers",
        "printer",
        Actions(priority="high", add_tags=("printer",), reply="On it, {{ requester.name }}."),
        stop=False,
    )
    made = {}
    for name, subject in [
        ("kept", "Kept"),  # #1: the corpus's reply by subject tag joins it
        ("solved", "Old question"),
        ("closed", "Old matter"),
        ("merged", "Merged away"),
    ]:
        raw = message(900 + len(made), "dana@customer.example", subject)
        made[name] = int(receive(desk, raw, SETTINGS).ticket_id or 0)
    tickets.update(desk, made["solved"], tickets.Changes(status="solved"))
    tickets.update(desk, made["closed"], tickets.Changes(status="solved"))
    tickets.close(desk, made["closed"])
    tickets.merge(desk, made["merged"], into=made["kept"])
    made["next"] = max(made.values()) + 1
    return made


@pytest.fixture
def fresh_desks(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], Desk]]:
    """Desks as the suite's template makes them, one after the other, on a fixed clock
    (the two ways in run at different moments; the history must not differ by that)."""
    opened: list[Desk] = []

    def fresh() -> Desk:
        if backend == "sqlite":
            target = tmp_path / f"desk-{len(opened)}.db"
            shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
            url = f"sqlite:///{target}"
        else:
            database = request.getfixturevalue("pg_desk_database")
            if opened:
                opened[-1].close()
                database.reset()
            url = database.url()
        desk = open_desk(url, "alice")
        opened.append(desk)
        return Desk(desk.store, desk.handle, clock=lambda: NOW)

    try:
        yield fresh
    finally:
        if opened:
            opened[-1].close()
            if backend == "postgres":
                # Put back for the next test, as ``backend_url`` does.
                request.getfixturevalue("pg_desk_database").reset()


def snapshot(desk: Desk) -> dict[str, Any]:
    """Every row of every table, keyed so that the order rows of different tickets were
    written in does not count: a row that belongs to a ticket by its position among that
    ticket's rows of its table, a reference to such a row by the same; other rows, tickets
    and contacts by their ids."""
    key_of: dict[str, dict[Any, Any]] = {}
    shot: dict[str, Any] = {}
    with desk.store.read() as conn:
        # The audit last: its entries name thread entries.
        tables = sorted(schema.metadata.sorted_tables, key=lambda t: t.name == "audit_events")
        for table in tables:
            if table.name in SKIPPED:
                continue
            rows = [dict(r._mapping) for r in conn.execute(select(table))]
            has_id = "id" in table.c
            if has_id:
                rows.sort(key=lambda r: r["id"])
            per_ticket = has_id and "ticket_id" in table.c and table.name != "mail_messages"
            seen: dict[Any, int] = {}
            keys: dict[Any, Any] = {}
            kept = []
            for row in rows:
                for column in table.c:
                    for fk in column.foreign_keys:
                        target = fk.column.table.name
                        if fk.column.name == "id" and target in key_of and row[column.name]:
                            row[column.name] = key_of[target][row[column.name]]
                if table.name == "audit_events" and row["field"] in MESSAGE_ENTRIES:
                    row["new_value"] = key_of["messages"][int(row["new_value"])]
                if per_ticket:
                    owner = row["ticket_id"]
                    seen[owner] = seen.get(owner, 0) + 1
                    keys[row["id"]] = (owner, seen[owner])
                    row["id"] = keys[row["id"]]
                elif has_id:
                    keys[row["id"]] = row["id"]
                kept.append(row)
            if has_id:
                key_of[table.name] = keys
            if per_ticket:
                shot[table.name] = sorted(kept, key=lambda r: r["id"])
            else:
                shot[table.name] = kept if has_id else sorted(kept, key=repr)
    return shot


def differences(got: dict[str, Any], expected: dict[str, Any]) -> list[Any]:
    """The first rows that differ, table by table (for the failure's message)."""
    found = []
    for name, rows in expected.items():
        if got[name] != rows:
            pairs = [(g, e) for g, e in zip(got[name], rows, strict=False) if g != e]
            found.append((name, len(got[name]), len(rows), pairs[:2]))
    return found


def test_an_import_in_chunks_leaves_the_desk_each_message_alone_leaves(
    fresh_desks: Callable[[], Desk], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = fresh_desks()
    names = set_up(alone)
    path = tmp_path / "support.mbox"
    box = mailbox.mbox(path)
    for raw in corpus(names):
        box.add(raw)
    box.flush()
    box.close()
    found = sources([path])
    one_by_one = [receive(alone, source.load(), SETTINGS).describe() for source in found]
    expected = snapshot(alone)

    # The whole corpus in one chunk, then in chunks of 7 (a chunk ending between a request
    # and its reply); the import reads ahead 3 at a time.
    for chunk in (intake.CHUNK, 7):
        monkeypatch.setattr(intake, "CHUNK", chunk)
        monkeypatch.setattr(intake, "AHEAD", 3)
        monkeypatch.setattr(intake, "CHUNK_SECONDS", 3600.0)
        desk = fresh_desks()
        assert set_up(desk) == names
        told = [outcome.describe() for _s, outcome in receive_all(desk, found, SETTINGS)]
        assert told == one_by_one, chunk
        got = snapshot(desk)
        assert got == expected, (chunk, differences(got, expected))
    # What the corpus holds, so that the comparison compares something.
    assert "rating of #2: good" in one_by_one
    assert one_by_one.count("reply to #1 (by subject tag)") == 2  # one to the merged ticket
    assert any(t.startswith("new ticket #") and "is closed" in t for t in one_by_one)
    assert any(t.startswith("duplicate: already taken (#") for t in one_by_one)
    assert any(t.startswith("held: ") for t in one_by_one)
    assert sum("(by references)" in t for t in one_by_one) >= 3
    assert sum("(by subject tag)" in t for t in one_by_one) >= 3
    kinds = [row["kind"] for row in expected["mail_outbox"]]
    assert "received" in kinds and "reply" in kinds
    assert any(row["field"] == "auto_reply_held" for row in expected["audit_events"])
    assert expected["attachments"] and expected["ratings"]
