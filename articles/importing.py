"""Bringing text files in as articles: one pipeline for the command line and the web.

decode → normalise → clean → dedupe → store. Each file gives exactly one
`ImportResult`: imported (maybe flagged as a near-duplicate), duplicate (of which
article), rejected (with a reason in Arabic), or, only when the caller asks to hold them,
unsure (the encoding guess needs a person). A rejected file writes nothing, and each
file is stored in its own transaction, so one bad file never spoils a batch.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from articles import cleaning, similarity
from articles.decoding import DecodeError, decode
from articles.models import Article, ImportBatch, ImportItem, Source, body_sha256

IMPORTED = "imported"
DUPLICATE = "duplicate"
REJECTED = "rejected"
UNSURE = "unsure"

RECENT_ARTICLES = 5000  # how far back near-duplicates are looked for
PREVIEW_CHARS = 600


@dataclass
class ImportResult:
    name: str
    status: str
    article: Article | None = None
    reason: str = ""
    encoding: str = ""
    preview: str = ""  # the decoded start of an unsure file
    removed: list[dict] = field(default_factory=list)

    @property
    def near_duplicate_of(self) -> Article | None:
        return self.article.near_duplicate_of if self.article else None


def normalise_text(text: str) -> str:
    """NFC and LF line endings, once, before anything is stored (offsets count after it)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def display_name(name: str) -> str:
    """A client-supplied file name as shown, never used as a path: last part, no bidi."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = cleaning.strip_invisible(name).replace("\x00", "").strip()
    return name[:255] or "—"


def size_limit_text(limit: int) -> str:
    if limit >= 1024 * 1024:
        return _("%(n)s ميغابايت") % {"n": f"{limit / 1024 / 1024:g}"}
    return _("%(n)s كيلوبايت") % {"n": f"{limit / 1024:g}"}


def too_big_reason(limit: int | None = None) -> str:
    limit = limit or settings.IMPORT_MAX_FILE_BYTES
    return _("الملف أكبر من الحد المسموح به (%(limit)s).") % {"limit": size_limit_text(limit)}


def decode_reason(error: DecodeError) -> str:
    if error.code == "binary":
        return _("هذا ليس ملفاً نصياً (يبدو أنه ملف %(kind)s).") % {"kind": error.detail}
    if error.code == "nul":
        return _("الملف فيه بايتات صفرية (NUL): هذا ملف ثنائي وليس نصاً.")
    if error.code == "unknown_encoding":
        return _("ترميز غير معروف.")
    return _("تعذّرت قراءة الملف بأي ترميز معروف (UTF-8 أو UTF-16 أو Windows-1256 أو ISO-8859-6).")


class Importer:
    """Imports files one by one, remembering what it has seen (sources, sketches)."""

    def __init__(
        self,
        *,
        user=None,
        arabic_only: bool = True,
        hold_unsure: bool = False,
        max_bytes: int | None = None,
    ):
        self.user = user
        self.arabic_only = arabic_only
        self.hold_unsure = hold_unsure
        self.max_bytes = max_bytes or settings.IMPORT_MAX_FILE_BYTES
        self._sources: dict[str, Source] = {}
        self._index: similarity.SketchIndex | None = None

    @property
    def index(self) -> similarity.SketchIndex:
        if self._index is None:  # one query per run, only once a file gets this far
            recent = Article.objects.order_by("-id").values_list("id", "shingle_sketch")
            self._index = similarity.SketchIndex(list(recent[:RECENT_ARTICLES]))
        return self._index

    def import_bytes(self, name: str, data: bytes, *, encoding: str | None = None) -> ImportResult:
        name = display_name(name)
        if len(data) > self.max_bytes:
            return ImportResult(name, REJECTED, reason=too_big_reason(self.max_bytes))
        if not data:
            return ImportResult(name, REJECTED, reason=_("الملف فارغ."))
        try:
            decoded = decode(data, encoding)
        except DecodeError as error:
            return ImportResult(name, REJECTED, reason=decode_reason(error))
        raw = normalise_text(decoded.text)
        if not cleaning.strip_invisible(raw).strip():
            return ImportResult(
                name,
                REJECTED,
                reason=_("الملف لا يحتوي إلا على مسافات فارغة."),
                encoding=decoded.encoding,
            )
        if self.arabic_only and not cleaning.has_arabic(raw):
            return ImportResult(
                name,
                REJECTED,
                reason=_("الملف لا يحتوي على أي نص عربي."),
                encoding=decoded.encoding,
            )
        if self.hold_unsure and not decoded.confident:
            return ImportResult(
                name, UNSURE, encoding=decoded.encoding, preview=raw[:PREVIEW_CHARS],
                reason=_("الترميز غير مؤكد: راجع المعاينة واختر الترميز الصحيح."),
            )  # fmt: skip
        return self._store(name, raw, decoded.encoding)

    def import_path(self, path: Path) -> ImportResult:
        # The size is checked before the file is read.
        if path.stat().st_size > self.max_bytes:
            return ImportResult(
                display_name(path.name), REJECTED, reason=too_big_reason(self.max_bytes)
            )
        return self.import_bytes(path.name, path.read_bytes())

    def _store(self, name: str, raw: str, encoding: str) -> ImportResult:
        cleaned = cleaning.clean(raw)
        if not cleaned.body:
            return ImportResult(name, REJECTED, reason=_("لم يبقَ نص بعد حذف عناصر الموقع."))
        digest = body_sha256(cleaned.body)
        existing = Article.objects.filter(body_sha256=digest).first()
        if existing is not None:
            return ImportResult(
                name, DUPLICATE, article=existing, encoding=encoding,
                reason=_("مكرر للمقال رقم %(id)s.") % {"id": existing.pk},
            )  # fmt: skip
        sketch = similarity.sketch(cleaned.body)
        near = self.index.most_similar(sketch)
        article = Article(
            title=" ".join(cleaned.title.split())[:500],
            body=cleaned.body,
            raw_text=raw,
            removed_lines=cleaned.removed_json,
            detected_encoding=encoding,
            published_on=cleaned.published_on,
            original_filename=name,
            imported_by=self.user,
            shingle_sketch=sketch,
        )
        if near:
            article.near_duplicate_of_id, article.near_duplicate_score = near
        try:
            with transaction.atomic():
                if cleaned.outlet:
                    article.source = self._source(cleaned.outlet)
                article.save()
        except IntegrityError:  # the same story was stored by someone else meanwhile
            self._sources.clear()
            existing = Article.objects.get(body_sha256=digest)
            return ImportResult(name, DUPLICATE, article=existing, encoding=encoding)
        self.index.add(article.pk, sketch)
        return ImportResult(name, IMPORTED, article=article, encoding=encoding)

    def _source(self, name: str) -> Source:
        source = self._sources.get(name)
        if source is None:
            source, _created = Source.objects.get_or_create(name=name)
            self._sources[name] = source
        return source


def import_bytes(name: str, data: bytes, *, user=None, encoding: str | None = None) -> ImportResult:
    """Import one file's content under its original `name`."""
    return Importer(user=user).import_bytes(name, data, encoding=encoding)


