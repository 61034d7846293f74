"""Shell completion: option values from the vocabulary and the database, query fields.

The callbacks are called directly (fast, exact), then through Typer's real completion
protocol (the environment variables bash, zsh and fish set) in-process, and once in a
subprocess of the installed script, the way bash calls ``deskterm``
(``test_completion_shells.py`` drives the real shells).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import typer
from clitools import SQLITE_ONLY
from typer.main import get_command

from deskterm.cli import completion
from deskterm.cli.main import app
from deskterm.domain.vocab import CHANNELS, PRIORITIES, STATUSES, TYPES


def _root_ctx(*args: str) -> typer.Context:
    """The root context as the shell's completion request builds it (``--db``/``--as``)."""
    command = get_command(app)
    return command.make_context("deskterm", [*args, "ticket"], resilient_parsing=True)  # type: ignore[return-value]


def _env_desk(monkeypatch: pytest.MonkeyPatch, url: str, agent: str = "alice") -> None:
    monkeypatch.setenv("DESKTERM_DB", url)
    monkeypatch.setenv("DESKTERM_AGENT", agent)


# -- the fixed words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("callback", "words"),
    [
        (completion.statuses, STATUSES),
        (completion.priorities, PRIORITIES),
        (completion.types, TYPES),
        (completion.channels, CHANNELS),
        (completion.formats, ("table", "json", "jsonl", "csv", "ids")),
    ],
)
def test_fixed_words_are_all_offered_for_an_empty_word(callback, words) -> None:
    assert callback("") == list(words)


def test_fixed_words_are_filtered_by_prefix_case_insensitively() -> None:
    assert completion.statuses("o") == ["open", "on_hold"]
    assert completion.statuses("PEN") == ["pending"]
    assert completion.priorities("u") == ["urgent"]
    assert completion.types("service") == ["service_request"]
    assert completion.channels("w") == ["web", "walk_in"]
    assert completion.formats("js") == ["json", "jsonl"]
    assert completion.statuses("zzz") == []


# -- from the database --------------------------------------------------------------------------


def test_queues_and_agents_come_from_the_database(desk, backend_url, monkeypatch) -> None:
    _env_desk(monkeypatch, backend_url)
    assert completion.queues(None, "") == ["Service Desk", "Network L2", "Infrastructure L3"]  # type: ignore[arg-type]
    assert completion.queues(None, "net") == ["Network L2"]  # type: ignore[arg-type]
    assert completion.agents(None, "") == ["alice", "bob", "carol"]  # type: ignore[arg-type]
    assert completion.assignees(None, "") == ["me", "none", "alice", "bob", "carol"]  # type: ignore[arg-type]
    assert completion.assignees(None, "c") == ["carol"]  # type: ignore[arg-type]


@SQLITE_ONLY
def test_the_database_named_by_the_global_options_wins(backend_url, monkeypatch) -> None:
    monkeypatch.setenv("DESKTERM_DB", "sqlite:////nonexistent/elsewhere.db")
    ctx = _root_ctx("--db", backend_url, "--as", "bob")
    assert completion.queues(ctx, "Infra") == ["Infrastructure L3"]
    assert completion.agents(ctx, "b") == ["bob"]


def test_a_missing_sqlite_file_offers_nothing_and_is_not_created(
    tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "sub" / "absent.db"
    _env_desk(monkeypatch, f"sqlite:///{target}")
    assert completion.queues(None, "") == []  # type: ignore[arg-type]
    assert completion.assignees(None, "") == ["me", "none"]  # type: ignore[arg-type]
    assert completion.query(None, "queue:") == []  # type: ignore[arg-type]
    assert not target.exists()
    assert not target.parent.exists()


def test_an_empty_database_is_not_initialized_by_completion(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "empty.db"
    target.write_bytes(b"")
    _env_desk(monkeypatch, f"sqlite:///{target}")
    assert completion.agents(None, "") == []  # type: ignore[arg-type]
    assert target.stat().st_size == 0


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "mysql://root@localhost/desk",
        "sqlite://",
        "postgresql+psycopg://nobody@127.0.0.1:1/none",
    ],
)
def test_a_bad_or_unreachable_database_offers_nothing(url: str, monkeypatch) -> None:
    _env_desk(monkeypatch, url)
    started = time.monotonic()
    assert completion.queues(None, "") == []  # type: ignore[arg-type]
    assert completion.agents(None, "a") == []  # type: ignore[arg-type]
    assert time.monotonic() - started < 10


@SQLITE_ONLY
def test_an_unknown_acting_agent_offers_nothing(backend_url, monkeypatch) -> None:
    _env_desk(monkeypatch, backend_url, agent="mallory")
    assert completion.agents(None, "") == []  # type: ignore[arg-type]


