"""The background jobs. Each is safe to run twice or to be cut off by a crash: work is
committed in small transactions that record their own progress in the database."""

from __future__ import annotations

import datetime
import logging

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from articles.claims import passage_index
from articles.importing.pipeline import process_pending
from articles.jobs import indexing, prepared_exports, queue
from articles.models import ImportBatch, ImportItem, TagTally, WebhookEndpoint
from articles.webhooks import delivery

logger = logging.getLogger(__name__)

RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)
STALLED_AFTER_SECONDS = 60  # a worker silent this long is dead (heartbeats every 10 s)


@app.task(queue="imports", retry=RETRY)
def import_batch(batch_id: int) -> None:
    """Import every pending file of a batch, one committed chunk at a time."""
    batch = ImportBatch.objects.select_related("created_by").filter(pk=batch_id).first()
    if batch is None:  # deleted meanwhile
        return
    while process_pending(batch, limit=settings.IMPORT_FILES_PER_COMMIT, user=batch.created_by):
        pass
    announce_finished(batch)


def announce_finished(batch: ImportBatch) -> None:
    """Tell webhooks once that no file of the batch is left; several jobs share a batch,
    so the conditional update picks the one that does."""
    with transaction.atomic():
        if batch.items.filter(status=ImportItem.Status.PENDING).exists():
            return  # another job's chunk is still running: it will announce
        claimed = ImportBatch.objects.filter(pk=batch.pk, finish_announced_at__isnull=True)
        if not claimed.update(finish_announced_at=timezone.now()):
            return
        counts = dict(batch.items.values_list("status").annotate(n=Count("pk")).order_by())
        delivery.record(
            WebhookEndpoint.Event.IMPORT_FINISHED, {"batch_id": batch.pk, "files": counts}
        )


@app.task(queue="indexing", retry=RETRY)
def index_articles(article_ids: list[int]) -> None:
    indexing.index_articles(article_ids)


@app.task(queue="exports")
def prepare_export(export_id: int) -> None:
    """No automatic retry: a failure is shown on the export page, where it can be retried."""
    prepared_exports.build(export_id)


@app.task(queue="webhooks")
def deliver_webhook(delivery_id: int) -> None:
    """Retries are scheduled on the delivery row itself (see articles.webhooks.delivery)."""
    delivery.deliver(delivery_id)


@app.periodic(cron="17 3 * * *")
@app.task(queue="upkeep", queueing_lock="recount_document_frequencies")
def recount_document_frequencies(timestamp: int) -> None:  # noqa: ARG001 (the scheduled time, passed by procrastinate)
    """Deleting articles drops their passages but not their counts: recount nightly."""
    total = passage_index.recount()
    logger.info("document frequencies recounted over %s passages", total)


@app.periodic(cron="41 * * * *")
@app.task(queue="upkeep", queueing_lock="drop_expired_held_files")
def drop_expired_held_files(timestamp: int) -> None:  # noqa: ARG001 (the scheduled time, passed by procrastinate)
    dropped = drop_held_files_older_than(days=settings.IMPORT_HELD_RETENTION_DAYS)
    logger.info("held upload bytes dropped for %s files", dropped)


@app.periodic(cron="53 * * * *")
@app.task(queue="upkeep", queueing_lock="drop_expired_prepared_exports")
def drop_expired_prepared_exports(timestamp: int) -> None:  # noqa: ARG001 (as above)
    dropped = prepared_exports.drop_expired()
    logger.info("expired prepared exports dropped: %s", dropped)


@app.periodic(cron="*/5 * * * *")
@app.task(queue="upkeep", queueing_lock="compact_tag_tallies")
def compact_tag_tallies(timestamp: int) -> None:  # noqa: ARG001 (as above)
    """Every tag write appends its counts for the overview: fold them together."""
    remaining = TagTally.objects.compact()
    logger.info("overview tallies compacted to %s rows", remaining)


@app.periodic(cron="* * * * *")
@app.task(queue="upkeep", queueing_lock="resume_unfinished_work")
def resume_unfinished_work(timestamp: int | None = None) -> None:  # noqa: ARG001 (as above)
    """After a worker died: put its jobs back on the queue, and make sure every batch
    with files still pending has a job (a killed job's chunk was rolled back whole)."""
    manager = app.job_manager
    stalled = async_to_sync(manager.get_stalled_jobs)(seconds_since_heartbeat=STALLED_AFTER_SECONDS)
    for job in stalled:
        async_to_sync(manager.retry_job)(job)
    defer_pending_batches()


def defer_pending_batches() -> int:
    """Queue the batches that have files pending; returns how many there are."""
    pending = Count("items", filter=Q(items__status=ImportItem.Status.PENDING))
    batches = list(ImportBatch.objects.annotate(pending=pending).filter(pending__gt=0))
    for batch in batches:
        queue.defer_import(batch, files=batch.pending)
    return len(batches)


def drop_held_files_older_than(*, days: int) -> int:
    """Files held for an admin's decision (an unsure encoding, or a similar article to
    update or not) longer than `days`: their bytes are dropped and the file is marked
    rejected, saying why."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    reasons = {
        ImportItem.Status.UNSURE: _("لم يُختر ترميز خلال %(days)s يوماً، فحُذف الملف."),
        ImportItem.Status.SIMILAR: _(
            "لم يُقرَّر خلال %(days)s يوماً أيُحدَّث المقال المشابه أم يُستورد الملف مقالاً "
            "جديداً، فحُذف الملف."
        ),
    }
    dropped = 0
    with transaction.atomic():
        for status, reason in reasons.items():
            dropped += ImportItem.objects.filter(
                status=status, held_data__isnull=False, batch__created_at__lt=cutoff
            ).update(
                held_data=None,
                status=ImportItem.Status.REJECTED,
                reason=reason % {"days": days},
            )
    return dropped
