"""Which SQLite file a desk is (store/sqlite_file.py): settings that cannot silently point
elsewhere, desks created only when asked and private to their owner, and files that are not
desks refused untouched."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from deskterm.domain import tickets
from deskterm.domain.setup import connect, open_desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.errors import InvalidInput, StoreUnavailable

IN_MEMORY = [
    "sqlite://",
    "sqlite:///",
    "sqlite:///:memory:",
    "sqlite:///  ",
    "sqlite:///file::memory:?cache=shared",
    "sqlite:///file:desk?mode=memory&cache=shared&uri=true",
    "sqlite:///:memory:?cache=shared",
]


@pytest.mark.parametrize("url", IN_MEMORY)
@pytest.mark.parametrize("create", [False, True])
def test_a_url_that_would_open_an_in_memory_database_is_refused(url: str, create: bool) -> None:
    with pytest.raises(InvalidInput, match="no database file"):
        open_desk(url, "alice", create=create)


def test_a_query_on_an_sqlite_url_is_refused_rather_than_half_honoured(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}?mode=ro"

    with pytest.raises(InvalidInput, match="remove everything from '\\?' on"):
        open_desk(url, "alice", create=True)
    assert list(tmp_path.iterdir()) == []


def test_an_explicit_desk_that_does_not_exist_says_how_to_create_it_and_creates_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "typo" / "desk.db"
    url = f"sqlite:///{path}"

    with pytest.raises(StoreUnavailable) as caught:
        open_desk(url, "alice")

    assert str(path) in caught.value.message
    assert caught.value.hint == f"create one with: deskterm --db {url} db init"
    assert not (tmp_path / "typo").exists()


def test_the_hint_quotes_a_path_with_spaces_for_the_shell(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'my desks' / 'desk.db'}"

    with pytest.raises(StoreUnavailable) as caught:
        connect(url)

    assert caught.value.hint == f"create one with: deskterm --db '{url}' db init"


def test_a_desk_created_on_request_is_private_to_its_owner_whatever_the_umask(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new" / "deeper" / "desk.db"
    old = os.umask(0)
    try:
        desk = open_desk(f"sqlite:///{path}", "alice", create=True)
    finally:
        os.umask(old)
    try:
        tickets.create(desk, subject="Internal: payroll server password rotated")
        # While the desk is open SQLite keeps its -wal and -shm files beside it.
        companions = [Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(p.exists() for p in companions)
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [path, *companions]}
    finally:
        desk.close()

    assert modes == {"desk.db": 0o600, "desk.db-wal": 0o600, "desk.db-shm": 0o600}
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700


def test_an_existing_folder_keeps_its_permissions(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)

    open_desk(f"sqlite:///{shared / 'desk.db'}", "alice", create=True).close()

    assert stat.S_IMODE(shared.stat().st_mode) == 0o755


def test_a_tilde_in_the_path_means_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)

    open_desk("sqlite:///~/desks/desk.db", "alice", create=True).close()

    assert (tmp_path / "desks" / "desk.db").is_file()
    assert not (tmp_path / "~").exists()


# -- files that are not desks -----------------------------------------------------------------


def _text_file(folder: Path) -> Path:
    path = folder / "notes.db"
    path.write_text("These are my notes, not a database.\n" * 40)
    return path


def _cut_short(folder: Path, sqlite_template: Path) -> Path:
    path = folder / "half.db"
    data = sqlite_template.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])
    return path


def _folder(folder: Path) -> Path:
    path = folder / "a-folder.db"
    path.mkdir()
    (path / "inside.txt").write_text("keep me")
    return path


def _foreign_header(folder: Path) -> Path:
    path = folder / "other.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 84 + b"rest of a damaged file" * 50)
    return path


def _snapshot(path: Path) -> tuple[object, int]:
    if path.is_dir():
        return sorted(p.name for p in path.iterdir()), path.stat().st_mtime_ns
    return path.read_bytes(), path.stat().st_mtime_ns


NOT_DESKS = [
    pytest.param(_text_file, "is not an SQLite database", id="text-file"),
    pytest.param(_cut_short, "cut short", id="truncated-desk"),
    pytest.param(_folder, "is a folder", id="folder"),
    pytest.param(_foreign_header, "damaged header", id="damaged-header"),
]


@pytest.mark.parametrize(("make", "says"), NOT_DESKS)
@pytest.mark.parametrize("create", [False, True])
def test_a_file_that_is_not_a_desk_is_refused_naming_it_and_left_untouched(
    tmp_path: Path, sqlite_template: Path, make, says: str, create: bool
) -> None:
    path = make(tmp_path) if make is not _cut_short else make(tmp_path, sqlite_template)
    before = _snapshot(path)

    with pytest.raises(StoreUnavailable) as caught:
        open_desk(f"sqlite:///{path}", "alice", create=create)

    assert str(path) in caught.value.message
    assert says in caught.value.message
    assert _snapshot(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no -wal, no -shm


def test_a_foreign_sqlite_database_is_refused_and_keeps_its_journal_mode(
    tmp_path: Path,
) -> None:
    path = tmp_path / "invoices.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE invoices (id integer primary key, total integer)")
    raw.execute("INSERT INTO invoices VALUES (1, 100)")
    raw.commit()
    raw.close()
    before = _snapshot(path)

    with pytest.raises(StoreUnavailable, match="not a deskterm database"):
        open_desk(f"sqlite:///{path}", "alice")

    assert _snapshot(path) == before
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        raw.close()


def test_an_empty_file_is_an_empty_desk_and_is_initialized_on_first_use(tmp_path: Path) -> None:
    path = tmp_path / "made-by-touch.db"
    path.touch()

    desk = open_desk(f"sqlite:///{path}", "dana")
    try:
        created = tickets.create(desk, subject="First ticket")
        assert ticket_read.get(desk, created.id).subject == "First ticket"
    finally:
        desk.close()


def test_a_copy_of_a_desk_opens(tmp_path: Path, sqlite_template: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copyfile(sqlite_template, copy)

    desk = open_desk(f"sqlite:///{copy}", "alice")
    desk.close()
