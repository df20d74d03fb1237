"""Bringing text files in as articles: one pipeline for the command line and the web.

decode → normalise → clean → dedupe → store. Each file gives exactly one
`ImportResult`: imported (maybe flagged as a near-duplicate), duplicate (of which
article), rejected (with a reason in Arabic), or, only when the caller asks to hold them,
unsure (the encoding guess needs a person) or similar (a near copy of an article of the
same outlet: a newer version of that story, or a new one, as an Admin decides; see
articles/importing/similar.py). A rejected file writes nothing, and each file is stored in
its own transaction, so one bad file never spoils a batch.

The claim index and quote suggestions of new articles are not computed here: a job
deferred in the same transaction does it (articles/jobs/indexing.py), so the import
commits sooner and the job exists exactly when the articles do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Func
from django.utils.translation import gettext as _

from articles.importing import outlet_memory
from articles.jobs import queue
from articles.models import Article, ImportBatch, ImportItem, Source, body_sha256
from articles.text import cleaning, near_duplicates
from articles.text.decoding import DecodeError, decode

IMPORTED = "imported"
DUPLICATE = "duplicate"
REJECTED = "rejected"
UNSURE = "unsure"
SIMILAR = "similar"
HELD = (UNSURE, SIMILAR)  # statuses whose file keeps its bytes for an Admin's decision

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
    held: bytes | None = None  # a similar file's bytes, kept for the decision

    @property
    def near_duplicate_of(self) -> Article | None:
        return self.article.near_duplicate_of if self.article else None


@dataclass
class _Ready:
    """A decoded, cleaned file waiting for the duplicate check and the insert."""

    name: str
    data: bytes
    raw: str
    encoding: str
    cleaned: cleaning.Cleaned
    digest: str
    sketch: list[int] = field(default_factory=list)  # computed only for new stories
    seen: set[str] = field(default_factory=set)  # short lines, for the outlet's memory
    first_digest: str = ""  # of the text cleaned without the outlet's memory


@dataclass(frozen=True)
class CleanedFile:
    """A file read and cleaned for a new version of an existing article: its text, and
    the provenance the raw page shows (the file, and the lines its clean-up removed)."""

    name: str
    raw: str
    encoding: str
    body: str
    removed_lines: list[dict]


def normalise_text(text: str) -> str:
    """NFC and LF line endings, once, before anything is stored (offsets count after it)."""
    return cleaning.normalise(text)


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


def empty_reason() -> str:
    return _("الملف فارغ.")


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
        hold_similar: bool = False,
        max_bytes: int | None = None,
    ):
        self.user = user
        self.arabic_only = arabic_only
        self.hold_unsure = hold_unsure
        self.hold_similar = hold_similar
        self.max_bytes = max_bytes or settings.IMPORT_MAX_FILE_BYTES
        self._sources: dict[str, Source] = {}
        self._index: near_duplicates.SketchIndex | None = None
        self._unsaved: dict[int, Article] = {}  # negative index keys until bulk_create
        self._memories: dict[str, cleaning.OutletMemory] = {}  # per outlet name, this run

    @property
    def index(self) -> near_duplicates.SketchIndex:
        if self._index is None:  # one query per run, only once a file gets this far
            recent = Article.objects.order_by("-id").values_list("id", "shingle_sketch")
            self._index = near_duplicates.SketchIndex(list(recent[:RECENT_ARTICLES]))
        return self._index

    def import_bytes(self, name: str, data: bytes, *, encoding: str | None = None) -> ImportResult:
        return self.import_many([(name, data)], encoding=encoding)[0]

    def import_path(self, path: Path) -> ImportResult:
        return self.import_many([(path.name, path)])[0]

    def import_many(
        self, files: list[tuple[str, bytes | Path]], *, encoding: str | None = None
    ) -> list[ImportResult]:
        """Import several files with a fixed number of queries: one duplicate lookup, one
        for the saved articles they may be near copies of, and one bulk insert for all of
        them (plus Sources not seen before). Call it inside a transaction to commit them
        together."""
        results: list[ImportResult | None] = []
        ready: list[tuple[int, _Ready]] = []
        for i, (name, data) in enumerate(files):
            prepared = self._prepare(display_name(name), data, encoding)
            if isinstance(prepared, ImportResult):
                results.append(prepared)
            else:
                results.append(None)
                ready.append((i, prepared))
        if not ready:
            return [result for result in results if result is not None]  # every slot is filled
        digests = [d for _i, r in ready for d in (r.digest, r.first_digest) if d]
        existing = {a.body_sha256: a for a in Article.objects.filter(body_sha256__in=digests)}
        stories = [r for _i, r in ready if not ({r.digest, r.first_digest} & existing.keys())]
        for r in stories:  # a file that repeats an earlier one of this call gets one too
            r.sketch = near_duplicates.sketch(r.cleaned.body)
        resemblable = self._resemblable([r for r in stories if r.cleaned.outlet])
        new: list[Article] = []
        pending_near: list[tuple[Article, Article]] = []  # near-duplicates within this call
        for i, r in ready:
            found = existing.get(r.digest) or existing.get(r.first_digest)
            if found is not None:
                results[i] = self._duplicate(r, found)
                continue
            near = self.index.most_similar(r.sketch)
            resembled = self._same_outlet(resemblable, near[0], r.cleaned.outlet) if near else None
            if near and resembled is not None:
                results[i] = self._similar(r, resembled, near[1])
                continue
            article = self._article(r)
            if near:
                key, article.near_duplicate_score = near
                if key > 0:
                    article.near_duplicate_of_id = key
                else:
                    pending_near.append((article, self._unsaved[key]))
            existing[r.digest] = article
            if r.first_digest:
                existing[r.first_digest] = article
            self._unsaved[-len(self._unsaved) - 1] = article
            self.index.add(-len(self._unsaved), r.sketch)
            new.append(article)
            results[i] = ImportResult(r.name, IMPORTED, article=article, encoding=r.encoding)
        self._save(new, results, ready)
        for article, other in pending_near:
            article.near_duplicate_of = other
        if pending_near:
            Article.objects.bulk_update([a for a, _o in pending_near], ["near_duplicate_of"])
        return [result for result in results if result is not None]  # every slot is filled

    def _resemblable(self, stories: list[_Ready]) -> dict[int, Article]:
        """The saved articles these files may be held as near copies of, with their outlet,
        in one query: every saved article their sketches come close enough to. The files
        added to the index meanwhile are unsaved (negative keys), so no other saved article
        can become the nearest later in the call."""
        if not self.hold_similar or not stories:
            return {}
        keys = {key for r in stories for key in self.index.candidates(r.sketch) if key > 0}
        if not keys:
            return {}
        found = Article.objects.filter(pk__in=keys).select_related("source")
        return {a.pk: a for a in found.only("id", "title", "body_version", "source__name")}

    @staticmethod
    def _same_outlet(resemblable: dict[int, Article], key: int, outlet: str) -> Article | None:
        """The saved article `key` if it is from the outlet `outlet`, when similar files
        are held: another version of one story of that outlet."""
        article = resemblable.get(key)
        if article is None or not outlet or article.source is None:
            return None
        return article if article.source.name == outlet[:200] else None

    def _similar(self, r: _Ready, resembled: Article, score: float) -> ImportResult:
        reason = _(
            "يشبه المقال رقم %(id)s من المصدر نفسه (تشابه %(score)s٪): حدّث ذلك المقال "
            "بهذا النص أو استورده مقالاً جديداً."
        ) % {"id": resembled.pk, "score": round(score * 100)}
        return ImportResult(
            r.name, SIMILAR, article=resembled, reason=reason, encoding=r.encoding, held=r.data
        )

    def cleaned_file(
        self, name: str, data: bytes, encoding: str | None
    ) -> CleanedFile | ImportResult:
        """A file as an import would store it (decoded, normalised, cleaned), or the result
        saying why it cannot be (rejected)."""
        prepared = self._prepare(display_name(name), data, encoding)
        if isinstance(prepared, ImportResult):
            return prepared
        return CleanedFile(
            name=prepared.name,
            raw=prepared.raw,
            encoding=prepared.encoding,
            body=prepared.cleaned.body,
            removed_lines=prepared.cleaned.removed_json,
        )

    def _prepare(
        self, name: str, data: bytes | Path, encoding: str | None
    ) -> _Ready | ImportResult:
        if isinstance(data, Path):
            if data.stat().st_size > self.max_bytes:  # checked before the file is read
                return ImportResult(name, REJECTED, reason=too_big_reason(self.max_bytes))
            data = data.read_bytes()
        if len(data) > self.max_bytes:
            return ImportResult(name, REJECTED, reason=too_big_reason(self.max_bytes))
        if not data:
            return ImportResult(name, REJECTED, reason=empty_reason())
        try:
            decoded = decode(data, encoding)
        except DecodeError as error:
            return ImportResult(name, REJECTED, reason=decode_reason(error))
        raw = normalise_text(decoded.text)
        if not cleaning.strip_invisible(raw).strip():
            reason = _("الملف لا يحتوي إلا على مسافات فارغة.")
            return ImportResult(name, REJECTED, reason=reason, encoding=decoded.encoding)
        if self.arabic_only and not cleaning.has_arabic(raw):
            reason = _("الملف لا يحتوي على أي نص عربي.")
            return ImportResult(name, REJECTED, reason=reason, encoding=decoded.encoding)
        if self.hold_unsure and not decoded.confident:
            return ImportResult(
                name, UNSURE, encoding=decoded.encoding, preview=raw[:PREVIEW_CHARS],
                reason=_("الترميز غير مؤكد: راجع المعاينة واختر الترميز الصحيح."),
            )  # fmt: skip
        first, cleaned = self._clean(raw)
        if not cleaned.body:
            return ImportResult(name, REJECTED, reason=_("لم يبقَ نص بعد حذف عناصر الموقع."))
        return _Ready(
            name=name,
            data=data,
            raw=raw,
            encoding=decoded.encoding,
            cleaned=cleaned,
            digest=body_sha256(cleaned.body),
            seen=cleaning.seen_keys(raw) if cleaned.outlet else set(),
            first_digest=body_sha256(first.body) if first is not cleaned else "",
        )

    def _clean(self, raw: str) -> tuple[cleaning.Cleaned, cleaning.Cleaned]:
        """Clean; then, when the outlet has learned rules or remembers some of these lines,
        clean again with them (the outlet is known only after a first pass). Returns both:
        a page imported again must still be found a duplicate by its first clean-up."""
        cleaned = cleaning.clean(raw)
        if not cleaned.outlet:
            return cleaned, cleaned
        if cleaned.outlet not in self._memories:  # queries once per outlet and run
            source = Source.objects.filter(name=cleaned.outlet[:200]).first()
            self._memories[cleaned.outlet] = outlet_memory.memory_for(source)
        memory = self._memories[cleaned.outlet]
        if not memory or not self._would_change(cleaned, raw, memory):
            return cleaned, cleaned
        relearned = cleaning.clean(raw, memory)
        relearned.outlet = cleaned.outlet
        return cleaned, relearned

    def _article(self, r: _Ready) -> Article:
        article = Article(
            title=" ".join(r.cleaned.title.split())[:500],
            body=r.cleaned.body,
            body_sha256=r.digest,
            raw_text=r.raw,
            removed_lines=r.cleaned.removed_json,
            detected_encoding=r.encoding,
            published_on=r.cleaned.published_on,
            original_filename=r.name,
            imported_by=self.user,
            shingle_sketch=r.sketch,
        )
        article._loaded_body = article.body
        return article

    def _duplicate(self, r: _Ready, found: Article) -> ImportResult:
        if found.pk:
            reason = _("مكرر للمقال رقم %(id)s.") % {"id": found.pk}
        else:
            reason = _("مكرر لملف سابق في الدفعة نفسها.")
        return ImportResult(r.name, DUPLICATE, article=found, encoding=r.encoding, reason=reason)

    def _save(self, new: list[Article], results: list, ready: list[tuple[int, _Ready]]) -> None:
        if not new:
            return
        outlets = {r.cleaned.outlet for _i, r in ready if r.cleaned.outlet}
        self._load_sources(outlets)
        by_digest = {r.digest: r for _i, r in ready}
        for article in new:
            outlet = by_digest[article.body_sha256].cleaned.outlet
            article.source = self._sources.get(outlet) if outlet else None
        try:
            with transaction.atomic():
                Article.objects.bulk_create(new)
                queue.defer_indexing([article.pk for article in new])
                outlet_memory.remember((a, by_digest[a.body_sha256].seen) for a in new)
        except IntegrityError:
            # Someone imported one of these meanwhile: fall back to one file at a time.
            for article in new:
                try:
                    with transaction.atomic():
                        article.save()
                        queue.defer_indexing([article.pk])
                        outlet_memory.remember([(article, by_digest[article.body_sha256].seen)])
                except IntegrityError:
                    found = Article.objects.get(body_sha256=article.body_sha256)
                    for i, result in enumerate(results):
                        if result.article is article:
                            results[i] = ImportResult(result.name, DUPLICATE, article=found)
        for key, article in list(self._unsaved.items()):
            if article.pk:
                self.index.replace(key, article.pk)
        for _i, r in ready:  # later files of this run remember these pages too
            memory = self._memories.get(r.cleaned.outlet)
            if memory is not None and r.seen:
                self._memories[r.cleaned.outlet] = cleaning.OutletMemory(
                    memory.furniture, memory.story, memory.seen | r.seen
                )
        self._unsaved.clear()

    @staticmethod
    def _would_change(cleaned: cleaning.Cleaned, raw: str, memory: cleaning.OutletMemory) -> bool:
        """Whether the outlet's memory bears on this page: a remembered furniture line still
        in the text, or a line an Admin called story among those removed."""
        short = {cleaning.line_key(line) for line in cleaning.short_lines(cleaned.body)}
        if not short.isdisjoint(memory.seen):
            return True
        if memory.furniture and memory.touches(cleaning.memory_keys(cleaned.body)):
            return True
        return bool(memory.story) and memory.touches(cleaning.memory_keys(raw))

    def _load_sources(self, names: set[str]) -> None:
        missing = names - self._sources.keys()
        if not missing:
            return
        Source.objects.bulk_create([Source(name=n[:200]) for n in missing], ignore_conflicts=True)
        for source in Source.objects.filter(name__in=[n[:200] for n in missing]):
            self._sources[source.name] = source


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
        held_data=result.held if result.status == SIMILAR else None,
    )


def hold_files(
    batch: ImportBatch,
    entries: Iterable[tuple[str, bytes | None, str]],
    *,
    queue_import: bool = True,
) -> int:
    """Store (name, bytes, refusal reason) entries on a batch for a worker to import, and
    queue its jobs (unless the caller imports them itself), in one transaction; refused
    entries are recorded as rejected at once. Returns the number of files.

    COPY, not INSERT: the bytes go as they are, where an INSERT's parameters would be
    quoted as text first (the larger part of an upload's time at a thousand files)."""
    count = pending = 0
    columns = "batch_id, position, filename, status, reason, held_data, encoding"
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.copy(
            f"COPY articles_importitem ({columns}) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["bigint", "integer", "varchar", "varchar", "text", "bytea", "varchar"])
            for position, (name, data, reason) in enumerate(entries):
                status = ImportItem.Status.REJECTED if reason else ImportItem.Status.PENDING
                held = None if reason else data
                copy.write_row((batch.pk, position, display_name(name), status, reason, held, ""))
                count, pending = count + 1, pending + (not reason)
        if queue_import:
            queue.defer_import(batch, files=pending)
    return count


def process_pending(
    batch: ImportBatch, *, limit: int, user=None, max_bytes: int | None = None
) -> int:
    """Import up to `limit` pending files of `batch`, and up to `max_bytes` of them
    (IMPORT_BYTES_PER_COMMIT; always at least one file), in one commit; returns how many.

    Rows are locked with SKIP LOCKED, so two workers on the same batch never import a
    file twice; a worker killed mid-chunk leaves the chunk pending, none of it stored."""
    max_bytes = max_bytes or settings.IMPORT_BYTES_PER_COMMIT
    importer = Importer(user=user, hold_unsure=True, hold_similar=True)
    with transaction.atomic():
        # Sizes first, bytes after: a chunk of large files is cut short, not loaded whole.
        sizes = list(
            batch.items.filter(status=ImportItem.Status.PENDING)
            .select_for_update(skip_locked=True)
            .order_by("position")
            .annotate(size=Func(F("held_data"), function="octet_length"))
            .values_list("pk", "size")[:limit]
        )
        chosen: list[int] = []
        total = 0
        for pk, size in sizes:
            total += size or 0
            if chosen and total > max_bytes:
                break
            chosen.append(pk)
        items = list(ImportItem.objects.filter(pk__in=chosen).order_by("position"))
        results = importer.import_many(
            [(item.filename, bytes(item.held_data or b"")) for item in items]
        )
        _record_results(items, results)
    return len(items)


def _record_results(items: list[ImportItem], results: list[ImportResult]) -> None:
    """The chunk's outcomes in one UPDATE (Django's bulk_update builds a CASE per row and
    field: slower than the import itself at 200 files)."""
    if not items:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE articles_importitem AS item
            SET status = r.status, reason = r.reason, article_id = r.article_id,
                encoding = r.encoding,
                held_data = CASE WHEN r.status = ANY(%s) THEN item.held_data END
            FROM unnest(%s::bigint[], %s::varchar[], %s::text[], %s::bigint[], %s::varchar[])
                AS r(id, status, reason, article_id, encoding)
            WHERE item.id = r.id
            """,
            [
                list(HELD),  # an unsure or similar file keeps its bytes for a decision
                [item.pk for item in items],
                [result.status for result in results],
                [result.reason for result in results],
                [result.article.pk if result.article else None for result in results],
                [result.encoding for result in results],
            ],
        )


def retry_with_encoding(item: ImportItem, encoding: str, *, user=None) -> ImportResult:
    """Import a held (unsure) file again with the encoding an admin picked (a near copy
    of an article of the same outlet is held again, for the next decision)."""
    with transaction.atomic():
        result = Importer(user=user, hold_similar=True).import_bytes(
            item.filename, bytes(item.held_data or b""), encoding=encoding
        )
        apply_result(item, result)
        item.save(update_fields=APPLIED_FIELDS)
    return result


def preview(item: ImportItem, encoding: str) -> str:
    """The start of a held file decoded as `encoding`, or the reason it cannot be."""
    try:
        text = decode(bytes(item.held_data or b""), encoding).text
    except DecodeError as error:
        return decode_reason(error)
    return normalise_text(text)[:PREVIEW_CHARS]


APPLIED_FIELDS = ["status", "reason", "article", "encoding", "held_data"]


def apply_result(item: ImportItem, result: ImportResult) -> None:
    item.status = result.status
    item.reason = result.reason
    item.article = result.article
    item.encoding = result.encoding
    if result.status not in HELD:
        item.held_data = None  # the bytes live on as the article's raw text, or not at all
