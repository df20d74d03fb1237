"""An import killed halfway (kill -9) leaves only whole, recorded chunks; running it again
finishes the batch (issue 7, point 8).

The real command runs in a subprocess against the test database; it is killed as soon as
it has reported two chunks committed. Then: every file it reported is in, complete, and
recorded in the batch; every article in the database has its record; the rest are absent.
A second run imports the rest and reports the first ones as duplicates.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from articles.models import Article, ImportBatch, ImportItem

N_FILES = 300
CHUNK = 5
WORDS = [
    "قال",
    "أكد",
    "أشار",
    "أعلن",
    "الوزير",
    "الرئيس",
    "الحكومة",
    "البرلمان",
    "الاجتماع",
    "المفاوضات",
    "الاتفاق",
    "الأزمة",
    "الاقتصاد",
    "الأسعار",
    "الأسواق",
    "العاصمة",
    "الوفد",
    "اللجنة",
    "التقرير",
    "المصدر",
    "الشهر",
    "الماضي",
    "المقبل",
    "الخميس",
    "الجمعة",
    "المحلية",
    "الدولية",
    "الأمن",
    "الحدود",
    "الطاقة",
    "النفط",
    "الغاز",
    "المياه",
    "الزراعة",
    "التعليم",
]


def _article_text(n: int, rng: random.Random) -> str:
    paragraphs = []
    for _ in range(3):
        words = [rng.choice(WORDS) for _ in range(18)]
        paragraphs.append(" ".join(words) + f" رقم {n}.")
    return "\n".join(paragraphs)


def _database_url() -> str:
    params = connection.get_connection_params()
    user = quote(params.get("user") or "postgres", safe="")
    password = params.get("password")
    auth = f"{user}:{quote(password, safe='')}" if password else user
    host = quote(params.get("host") or "localhost", safe="")
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgres://{auth}@{host}{port}/{params['dbname']}"


def _wait_for_other_sessions_to_end(timeout: float = 10) -> None:
    """The killed command's server process notices the closed socket on its own; wait
    for it, so the test database is left with no stray session."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


def _command(folder: Path) -> list[str]:
    return [
        sys.executable,
        str(settings.BASE_DIR / "manage.py"),
        "import_articles",
        str(folder),
        "--no-progress",
        "--chunk",
        str(CHUNK),
    ]


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_halfway_keeps_whole_chunks_and_a_rerun_finishes(tmp_path):
    rng = random.Random(7)
    texts = {}
    for n in range(N_FILES):
        name = f"article-{n:04d}.txt"
        texts[name] = _article_text(n, rng)
        (tmp_path / name).write_text(texts[name], encoding="utf-8")
    connection.ensure_connection()
    env = {**os.environ, "DATABASE_URL": _database_url(), "LOG_LEVEL": "WARNING"}

    process = subprocess.Popen(
        _command(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    reported = 0
    for line in process.stdout:
        if line.startswith("committed "):
            reported = int(line.split()[1].split("/")[0])
            if reported >= 2 * CHUNK:
                process.send_signal(signal.SIGKILL)
                break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, process.stderr.read()[-2000:]
    _wait_for_other_sessions_to_end()

    batch = ImportBatch.objects.get(via="cli")
    items = list(batch.items.select_related("article").order_by("position"))
    # Whole chunks only, from the start, at least what was reported, and not everything.
    print(f"killed after {reported} reported; {len(items)} files in")
    assert reported <= len(items) < N_FILES
    assert len(items) % CHUNK == 0
    assert [item.position for item in items] == list(range(len(items)))
    for item in items:
        assert item.status == ImportItem.Status.IMPORTED, (item.filename, item.reason)
        article = item.article
        assert article.original_filename == item.filename
        assert article.raw_text == texts[item.filename]  # the whole file, not a piece
        assert article.body and article.title and len(article.body_sha256) == 64
    recorded = {item.article_id for item in items}
    assert set(Article.objects.values_list("id", flat=True)) == recorded  # the rest: absent

    rerun = subprocess.run(
        _command(tmp_path), env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"{N_FILES - len(items)} imported, {len(items)} duplicates, 0 rejected" in rerun.stdout
    assert Article.objects.count() == N_FILES
    assert sorted(Article.objects.values_list("original_filename", flat=True)) == sorted(texts)
    _wait_for_other_sessions_to_end()
