"""glyphs.py: deskterm's symbols and their ASCII stand-ins, and the stream fall-back."""

from __future__ import annotations

import io

import pytest

from deskterm import glyphs
from deskterm.domain.text import sanitize


def _through(encoding: str, text: str, errors: str = glyphs.ERRORS) -> bytes:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)
    glyphs.fall_back(stream, errors=errors)
    stream.write(text)
    stream.flush()
    return raw.getvalue()


def test_every_control_character_the_sanitizer_shows_has_a_caret_stand_in() -> None:
    shown = sanitize("".join(chr(c) for c in range(0x20) if c not in (9, 10, 13)) + "\x7f")
    assert glyphs.to_ascii(shown).isascii()
    assert glyphs.to_ascii(sanitize("\x1b[31m\x00")) == "^[[31m^@"
    assert glyphs.to_ascii(sanitize("\x7f")) == "^?"


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_stream_that_cannot_carry_symbols_writes_stand_ins_instead_of_raising(encoding) -> None:
    out = _through(encoding, "‼urgent … José ☕ ␛")
    expected = "!!urgent ... José ? ^[" if encoding == "latin-1" else "!!urgent ... Jose ? ^["
    assert out.decode(encoding) == expected


def test_error_lines_escape_what_the_stream_cannot_carry() -> None:
    assert _through("ascii", "bad ☕ …", glyphs.ERRORS_ESCAPED) == b"bad \\u2615 ..."


def test_a_utf8_stream_is_left_alone() -> None:
    assert _through("utf-8", "‼ … ☕") == "‼ … ☕".encode()


def test_as_shown_measures_what_the_stream_will_show() -> None:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    assert glyphs.as_shown("Café…", stream) == "Cafe..."
    assert glyphs.as_shown("Café…", io.StringIO()) == "Café…"


def test_standard_output_escapes_the_json_way_and_drops_nothing() -> None:
    text = "Jos\u00e9 \u2615 \U0001f600 \u2026 caf\udcc3\udca9"
    out = _through("ascii", text, glyphs.ERRORS_EXACT)
    assert out == b"Jos\\u00e9 \\u2615 \\ud83d\\ude00 \\u2026 caf\xc3\xa9"
    import json

    assert json.loads(
        _through("ascii", json.dumps({"a": text[:-6]}, ensure_ascii=False), glyphs.ERRORS_EXACT)
    ) == {"a": text[:-6]}
