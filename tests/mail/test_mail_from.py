"""A plain From field is read without the header registry's parser (mail/message.py,
``_plain_sender``): the sender and name must be what the registry's reading gives, for any
field the shortcut takes."""

from __future__ import annotations

from email.parser import BytesParser

from hypothesis import example, given, settings
from hypothesis import strategies as st

from deskterm.domain.mail.message import POLICY, _plain_sender, _sender, header, parse, raw_header

#: Characters a plain field is made of, and those around its edges that must not pass.
ALPHABET = "aZ09 .-_+@<>\"',;:()\\[]=?\t"


def through_the_registry(field: str) -> tuple[tuple[str | None, str | None], str]:
    message = BytesParser(policy=POLICY).parsebytes(
        b"From: " + field.encode() + b"\nTo: help@desk.example\nSubject: s\n\nbody\n"
    )
    return _sender(header(message, "from")), raw_header(message, "from")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
@example("User user123 <user123@customer5.example>")
@example("MAILER-DAEMON@mx.customer.example")
@example("<Kim.Probe@Probe.Example>")
@example("Kim   Probe  2<kim+desk@probe.example>")
@example("a@b.c")
@example("a.@b.c")
@example("a@b..c")
def test_the_plain_reading_is_the_registrys(field: str) -> None:
    expected, raw = through_the_registry(field)
    plain = _plain_sender(raw)
    if plain is not None:
        assert plain == expected, field


def _shaped(name: str, local: str, domain: str, form: int, pad: str) -> str:
    address = f"{local}@{domain}"
    return pad + [f"{name} <{address}>", f"{name}<{address}>", f"<{address}>", address][form] + pad


#: Fields shaped like addresses, their parts drawn from the plain characters and a few that
#: must send the field the long way.
SHAPED = st.builds(
    _shaped,
    st.text(alphabet="aZ09 .-_'\"", max_size=12),
    st.text(alphabet="aZ09.-_+", min_size=1, max_size=8),
    st.text(alphabet="aZ09.-_", min_size=1, max_size=10),
    st.integers(0, 3),
    st.sampled_from(["", " ", "  "]),
)


@settings(max_examples=3000, deadline=None)
@given(SHAPED)
def test_the_plain_reading_of_address_shaped_fields_is_the_registrys(field: str) -> None:
    expected, raw = through_the_registry(field)
    plain = _plain_sender(raw)
    if plain is not None:
        assert plain == expected, field


def test_parse_takes_plain_fields_the_short_way_and_others_the_long_way() -> None:
    def sender(field: bytes) -> tuple[str | None, str | None]:
        mail = parse(b"From: " + field + b"\nSubject: s\nMessage-ID: <x@y.z>\n\nbody\n")
        return mail.sender_name, mail.sender

    assert _plain_sender("User One <One@Example.org>") == ("User One", "one@example.org")
    assert sender(b"User One <One@Example.org>") == ("User One", "one@example.org")
    assert _plain_sender('"One, User" <one@example.org>') is None
    assert sender(b'"One, User" <one@example.org>') == ("One, User", "one@example.org")
    assert sender(b"=?utf-8?q?Zo=C3=AB?= <zoe@example.org>") == ("Zo\u00eb", "zoe@example.org")
