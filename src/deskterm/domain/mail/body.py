"""A message's text: the part to show, decoded whatever its charset, and the part of it the
thread shows (quoted earlier replies and the signature trimmed). Pure; never raises on odd
input: a wrong or unknown charset falls back, HTML becomes text (docs/mail.md, "Bodies").
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from email.message import Message
from typing import Final

from deskterm.domain.tickets import safe_name

#: Charsets that decode any bytes at all: a message declaring one of them but written in
#: UTF-8 (a common mistake of scripts and web forms) is read as UTF-8, which real Latin-1 or
#: Windows text practically never is by accident.
_PERMISSIVE: Final = frozenset({"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15"})


@dataclass(frozen=True)
class FilePart:
    """A part of a message that is a file, not its text: an attachment, an inline image.
    The name is as the sender wrote it (RFC 2231 and 2047 decoded), not yet sanitized."""

    name: str | None
    content_type: str
    data: bytes
    inline: bool = False


#: The name of the HTML of an HTML-only message, kept as a file beside its text.
HTML_NAME: Final = "message.html"
_BOM: Final = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Body:
    """The text of a message, where it came from, and what it carried besides."""

    text: str
    #: The text came from an HTML part (there was no text/plain one).
    from_html: bool = False
    #: The names (sanitized) of the parts that are not the text: attachments, inline images.
    attachments: tuple[str, ...] = ()
    #: Those parts' bytes (and, for HTML-only mail, its HTML as ``message.html``).
    files: tuple[FilePart, ...] = ()


def decode(data: bytes, charset: str | None) -> str:
    """``data`` as text: the declared ``charset`` when it decodes cleanly (UTF-8 when it
    declares a permissive 8-bit one but is valid UTF-8), else UTF-8, else Windows-1252 with
    replacement characters. Never raises."""
    name = _codec(charset)
    if name is not None and codecs.lookup(name).name in _PERMISSIVE:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    for candidate in (name, "utf-8"):
        if candidate is None:
            continue
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace")


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def body_of(message: Message) -> Body:
    """The text to show for ``message``: its first text/plain part that is not an
    attachment, else its first HTML part as text (the HTML kept as a file), else nothing;
    and the parts that are files."""
    plain: str | None = None
    html: str | None = None
    files: list[FilePart] = []
    for part in _parts(message):
        kind = _content_type(part)
        disposition = _disposition(part)
        name = _filename(part)
        if kind.startswith("multipart/"):
            continue
        if disposition == "attachment" or (name and kind not in ("text/plain", "text/html")):
            files.append(_file(part, kind, name, disposition))
        elif kind == "text/plain" and plain is None:
            plain = _payload_text(part)
        elif kind == "text/html" and html is None:
            html = _payload_text(part)
        elif kind not in ("text/plain", "text/html"):
            files.append(_file(part, kind, name, disposition))
    names = tuple(safe_name(file.name, file.content_type) for file in files)
    if plain is not None and (plain.strip() or html is None):
        return Body(plain, attachments=names, files=tuple(files))
    if html is not None:
        # The HTML is kept as it read, in UTF-8 with a byte-order mark so that a browser
        # opening the saved file reads it right whatever the sender's charset was.
        kept = FilePart(HTML_NAME, "text/html", _BOM + html.encode("utf-8", "replace"))
        return Body(html_to_text(html), from_html=True, attachments=names, files=(*files, kept))
    return Body("", attachments=names, files=tuple(files))


def _file(part: Message, kind: str, name: str | None, disposition: str | None) -> FilePart:
    inline = disposition == "inline" or (disposition is None and bool(part.get("content-id")))
    return FilePart(name, kind, _payload_bytes(part), inline)


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    try:
        payload = part.get_payload()
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            return payload[0].as_bytes()  # an attached message (message/rfc822)
        if isinstance(payload, str):
            return payload.encode("utf-8", "surrogateescape")
    except Exception:
        pass
    return b""


def _parts(message: Message) -> list[Message]:
    try:
        return list(message.walk())
    except Exception:  # a structure the parser could not follow: the top part alone
        return [message]


#: A MIME type as RFC 2045 spells one; anything else (a NUL, raw 8-bit bytes, which the
#: parser keeps as they came) is read as a file of unknown type.
_MIME_TYPE = re.compile(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")


def _content_type(part: Message) -> str:
    try:
        kind = part.get_content_type()
    except Exception:
        return "text/plain"
    return kind if _MIME_TYPE.fullmatch(kind) else "application/octet-stream"


def _disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:
        return None


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        return None
    return " ".join(str(name).split()) or None if name else None


def _payload_text(part: Message) -> str:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if not isinstance(data, bytes):
        raw = part.get_payload()
        data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return decode(data, charset).replace("\r\n", "\n").replace("\r", "\n")


def html_to_text(html: str) -> str:
    """Readable text of an HTML mail (html2text: paragraphs, lists, links kept as
    ``[text](url)``; images, styles and scripts dropped)."""
    import html2text

    converter = html2text.HTML2Text()
    converter.body_width = 0  # the thread wraps; the converter must not
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.unicode_snob = True
    try:
        text = converter.handle(_drop_scripts(html))
    except Exception:  # html2text on hostile markup: the tags stripped, crudely
        text = re.sub(r"<[^>]*>", " ", html)
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _drop_scripts(html: str) -> str:
    return re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", html)


# ------------------------------------------------------------------------------ trimming

#: Where an earlier message quoted below a reply begins: "On <date>, <who> wrote:" (also
#: wrapped over two lines, and in a few languages), Outlook's "-----Original Message-----"
#: and its "From: / Sent:" header block, and a forwarded-message marker.
_ATTRIBUTION: Final = re.compile(
    r"^(On\s.{1,300}\swrote:|Le\s.{1,300}\sa\s+écrit\s*:|Am\s.{1,300}\sschrieb.{0,100}:"
    r"|El\s.{1,300}\sescribió:|Op\s.{1,300}\sgeschreven:)\s*$",
    re.IGNORECASE | re.DOTALL,
)
_ORIGINAL: Final = re.compile(
    r"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_OUTLOOK_FROM: Final = re.compile(r"^\s*\**(From|Von|De)\s*:\**\s", re.IGNORECASE)
_OUTLOOK_NEXT: Final = re.compile(
    r"^\s*\**(Sent|Date|Gesendet|Envoyé|To|An|À|Subject|Betreff|Objet)\s*:", re.IGNORECASE
)
_SIGNATURE: Final = "-- "


def trimmed(text: str) -> str:
    """What the thread shows of a reply: the text above a quoted earlier message (only when
    there is text above it: an answer written between the quoted lines is kept whole), the
    trailing ``>`` lines dropped, the signature (below a ``-- `` line) dropped. The whole text
    when nothing would be left."""
    lines = text.split("\n")
    cut = _quote_start(lines)
    if cut is not None and _has_text(lines[:cut]):
        lines = lines[:cut]
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    for index in range(len(lines) - 1, 0, -1):
        if lines[index].rstrip("\n") in (_SIGNATURE, "--") and _has_text(lines[:index]):
            # "--" alone is what a client that strips trailing spaces leaves of "-- ".
            lines = lines[:index]
            break
    result = "\n".join(lines).strip("\n")
    return result if result.strip() else text.strip("\n")


def _quote_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if _ORIGINAL.match(stripped):
            return index
        if _ATTRIBUTION.match(stripped):
            return index
        if index + 1 < len(lines) and _ATTRIBUTION.match(f"{stripped} {lines[index + 1].strip()}"):
            return index
        if _OUTLOOK_FROM.match(stripped) and any(
            _OUTLOOK_NEXT.match(after) for after in lines[index + 1 : index + 4]
        ):
            return index
        if index > 0 and set(stripped) == {"_"} and len(stripped) >= 10:
            # Outlook's HTML rule above the quoted header block, as html2text renders it.
            following = lines[index + 1 : index + 3]
            if any(_OUTLOOK_FROM.match(after) for after in following):
                return index
    return None


def _has_text(lines: list[str]) -> bool:
    return any(line.strip() and not line.lstrip().startswith(">") for line in lines)
