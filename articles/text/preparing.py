"""A file's text work before the database is asked anything: read, decode, normalise,
clean without an outlet's memory, and (when asked) sketch for near-duplicates.

Pure functions, no Django: the import command runs `serve` in a helper process, which
prepares the next chunk of files while the current chunk is being stored. A refusal is a
code (and the decoding error's detail); the caller words it in the user's language.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from articles.text import cleaning, near_duplicates
from articles.text.decoding import DecodeError, decode

# Why a file is refused before cleaning (the caller turns these into sentences).
TOO_BIG = "too_big"
EMPTY = "empty"
UNREADABLE = "unreadable"  # with the decoding error's code and detail
BLANK = "blank"
NOT_ARABIC = "not_arabic"
UNSURE = "unsure"  # the encoding guess needs a person (only when the caller holds them)


@dataclass
class Prepared:
    raw: str  # the normalised text, as stored
    encoding: str
    cleaned: cleaning.Cleaned | None = None  # without an outlet's memory; None when refused
    sketch: list[int] | None = None  # of cleaned.body, when asked for
    refused: str = ""  # one of the codes above
    error_code: str = ""  # a DecodeError's code and detail (UNREADABLE)
    error_detail: str = ""
    seen: set[str] = field(default_factory=set)  # short lines, when an outlet was found


def prepare(
    data: bytes | Path,
    encoding: str | None,
    *,
    max_bytes: int,
    arabic_only: bool,
    hold_unsure: bool,
    with_sketch: bool = False,
) -> Prepared:
    """Everything about one file that needs neither the database nor earlier files."""
    if isinstance(data, Path):
        if data.stat().st_size > max_bytes:  # checked before the file is read
            return Prepared("", "", refused=TOO_BIG)
        data = data.read_bytes()
    if len(data) > max_bytes:
        return Prepared("", "", refused=TOO_BIG)
    if not data:
        return Prepared("", "", refused=EMPTY)
    try:
        decoded = decode(data, encoding)
    except DecodeError as error:
        return Prepared(
            "", "", refused=UNREADABLE, error_code=error.code, error_detail=error.detail
        )
    raw = cleaning.normalise(decoded.text)
    if not cleaning.strip_invisible(raw).strip():
        return Prepared(raw, decoded.encoding, refused=BLANK)
    if arabic_only and not cleaning.has_arabic(raw):
        return Prepared(raw, decoded.encoding, refused=NOT_ARABIC)
    if hold_unsure and not decoded.confident:
        return Prepared(raw, decoded.encoding, refused=UNSURE)
    cleaned = cleaning.clean(raw)
    return Prepared(
        raw,
        decoded.encoding,
        cleaned=cleaned,
        sketch=near_duplicates.sketch(cleaned.body) if with_sketch else None,
        seen=cleaning.seen_keys(raw) if cleaned.outlet else set(),
    )


@dataclass(frozen=True)
class Options:
    max_bytes: int
    arabic_only: bool
    hold_unsure: bool
    with_sketch: bool = False


def prepare_many(files: Sequence[tuple[str, bytes | Path]], options: Options) -> list[Prepared]:
    """`prepare` for a chunk of (name, bytes or path); what a helper process is given."""
    return [
        prepare(
            data,
            None,
            max_bytes=options.max_bytes,
            arabic_only=options.arabic_only,
            hold_unsure=options.hold_unsure,
            with_sketch=options.with_sketch,
        )
        for _name, data in files
    ]


def serve(requests: BinaryIO | None = None, answers: BinaryIO | None = None) -> None:
    """A helper process's loop: read pickled `Options`, then chunks of (name, path or
    bytes) until end of input; answer each with ("ok", prepared) or ("error", exception),
    in order. Only ever talks to the process that started it, through its pipes."""
    requests = requests or sys.stdin.buffer
    answers = answers or sys.stdout.buffer
    options = pickle.load(requests)
    while True:
        try:
            files = pickle.load(requests)
        except EOFError:
            return
        try:
            answer: tuple[str, object] = ("ok", prepare_many(files, options))
        except Exception as error:  # the parent raises it where the chunk is stored
            answer = ("error", error)
        pickle.dump(answer, answers)
        answers.flush()
