"""Background jobs, run for real: the queue is procrastinate's tables in the test database
and the worker runs in this process until the queue is empty (it connects on its own, so
these tests are transactional: it sees only committed rows)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from articles.claims import passage_index
from articles.jobs import indexing, queue, tasks
from articles.models import (
    Article,
    FeatureCount,
    ImportBatch,
    ImportItem,
    Passage,
    QuoteSuggestion,
    SuggestionRun,
)
from tests.conftest import SAMPLE_FILES, make_article, run_jobs, sample_text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("job_queue")]


def _jobs(status: str | None = None) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT task_name, status FROM procrastinate_jobs ORDER BY id")
        rows = cursor.fetchall()
    return [row for row in rows if status is None or row[1] == status]


def test_a_web_upload_is_imported_and_indexed_by_the_worker_with_nobody_watching(
    admin_client_,
):
    files = [SimpleUploadedFile(p.name, p.read_bytes()) for p in SAMPLE_FILES[:3]]
    response = admin_client_.post(reverse("import_files"), {"files": files})
    assert response.status_code == 302
    assert Article.objects.count() == 0
    assert [name for name, _status in _jobs("todo")] == ["articles.jobs.tasks.import_batch"]

    run_jobs()  # no request polls the batch meanwhile

    batch = ImportBatch.objects.get()
    assert sorted(batch.items.values_list("status", flat=True)) == ["imported"] * 3
    assert not batch.items.exclude(held_data=None).exists()  # the bytes are now articles
    articles = list(Article.objects.all())
    assert all(a.indexed_at is not None for a in articles)
    assert all(a.imported_by.username == "admin1" for a in articles)
    for article in articles:
        assert Passage.objects.filter(article=article).count() > 5
    assert FeatureCount.objects.get(hash=passage_index.TOTAL).df == Passage.objects.count()
    # Quote suggestions are stored by the job, not by the first reader.
    assert SuggestionRun.objects.count() == 3
    assert QuoteSuggestion.objects.exists()
    assert _jobs("todo") == [] and _jobs("doing") == []


def test_import_articles_queue_stores_the_files_and_returns(tmp_path, capsys, settings):
    settings.IMPORT_MAX_FILE_BYTES = 20_000
    for path in SAMPLE_FILES[:2]:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "big.txt").write_bytes(b"x" * 30_000)
    call_command("import_articles", str(tmp_path), "--queue")
    batch = ImportBatch.objects.get(via="cli")
    assert f"Batch #{batch.pk}: 3 files queued" in capsys.readouterr().out
    statuses = dict(batch.items.values_list("filename", "status"))
    assert statuses == {"big.txt": "rejected", **{p.name: "pending" for p in SAMPLE_FILES[:2]}}
    assert Article.objects.count() == 0
    run_jobs()
    assert Article.objects.filter(indexed_at__isnull=False).count() == 2
    assert batch.items.filter(status="imported").count() == 2


def test_the_command_line_import_leaves_indexing_to_a_job(tmp_path):
    (tmp_path / "a.txt").write_bytes(SAMPLE_FILES[0].read_bytes())
    call_command("import_articles", str(tmp_path), "--no-progress")
    article = Article.objects.get()
    assert article.indexed_at is None and not Passage.objects.exists()
    run_jobs()
    article.refresh_from_db()
    assert article.indexed_at is not None and Passage.objects.filter(article=article).exists()


def test_indexing_twice_counts_each_passage_once():
    article = make_article(sample_text(0), indexed_at=None)
    assert indexing.index_articles([article.pk]) == 1
    counts = dict(FeatureCount.objects.values_list("hash", "df"))
    assert indexing.index_articles([article.pk]) == 0  # a retried job: nothing to do
    assert dict(FeatureCount.objects.values_list("hash", "df")) == counts
    assert counts[passage_index.TOTAL] == Passage.objects.count()


def test_the_reading_page_says_still_indexing_and_computes_nothing(editor_client):
    article = make_article(sample_text(0), indexed_at=None)
    html = editor_client.get(reverse("read_article", args=[article.pk])).content.decode()
    assert "ما زالت فهرسة هذا المقال جارية" in html
    assert not SuggestionRun.objects.exists()  # the request did not do the job's work
    queue.defer_indexing([article.pk])
    run_jobs()
    html = editor_client.get(reverse("read_article", args=[article.pk])).content.decode()
    assert "ما زالت فهرسة" not in html
    assert 'class="suggestion-list"' in html


def test_the_batch_page_says_still_indexing_until_the_index_job_ran(admin_client_, tmp_path):
    (tmp_path / "a.txt").write_bytes(SAMPLE_FILES[1].read_bytes())
    call_command("import_articles", str(tmp_path), "--no-progress")
    batch = ImportBatch.objects.get()
    html = admin_client_.get(batch.get_absolute_url()).content.decode()
    assert "ما زالت فهرسة المقالات الجديدة جارية" in html
    assert "?was=indexing" in html  # keeps polling the counts until indexed
    run_jobs()
    html = admin_client_.get(batch.get_absolute_url()).content.decode()
    assert "ما زالت فهرسة" not in html and "hx-get" not in html


def test_the_recount_matches_the_passages_after_an_article_is_deleted():
    first, second = make_article(sample_text(0), indexed_at=None), make_article(sample_text(1))
    indexing.index_articles([first.pk])
    second.indexed_at = None
    second.save()
    indexing.index_articles([second.pk])
    second.delete()  # its passages go, its counts stay
    stale = FeatureCount.objects.get(hash=passage_index.TOTAL).df
    assert stale > Passage.objects.count()
    tasks.recount_document_frequencies.defer(timestamp=0)
    run_jobs()
    assert FeatureCount.objects.get(hash=passage_index.TOTAL).df == Passage.objects.count()
    expected: dict[int, int] = {}
    for features in Passage.objects.values_list("features", flat=True):
        for h in features:
            expected[h] = expected.get(h, 0) + 1
    counts = dict(FeatureCount.objects.exclude(hash=passage_index.TOTAL).values_list("hash", "df"))
    assert counts == expected


def test_held_bytes_are_dropped_after_the_retention_period(settings):
    settings.IMPORT_HELD_RETENTION_DAYS = 30
    old = ImportBatch.objects.create()
    ImportBatch.objects.filter(pk=old.pk).update(
        created_at=old.created_at - datetime.timedelta(days=31)
    )
    recent = ImportBatch.objects.create()
    for batch in (old, recent):
        ImportItem.objects.create(
            batch=batch, position=0, filename="x.txt", status="unsure", held_data=b"\xe1"
        )
    tasks.drop_expired_held_files.defer(timestamp=0)
    run_jobs()
    expired = ImportItem.objects.get(batch=old)
    assert expired.status == "rejected" and expired.held_data is None and "30" in expired.reason
    kept = ImportItem.objects.get(batch=recent)
    assert kept.status == "unsure" and bytes(kept.held_data) == b"\xe1"


def test_a_batch_left_pending_is_picked_up_by_the_next_worker():
    """A job lost with its worker (its chunk rolled back): the next worker's start puts
    the batch back on the queue, once, however many times it is asked."""
    batch = ImportBatch.objects.create(via="web")
    ImportItem.objects.create(
        batch=batch,
        position=0,
        filename="a.txt",
        status="pending",
        held_data=SAMPLE_FILES[2].read_bytes(),
    )
    assert tasks.defer_pending_batches() == 1
    assert tasks.defer_pending_batches() == 1
    assert [n for n, _s in _jobs("todo")].count("articles.jobs.tasks.import_batch") == 1
    run_jobs()
    assert ImportItem.objects.get().status == "imported"


def test_a_job_left_doing_by_a_dead_worker_is_retried():
    """What `kill -9` leaves once the dead worker's row is pruned: a job `doing` with no
    worker. The resume job puts it back on the queue, and it runs to the end."""
    batch = ImportBatch.objects.create(via="web")
    ImportItem.objects.create(
        batch=batch, position=0, filename="a.txt", status="pending",
        held_data=SAMPLE_FILES[4].read_bytes(),
    )  # fmt: skip
    queue.defer_import(batch)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = NULL "
            "WHERE task_name = 'articles.jobs.tasks.import_batch' RETURNING id"
        )
        (job_id,) = cursor.fetchone()
    run_jobs()  # starts with the resume job, which retries the stalled one
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM procrastinate_jobs WHERE id = %s", [job_id])
        row = cursor.fetchone()
    assert row is None  # retried and succeeded (successful jobs are deleted), not left doing
    assert ImportItem.objects.get().status == "imported"


def test_an_article_cleaned_again_loses_its_old_passages_and_is_indexed_again():
    article = make_article(sample_text(0), indexed_at=None)
    other = make_article(sample_text(1), indexed_at=None)
    indexing.index_articles([article.pk, other.pk])
    before = Passage.objects.filter(article=article).count()
    assert before > 0
    with transaction.atomic():
        indexing.index_again_later([article])
    article.refresh_from_db()
    assert article.indexed_at is None and not Passage.objects.filter(article=article).exists()
    total = FeatureCount.objects.get(hash=passage_index.TOTAL).df
    assert total == Passage.objects.count()  # its features are off the counts
    run_jobs()
    article.refresh_from_db()
    assert article.indexed_at is not None
    assert Passage.objects.filter(article=article).count() == before
    assert FeatureCount.objects.get(hash=passage_index.TOTAL).df == Passage.objects.count()


def test_a_chunk_is_cut_short_by_its_bytes_so_a_worker_holds_a_bounded_amount():
    from articles.importing.pipeline import process_pending

    batch = ImportBatch.objects.create(via="cli")
    files = [SAMPLE_FILES[i].read_bytes() for i in range(3)]
    for position, data in enumerate(files):
        ImportItem.objects.create(
            batch=batch, position=position, filename=f"{position}.txt", status="pending",
            held_data=data,
        )  # fmt: skip
    budget = len(files[0]) + len(files[1])
    assert process_pending(batch, limit=10, max_bytes=budget) == 2
    assert process_pending(batch, limit=10, max_bytes=1) == 1  # one file even if over
    assert process_pending(batch, limit=10, max_bytes=budget) == 0
    assert batch.items.filter(status="imported").count() == 3
