"""Decoding: BOMs, NULs before UTF-8, the UTF-8 fast path, and detection of the rest."""

from __future__ import annotations

import codecs

import pytest

from articles.text.decoding import DecodeError, decode
from tests.conftest import sample_text

TEXT = sample_text(4)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("cp1256"), "cp1256"),
        (TEXT.encode("iso8859-6"), "iso8859-6"),
    ],
)
def test_each_encoding_decodes_to_the_same_text(data, encoding):
    decoded = decode(data)
    assert decoded.text == TEXT
    assert decoded.encoding == encoding


def test_utf8_and_bom_files_are_decoded_with_confidence():
    assert decode(TEXT.encode()).confident
    assert decode(TEXT.encode("utf-16")).confident


def test_utf16_without_a_bom_is_not_taken_for_utf8():
    # Valid UTF-8 as bytes, but full of NULs: must be recognised before the UTF-8 path.
    data = TEXT.encode("utf-16-le")
    data.decode("utf-8")  # does not raise
    decoded = decode(data)
    assert decoded.text == TEXT
    assert not decoded.confident


def test_a_short_windows_1256_text_is_decoded_but_not_confident():
    decoded = decode("قال الرئيس إن الاتفاق مهم".encode("cp1256"))
    assert decoded.text == "قال الرئيس إن الاتفاق مهم"
    assert not decoded.confident


def test_a_given_encoding_overrides_detection():
    data = "قال الرئيس".encode("cp1256")
    assert decode(data, "cp1256").text == "قال الرئيس"
    with pytest.raises(DecodeError) as error:
        decode(data, "koi8-r")
    assert error.value.code == "unknown_encoding"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "binary"),
        (b"%PDF-1.7\n" + bytes(range(256)), "binary"),
        (b"abc\x00def ghi jkl", "nul"),
        (bytes(range(256)) * 4, "nul"),
        (b"\x01\x02\x03\x04\x05\x06 text \x07\x08", "binary"),
    ],
)
def test_binary_content_is_refused(data, code):
    with pytest.raises(DecodeError) as error:
        decode(data)
    assert error.value.code == code


def test_bytes_no_encoding_can_read_are_undecodable():
    with pytest.raises(DecodeError) as error:
        decode(bytes(range(0x80, 0x100)) * 8)
    assert error.value.code == "undecodable"