def import_path(path: Path, *, user=None) -> ImportResult:
    return Importer(user=user).import_path(path)


def text_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, with folders expanded recursively to their .txt files, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".txt")
            )
        else:
            found.append(path)
    return found


# --- Batches: the record of who imported what ----------------------------------------


def record(batch: ImportBatch, position: int, result: ImportResult) -> ImportItem:
    """An ImportItem row for a finished result."""
    return ImportItem(
        batch=batch,
        position=position,
        filename=result.name,
        status=result.status,
        reason=result.reason,
        article=result.article,
        encoding=result.encoding,
    )


def hold_files(batch: ImportBatch, files: Iterable[tuple[str, bytes]]) -> None:
    """Queue files on a batch (bytes kept until processed), in one query."""
    ImportItem.objects.bulk_create(
        ImportItem(
            batch=batch,
            position=position,
            filename=display_name(name),
            status=ImportItem.Status.PENDING,
            held_data=data,
        )
        for position, (name, data) in enumerate(files)
    )


def process_pending(batch: ImportBatch, *, limit: int, user=None) -> int:
    """Import up to `limit` pending files of `batch`; returns how many were processed.

    Rows are locked with SKIP LOCKED, so two browser tabs polling the same batch never
    import a file twice."""
    importer = Importer(user=user, hold_unsure=True)
    done = 0
    for _i in range(limit):
        with transaction.atomic():
            item = (
                batch.items.filter(status=ImportItem.Status.PENDING)
                .select_for_update(skip_locked=True)
                .order_by("position")
                .first()
            )
            if item is None:
                break
            result = importer.import_bytes(item.filename, bytes(item.held_data))
            _apply(item, result)
        done += 1
    return done


def retry_with_encoding(item: ImportItem, encoding: str, *, user=None) -> ImportResult:
    """Import a held (unsure) file again with the encoding an admin picked."""
    with transaction.atomic():
        result = Importer(user=user).import_bytes(
            item.filename, bytes(item.held_data), encoding=encoding
        )
        _apply(item, result)
    return result


def preview(item: ImportItem, encoding: str) -> str:
    """The start of a held file decoded as `encoding`, or the reason it cannot be."""
    try:
        text = decode(bytes(item.held_data or b""), encoding).text
    except DecodeError as error:
        return decode_reason(error)
    return normalise_text(text)[:PREVIEW_CHARS]


def _apply(item: ImportItem, result: ImportResult) -> None:
    item.status = result.status
    item.reason = result.reason
    item.article = result.article
    item.encoding = result.encoding
    if result.status != UNSURE:
        item.held_data = None  # the bytes live on as the article's raw text, or not at all
    item.save(update_fields=["status", "reason", "article", "encoding", "held_data"])


def iter_results(importer: Importer, paths: list[Path]) -> Iterator[tuple[Path, ImportResult]]:
    for path in paths:
        yield path, importer.import_path(path)
