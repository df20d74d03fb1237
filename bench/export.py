"""Export benchmark: 1,000,000 tags across 10,000 articles, CSV export vs raw COPY.

    .venv/bin/python bench/export.py [--tags 1000000] [--articles 10000] [--formats csv,jsonl]

Uses its own database `newsdesk_bench` in the embedded server (the dev data is left alone)
and builds it once (re-runs reuse it). Measures, in this process, the export view's
streamed body: rows per second and peak RSS growth (VmHWM, reset before each run), and
the same rows through a bare `COPY (SELECT …) TO STDOUT WITH CSV` as the reference.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

from django.conf import settings  # noqa: E402

if not os.environ.get("DATABASE_URL"):
    settings.DATABASES["default"]["NAME"] = "newsdesk_bench"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from articles.models import Article, Tag  # noqa: E402
from articles.roles import REVIEWERS  # noqa: E402

SAMPLES = sorted((Path(settings.BASE_DIR) / "tests" / "data" / "samples").glob("*.txt"))


def peak_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def current_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS


def build(n_tags: int, n_articles: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    call_command("migrate", verbosity=0)
    if Tag.objects.count() >= n_tags:
        return
    print(f"building {n_articles} articles and {n_tags} tags …", flush=True)
    started = time.perf_counter()
    User = get_user_model()
    editor, _ = User.objects.get_or_create(username="bench-editor")
    texts = [path.read_text(encoding="utf-8") for path in SAMPLES]
    tags_per_article = n_tags // n_articles
    rng = random.Random(5)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE articles_tag, articles_article RESTART IDENTITY CASCADE")
        with cursor.cursor.copy(
            "COPY articles_article (title, body, body_sha256, original_filename, imported_at)"
            " FROM STDIN"
        ) as copy:
            for i in range(n_articles):
                body = f"{i}\n" + texts[i % len(texts)]
                copy.write_row((f"مقال {i}", body, f"{i:064x}", "", "2024-06-19 10:00+03"))
        bodies = dict(Article.objects.values_list("id", "body"))
        with cursor.cursor.copy(
            'COPY articles_tag (article_id, kind, start, "end", exact, prefix, suffix, note,'
            " speaker, created_by_id, updated_by_id, created_at, updated_at, version,"
            " review_state, review_comment) FROM STDIN"
        ) as copy:
            kinds = ("claim", "quote", "background")
            for article_id, body in bodies.items():
                for _ in range(tags_per_article):
                    start = rng.randrange(0, len(body) - 200)
                    end = start + rng.randrange(20, 200)
                    copy.write_row(
                        (
                            article_id,
                            rng.choice(kinds),
                            start,
                            end,
                            body[start:end],
                            body[max(0, start - 32) : start],
                            body[end : end + 32],
                            "",
                            "",
                            editor.pk,
                            editor.pk,
                            "2024-06-19 12:00+03",
                            "2024-06-19 12:00+03",
                            1,
                            rng.choice(("pending", "accepted", "rejected")),
                            "",
                        )
                    )
        cursor.execute("ANALYZE articles_tag; ANALYZE articles_article")
    Group.objects.filter(name=REVIEWERS).exists() or call_command("migrate", verbosity=0)
    print(f"built in {time.perf_counter() - started:.1f} s", flush=True)


RAW_COPY = """
COPY (
  SELECT t.id, t.kind, t.exact, t.start, t."end", t.prefix, t.suffix, t.speaker, t.note,
         t.article_id, a.title, s.name, a.published_on, 'http://bench/articles/' || a.id || '/',
         u.username, t.created_at, t.updated_at, t.review_state, r.username, t.reviewed_at,
         t.review_comment
  FROM articles_tag t
  JOIN articles_article a ON a.id = t.article_id
  LEFT JOIN articles_source s ON s.id = a.source_id
  JOIN auth_user u ON u.id = t.created_by_id
  LEFT JOIN auth_user r ON r.id = t.reviewed_by_id
  ORDER BY t.id
) TO STDOUT WITH CSV
"""


def raw_copy() -> tuple[float, int]:
    started = time.perf_counter()
    size = 0
    with connection.cursor() as cursor, cursor.cursor.copy(RAW_COPY) as copy:
        for block in copy:
            size += len(block)
    return time.perf_counter() - started, size


def export(fmt: str, reviewer) -> tuple[float, int, int]:
    from articles.views.exports import download_tags

    request = RequestFactory(HTTP_HOST="localhost").get("/export/download/", {"format": fmt})
    request.user = reviewer
    request.htmx = False
    connection.ensure_connection()
    reset_peak()
    before = current_rss_kb()
    started = time.perf_counter()
    response = download_tags(request)
    size = 0
    chunks = response.streaming_content if response.streaming else [response.getvalue()]
    for chunk in chunks:
        size += len(chunk)
    elapsed = time.perf_counter() - started
    return elapsed, size, peak_rss_kb() - before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tags", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--formats", default="csv,jsonl")
    args = parser.parse_args()
    build(args.tags, args.articles)
    from django.contrib.auth import get_user_model

    from tests.conftest import make_user

    reviewer = get_user_model().objects.filter(username="bench-reviewer").first() or make_user(
        "bench-reviewer", REVIEWERS
    )
    rows = Tag.objects.count()
    raw_copy()  # warm the cache once
    raw_time, raw_size = raw_copy()
    print(f"rows: {rows}")
    print(
        f"raw COPY … TO STDOUT WITH CSV: {raw_time:.2f} s, {rows / raw_time:,.0f} rows/s,"
        f" {raw_size / 1e6:.0f} MB"
    )
    for fmt in args.formats.split(","):
        elapsed, size, growth_kb = export(fmt, reviewer)
        print(
            f"export {fmt}: {elapsed:.2f} s, {rows / elapsed:,.0f} rows/s, {size / 1e6:.0f} MB,"
            f" ratio to raw COPY {raw_time / elapsed:.2f},"
            f" peak RSS growth {growth_kb / 1024:.1f} MB"
        )


if __name__ == "__main__":
    main()
