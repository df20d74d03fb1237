"""A worker killed (kill -9) in the middle of a web import, then another worker started:
every file imported exactly once, none lost, none half-stored, all indexed.

Real processes against the test database: the upload stores a zip's files and queues the
job; `manage.py worker` imports them five per commit and is killed once some are in; a
second worker, started afterwards, finishes the batch from where the database says it is.
"""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import time
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from articles.models import Article, ImportBatch, ImportItem
from tests.test_import_kill import _article_text, _database_url, _wait_for_other_sessions_to_end

N_FILES = 120
PER_COMMIT = 5


def _worker(*extra: str) -> list[str]:
    return [sys.executable, str(settings.BASE_DIR / "manage.py"), "worker", *extra]


def _imported() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_importitem WHERE status = 'imported'")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(admin_client_, job_queue):
    rng = random.Random(11)
    texts = {f"article-{n:04d}.txt": _article_text(n, rng) for n in range(N_FILES)}
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, text in texts.items():
            zipped.writestr(name, text.encode())
    upload = SimpleUploadedFile("batch.zip", archive.getvalue())
    assert admin_client_.post(reverse("import_files"), {"files": [upload]}).status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.items.filter(status="pending").count() == N_FILES

    connection.ensure_connection()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "LOG_LEVEL": "WARNING",
        "IMPORT_FILES_PER_COMMIT": str(PER_COMMIT),
    }
    worker = subprocess.Popen(
        _worker(), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while _imported() < 2 * PER_COMMIT and time.monotonic() < deadline:
        assert worker.poll() is None, worker.stderr.read()[-2000:]
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    _wait_for_other_sessions_to_end()

    # What the killed worker left: whole chunks, each file with its complete article.
    done = list(batch.items.filter(status="imported").select_related("article"))
    print(f"killed with {len(done)} of {N_FILES} files imported")
    assert 2 * PER_COMMIT <= len(done) < N_FILES
    assert len(done) % PER_COMMIT == 0
    for item in done:
        assert item.article.raw_text == texts[item.filename] and item.held_data is None
    assert set(Article.objects.values_list("id", flat=True)) == {i.article_id for i in done}
    assert batch.items.exclude(status__in=["imported", "pending"]).count() == 0

    restarted = subprocess.run(
        _worker("--until-empty"), env=env, capture_output=True, text=True, timeout=300
    )
    assert restarted.returncode == 0, restarted.stderr[-2000:]
    _wait_for_other_sessions_to_end()

    statuses = list(batch.items.values_list("status", flat=True))
    assert statuses == ["imported"] * N_FILES  # none pending, none reported twice
    assert Article.objects.count() == N_FILES
    assert sorted(Article.objects.values_list("original_filename", flat=True)) == sorted(texts)
    assert ImportItem.objects.count() == N_FILES
    # The chunks the killed worker committed had their indexing job committed with them.
    assert not Article.objects.filter(indexed_at__isnull=True).exists()
