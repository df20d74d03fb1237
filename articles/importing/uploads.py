"""Reading uploaded .txt and .zip files into (name, bytes | rejection) pairs, safely.

Sizes are checked from `UploadedFile.size` before a body is read, bodies are read in
chunks, and zip archives are bounded by entry count and by the bytes actually
decompressed (never by the sizes the archive claims). Entry names are display text
only: nothing is ever written to disk under them.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from articles.importing.pipeline import display_name, too_big_reason

MAX_ZIP_ENTRIES = 500
MAX_ZIP_TOTAL_BYTES = 50 * 1024 * 1024


@dataclass
class Incoming:
    name: str
    data: bytes | None = None
    reason: str = ""  # set when the file is refused before import


def read_upload(upload) -> list[Incoming]:
    """One uploaded file: a .txt gives one entry, a .zip one per member."""
    name = display_name(upload.name)
    if name.lower().endswith(".zip"):
        return read_zip(upload, name)
    limit = settings.IMPORT_MAX_FILE_BYTES
    if upload.size > limit:
        return [Incoming(name, reason=too_big_reason(limit))]
    if not name.lower().endswith(".txt"):
        return [Incoming(name, reason=_("يُقبل فقط ملفات ‎.txt أو ‎.zip."))]
    return [Incoming(name, _read_chunks(upload, limit))]


def read_zip(upload, name: str) -> list[Incoming]:
    limit = settings.IMPORT_MAX_FILE_BYTES
    try:
        archive = zipfile.ZipFile(upload)
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return [Incoming(name, reason=_("الأرشيف تالف أو ليس ملف zip."))]
    if len(members) > MAX_ZIP_ENTRIES:
        return [
            Incoming(
                name,
                reason=_("الأرشيف فيه أكثر من %(n)s ملف.") % {"n": MAX_ZIP_ENTRIES},
            )
        ]
    total = 0
    found: list[Incoming] = []
    for info in members:
        entry = display_name(info.filename)
        if info.flag_bits & 0x1:
            found.append(Incoming(entry, reason=_("ملف مشفّر داخل الأرشيف.")))
            continue
        if not entry.lower().endswith(".txt"):
            found.append(Incoming(entry, reason=_("يُقبل فقط ملفات ‎.txt داخل الأرشيف.")))
            continue
        try:
            with archive.open(info) as member:
                data = member.read(limit + 1)  # never more than the limit, whatever it claims
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            found.append(Incoming(entry, reason=_("تعذّر فك ضغط هذا الملف.")))
            continue
        total += len(data)
        if total > MAX_ZIP_TOTAL_BYTES:
            limit_mb = MAX_ZIP_TOTAL_BYTES // (1024 * 1024)
            return [
                Incoming(
                    name,
                    reason=_("حجم الأرشيف بعد فك الضغط يتجاوز %(n)s ميغابايت.") % {"n": limit_mb},
                )
            ]
        if len(data) > limit:
            found.append(Incoming(entry, reason=too_big_reason(limit)))
        else:
            found.append(Incoming(entry, data))
    return found or [Incoming(name, reason=_("الأرشيف فارغ."))]


def _read_chunks(upload, limit: int) -> bytes:
    parts = []
    size = 0
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:  # the client lied about the size
            break
        parts.append(chunk)
    return b"".join(parts)