@SQLITE_ONLY
def test_a_broken_config_file_offers_nothing(backend_url, tmp_path: Path, monkeypatch) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[store\nurl = ", encoding="utf-8")
    _env_desk(monkeypatch, backend_url)
    monkeypatch.setenv("DESKTERM_CONFIG", str(bad))
    assert completion.queues(None, "") == []  # type: ignore[arg-type]


# -- queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("", None),  # every field
        ("sta", ["status:"]),
        ("-pri", ["-priority:"]),
        ("is:unsolved sta", ["is:unsolved status:"]),
        ("status:o", ["status:open", "status:on_hold"]),
        ("status:open,p", ["status:open,pending"]),
        ("priority:>=h", ["priority:>=high"]),
        ("is:un", ["is:unassigned", "is:unsolved"]),
        ("nosuchfield:x", []),
        ('"unclosed', []),
    ],
)
def test_query_completes_field_names_and_values(typed: str, offered, monkeypatch) -> None:
    monkeypatch.setenv("DESKTERM_DB", "sqlite:////nonexistent/never.db")
    result = completion.query(None, typed)  # type: ignore[arg-type]
    if offered is None:
        from deskterm.domain.query.language import field_names

        assert result == [f"{name}:" for name in field_names()]
    else:
        assert result == offered


def test_query_values_for_queue_and_assignee_come_from_the_database(
    desk, backend_url, monkeypatch
) -> None:
    _env_desk(monkeypatch, backend_url)
    assert completion.query(None, "queue:Net") == ['queue:"Network L2"']  # type: ignore[arg-type]
    assert completion.query(None, "is:unsolved assignee:") == [  # type: ignore[arg-type]
        "is:unsolved assignee:me",
        "is:unsolved assignee:none",
        "is:unsolved assignee:alice",
        "is:unsolved assignee:bob",
        "is:unsolved assignee:carol",
    ]


@pytest.mark.parametrize(
    "typed", ["\x00", "queue:\udcff", "status:" + "x" * 100_000, '-"', "a:b:c:", ",,,", "😀:"]
)
def test_query_completion_never_raises(typed: str, monkeypatch) -> None:
    monkeypatch.setenv("DESKTERM_DB", "sqlite:////nonexistent/never.db")
    assert isinstance(completion.query(None, typed), list)  # type: ignore[arg-type]


# -- through the shell protocol -----------------------------------------------------------------


def _bash(cli, line: str):
    words = line.split(" ")
    return cli(
        env={
            "_DESKTERM_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
        }
    )


@SQLITE_ONLY
def test_bash_completion_offers_statuses_through_the_real_script(cli) -> None:
    result = _bash(cli, "deskterm ticket update 1 --status ")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "open" in result.stdout.splitlines()
    assert result.stdout.splitlines() == list(STATUSES)


@SQLITE_ONLY
def test_bash_completion_offers_queues_agents_and_query_fields(cli_inproc) -> None:
    queues = _bash(cli_inproc, "deskterm ticket update 1 --queue N")
    # Bash inserts a completion as given: the space is escaped to keep one word.
    assert queues.stdout.splitlines() == ["Network\\ L2"], queues.stderr
    handles = _bash(cli_inproc, "deskterm ticket assign 7 ")
    assert handles.stdout.splitlines() == ["me", "none", "alice", "bob", "carol"], handles.stderr
    fields = _bash(cli_inproc, "deskterm ticket list pri")
    assert fields.stdout.splitlines() == ["priority:"], fields.stderr
    query = _bash(cli_inproc, "deskterm ticket update --query sta")
    assert query.stdout.splitlines() == ["status:"], query.stderr
    commands = _bash(cli_inproc, "deskterm ticket up")
    assert commands.stdout.splitlines() == ["update"], commands.stderr


@SQLITE_ONLY
def test_zsh_completion_offers_priorities(cli_inproc) -> None:
    result = cli_inproc(
        env={
            "_DESKTERM_COMPLETE": "complete_zsh",
            "_TYPER_COMPLETE_ARGS": "deskterm ticket create --priority h",
        }
    )
    assert result.returncode == 0, result.stderr
    assert "high" in result.stdout
    assert "urgent" not in result.stdout


def test_bash_completion_without_a_database_prints_no_error(
    deskterm_inproc, tmp_path: Path
) -> None:
    target = tmp_path / "nothing.db"
    result = deskterm_inproc(
        env={
            "DESKTERM_DB": f"sqlite:///{target}",
            "_DESKTERM_COMPLETE": "complete_bash",
            "COMP_WORDS": "deskterm ticket update 1 --queue ",
            "COMP_CWORD": "5",
        }
    )
    assert result.returncode == 0
    assert result.stdout.strip() == ""
    assert result.stderr == ""
    assert not target.exists()


@SQLITE_ONLY
def test_bash_gets_values_quoted_for_the_quote_the_user_opened(cli_inproc) -> None:
    def offered(words: str, cword: int) -> list[str]:
        result = cli_inproc(
            env={
                "_DESKTERM_COMPLETE": "complete_bash",
                "COMP_WORDS": words,
                "COMP_CWORD": str(cword),
            }
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    assert offered("deskterm ticket take --queue 'Net", 4) == ["Network L2"]
    assert offered('deskterm ticket take --queue "Infra', 4) == ["Infrastructure L3"]
    assert offered("deskterm ticket list 'is:unsolved queue:\"Net", 3) == [
        'is:unsolved queue:"Network L2"'
    ]


@SQLITE_ONLY
@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_get_plain_values_they_quote_themselves(cli_inproc, shell) -> None:
    result = cli_inproc(
        env={
            "_DESKTERM_COMPLETE": f"complete_{shell}",
            "_TYPER_COMPLETE_ARGS": "deskterm ticket update 1 --queue Net",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        }
    )
    assert result.returncode == 0, result.stderr
    assert "Network L2" in result.stdout
    assert "Network\\ L2" not in result.stdout
