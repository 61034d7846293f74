"""Attachment names are made safe to save and to show (docs/mail.md, "Attachments"), and
``[attachments] max_size`` reads as a person writes it."""

from __future__ import annotations

import pytest

from deskterm.config import parse_size
from deskterm.domain.tickets import safe_name, size_text


@pytest.mark.parametrize(
    ("given", "kind", "safe"),
    [
        ("report.pdf", "application/pdf", "report.pdf"),
        ("../../etc/passwd", "text/plain", "passwd"),
        ("..\\..\\Windows\\win.ini", "text/plain", "win.ini"),
        ("/tmp/../.bashrc", "text/plain", "bashrc"),
        ("..", "text/plain", "attachment.txt"),
        ("...", "image/png", "attachment.png"),
        (None, "image/png", "attachment.png"),
        ("", "application/x-unknown-thing", "attachment.bin"),
        ("   ", "text/html", "attachment.html"),
        ("bad\x1b[31mred\x07.txt", "text/plain", "bad[31mred.txt"),
        ("invoice\u202efdp.exe", "application/pdf", "invoicefdp.exe"),
        ("a\nb\tc.txt", "text/plain", "a b c.txt"),
        ('what?<is>:this|"*.txt', "text/plain", "what__is__this___.txt"),
        ("CON.txt", "text/plain", "_CON.txt"),
        ("trailing dots...", "text/plain", "trailing dots"),
    ],
)
def test_names_lose_paths_controls_and_dots_and_are_never_empty(
    given: str | None, kind: str, safe: str
) -> None:
    assert safe_name(given, kind) == safe


def test_long_names_are_cut_to_200_bytes_keeping_the_extension() -> None:
    name = safe_name("ü" * 300 + ".pdf")
    assert name.endswith(".pdf")
    assert len(name.encode("utf-8")) <= 200
    assert name.startswith("ü" * 98)


def test_sizes_read_and_print_as_people_write_them() -> None:
    assert [parse_size(v) for v in (0, 1024, "25MB", "500 kb", "1.5GB", "12")] == [
        0,
        1024,
        25 * 1024 * 1024,
        500 * 1024,
        int(1.5 * 1024**3),
        12,
    ]
    assert [parse_size(v) for v in (-1, "lots", True, 2.5, "5 TB")] == [None] * 5
    assert [size_text(n) for n in (0, 1023, 1024, 1536, 25 * 1024 * 1024)] == [
        "0 B",
        "1023 B",
        "1 KB",
        "1.5 KB",
        "25 MB",
    ]


def test_a_max_size_that_is_not_a_size_is_refused_naming_the_key(tmp_path) -> None:
    from deskterm.config import check
    from deskterm.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        check({"attachments": {"max_size": "lots"}}, tmp_path / "deskterm.toml")
    assert "[attachments] max_size must be a size" in caught.value.message
