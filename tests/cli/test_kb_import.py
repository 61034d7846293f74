"""``kb import DIR`` and ``kb edit``: Markdown in, articles updated by slug, never duplicated."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from deskterm.domain.desk import Desk
from deskterm.domain.kb import articles as kb
from deskterm.domain.kb.files import (
    import_documents,
    parse_document,
    render_front_matter,
    split_front_matter,
)
from deskterm.errors import InvalidInput

Invoke = Callable[..., Result]

RESET = """---
title: "Reset your password"
tags: [password, SSO]
category: Accounts
layout: post
---

# Ignored heading

Open the portal and click **Forgot password**.
"""


def test_front_matter_is_parsed_and_unknown_keys_ignored() -> None:
    meta, body = split_front_matter(RESET)
    assert meta == {
        "title": "Reset your password",
        "tags": ["password", "SSO"],
        "category": "Accounts",
    }
    assert body.startswith("# Ignored heading")
    assert split_front_matter("no front matter\n---\n") == ({}, "no front matter\n---\n")
    with pytest.raises(InvalidInput, match="no closing ---"):
        split_front_matter("---\ntitle: x\n")


def test_title_falls_back_to_heading_then_file_name() -> None:
    assert parse_document("a/vpn-setup.md", "intro\n# VPN setup guide\ntext").title == (
        "VPN setup guide"
    )
    doc = parse_document("printer_jams.md", "Just text.")
    assert (doc.title, doc.slug) == ("printer jams", "printer-jams")
    with pytest.raises(InvalidInput, match=r"^empty\.md: article body must not be empty"):
        parse_document("empty.md", "---\ntitle: x\n---\n")


def test_reimport_updates_by_slug_and_keeps_unchanged_versions(desk: Desk) -> None:
    docs = [parse_document("reset-password.md", RESET), parse_document("vpn.md", "# VPN\nUse it.")]
    first = import_documents(desk, docs)
    assert [r.action for r in first] == ["created", "created"]
    article = kb.show(desk, "reset-password")
    assert (article.title, article.category, article.tags) == (
        "Reset your password",
        "Accounts",
        ("password", "sso"),
    )
    changed = [parse_document("reset-password.md", RESET.replace("Accounts", "Identity")), docs[1]]
    second = import_documents(desk, changed)
    assert [(r.action, r.version) for r in second] == [("updated", 2), ("unchanged", 1)]
    assert len(kb.list_articles(desk)) == 2
    assert kb.show(desk, first[0].id).category == "Identity"


def test_import_is_all_or_nothing(desk: Desk) -> None:
    docs = [parse_document("one.md", "# One\nx"), parse_document("sub/one.md", "# Two\ny")]
    with pytest.raises(InvalidInput, match='both make slug "one"'):
        import_documents(desk, docs)
    assert kb.list_articles(desk) == []


def test_kb_import_command(invoke: Invoke, backend_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "runbooks"
    (folder / "net").mkdir(parents=True)
    (folder / "reset-password.md").write_text(RESET)
    (folder / "net" / "vpn.md").write_text("# VPN drops\nRestart the client.")
    (folder / "notes.txt").write_text("not markdown")
    env = {"DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}
    result = invoke("kb", "import", str(folder), "--format", "jsonl", env=env)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["name"], r["action"]) for r in rows] == [
        ("net/vpn.md", "created"),
        ("reset-password.md", "created"),
    ]
    again = invoke("kb", "import", str(folder), "--format", "jsonl", env=env)
    assert [json.loads(line)["action"] for line in again.stdout.splitlines()] == [
        "unchanged",
        "unchanged",
    ]


def test_kb_edit_with_options_and_in_the_editor(
    invoke: Invoke, desk: Desk, backend_url: str, tmp_path: Path
) -> None:
    article = kb.add(desk, title="VPN", body="# VPN\nOld text.", tags=["vpn"])
    env = {"DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}
    result = invoke(
        "kb",
        "edit",
        article.slug,
        "--category",
        "Network",
        "--if-version",
        "1",
        "--format",
        "json",
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["version"] == 2
    stale = invoke("kb", "edit", article.slug, "--title", "X", "--if-version", "1", env=env)
    assert stale.exit_code != 0

    # A scripted "editor" rewrites the file: front matter and a Markdown heading survive.
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\n"
        "p = sys.argv[1]\n"
        "text = open(p).read().replace('Old text.', 'New text.')\n"
        "text = text.replace('[vpn]', '[vpn, remote]')\n"
        "open(p, 'w').write(text)\n"
    )
    edited = invoke(
        "kb",
        "edit",
        str(article.id),
        "--format",
        "json",
        env={**env, "VISUAL": f"{sys.executable} {script}"},
    )
    assert edited.exit_code == 0, edited.output
    after = kb.show(desk, article.id)
    assert after.body == "# VPN\nNew text."
    assert after.tags == ("remote", "vpn")
    assert (after.category, after.version) == ("Network", 3)


def test_front_matter_round_trips() -> None:
    text = render_front_matter("Title", "Cat", ["a", "b"], "# Body")
    assert split_front_matter(text) == (
        {"title": "Title", "category": "Cat", "tags": ["a", "b"]},
        "# Body",
    )
