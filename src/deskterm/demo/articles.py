"""Knowledge-base articles of the demo desk: the hand-written ones of ``data/articles.md`` and
generated variants of them.

Every article gets a variant for each office of ``data/desk.toml`` (where its IT desk is, its
phone), and the ones marked ``per-os`` one for each operating system, so a large ``count``
still gives distinct, sensible articles with unique slugs; past those come numbered revisions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from deskterm.demo import resources
from deskterm.demo.draw import derive_seed, sample
from deskterm.demo.records import SeedArticle


@dataclass(slots=True)
class BaseArticle:
    slug: str
    title: str
    category: str
    tags: tuple[str, ...]
    body: str
    #: Gets a variant for each operating system.
    per_os: bool = False


def generate_articles(seed: int, count: int, *, now: datetime) -> list[SeedArticle]:
    """``count`` Markdown articles: the hand-written set first, then per-OS and per-office
    variants (in a seed-dependent order), then numbered revisions. Slugs are unique."""
    rnd = random.Random(derive_seed(seed, "articles")).random
    items = [(a.slug, a.title, a.body, a.category, a.tags) for a in articles()]
    extra = variants()
    for base, suffix, title, body, tags in sample(rnd, extra, len(extra)):
        items.append((f"{base.slug}-{suffix}", title, body, base.category, base.tags + tags))
    out: list[SeedArticle] = []
    for i in range(max(count, 0)):
        slug, title, body, category, tags = items[i % len(items)]
        revision = i // len(items) + 1
        if revision > 1:
            slug, title = f"{slug}-rev-{revision}", f"{title} (revision {revision})"
            head, _, rest = body.partition("\n")
            body = f"{head}\n\n> Revision {revision}: reviewed and updated.\n{rest}"
        age = int((14 + rnd() * 900) * 86_400)
        created = now - timedelta(seconds=age)
        updated = created if rnd() < 0.35 else created + timedelta(seconds=int(rnd() * age))
        out.append(SeedArticle(slug, title, body, category, tags, created, updated))
    return out


@cache
def articles() -> tuple[BaseArticle, ...]:
    """The hand-written articles of ``data/articles.md``, in file order (read once)."""
    return parse(resources.text("articles.md"))


def parse(text: str) -> tuple[BaseArticle, ...]:
    """Articles from lines ``@@ slug | category | tag,tag[ | per-os]`` each followed by its
    Markdown (first line ``# Title``); anything before the first such line is ignored.

    ValueError, naming the article, for a header the format does not know.
    """
    out: list[BaseArticle] = []
    header: str | None = None
    lines: list[str] = []
    for line in [*text.splitlines(), "@@ "]:
        if not line.startswith("@@ "):
            lines.append(line)
            continue
        if header is not None:
            out.append(_article(header, "\n".join(lines)))
        header, lines = line.removeprefix("@@ "), []
    return tuple(out)


def _article(header: str, markdown: str) -> BaseArticle:
    parts = [part.strip() for part in header.split("|")]
    if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] != "per-os"):
        raise ValueError(f"article header {header!r}: expected 'slug | category | tags'")
    body = markdown.strip() + "\n"
    if not body.startswith("# "):
        raise ValueError(f"article {parts[0]}: the first line must be '# Title'")
    title = body.splitlines()[0].removeprefix("# ").strip()
    return BaseArticle(parts[0], title, parts[1], tuple(parts[2].split(",")), body, len(parts) == 4)


def variants() -> list[tuple[BaseArticle, str, str, str, tuple[str, ...]]]:
    """Every generated variant as (base, slug suffix, title, body, extra tags), in a fixed order."""
    desk = resources.toml("desk.toml")
    out: list[tuple[BaseArticle, str, str, str, tuple[str, ...]]] = []
    for base in articles():
        rest = base.body.partition("\n")[2]
        if base.per_os:
            for system in desk["operating_systems"]:
                key, name = system["key"], system["name"]
                body = (
                    f"# {base.title} ({name})\n\n> Applies to: laptops running {name}.\n{rest}"
                    f"\n## On {name}\n\n1. {system['opener']}\n2. Follow the steps above; menu"
                    " names can differ slightly between versions.\n3. If something looks"
                    " different, send a screenshot with your ticket.\n"
                )
                out.append((base, key, f"{base.title} ({name})", body, (key,)))
        for office in desk["offices"]:
            key, name = office["key"], office["name"]
            body = (
                f"# {base.title}: {name} office\n\n> Applies to: the {name} office.\n{rest}"
                f"\n## In {name}\n\n- The IT desk is on the {office['desk']}, open 8:00-17:00.\n"
                f"- Local support phone: {office['phone']}.\n- Walk-ins are welcome; bring your"
                " laptop.\n"
            )
            out.append((base, key, f"{base.title}: {name} office", body, (key,)))
    return out
