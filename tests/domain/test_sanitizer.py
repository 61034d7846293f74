"""The display sanitizer (ARCHITECTURE "Untrusted text"): text from strangers is shown
literally, never as terminal control or markup."""

from __future__ import annotations

import io
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from deskterm.domain.text import one_line, sanitize

C0 = "".join(chr(c) for c in range(0x20))
C1 = "".join(chr(c) for c in range(0x80, 0xA0))
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
SEPARATORS = "\u2028\u2029"

untrusted = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(C0 + "\x7f" + C1 + BIDI + SEPARATORS + "[]@=\\"),
        st.characters(categories=["Cs"]),  # lone surrogates, as from undecodable bytes
    )
)


def controls(text: str) -> set[str]:
    return {c for c in text if unicodedata.category(c) == "Cc"}


def rendered(text: str) -> str:
    """What a terminal receives when ``text`` is printed as a Rich Text (no colour)."""
    out = io.StringIO()
    console = Console(
        file=out, width=100_000, color_system=None, force_terminal=True, soft_wrap=True
    )
    console.print(Text(text), end="")
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(untrusted)
def test_single_line_output_has_no_control_or_direction_characters(text):
    clean = sanitize(text)
    assert controls(clean) == set()
    assert not set(clean) & set(BIDI + SEPARATORS)
    assert not any("\ud800" <= c <= "\udfff" for c in clean)
    clean.encode("utf-8")  # a terminal can always be sent it


@settings(max_examples=300, deadline=None)
@given(untrusted)
def test_multiline_output_keeps_only_newlines(text):
    clean = sanitize(text, multiline=True)
    assert controls(clean) <= {"\n"}
    assert not set(clean) & set(BIDI + SEPARATORS)
    assert clean.count("\n") == text.replace("\r\n", "\n").count("\n")
    clean.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(untrusted, st.booleans())
def test_sanitized_text_renders_as_exactly_itself(text, multiline):
    clean = sanitize(text, multiline=multiline)
    assert Text(clean).plain == clean
    assert rendered(clean) == clean


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"])))
def test_ordinary_text_is_left_alone(text):
    if set(text) & set(BIDI):
        return
    assert sanitize(text) == text
    assert sanitize(text, multiline=True) == text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
        ("nul\x00byte", "nul␀byte"),
        ("bell\x07", "bell␇"),
        ("back\x08space", "back␈space"),
        ("del\x7f", "del␡"),
        ("csi\x9b31m", "csi\ufffd31m"),
        ("\u202eevil.exe", "\ufffdevil.exe"),
        ("a\u2028b", "a\ufffdb"),
        ("[@click=app.quit]", "[@click=app.quit]"),
        ("[bold red]not bold[/]", "[bold red]not bold[/]"),
        (":smile: 😀", ":smile: 😀"),
        ("line one\nline two", "line one line two"),
        ("crlf\r\nnext", "crlf next"),
        ("tab\there", "tab here"),
        ("carriage\rreturn", "carriage␍return"),
        ("", ""),
        (None, ""),
    ],
)
def test_examples_single_line(raw, shown):
    assert sanitize(raw) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("line one\nline two", "line one\nline two"),
        ("crlf\r\nnext", "crlf\nnext"),
        ("\x1b]0;title\x07\nok", "␛]0;title␇\nok"),
        ("a\tb", "a   b"),
        ("[@click=app.quit]\n[b]x[/b]", "[@click=app.quit]\n[b]x[/b]"),
    ],
)
def test_examples_multiline(raw, shown):
    assert sanitize(raw, multiline=True) == shown


def test_one_line_truncates_with_an_ellipsis():
    assert one_line("abcdef\x1b", 4) == "abc…"
    assert one_line("abc", 4) == "abc"
    assert one_line("ab\ncd") == "ab cd"
