"""The README "Scripting" recipes, run as written through ``bash -eu -c`` with ``deskterm`` on
PATH, on a SQLite desk arranged through the domain. Each ``deskterm`` a script runs is a real
process of the command (the console script's function), forked from a server that has
imported deskterm (``forked.py``): the script's pipes, arguments, environment and exit codes
are the command's, without a third of a second of imports each time.

Each ``RECIPE_*`` string is the text the README shows, and a test checks that the README
still shows it: if a recipe here breaks, the README is wrong.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from clitools import SQLITE_ONLY
from sqlalchemy import update

import forked
from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets.read import get
from deskterm.store import schema

pytestmark = [SQLITE_ONLY, pytest.mark.slow]  # bash and several real processes each

BIN = os.path.dirname(sys.executable)

RECIPE_AUTOCLOSE = """\
deskterm ticket update --query 'status:solved updated:<7d' --status closed \\
    --yes --quiet --format ids
"""

RECIPE_INCIDENT_HOOK = """\
set -eu
HOST=${1:?host}
open=$(deskterm ticket list "tag:disk-full is:unsolved" --format ids --limit 1)
if [ -z "$open" ]; then
    deskterm ticket create --subject "Disk full on $HOST" --type incident \\
        --priority high --channel monitoring --tag disk-full \\
        --body "Monitoring reports a full disk on $HOST." --format ids
else
    deskterm ticket note "$open" --body "Disk still full on $HOST." --format ids
fi
"""

RECIPE_DAILY_CSV = """\
day=$(date -d yesterday +%F)
deskterm ticket list "created:$day" --sort created:asc --all --format csv \\
    --columns id,created_at,status,priority,queue,assignee,requester,subject \\
    > "tickets-$day.csv"
"""

RECIPE_REASSIGN = """\
deskterm ticket update --query 'assignee:bob is:unsolved' --assignee none --dry-run
deskterm ticket update --query 'assignee:bob is:unsolved' --assignee none --yes --format ids
"""

RECIPE_REASSIGN_TO = """\
deskterm ticket update --query 'assignee:bob is:unsolved' --assignee carol --yes --format ids
"""

RECIPE_IDS_FROM_A_PIPE = """\
deskterm ticket list 'tag:vpn' --all --format ids | deskterm ticket update - --add-tag network --yes
"""

RECIPE_QUEUES = """\
# Tiers and where each escalates to: Service Desk (L1) -> Network L2 -> Infrastructure L3
deskterm queue add 'Infrastructure L3' --tier L3 --description 'Servers, storage, core switches'
deskterm queue add 'Network L2' --tier L2 --escalates-to 'Infrastructure L3'
deskterm queue edit 'Service Desk' --escalates-to 'Network L2'
# Who works which queue: take and T hand each agent only the tickets of their queues
deskterm agent join 'Service Desk' bob carol
deskterm agent join 'Network L2' carol
# bob takes his next ticket and escalates it one tier up, then the next one further up;
# the reason goes into the thread as an internal note
deskterm --as bob ticket escalate "$(deskterm --as bob ticket take --format ids)" \\
    --reason 'needs a firewall change'
deskterm --as bob ticket escalate "$(deskterm --as bob ticket take --format ids)" \\
    --to 'Infrastructure L3' --reason 'site down'
