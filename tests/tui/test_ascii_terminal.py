"""A terminal that cannot show Unicode (a Latin-1 locale, ``PYTHONUTF8=0`` under ``LC_ALL=C``):
the console draws only what the stream can carry, one cell for one cell."""

from __future__ import annotations

import io

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.tui.app import make_app
from deskterm.tui.ascii_screen import stream_encoding

from .conftest import rendered, screen_text, settle


def test_the_stream_decides_what_can_be_shown() -> None:
    def stream(encoding: str) -> io.TextIOWrapper:
        return io.TextIOWrapper(io.BytesIO(), encoding=encoding)

    assert stream_encoding(stream("utf-8")) is None
    assert stream_encoding(stream("ascii")) == "ascii"
    assert stream_encoding(stream("latin-1")) == "iso8859-1"


async def test_on_an_ascii_terminal_everything_drawn_is_ascii(seeded: Desk) -> None:
    app = make_app(seeded, encoding="ascii")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        text = screen_text(app)
        lines = ["".join(segment.text for segment in line) for line in rendered(app)]
    assert text.isascii(), sorted({c for c in text if not c.isascii()})
    assert "+- Views -------" in text  # the sidebar's rounded box, in + and -
    assert "!urgent" in text and "* 1 marked" in text
    assert all(line.isascii() for line in lines)
    assert {len(line) for line in lines} == {120}  # one cell for one cell: columns stay


async def test_on_a_latin1_terminal_accents_stay_and_symbols_go(seeded: Desk) -> None:
    tickets.create(seeded, subject="Café printer: “smart” quotes ●", priority="urgent")
    app = make_app(seeded, encoding="latin-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
    assert "Café printer: ?smart? quotes *" in text
    assert all(ord(c) < 256 for c in text)
