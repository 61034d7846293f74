"""The demo's text ships as package data files, read through importlib.resources, lazily, once."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

import deskterm
from deskterm.demo import articles, corpus, resources

DATA = files("deskterm.demo") / "data"


def _python(code: str, *, cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_every_data_file_is_known_and_readable() -> None:
    shipped = sorted(entry.name for entry in DATA.iterdir() if entry.is_file())
    assert shipped == sorted(resources.FILES)
    for name in resources.FILES:
        assert (DATA / name).read_text(encoding="utf-8").strip()


def test_installed_package_reads_its_data_from_anywhere(tmp_path: Path) -> None:
    """From another directory, the installed package finds its data through importlib.resources
    and makes a whole desk's worth of demo data from it."""
    code = (
        "import json\n"
        "from datetime import UTC, datetime\n"
        "from importlib.resources import files\n"
        "from deskterm.demo import generate_articles, generate_tickets, make_directory\n"
        "data = files('deskterm.demo') / 'data'\n"
        "now = datetime(2026, 11, 23, tzinfo=UTC)\n"
        "directory = make_directory(7)\n"
        "tickets = list(generate_tickets(7, 50, now=now, directory=directory))\n"
        "print(json.dumps({\n"
        "    'topics': data.joinpath('topics.txt').read_text(encoding='utf-8')[:2],\n"
        "    'queues': [q.name for q in directory.queues],\n"
        "    'tickets': len(tickets),\n"
        "    'articles': len(generate_articles(7, 40, now=now)),\n"
        "}))\n"
    )
    out = json.loads(_python(code, cwd=tmp_path))
    assert out["topics"] == "# "
    assert out["queues"][0] == "Service Desk" and len(out["queues"]) == 8
    assert out["tickets"] == 50
    assert out["articles"] == 40


def test_data_is_read_through_importlib_resources_even_from_a_zip(tmp_path: Path) -> None:
    """Zipped, the package has no data files on disk: only importlib.resources finds them."""
    package = Path(deskterm.__file__).parent
    archive = tmp_path / "deskterm.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in package.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, Path("deskterm") / path.relative_to(package))
    code = (
        "import deskterm.demo.corpus as corpus, deskterm.demo.articles as articles\n"
        "import deskterm.demo.words as words\n"
        f"assert corpus.__file__.startswith({str(archive)!r}), corpus.__file__\n"
        "print(len(corpus.topics()), len(articles.articles()), len(words.words().first_names))\n"
    )
    out = _python(code, cwd=tmp_path, env={"PYTHONPATH": str(archive)})
    topics, kb, first_names = map(int, out.split())
    assert topics == len(corpus.topics()) and topics >= 20
    assert kb == len(articles.articles()) and kb >= 20
    assert first_names >= 50


# An audit hook sees every file the process opens; these count the demo's data files.
_COUNT_OPENS = """
import sys
from collections import Counter
opened = Counter()
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and "/demo/data/" in args[0]:
        opened[args[0].rsplit("/", 1)[1]] += 1
sys.addaudithook(hook)
"""


def test_importing_the_demo_package_reads_no_data_and_using_it_reads_each_file_once(
    tmp_path: Path,
) -> None:
    code = _COUNT_OPENS + (
        "import json\n"
        "from datetime import UTC, datetime\n"
        "import deskterm.demo\n"
        "from deskterm.demo import generate_articles, generate_tickets, make_directory\n"
        "at_import = dict(opened)\n"
        "now = datetime(2026, 11, 23, tzinfo=UTC)\n"
        "for seed in (1, 2):\n"
        "    directory = make_directory(seed)\n"
        "    list(generate_tickets(seed, 200, now=now, directory=directory))\n"
        "    generate_articles(seed, 100, now=now)\n"
        "    deskterm.demo.demo_macros()\n"
        "print(json.dumps({'at_import': at_import, 'after_use': dict(opened)}))\n"
    )
    out = json.loads(_python(code, cwd=tmp_path))
    assert out["at_import"] == {}
    assert out["after_use"] == dict.fromkeys(resources.FILES, 1)


@pytest.mark.parametrize("args", [["--help"], ["db", "seed", "--help"]], ids=["root", "seed"])
def test_help_imports_no_demo_module_and_reads_no_demo_data(
    tmp_path: Path, args: list[str]
) -> None:
    code = _COUNT_OPENS + (
        f"sys.argv = ['deskterm', *{args!r}]\n"
        "from deskterm.cli.main import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "demo = sorted(m for m in sys.modules if m.startswith('deskterm.demo'))\n"
        "print('modules:', demo, 'opened:', dict(opened), file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert proc.stdout.startswith("Usage: deskterm")
    assert proc.stderr.strip() == "modules: [] opened: {}"


# --- the formats -----------------------------------------------------------------------------

TOPIC = """\
# a comment, then a topic
== t; w=2; tags=a,b; kb=some-article; quick=10
@ q=Service Desk:1; t=incident:1
  # an indented comment
S A subject
D A description
+ that goes on
--
A A question?
T Steps.
F Fixed.
"""


def test_topic_format_skips_comments_and_joins_continued_lines() -> None:
    (topic,) = corpus.parse(TOPIC)
    assert (topic.key, topic.weight, topic.tags, topic.kb, topic.quick) == (
        "t",
        2,
        ("a", "b"),
        "some-article",
        0.1,
    )
    assert topic.queues == {"Service Desk": 1}
    (case,) = topic.cases
    assert case.subjects == ("A subject",)
    assert case.descriptions == ("A description that goes on",)
    assert topic.texts == {"A": ("A question?",), "T": ("Steps.",), "F": ("Fixed.",)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (TOPIC.replace("T Steps.", "X Steps."), "line 10: unknown line code 'X'"),
        ("S A subject before any topic\n", "line 1: 'S A subject before any topic' comes before"),
        ("== t; w=1; tags=a; q=Q:1; t=incident:1\n+ nothing to continue\n", "line 2: '+'"),
        (TOPIC.replace("D A description\n+ that goes on\n", ""), "topic t: a case without a D"),
        (TOPIC.replace("; t=incident:1", ""), "topic t: no t"),
    ],
    ids=["unknown-code", "before-topic", "dangling-plus", "no-description", "no-types"],
)
def test_topic_format_errors_name_the_line_or_topic(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        corpus.parse(text)


def test_article_format() -> None:
    text = (
        "<!-- a preamble: ignored -->\n"
        "@@ one | Network | a,b | per-os\n# First\n\nBody one.\n\n"
        "@@ two | Email | c\n# Second\n\n## Part\n\nBody two.\n"
    )
    one, two = articles.parse(text)
    assert (one.slug, one.title, one.category, one.tags, one.per_os) == (
        "one",
        "First",
        "Network",
        ("a", "b"),
        True,
    )
    assert one.body == "# First\n\nBody one.\n"
    assert (two.slug, two.tags, two.per_os) == ("two", ("c",), False)
    assert two.body == "# Second\n\n## Part\n\nBody two.\n"
    with pytest.raises(ValueError, match=re.escape("article header 'x | y'")):
        articles.parse("@@ x | y\n# X\n")
    with pytest.raises(ValueError, match="article x: the first line must be"):
        articles.parse("@@ x | y | z\nNo title\n")
