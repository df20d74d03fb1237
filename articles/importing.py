"""Bringing text files in as articles: one pipeline for the command line and the web.

Each file gives exactly one `ImportResult`: imported, duplicate or rejected (with a
reason a person understands). A rejected file writes nothing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from articles.models import Article, body_sha256

IMPORTED = "imported"
DUPLICATE = "duplicate"
REJECTED = "rejected"


@dataclass
class ImportResult:
    name: str
    status: str
    article: Article | None = None
    reason: str = ""


def normalise_text(text: str) -> str:
    """NFC and LF line endings, once, before anything is stored (offsets count after it)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped). Raises UnicodeDecodeError otherwise."""
    return data.decode("utf-8-sig")


def import_bytes(name: str, data: bytes, *, user=None) -> ImportResult:
    """Import one file's content under its original `name`."""
    try:
        text = normalise_text(decode(data))
    except UnicodeDecodeError:
        return ImportResult(name, REJECTED, reason=_("الملف ليس نصاً بترميز UTF-8."))
    body = text.strip()
    if not body:
        return ImportResult(name, REJECTED, reason=_("الملف فارغ."))

    existing = Article.objects.filter(body_sha256=body_sha256(body)).first()
    if existing is not None:
        return ImportResult(name, DUPLICATE, article=existing)

    title = next(line.strip() for line in body.split("\n") if line.strip())
    article = Article(title=title[:500], body=body, original_filename=name, imported_by=user)
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:  # imported by someone else in the meantime
        existing = Article.objects.get(body_sha256=body_sha256(body))
        return ImportResult(name, DUPLICATE, article=existing)
    return ImportResult(name, IMPORTED, article=article)


def import_path(path: Path, *, user=None) -> ImportResult:
    return import_bytes(path.name, path.read_bytes(), user=user)


def text_files(paths: list[Path]) -> list[Path]:
    """The files named, with folders expanded recursively to their .txt files, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        else:
            found.append(path)
    return found
