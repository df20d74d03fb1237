"""Putting work on the queue, always through Django's own database connection.

So a job deferred inside a transaction exists exactly when that transaction commits, in
the web process and in a worker alike (a worker's own connector is a separate
connection): an import chunk and the job that indexes its articles are stored together,
or not at all.
"""

from __future__ import annotations

import contextlib
import functools

import procrastinate
from django.conf import settings
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.types import JSONValue

from articles.models import ImportBatch


@functools.cache
def _through_django() -> procrastinate.App:
    # Defers by task name: the worker, which knows the tasks, runs them.
    return procrastinate.App(connector=DjangoConnector())


def _defer(
    task: procrastinate.tasks.Task,
    *,
    queueing_lock: str | None = None,
    schedule_in: dict | None = None,
    **kwargs,
):
    deferrer = _through_django().configure_task(
        task.name, queue=task.queue, queueing_lock=queueing_lock, schedule_in=schedule_in
    )
    return deferrer.defer(**kwargs)


def defer_import(batch: ImportBatch, files: int = 1) -> None:
    """Have workers import the pending files of `batch`: one job per chunk of files, up
    to IMPORT_JOBS_PER_BATCH, so several workers share a big batch (each job takes the
    next chunk with SKIP LOCKED, so no file is imported twice). Deferring again while
    they wait adds none."""
    from articles.jobs import tasks

    chunks = -(-files // settings.IMPORT_FILES_PER_COMMIT)
    for n in range(max(1, min(chunks, settings.IMPORT_JOBS_PER_BATCH))):
        with contextlib.suppress(AlreadyEnqueued):
            lock = f"import-batch-{batch.pk}-{n}"
            _defer(tasks.import_batch, queueing_lock=lock, batch_id=batch.pk)


def defer_indexing(article_ids: list[int]) -> None:
    """Have a worker store the passages and quote suggestions of newly imported articles."""
    from articles.jobs import tasks

    if article_ids:
        _defer(tasks.index_articles, article_ids=sorted(article_ids))


def defer_resume() -> None:
    from articles.jobs import tasks

    with contextlib.suppress(AlreadyEnqueued):
        _defer(tasks.resume_unfinished_work, queueing_lock="resume_unfinished_work")


def defer_webhook(delivery_id: int, in_seconds: int = 0) -> None:
    """Have a worker send one webhook delivery, now or after a retry's wait (new
    deliveries go through `defer_webhooks`)."""
    from articles.jobs import tasks

    schedule_in = {"seconds": in_seconds} if in_seconds else None
    _defer(tasks.deliver_webhook, schedule_in=schedule_in, delivery_id=delivery_id)


def defer_webhooks(delivery_ids: list[int]) -> None:
    """Have workers send new webhook deliveries: one job each, deferred in one query."""
    from articles.jobs import tasks

    if delivery_ids:
        deferrer = _through_django().configure_task(
            tasks.deliver_webhook.name, queue=tasks.deliver_webhook.queue
        )
        jobs: list[dict[str, JSONValue]] = [{"delivery_id": pk} for pk in delivery_ids]
        deferrer.batch_defer(*jobs)


def defer_prepared_export(export_id: int) -> None:
    """Have a worker write a prepared export's file; asking twice while it waits adds none."""
    from articles.jobs import tasks

    with contextlib.suppress(AlreadyEnqueued):
        lock = f"prepared-export-{export_id}"
        _defer(tasks.prepare_export, queueing_lock=lock, export_id=export_id)
