"""Turn the bytes of an uploaded text file into text, or say plainly why not.

Order matters: magic numbers of binary formats, then byte-order marks, then NUL bytes
(Arabic saved as UTF-16 without a BOM is *valid UTF-8* full of NULs), then the strict
UTF-8 fast path that almost every file takes, and only then charset-normalizer,
restricted to the encodings Arabic newsrooms actually use. No Django imports here.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# Encodings an admin may pick by hand when detection is unsure (an allow-list: the
# value reaches `bytes.decode`). Labels are shown as is.
ENCODING_CHOICES = [
    ("utf-8", "UTF-8"),
    ("utf-16", "UTF-16"),
    ("cp1256", "Windows-1256"),
    ("iso8859-6", "ISO-8859-6"),
    ("cp1252", "Windows-1252"),
]
ENCODINGS = {name for name, _label in ENCODING_CHOICES}

# What charset-normalizer may choose from once UTF-8 has failed.
DETECTABLE = ["cp1256", "iso8859_6", "cp1252"]
# Below this many bytes a single-byte guess is a coin toss (cp1256 vs ISO-8859-6 vs
# cp1252 decode the same short run of bytes to different but plausible text).
CONFIDENT_MIN_BYTES = 400
CONFIDENT_MAX_CHAOS = 0.1

# Magic numbers of formats people rename to .txt by mistake.
MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP/DOCX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "DOC/XLS"),
    (b"MZ", "EXE"),
    (b"\x7fELF", "ELF"),
    (b"\x1f\x8b", "GZIP"),
    (b"RIFF", "RIFF"),
]

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# C0 controls other than tab, LF, VT, FF, CR (and ESC/SUB some editors leave) mean binary.
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 11, 12, 13, 26, 27))


class DecodeError(ValueError):
    """Why bytes could not be read as text; `code` says which rejection it is."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # a name from ENCODING_CHOICES (or utf-32)
    confident: bool


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode `data`, detecting the encoding unless one is given (from ENCODINGS)."""
    kind = binary_kind(data)
    if kind:
        raise DecodeError("binary", kind)
    if encoding:
        return _decode_as(data, encoding)
    for bom, codec in BOMS:
        if data.startswith(bom):
            return Decoded(_strict(data, codec), codec.replace("-sig", ""), True)
    if b"\x00" in data:
        return _decode_utf16_without_bom(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", True)  # the fast path
    except UnicodeDecodeError:
        pass
    return _detect(data)


def binary_kind(data: bytes) -> str:
    """A format name if the bytes look like a binary file, else ""."""
    for magic, name in MAGIC:
        if data.startswith(magic):
            return name
    head = data[:4096]
    if head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        controls = len(head) - len(head.translate(None, _CONTROL))
        if b"\x00" not in head and controls > len(head) // 100:
            return "control characters"
    return ""


def _decode_as(data: bytes, encoding: str) -> Decoded:
    if encoding not in ENCODINGS:
        raise DecodeError("unknown_encoding", encoding)
    text = _strict(data, "utf-8-sig" if encoding == "utf-8" else encoding)
    if "\x00" in text:
        raise DecodeError("nul")
    return Decoded(text, encoding, True)


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise DecodeError("undecodable", codec) from None


def _decode_utf16_without_bom(data: bytes) -> Decoded:
    """NULs in every other byte are UTF-16 without a BOM; anywhere else, binary."""
    if len(data) >= 4 and len(data) % 2 == 0:
        even_nuls = data[0::2].count(0)
        odd_nuls = data[1::2].count(0)
        half = len(data) // 2
        for nuls, codec in ((odd_nuls, "utf-16-le"), (even_nuls, "utf-16-be")):
            # Arabic code points (U+06xx) have 0x06 in the high byte, Latin 0x00: so for
            # mixed text expect many, not all, NULs on one side and none on the other.
            other = even_nuls if codec == "utf-16-le" else odd_nuls
            if nuls >= half * 0.05 and other == 0:
                try:
                    text = data.decode(codec)
                except UnicodeDecodeError:
                    continue
                if "\x00" not in text and _mostly_text(text):
                    return Decoded(text, "utf-16", False)
    raise DecodeError("nul")


def _mostly_text(text: str) -> bool:
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r")
    letters = sum(1 for ch in text if ch.isalpha())
    return printable >= len(text) * 0.98 and letters >= len(text) * 0.5


def _detect(data: bytes) -> Decoded:
    from charset_normalizer import from_bytes  # imported late: most files never need it

    best = from_bytes(data, cp_isolation=DETECTABLE).best()
    if best is None:
        raise DecodeError("undecodable")
    encoding = {"iso8859_6": "iso8859-6"}.get(best.encoding, best.encoding)
    confident = len(data) >= CONFIDENT_MIN_BYTES and best.chaos <= CONFIDENT_MAX_CHAOS
    return Decoded(str(best), encoding, confident)