# Tier, escalates-to, members, unsolved tickets, escalations out of each queue in 30 days
deskterm queue list --since 30d --format table
# Retire a queue: its tickets (closed ones too) move in the same transaction, each with a
# history entry
deskterm queue delete 'Printers' --move-to 'Service Desk' --format table
"""

RECIPES = {name: value for name, value in globals().items() if name.startswith("RECIPE_")}


@pytest.fixture(scope="module")
def deskterm_bin() -> Iterator[Path]:
    """A folder holding a ``deskterm`` that has a server which imported deskterm once fork a
    real process of the command for each run (``forked.stand_in``): a script's commands are
    real processes with the script's pipes, arguments, environment and exit codes, each
    for a fork instead of a third of a second of CPU."""
    folder = Path(tempfile.mkdtemp(prefix="dt-recipes-"))  # a short socket path
    try:
        listening = folder / "fork.sock"
        forked.stand_in(folder, listening)
        with forked.commands(listen=listening):
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def sh(backend_url: str, tmp_path, deskterm_bin: Path):
    """``sh(script, *args, env=None)``: the script under ``bash -c`` in ``tmp_path``, with
    ``deskterm`` first on PATH (``deskterm_bin``, then the venv's), on this test's desk,
    acting as alice."""

    def run(
        script: str, *args: str, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        full = {
            **os.environ,
            "PATH": os.pathsep.join([str(deskterm_bin), BIN, os.environ.get("PATH", "")]),
            "DESKTERM_DB": backend_url,
            "DESKTERM_AGENT": "alice",
            **(env or {}),
        }
        return subprocess.run(
            ["bash", "-eu", "-o", "pipefail", "-c", script, "recipe", *args],
            cwd=tmp_path,
            env=full,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
        )

    return run


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stdout


def _backdate(desk: Desk, ticket_id: int, **columns: datetime) -> None:
    with desk.store.write() as conn:
        conn.execute(
            update(schema.tickets).where(schema.tickets.c.id == ticket_id).values(**columns)
        )


def _solved(desk: Desk, subject: str) -> int:
    ticket = tickets.create(desk, subject=subject, assignee="bob")
    tickets.update(desk, ticket.id, tickets.Changes(status="solved"))
    return ticket.id


# -- (a) auto-close from cron ---------------------------------------------------------------------


def test_autoclose_closes_only_tickets_solved_more_than_7_days_ago(desk, sh) -> None:
    long_ago = desk.now() - timedelta(days=10)
    old = _solved(desk, "Solved long ago")
    _backdate(desk, old, updated_at=long_ago, solved_at=long_ago)
    recent = _solved(desk, "Solved yesterday")
    _backdate(desk, recent, updated_at=desk.now() - timedelta(days=1))
    stale_open = tickets.create(desk, subject="Open and forgotten").id
    _backdate(desk, stale_open, updated_at=long_ago)

    assert _ok(sh(RECIPE_AUTOCLOSE)).split() == [str(old)]
    assert get(desk, old).status == "closed"
    assert get(desk, recent).status == "solved"
    assert get(desk, stale_open).status == "new"

    again = sh(RECIPE_AUTOCLOSE)  # the next night: nothing to do is not an error
    assert _ok(again) == ""


def test_autoclose_fails_loudly_when_the_database_is_gone(sh, tmp_path) -> None:
    result = sh(RECIPE_AUTOCLOSE, env={"DESKTERM_DB": "postgresql://nobody@127.0.0.1:1/desk"})
    assert result.returncode != 0
    assert result.stderr.startswith("error: ")


# -- (b) monitoring hook ------------------------------------------------------------------------


def _disk_full(desk: Desk) -> list[tuple[int, str]]:
    from deskterm.domain.tickets.read import list_page

    page = list_page(desk, "tag:disk-full", sort="id:asc", limit=100)
    return [(t.id, t.status) for t in page.items]


def test_the_hook_opens_one_incident_and_notes_repeats(desk, sh) -> None:
    first = _ok(sh(RECIPE_INCIDENT_HOOK, "db1.example")).strip()
    assert first.isdigit()
    ticket = get(desk, int(first))
    assert ticket.subject == "Disk full on db1.example"
    assert (ticket.priority, ticket.channel, ticket.tags) == ("high", "monitoring", ("disk-full",))

    assert _ok(sh(RECIPE_INCIDENT_HOOK, "db1.example")).strip() == first
    assert _disk_full(desk) == [(int(first), "new")]

    # Once it is solved, the next alert opens a new incident.
    tickets.update(desk, int(first), tickets.Changes(status="solved"))
    second = _ok(sh(RECIPE_INCIDENT_HOOK, "db1.example")).strip()
    assert second != first
    assert _disk_full(desk) == [(int(first), "solved"), (int(second), "new")]


def test_the_hook_creates_nothing_when_the_lookup_fails(desk, sh) -> None:
    result = sh(RECIPE_INCIDENT_HOOK, "db1.example", env={"DESKTERM_AGENT": "nobody"})
    assert result.returncode != 0
    assert result.stderr.startswith("error: ")
    assert _disk_full(desk) == []


# -- (c) daily CSV ------------------------------------------------------------------------------


def _local_noon(days_ago: int) -> datetime:
    day = datetime.now().astimezone().date() - timedelta(days=days_ago)
    return datetime.combine(day, time(12, 0)).astimezone()


def test_the_daily_csv_has_yesterdays_tickets_only(desk, sh, tmp_path) -> None:
    made = {}
    for days_ago in (0, 1, 1, 2):
        ticket = tickets.create(desk, subject=f"Created {days_ago} days ago, 'quoted, too'")
        _backdate(desk, ticket.id, created_at=_local_noon(days_ago))
        made.setdefault(days_ago, []).append(ticket.id)
    edge = tickets.create(desk, subject="Created at the first minute of yesterday")
    start = datetime.combine(_local_noon(1).date(), time(0, 0)).astimezone()
    _backdate(desk, edge.id, created_at=start)

    _ok(sh(RECIPE_DAILY_CSV))
    (path,) = tmp_path.glob("tickets-*.csv")
    assert path.name == f"tickets-{_local_noon(1).date().isoformat()}.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert [int(row["id"]) for row in rows] == [edge.id, *made[1]]
    assert list(rows[0]) == [
        "id",
        "created_at",
        "status",
        "priority",
        "queue",
        "assignee",
        "requester",
        "subject",
    ]
    assert rows[1]["subject"] == "Created 1 days ago, 'quoted, too'"


def test_the_daily_csv_of_a_quiet_day_is_an_empty_file(sh, tmp_path) -> None:
    _ok(sh(RECIPE_DAILY_CSV))
    (path,) = tmp_path.glob("tickets-*.csv")
    assert path.read_text() == ""


# -- (d) an agent who left ----------------------------------------------------------------------


@pytest.fixture
def bobs(desk) -> dict[str, int]:
    return {
        "open": tickets.create(desk, subject="Bob's open one", assignee="bob").id,
        "pending": tickets.create(desk, subject="Bob's pending one", assignee="bob").id,
        "solved": _solved(desk, "Bob's solved one"),
        "carols": tickets.create(desk, subject="Carol's", assignee="carol").id,
    }


def test_reassigning_an_agents_unsolved_tickets_to_the_queue(desk, sh, bobs) -> None:
    tickets.update(desk, bobs["pending"], tickets.Changes(status="pending"))
    out = _ok(sh(RECIPE_REASSIGN))
    plan = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [change for row in plan for change in row["changes"]] == [
        {"field": "assignee", "old": "bob", "new": None}
    ] * 2
    assert sorted(int(line) for line in out.splitlines() if line.isdigit()) == sorted(
        [bobs["open"], bobs["pending"]]
    )
    assert get(desk, bobs["open"]).assignee is None
    assert get(desk, bobs["pending"]).assignee is None
    assert get(desk, bobs["pending"]).status == "pending"
    assert get(desk, bobs["solved"]).assignee == "bob"
    assert get(desk, bobs["carols"]).assignee == "carol"


def test_reassigning_an_agents_unsolved_tickets_to_a_colleague(desk, sh, bobs) -> None:
    _ok(sh(RECIPE_REASSIGN_TO))
    assert get(desk, bobs["open"]).assignee == "carol"
    assert get(desk, bobs["pending"]).assignee == "carol"
    assert get(desk, bobs["solved"]).assignee == "bob"
    assert _ok(sh(RECIPE_REASSIGN_TO)) == ""  # nothing left: not an error


# -- (e) ids from a pipe ------------------------------------------------------------------------


def test_ids_from_a_pipe_change_every_match_not_only_the_first_page(desk, sh) -> None:
    vpn = [tickets.create(desk, subject=f"VPN {n}", tags=["vpn"]).id for n in range(60)]
    other = tickets.create(desk, subject="Printer", tags=["printer"]).id
    result = sh(RECIPE_IDS_FROM_A_PIPE)
    _ok(result)
    assert "shown" not in result.stderr  # --all: nothing was left out
    assert all("network" in get(desk, ticket_id).tags for ticket_id in vpn)
    assert get(desk, other).tags == ("printer",)


# -- queues and tiers ---------------------------------------------------------------------------


def test_the_queues_recipe_builds_tiers_members_escalates_and_retires_a_queue(desk, sh) -> None:
    from deskterm.domain import queues

    # From a desk with only its first queue, plus a Printers queue holding a ticket.
    queues.edit_queue(desk, "Service Desk", escalates_to=None)
    queues.delete_queue(desk, "Network L2")
    queues.delete_queue(desk, "Infrastructure L3")
    queues.add_queue(desk, "Printers")
    jam = tickets.create(desk, subject="Paper jam", queue="Printers", priority="low")
    vpn = tickets.create(desk, subject="VPN drops", priority="high")
    site = tickets.create(desk, subject="Branch office offline", priority="normal")

    out = _ok(sh(RECIPE_QUEUES)).splitlines()

    table = [line.split() for line in out if line.startswith(("NAME", "Service", "Network"))]
    assert table[0] == ["NAME", "TIER", "ESCALATES", "TO", "MEMBERS", "OPEN", "ESCALATED"]
    assert out[-1] == "Deleted queue Printers; moved 1 ticket to Service Desk"
    assert (get(desk, vpn.id).queue, get(desk, site.id).queue) == (
        "Network L2",
        "Infrastructure L3",
    )
    assert get(desk, jam.id).queue == "Service Desk"
    figures = {
        q.name: (q.tier, q.escalates_to, q.member_count, q.escalations)
        for q in queues.queue_stats(desk)
    }
    assert figures == {
        "Service Desk": ("L1", "Network L2", 2, 2),
        "Network L2": ("L2", "Infrastructure L3", 1, 0),
        "Infrastructure L3": ("L3", None, 0, 0),
    }
