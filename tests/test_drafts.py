"""Drafts on disk: per desk, agent, ticket and kind; private; replaced atomically."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from deskterm.drafts import Drafts, desk_key


def test_a_draft_is_kept_exactly_and_removed(tmp_path: Path) -> None:
    drafts = Drafts.for_desk("sqlite:////srv/desk.db", "alice", root=tmp_path)
    text = "Hello,\n\n# not a comment\n\tindented  \n"
    path = drafts.save(12, "reply", text)
    assert path == drafts.path(12, "reply") and path.name == "12.reply.txt"
    assert drafts.load(12, "reply") == text
    drafts.save(12, "note", "internal")
    assert [(d.ticket_id, d.kind) for d in drafts.all()] == [(12, "reply"), (12, "note")]
    assert drafts.ticket_ids() == {12}
    drafts.remove(12, "reply")
    assert drafts.load(12, "reply") is None
    assert drafts.save(12, "note", "  \n ") is None  # blank text is no draft
    assert drafts.all() == []


def test_the_time_spent_is_kept_beside_its_draft_and_goes_with_it(tmp_path: Path) -> None:
    drafts = Drafts.for_desk("sqlite:////srv/desk.db", "alice", root=tmp_path)
    drafts.save(12, "reply", "Restarted it.", " 1h30m ")
    assert drafts.load_time(12, "reply") == "1h30m"
    assert drafts.load_time(12, "note") is None
    assert [(d.ticket_id, d.kind) for d in drafts.all()] == [(12, "reply")]
    drafts.save(12, "reply", "Restarted it, twice.")  # the time cleared in the editor
    assert drafts.load_time(12, "reply") is None
    drafts.save(12, "reply", "Restarted it.", "20m")
    drafts.remove(12, "reply")
    assert drafts.load_time(12, "reply") is None
    assert list(drafts.folder.iterdir()) == []


def test_drafts_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        drafts = Drafts.for_desk("sqlite:////srv/desk.db", "alice", root=tmp_path / "state")
        path = drafts.save(7, "note", "internal only")
    finally:
        os.umask(old)
    assert path is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700


def test_a_save_that_fails_leaves_the_previous_draft_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drafts = Drafts.for_desk("sqlite:////srv/desk.db", "alice", root=tmp_path)
    drafts.save(3, "reply", "first version")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        drafts.save(3, "reply", "second version, lost to a full disk")
    assert drafts.load(3, "reply") == "first version"
    assert [p.name for p in drafts.folder.iterdir()] == ["3.reply.txt"]


def test_each_desk_and_agent_has_its_own_folder_and_no_password_shows() -> None:
    pg = "postgresql+psycopg://bob:s3cret@db.internal/desk"
    assert desk_key(pg, "alice") == desk_key(pg.replace("s3cret", "changed"), "alice")
    assert "s3cret" not in desk_key(pg, "alice")
    assert desk_key(pg, "alice") != desk_key(pg, "bob")
    assert desk_key(pg, "alice") != desk_key(pg.replace("/desk", "/other"), "alice")


def test_one_sqlite_file_named_two_ways_is_one_desk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = f"sqlite:///{tmp_path / 'desk.db'}"
    assert desk_key("sqlite:///desk.db", "alice") == desk_key(absolute, "Alice")
    assert desk_key(absolute, "alice").startswith("desk.db-alice-")


def test_files_that_are_not_drafts_are_ignored(tmp_path: Path) -> None:
    drafts = Drafts.for_desk("sqlite:////srv/desk.db", "alice", root=tmp_path)
    drafts.save(1, "reply", "x")
    (drafts.folder / ".1.reply.txt.abc.tmp").write_text("partial")
    (drafts.folder / "notes.txt").write_text("mine")
    assert [d.ticket_id for d in drafts.all()] == [1]
    with pytest.raises(ValueError):
        drafts.path(1, "event")
