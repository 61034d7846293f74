"""Demo data: a generated IT help desk for trying deskterm, for its tests and its benchmarks.

``deskterm db seed`` and ``deskterm demo`` call :func:`seed_desk`; nothing else in deskterm
imports this package, and the domain may not (an import-linter layer says so).

How it is built, from the bottom up:

* ``data/`` - the text, as package data files: ``topics.txt`` (what tickets are about and
  the words they are written in, in a line format described at its top), ``words.toml``
  (names, stock phrases, slot values), ``desk.toml`` (the demo company: queues,
  organizations, offices, operating systems) and ``articles.md`` (knowledge-base articles).
  :mod:`~deskterm.demo.resources` is the one place they are read: on first use, once.
* readers - :mod:`~deskterm.demo.corpus` (topics), :mod:`~deskterm.demo.words`,
  :mod:`~deskterm.demo.articles`; :mod:`~deskterm.demo.plans` makes topics ready for drawing.
* generators - pure and deterministic, returning the plain records of
  :mod:`~deskterm.demo.records`: :mod:`~deskterm.demo.directory` (agents, queues,
  organizations, contacts, and who works which queue), :mod:`~deskterm.demo.generate` (when
  tickets arrive and what happens to each) with :mod:`~deskterm.demo.thread` (a ticket's
  messages), :mod:`~deskterm.demo.articles`. Each draws from its own random stream of the seed
  (:mod:`~deskterm.demo.draw`).
* :mod:`~deskterm.demo.load` - writes the records into a desk in one transaction, in
  dependency order, turning names into ids.

Adding a kind of demo data (the SLA policies, queue members, triage rules and macros that the
SLA and automation issues bring) takes the same four steps:

1. its data in ``data/``: SLA policies and business calendars as ``[[sla_policies]]`` tables
   in ``desk.toml`` (each queue names its default policy there, as it names ``escalates_to``),
   triage rules and macros in a ``data/automation.toml`` of their own (rules are ordered,
   so the file's order is theirs); add the file to ``resources.FILES``;
2. a record for it in ``records.py``, referring to queues, agents and tags by name;
3. a generator: fixed data is read as it is (policies, rules, macros); what is drawn takes a
   stream of its own (``derive_seed(seed, "sla")``) so that the tickets of a seed stay the
   same. Queue members need no new drawing: :func:`~deskterm.demo.directory.rosters`
   already decides who works which queue (``load.py`` stores them as the queues' members),
   and tickets are assigned from those rosters;
4. a step in ``load.py`` after the directory (rules and macros name queues and agents) and
   before the tickets when tickets depend on it (due times, which rule routed a ticket),
   through the domain's own calls where one exists, so the demo desk obeys the same rules as
   any other.

Data that only rides along on tickets and needs no words may skip steps 1 to 3: time spent
and satisfaction ratings are picked in ``load.py`` from the ticket's number (every fifth
ticket timed, every fifth solved one rated), written in the tickets' own bulk batches, so a
million-ticket seed draws nothing more and stays as fast.
"""

from deskterm.demo.articles import generate_articles
from deskterm.demo.automation import demo_macros
from deskterm.demo.directory import make_directory, rosters
from deskterm.demo.generate import RARE_WORDS, generate_tickets
from deskterm.demo.load import seed_anchor, seed_desk
from deskterm.demo.records import (
    Directory,
    SeedAgent,
    SeedArticle,
    SeedContact,
    SeedMacro,
    SeedMessage,
    SeedOrg,
    SeedQueue,
    SeedTicket,
)

__all__ = [
    "RARE_WORDS",
    "Directory",
    "SeedAgent",
    "SeedArticle",
    "SeedContact",
    "SeedMacro",
    "SeedMessage",
    "SeedOrg",
    "SeedQueue",
    "SeedTicket",
    "demo_macros",
    "generate_articles",
    "generate_tickets",
    "make_directory",
    "rosters",
    "seed_anchor",
    "seed_desk",
]
