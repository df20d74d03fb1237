"""Exports too big to stream comfortably, built by a worker into a file kept in
PostgreSQL: requested from the export page, downloaded when ready, dropped after
PREPARED_EXPORT_RETENTION_DAYS by a periodic job.

The file is written by the same code as the direct download (`exporting.export_file`),
one megabyte at a time: each piece is copied in (binary COPY) and committed with the
progress the page shows, so neither the worker nor the web process ever holds the whole file.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from articles import exporting
from articles.models import (
    PreparedExport,
    PreparedExportChunk,
    Tag,
    TagSet,
    WebhookEndpoint,
)
from articles.search.tag_filter import stored_filter_q
from articles.webhooks import delivery

logger = logging.getLogger(__name__)

STORED_CHUNK_BYTES = 1024 * 1024  # one PreparedExportChunk row
PROGRESS_EVERY_ROWS = 2000
CHUNKS_PER_FETCH = 4  # a download holds at most this many megabytes at once
ERROR_CHARS = 500

Status = PreparedExport.Status


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.PREPARED_EXPORT_RETENTION_DAYS)


def tags_to_export(export: PreparedExport) -> tuple[QuerySet[Tag], TagSet | None]:
    """What the direct download of the same request reads: the set's tags (a frozen set's
    stored rows), or the tags the stored filter matches."""
    if export.tagset is not None:
        frozen = export.tagset if export.tagset.frozen else None
        return export.tagset.current_tags(), frozen
    return Tag.objects.filter(stored_filter_q(export.filters)), None


def build(export_id: int) -> None:
    """Write the file of a queued export. Safe to run again (a retry, or a worker that died
    mid-way): it starts over from no stored piece. A failure is kept on the export, with
    its reason, for the reviewer to see and retry."""
    with transaction.atomic():
        export = (
            PreparedExport.objects.select_for_update(of=("self",))
            .select_related("tagset", "requested_by")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status in (Status.READY, Status.FAILED):
            return  # deleted, expired, already done, or failed (the reviewer retries it)
        export.chunks.all().delete()
        PreparedExport.objects.filter(pk=export.pk).update(
            status=Status.RUNNING, rows_done=0, size_bytes=0, error=""
        )
    try:
        rows = _write_file(export)
    except Exception as error:
        logger.exception("prepared export %s failed", export.pk)
        with transaction.atomic():
            export.chunks.all().delete()
            PreparedExport.objects.filter(pk=export.pk).update(
                status=Status.FAILED,
                error=f"{type(error).__name__}: {error}"[:ERROR_CHARS],
                finished_at=timezone.now(),
            )
        return
    _announce_ready(export, rows)


class _Counted:
    """Rows passing through to the file writer, counted; the count reaches the page every
    PROGRESS_EVERY_ROWS rows."""

    def __init__(self, records: Iterable[dict], export_id: int) -> None:
        self.records, self.export_id, self.count = records, export_id, 0

    def __iter__(self) -> Iterator[dict]:
        for row in self.records:
            yield row
            self.count += 1
            if self.count % PROGRESS_EVERY_ROWS == 0:
                PreparedExport.objects.filter(pk=self.export_id).update(rows_done=self.count)


def _write_file(export: PreparedExport) -> int:
    """Store the file piece by piece; returns the number of rows written."""
    tags, frozen = tags_to_export(export)
    records = exporting.export_records(
        tags, frozen=frozen, article_url_base=export.article_url_base
    )
    counted = _Counted(records, export.pk)
    body = exporting.export_file(
        export.format,
        tags,
        counted,
        frozen=frozen is not None,
        article_url_base=export.article_url_base,
        label=export.name,
        collection_id=export.collection_id,
    )
    if export.format == "xlsx":  # a temporary file, written whole (constant memory)
        pieces = exporting.file_chunks(body, STORED_CHUNK_BYTES)
    else:
        pieces = exporting.buffered(body, STORED_CHUNK_BYTES)
    for number, piece in enumerate(pieces):
        with transaction.atomic():
            _store_piece(export.pk, number, piece)
            PreparedExport.objects.filter(pk=export.pk).update(
                size_bytes=F("size_bytes") + len(piece)
            )
    return counted.count


def _store_piece(export_id: int, number: int, piece: bytes) -> None:
    """One piece through binary COPY: the bytes go as they are, not escaped into the SQL
    (an INSERT's bytea literal doubles them, and DEBUG's query log would keep each one)."""
    table = PreparedExportChunk._meta.db_table
    statement = f"COPY {table} (export_id, number, data) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        copy.set_types(["bigint", "integer", "bytea"])
        copy.write_row((export_id, number, piece))


def _announce_ready(export: PreparedExport, rows: int) -> None:
    """Ready for download; a set's export is reported like a direct download of it."""
    now = timezone.now()
    with transaction.atomic():
        PreparedExport.objects.filter(pk=export.pk).update(
            status=Status.READY,
            rows_done=rows,
            rows_total=rows,
            finished_at=now,
            expires_at=now + retention(),
        )
        if export.tagset is not None:
            TagSet.objects.filter(pk=export.tagset.pk).update(last_exported_at=now)
            delivery.record(
                WebhookEndpoint.Event.SET_EXPORTED,
                {
                    "set_id": export.tagset.pk,
                    "name": export.tagset.name,
                    "user": export.requested_by.get_username(),
                    "format": export.format,
                    "prepared_export_id": export.pk,
                },
            )


def stored_chunks(export: PreparedExport) -> Iterator[bytes]:
    """The file's bytes in order, a few pieces per fetch (server-side cursor)."""
    pieces = (
        PreparedExportChunk.objects.filter(export=export)
        .order_by("number")
        .values_list("data", flat=True)
        .iterator(chunk_size=CHUNKS_PER_FETCH)
    )
    for piece in pieces:
        yield bytes(piece)


def drop_expired() -> int:
    """Delete the exports past their retention period with their bytes; returns how many."""
    with transaction.atomic():
        deleted, by_model = PreparedExport.objects.expired().delete()
    return by_model.get(PreparedExport._meta.label, 0)
