"""Reading uploaded .txt and .zip files as a stream of (name, bytes | rejection) entries.

One request has one budget: at most IMPORT_MAX_UPLOAD_BYTES decompressed and
IMPORT_MAX_UPLOAD_FILES files, whatever number of archives carry them. Entries are produced
one at a time, so a caller that stores each before asking for the next holds one file in
memory, never the upload. Sizes are checked from `UploadedFile.size` before a body is read,
bodies are read in chunks, and zip members are bounded by the bytes actually decompressed
(never by the sizes the archive claims). A member that cannot be decompressed is one
rejected entry; the others still come. Entry names are display text only: nothing is ever
written to disk under them.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from articles.importing.pipeline import display_name, empty_reason, hold_files, too_big_reason
from articles.models import ImportBatch

MAX_ZIP_ENTRIES = 500
# What a damaged or hostile member raises while it is decompressed (zlib for deflate,
# lzma for xz, EOFError for a truncated stream, BadZipFile for a CRC mismatch).
DECOMPRESS_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
)


@dataclass
class Incoming:
    name: str
    data: bytes | None = None
    reason: str = ""  # set when the file is refused before import


def store_batch(
    incoming: Iterable[Incoming], *, user, via: str, queue_import: bool = True
) -> tuple[ImportBatch, int]:
    """A batch with a row per file: pending with its bytes, or already rejected with its
    reason; and how many files. The page and the API both start here. The batch, its rows
    and (with `queue_import`) the jobs that import them commit together; each file is
    stored before the next is read, so a request holds one file in memory, not the upload."""
    with transaction.atomic():
        batch = ImportBatch.objects.create(created_by=user, via=via)
        n_files = hold_files(
            batch,
            ((item.name, item.data, item.reason) for item in incoming),
            queue_import=queue_import,
        )
    return batch, n_files


@dataclass
class UploadBudget:
    """What the rest of one request may still decompress, and how many files it may give."""

    bytes_left: int
    files_left: int

    @classmethod
    def for_request(cls) -> UploadBudget:
        return cls(settings.IMPORT_MAX_UPLOAD_BYTES, settings.IMPORT_MAX_UPLOAD_FILES)

    def read_limit(self) -> int:
        """Read one byte past what may be kept, to tell "at the limit" from "over it"."""
        return min(settings.IMPORT_MAX_FILE_BYTES, self.bytes_left) + 1

    def keep(self, name: str, data: bytes) -> Incoming:
        file_limit = settings.IMPORT_MAX_FILE_BYTES
        if not data:  # said at once: no worker is needed to find a file empty
            return Incoming(name, reason=empty_reason())
        if len(data) > self.bytes_left:
            self.bytes_left = 0
            return Incoming(name, reason=over_upload_bytes_reason())
        self.bytes_left -= len(data)
        if len(data) > file_limit:
            return Incoming(name, reason=too_big_reason(file_limit))
        return Incoming(name, data)


def over_upload_bytes_reason() -> str:
    limit_mb = settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)
    return _("الملفات المرفوعة معاً تتجاوز %(n)s ميغابايت بعد فك الضغط؛ لم يُقرأ هذا الملف.") % {
        "n": limit_mb
    }


def iter_uploads(uploads: Iterable) -> Iterator[Incoming]:
    """Every file of one request, one entry at a time, within the request's budget."""
    budget = UploadBudget.for_request()
    for upload in uploads:
        for incoming in _entries(upload, budget):
            if budget.files_left == 0:
                yield Incoming(
                    incoming.name,
                    reason=_("الرفع فيه أكثر من %(n)s ملف؛ لم يُقرأ هذا الملف وما بعده.")
                    % {"n": settings.IMPORT_MAX_UPLOAD_FILES},
                )
                return
            budget.files_left -= 1
            yield incoming


def _entries(upload, budget: UploadBudget) -> Iterator[Incoming]:
    name = display_name(upload.name)
    if name.lower().endswith(".zip"):
        yield from _zip_entries(upload, name, budget)
        return
    limit = settings.IMPORT_MAX_FILE_BYTES
    if upload.size > limit:
        yield Incoming(name, reason=too_big_reason(limit))
    elif not name.lower().endswith(".txt"):
        yield Incoming(name, reason=_("يُقبل فقط ملفات ‎.txt أو ‎.zip."))
    elif upload.size > budget.bytes_left:
        budget.bytes_left = 0
        yield Incoming(name, reason=over_upload_bytes_reason())
    else:
        yield budget.keep(name, _read_chunks(upload, budget.read_limit()))


def _zip_entries(upload, name: str, budget: UploadBudget) -> Iterator[Incoming]:
    try:
        archive = zipfile.ZipFile(upload)
        members = [info for info in archive.infolist() if not info.is_dir()]
    except DECOMPRESS_ERRORS:
        yield Incoming(name, reason=_("الأرشيف تالف أو ليس ملف zip."))
        return
    if len(members) > MAX_ZIP_ENTRIES:
        reason = _("الأرشيف فيه أكثر من %(n)s ملف.") % {"n": MAX_ZIP_ENTRIES}
        yield Incoming(name, reason=reason)
        return
    if not members:
        yield Incoming(name, reason=_("الأرشيف فارغ."))
        return
    with archive:
        for info in members:
            yield _member(archive, info, budget)


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: UploadBudget) -> Incoming:
    entry = display_name(info.filename)
    if info.flag_bits & 0x1:
        return Incoming(entry, reason=_("ملف مشفّر داخل الأرشيف."))
    if not entry.lower().endswith(".txt"):
        return Incoming(entry, reason=_("يُقبل فقط ملفات ‎.txt داخل الأرشيف."))
    if budget.bytes_left == 0:
        return Incoming(entry, reason=over_upload_bytes_reason())
    try:
        with archive.open(info) as member:
            data = member.read(budget.read_limit())  # never more, whatever it claims
    except DECOMPRESS_ERRORS:
        return Incoming(entry, reason=_("تعذّر فك ضغط هذا الملف."))
    return budget.keep(entry, data)


def _read_chunks(upload, limit: int) -> bytes:
    parts = []
    size = 0
    for chunk in upload.chunks():
        size += len(chunk)
        parts.append(chunk)
        if size >= limit:  # the client lied about the size
            break
    return b"".join(parts)[:limit]
