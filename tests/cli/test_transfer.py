"""``deskterm export`` / ``import``: the whole desk as JSON lines and back, byte for byte.

An export must always import: JSON lines split on ``\\n`` only, whatever the text holds; the
file is written atomically and owner-only; its trailer (counts, checksum) lets ``import``
refuse a file cut short or changed; only an admin may import into a desk that has agents.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from clitools import SQLITE_ONLY, fails, ok, one_error_line
from sqlalchemy import update

from conftest import DESKTERM, Run
from deskterm.demo import seed_desk
from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.kb import articles as kb
from deskterm.domain.people import agents as agents
from deskterm.domain.setup import connect, open_desk
from deskterm.domain.tickets.read import count, get
from deskterm.domain.transfer import jsonl as transfer
from deskterm.domain.views.saved import save_view
from deskterm.errors import InvalidInput, PermissionDenied
from deskterm.store import schema
from disk import group_readable_umask, small_disk
from exports import HOSTILE, STORED, as_version_1, as_version_2, edit, resign, rows


def _export(url: str, handle: str = "alice") -> list[str]:
    desk = open_desk(url, handle, initialize=False)
    try:
        return list(transfer.export_lines(desk))
    finally:
        desk.close()


def _import(url: str, lines: list[str], handle: str = "alice") -> transfer.ImportResult:
    return transfer.restore(url, handle, lines)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_bytes(b"".join(line.encode() + b"\n" for line in lines))
    return path


def _with_forward_references(desk: Desk) -> None:
    """Ticket 1 merged into a newer ticket and linked to a problem: ids that point forward."""
    first = tickets.create(desk, subject="Mail bounces", tags=["mail"])
    problem = tickets.create(desk, subject="Mail relay unstable", type="problem")
    with desk.store.write() as conn:
        conn.execute(
            update(schema.tickets)
            .where(schema.tickets.c.id == first.id)
            .values(merged_into_id=problem.id, problem_id=problem.id)
        )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """A small desk (600 tickets with threads and history, 3 KB articles, a saved view) on
    SQLite, made once for the module; tests copy it or only read it."""
    path = tmp_path_factory.mktemp("transfer") / "seeded.db"
    shutil.copyfile(sqlite_template, path)
    desk = open_desk(f"sqlite:///{path}", "alice")
    try:
        seed_desk(desk, tickets=600, articles=3, seed=5)
        save_view(desk, "Urgent", "priority:urgent")
    finally:
        desk.close()
    return path


@pytest.fixture(scope="module")
def exported(seeded: Path) -> tuple[str, ...]:
    return tuple(_export(f"sqlite:///{seeded}"))


@pytest.fixture
def seeded_url(seeded: Path, tmp_path: Path) -> str:
    target = tmp_path / "seeded.db"
    shutil.copyfile(seeded, target)
    return f"sqlite:///{target}"


# -- round trips --------------------------------------------------------------------------


@pytest.mark.slow
def test_seeded_desk_round_trips_byte_identical(desk: Desk, empty_url: str) -> None:
    _with_forward_references(desk)
    # Before the seed: seed_desk writes explicit ids without moving PostgreSQL's sequences.
    tickets.note(desk, 2, "a note with émoji 🎉 and \x1b[31m escape")
    seed_desk(desk, tickets=2000, articles=20, seed=7)
    first = list(transfer.export_lines(desk))
    kinds = [json.loads(line)["type"] for line in first]
    assert kinds[0] == "header" and kinds[-1] == "trailer"
    assert kinds.count("ticket") == 2002
    body = kinds[1:-1]
    assert body == sorted(body, key=lambda k: transfer.KINDS.index(k))
    result = _import(empty_url, first)
    assert result.counts["ticket"] == 2002
    assert result.verified
    assert _export(empty_url) == first

    restored = open_desk(empty_url, "alice")
    try:
        # Search was rebuilt, and new rows get fresh ids (sequences moved on PostgreSQL).
        assert count(restored, "relay") == count(desk, "relay") > 0
        new = tickets.create(restored, subject="After the import")
        assert new.id == 2003
        assert get(restored, 1).subject == "Mail bounces"
    finally:
        restored.close()


@pytest.mark.parametrize("backend", ["postgres"])
def test_sqlite_export_imports_into_postgresql_identically(
    sqlite_desk: Desk, empty_url: str
) -> None:
    _with_forward_references(sqlite_desk)
    seed_desk(sqlite_desk, tickets=2000, articles=20, seed=3)
    lines = list(transfer.export_lines(sqlite_desk))
    _import(empty_url, lines)
    assert _export(empty_url) == lines


def _fill_with_hostile_text(desk: Desk) -> int:
    """HOSTILE text everywhere a desk keeps text: through the workflow where it takes such
    text (bodies, notes), written straight to the store where the workflow would fold the
    separators away (as another writer - mail, an older version - may not)."""
    kept = validate_storable(HOSTILE)
    tag = "odd:tag/with+chars_0.9-x"
    ticket = tickets.create(
        desk, subject="Pasted from a word processor", body=HOSTILE, tags=[tag], requester="r@x.io"
    )
    tickets.note(desk, ticket.id, HOSTILE)
    kb.add(desk, title="Separators", body=HOSTILE, tags=[tag])
    agents.add_agent(desk, "dave", name="Dave Null", role="agent")
    save_view(desk, "hostile\u2028view\u0085name", "tag:odd:tag/with+chars_0.9-x")
    with desk.store.write() as conn:
        for table, column in (
            (schema.tickets, "subject"),
            (schema.agents, "name"),
            (schema.contacts, "name"),
            (schema.queues, "description"),
            (schema.kb_articles, "title"),
            (schema.kb_articles, "category"),
            (schema.audit_events, "new_value"),
        ):
            conn.execute(update(table).values({column: kept}))
        conn.execute(schema.organizations.insert().values(name=kept, created_at=desk.now()))
    return ticket.id


def validate_storable(text: str) -> str:
    from deskterm.domain.validate import storable

    return storable(text)


def test_every_line_separator_nul_and_surrogate_survives_export_import_export(
    desk: Desk, cli_inproc: Run, empty_url: str, tmp_path: Path
) -> None:
    cli = cli_inproc
    ticket_id = _fill_with_hostile_text(desk)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    ok(cli("export", "-o", str(first)))
    raw = first.read_bytes()
    for separator in ("\u2028", "\u2029", "\u0085"):
        assert separator.encode() in raw  # written as they are: split on \n only
    # str.splitlines() would cut these lines apart (what made such exports fail to import).
    assert len(raw.decode().splitlines()) > raw.count(b"\n")
    imported = cli("import", str(first), env={"DESKTERM_DB": empty_url})
    assert "imported" in ok(imported) + imported.stderr
    ok(cli("export", "-o", str(second), env={"DESKTERM_DB": empty_url}))
    assert second.read_bytes() == raw

    restored = {"DESKTERM_DB": empty_url}
    shown = json.loads(ok(cli("ticket", "show", str(ticket_id), "-f", "json", env=restored)))
    assert [m["body"] for m in shown["messages"]] == [STORED.strip("\n")] * 2
    assert shown["subject"] == STORED


@SQLITE_ONLY
def test_a_tag_the_workflow_refuses_is_refused_by_import_too(desk: Desk) -> None:
    with pytest.raises(InvalidInput, match="invalid tag"):
        tickets.create(desk, subject="x", tags=["line\u2028break"])
    tickets.create(desk, subject="x", tags=["vpn"])
    lines = edit(list(transfer.export_lines(desk)), "tag", lambda d: d.update(name="a\u2028b"))
    with pytest.raises(InvalidInput, match=r'^line \d+: name: invalid tag "a\u2028b"'):
        transfer.check_lines(lines)


# -- export -o: atomic and owner-only ------------------------------------------------------


@SQLITE_ONLY
def test_export_to_a_file_is_owner_only_whatever_the_umask(cli_inproc: Run, tmp_path: Path) -> None:
    path = tmp_path / "desk.jsonl"
    with group_readable_umask():
        ok(cli_inproc("export", "-o", str(path)))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text().splitlines()[-1])["type"] == "trailer"


def _yesterdays_backup(tmp_path: Path) -> Path:
    folder = tmp_path / "backups"
    folder.mkdir()
    backup = folder / "desk.jsonl"
    backup.write_bytes(b"yesterday's backup\n")
    return backup


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name not in keep)


def test_a_full_disk_during_export_leaves_the_previous_backup_untouched(
    seeded_url: str, tmp_path: Path
) -> None:
    backup = _yesterdays_backup(tmp_path)
    folder = backup.parent
    env = {**os.environ, "DESKTERM_DB": seeded_url, "DESKTERM_AGENT": "alice"}
    result = subprocess.run(
        [str(DESKTERM), "export", "-o", str(backup)],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=small_disk(64_000),  # the export passes 64 KB: the disk is full
        timeout=120,
        check=False,
    )
    line = one_error_line(result, 1)
    assert f"writing {backup} failed: File too large; the previous {backup} is unchanged" in line
    assert backup.read_bytes() == b"yesterday's backup\n"
    assert _leftovers(folder, {"desk.jsonl"}) == []


def test_export_killed_mid_write_leaves_the_previous_backup_and_no_partial_file(
    seeded_url: str, tmp_path: Path
) -> None:
    backup = _yesterdays_backup(tmp_path)
    folder = backup.parent
    env = {**os.environ, "DESKTERM_DB": seeded_url, "DESKTERM_AGENT": "alice"}
    proc = subprocess.Popen(
        [str(DESKTERM), "export", "-o", str(backup)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def writing() -> bool:  # some 100 KB of the export written, wherever it goes
        return any((folder / name).stat().st_size > 100_000 for name in os.listdir(folder))

    try:
        while proc.poll() is None and not writing():
            pass  # busy-wait on the file itself: the kill lands mid-write, not after a sleep
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the export finished before it could be killed"
    assert backup.read_bytes() == b"yesterday's backup\n"
    # What the killed export left is hidden, never under the backup's name...
    leftovers = _leftovers(folder, {"desk.jsonl"})
    assert all(name.startswith(".desk.jsonl.") for name in leftovers)
    # ...and the next export to that name clears it away.
    finished = subprocess.run(
        [str(DESKTERM), "export", "-o", str(backup)], env=env, capture_output=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    assert _leftovers(folder, {"desk.jsonl"}) == []
    assert transfer.check_lines(backup.read_text().split("\n")).verified


@SQLITE_ONLY
def test_export_into_a_missing_folder_or_onto_a_folder_is_a_usage_error(
    cli_inproc: Run, tmp_path: Path
) -> None:
    line = one_error_line(cli_inproc("export", "-o", str(tmp_path / "no" / "desk.jsonl")), 2)
    assert "cannot write" in line and "No such file or directory" in line
    line = one_error_line(cli_inproc("export", "-o", str(tmp_path)), 2)
    assert f"{tmp_path} is a folder; name the file to write" in line


# -- the trailer: cut short or changed is refused -------------------------------------------


@SQLITE_ONLY
def test_a_file_cut_at_a_line_is_refused_naming_what_is_missing(
    cli_inproc: Run, exported: tuple[str, ...], empty_url: str, tmp_path: Path
) -> None:
    audit = [i for i, line in enumerate(exported) if line.startswith('{"type":"audit_event"')]
    events = len(audit)
    kept = audit[0] + 10  # 10 audit events survive, as with `head -n`
    path = _write(tmp_path / "cut.jsonl", exported[:kept])
    line = one_error_line(cli_inproc("import", str(path), env={"DESKTERM_DB": empty_url}), 2)
    assert line.startswith(
        f"error: the file ends before its trailer: {events - 10:,} audit events, "
        "every time entry, every rating, every KB article, 1 saved view, every rule and "
        "every macro are missing"
    )
    assert _nothing_imported(empty_url)


def test_a_file_cut_mid_line_is_refused_naming_the_cut_line(exported: tuple[str, ...]) -> None:
    text = "".join(line + "\n" for line in exported)
    cut = text[: len(text) // 2]
    with pytest.raises(InvalidInput, match=r"^the file ends before its trailer \(line \d+ is cut"):
        transfer.check_lines(cut.split("\n"))


def test_a_file_without_its_trailer_line_is_refused(exported: tuple[str, ...]) -> None:
    with pytest.raises(InvalidInput, match="ends before its trailer, so it cannot be checked"):
        transfer.check_lines(exported[:-1])


@SQLITE_ONLY
def test_a_changed_file_fails_its_checksum(
    cli_inproc: Run, exported: tuple[str, ...], empty_url: str, tmp_path: Path
) -> None:
    changed = [line.replace('"priority":"low"', '"priority":"urgent"') for line in exported]
    assert changed != list(exported)
    path = _write(tmp_path / "changed.jsonl", changed)
    line = one_error_line(cli_inproc("import", str(path), env={"DESKTERM_DB": empty_url}), 2)
    assert "checksum does not match: the file was changed after export" in line
    assert _nothing_imported(empty_url)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda lines: [*lines, '{"type":"ticket"}'], "text after the trailer"),
        (
            lambda lines: [*lines[:-1], lines[-1].replace('"lines":', '"lines":1')],
            "checksum does not match|lines:",
        ),
        (lambda lines: [lines[0].replace('"version":5', '"version":6'), *lines[1:]], "version 6"),
        (lambda lines: [lines[0], lines[0], *lines[1:]], "a second header"),
        (lambda lines: lines[1:], "not a deskterm export"),
        (lambda lines: [], "empty or not a deskterm export"),
    ],
    ids=["after-trailer", "line-count", "newer-format", "two-headers", "no-header", "empty"],
)
def test_other_damage_is_refused(
    exported: tuple[str, ...], change: Callable[[list[str]], list[str]], needle: str
) -> None:
    with pytest.raises(InvalidInput, match=needle):
        transfer.check_lines(change(list(exported)))


def test_counts_that_disagree_with_the_rows_are_refused_even_when_signed(
    exported: tuple[str, ...],
) -> None:
    signed = resign(list(exported))
    trailer = json.loads(signed[-1])
    trailer["counts"]["ticket"] += 1
    forged = [*signed[:-1], transfer.dumps(trailer)]
    with pytest.raises(InvalidInput, match="the trailer says 601 tickets, the file holds 600"):
        transfer.check_lines(forged)


@SQLITE_ONLY
def test_a_version_1_export_still_imports_with_a_warning(
    cli_inproc: Run, exported: tuple[str, ...], empty_url: str, tmp_path: Path
) -> None:
    path = _write(tmp_path / "old.jsonl", as_version_1(list(exported)))
    result = cli_inproc("import", str(path), env={"DESKTERM_DB": empty_url})
    ok(result)
    warning = result.stderr.splitlines()[-1]
    assert warning.startswith(f"warning: {path} is a version 1 export, which has no trailer")
    assert "could not be checked" in warning
    # It comes out in today's format, with everything format 1 carried as it was.
    again = _export(empty_url)
    assert json.loads(again[0])["version"] == json.loads(exported[0])["version"]
    assert as_version_2(again) == as_version_2(list(exported))


def test_import_check_reads_the_file_and_touches_no_database(
    deskterm_inproc: Run, exported: tuple[str, ...], tmp_path: Path
) -> None:
    deskterm = deskterm_inproc
    good = _write(tmp_path / "good.jsonl", list(exported))
    nowhere = {"DESKTERM_DB": f"sqlite:///{tmp_path / 'nowhere.db'}"}
    result = deskterm("import", "--check", str(good), env=nowhere)
    ok(result)
    assert result.stderr.startswith("checked ")
    cut = _write(tmp_path / "cut.jsonl", list(exported[:-5]))
    fails(deskterm("import", "--check", str(cut), env=nowhere), 2)
    assert not (tmp_path / "nowhere.db").exists()


# -- every value checked -------------------------------------------------------------------

Change = Callable[[dict[str, Any]], None]


def _set(**values: Any) -> Change:
    return lambda data: data.update(values)


@pytest.mark.parametrize(
    ("kind", "change", "shown"),
    [
        ("ticket", _set(status="bogus"), 'status: unknown status "bogus"'),
        ("agent", _set(role="god"), 'role: unknown role "god"'),
        ("message", _set(kind="weird"), 'kind: unknown message kind "weird"'),
    ],
    ids=["status-bogus", "role-god", "kind-weird"],
)
def test_import_command_refuses_bogus_status_god_role_and_weird_kind_changing_nothing(
    cli_inproc: Run,
    exported: tuple[str, ...],
    empty_url: str,
    tmp_path: Path,
    kind: str,
    change: Change,
    shown: str,
) -> None:
    edited = edit(list(exported), kind, change)
    path = tmp_path / "edited.jsonl"
    path.write_text("".join(line + "\n" for line in edited), encoding="utf-8")
    line = one_error_line(cli_inproc("import", str(path), env={"DESKTERM_DB": empty_url}), 2)
    number = rows(list(exported), kind)[0][0] + 1
    assert line.startswith(f"error: line {number}: {shown}"), line
    assert _nothing_imported(empty_url)


# -- who may import, and into what ---------------------------------------------------------


def _nothing_imported(url: str) -> bool:
    """The target holds no ticket (it may not even exist, or have no schema)."""
    from deskterm.store.migrate import table_names

    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return True
    store = connect(url)
    try:
        with store.read() as conn:
            if "tickets" not in table_names(conn):
                return True
            return conn.exec_driver_sql("SELECT count(*) FROM tickets").scalar_one() == 0
    finally:
        store.dispose()


def test_import_refuses_a_database_with_data_and_changes_nothing(desk: Desk) -> None:
    tickets.create(desk, subject="Keep me")
    lines = list(transfer.export_lines(desk))
    with pytest.raises(InvalidInput, match="import needs an empty database"):
        _import(desk.store.url, lines)
    assert count(desk) == 1


def test_a_freshly_initialized_desk_takes_an_import_from_its_admin(
    desk: Desk, empty_url: str
) -> None:
    lines = list(transfer.export_lines(desk))
    open_desk(empty_url, "zed").close()  # first use made admin zed and a default queue
    _import(empty_url, lines, handle="zed")
    assert _export(empty_url) == lines


def test_db_init_by_alice_then_import_by_mallory_is_refused_and_changes_nothing(
    deskterm_inproc: Run, exported: tuple[str, ...], empty_url: str, tmp_path: Path
) -> None:
    deskterm = deskterm_inproc
    path = _write(tmp_path / "desk.jsonl", list(exported))
    ok(deskterm("db", "init", env={"DESKTERM_DB": empty_url, "DESKTERM_AGENT": "alice"}))
    before = _export(empty_url)
    result = deskterm(
        "import", str(path), env={"DESKTERM_DB": empty_url, "DESKTERM_AGENT": "mallory"}
    )
    line = one_error_line(result, 5)
    assert 'only an admin of this desk may import into it, and "mallory" is not one' in line
    assert _export(empty_url) == before  # alice is still its only admin, nothing else there


@SQLITE_ONLY
def test_an_agent_who_is_not_admin_may_not_import_into_the_desk(
    desk: Desk, exported: tuple[str, ...]
) -> None:
    with pytest.raises(PermissionDenied, match='"bob" is not one'):
        _import(desk.store.url, list(exported), handle="bob")


def test_an_import_into_a_database_with_no_schema_needs_no_role(
    exported: tuple[str, ...], empty_url: str
) -> None:
    result = _import(empty_url, list(exported), handle="anybody")
    assert result.counts["ticket"] == 600


@SQLITE_ONLY
def test_import_creates_a_new_sqlite_desk_owner_only_and_a_failed_one_leaves_no_file(
    cli_inproc: Run, exported: tuple[str, ...], tmp_path: Path
) -> None:
    cli = cli_inproc
    good = _write(tmp_path / "desk.jsonl", list(exported))
    target = tmp_path / "restored" / "new.db"
    with group_readable_umask():
        ok(cli("import", str(good), env={"DESKTERM_DB": f"sqlite:///{target}"}))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert ok(cli("ticket", "list", "--format", "ids", env={"DESKTERM_DB": f"sqlite:///{target}"}))

    bad = _write(tmp_path / "bad.jsonl", list(exported[:-3]))
    other = tmp_path / "other.db"
    fails(cli("import", str(bad), env={"DESKTERM_DB": f"sqlite:///{other}"}), 2)
    assert [name for name in os.listdir(tmp_path) if name.startswith("other")] == []


@SQLITE_ONLY
def test_export_and_import_commands(cli_inproc: Run, empty_url: str, tmp_path: Path) -> None:
    cli = cli_inproc
    path = tmp_path / "desk.jsonl"
    ok(cli("export", "-o", str(path)))
    imported = cli("import", str(path), env={"DESKTERM_DB": empty_url})
    ok(imported)
    assert imported.stderr.startswith("imported ")
    again = cli("export", env={"DESKTERM_DB": empty_url})
    assert ok(again).encode() == path.read_bytes()


# -- bytes from outside ---------------------------------------------------------------------


@SQLITE_ONLY
@pytest.mark.parametrize("source", ["file", "stdin"])
def test_import_of_bytes_that_are_not_utf8_names_the_line(
    cli_inproc: Run, exported: tuple[str, ...], tmp_path: Path, source: str
) -> None:
    data = b"".join(line.encode() + b"\n" for line in exported)
    lines = data.split(b"\n")
    lines[3] = lines[3].replace(b'"', b'"\xff', 1)
    data = b"\n".join(lines)
    target = f"sqlite:///{tmp_path / 'new.db'}"
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(data)
    if source == "file":
        result = cli_inproc("import", str(path), env={"DESKTERM_DB": target})
        name = str(path)
    else:
        result = subprocess.run(
            [str(DESKTERM), "import", "-"],
            input=data,
            capture_output=True,
            env={**os.environ, "DESKTERM_DB": target, "DESKTERM_AGENT": "alice"},
            timeout=60,
        )
        result = subprocess.CompletedProcess(
            result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
        )
        name = "standard input"
    line = one_error_line(result, 2)
    assert line.startswith(f"error: {name}: line 4 is not UTF-8 text (byte 0xff at position 3)")
    assert not (tmp_path / "new.db").exists()


@pytest.mark.parametrize(
    "args",
    [["ticket", "list", "--all", "-f", "jsonl"], ["export"]],
    ids=["list", "export"],
)
def test_a_reader_that_stops_early_is_not_an_error(seeded_url: str, args: list[str]) -> None:
    """``deskterm ticket list --all | head -1``: exit 0 and nothing on stderr (Click used to
    make the closed pipe exit 1)."""
    env = {**os.environ, "DESKTERM_DB": seeded_url, "DESKTERM_AGENT": "alice"}
    proc = subprocess.Popen(
        [str(DESKTERM), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as head does after its lines
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, err
    assert first.startswith(b"{") and err == b""
