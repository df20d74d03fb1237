"""Search benchmark: 100,000 articles and 1,000,000 tags, then the server time of the
first results page of the article list for a set of Arabic queries (p50 / p95).

    .venv/bin/python bench/search.py                 # generate once (kept), then measure
    .venv/bin/python bench/search.py --articles 20000 --tags 200000 --fresh

Runs against a separate database, `newsdesk_bench`, on the same PostgreSQL server as the
app (kept between runs; --fresh rebuilds it). Bodies are built from the paragraphs of
the sample articles; rows go in with COPY, so the generated search columns are computed
by PostgreSQL exactly as on every other write path.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

QUERIES = [
    "بوتين",
    "الاتفاقية",
    "اكد",
    "اليات",
    "2024",
    "العقوبات",
    "كوريا الشمالية",
    '"الرئيس الروسي"',
    "ستولتنبرغ",
    "بوتين موسكو بيونغ يانغ",
    "كلمةغيرموجودة",
]
KINDS = ["claim", "quote", "background"]
SPEAKERS = ["بوتين", "جون كيربي", "ستولتنبرغ", "الوزارة", "كيم جونغ أون", ""]


def paragraphs() -> list[str]:
    found = []
    for path in sorted((ROOT / "tests" / "data" / "samples").glob("*.txt")):
        found += [p.strip() for p in path.read_text(encoding="utf-8").split("\n") if len(p) > 40]
    return found


def copy_rows(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def generate(n_articles: int, n_tags: int) -> None:
    from articles.models import Source
    from articles.roles import EDITORS, sync_roles
    from tests.conftest import make_user

    rng = random.Random(6)
    paras = paragraphs()
    sources = [Source.objects.create(name=f"مصدر {i}") for i in range(20)]
    from django.apps import apps

    sync_roles(apps)
    users = [make_user(f"bench-editor-{i}", EDITORS) for i in range(10)]
    day0 = date(2023, 1, 1)
    bodies: list[tuple[int, int]] = []  # (length, first paragraph length) per article

    def articles():
        for i in range(1, n_articles + 1):
            chosen = rng.sample(paras, rng.randint(4, 10))
            year = rng.choice(["٢٠٢٤", "2024", "۲۰۲۳", "2025"])
            body = f"خبر رقم {i} لعام {year}\n" + "\n".join(chosen)
            title = " ".join(rng.choice(paras).split()[: rng.randint(5, 10)])
            bodies.append(len(body))
            yield (
                title,
                body,
                f"{i:064x}",  # unique, like a sha256
                rng.choice(sources).pk,
                "",
                day0 + timedelta(days=rng.randrange(700)),
                rng.choice(users).pk,
                "2024-01-01 00:00:00+00:00",
            )

    started = time.perf_counter()
    copy_rows(
        "articles_article",
        [
            "title",
            "body",
            "body_sha256",
            "source_id",
            "original_filename",
            "published_on",
            "imported_by_id",
            "imported_at",
        ],
        articles(),
    )
    print(f"  {n_articles} articles in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM articles_article")
        first_id = cursor.fetchone()[0]

    def tags():
        for _ in range(n_tags):
            index = rng.randrange(n_articles)
            length = bodies[index]
            start = rng.randrange(max(1, length - 200))
            end = min(length, start + rng.randint(20, 180))
            user = rng.choice(users).pk
            kind = rng.choice(KINDS)
            stamp = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 12:00:00+00:00"
            yield (
                first_id + index,
                kind,
                start,
                end,
                "مقطع موسوم " + str(start),
                "",
                "",
                rng.choice(["", "", "تحقق من الرقم", "مصدر ثانوي"]),
                rng.choice(SPEAKERS) if kind == "quote" else "",
                user,
                user,
                stamp,
                stamp,
                1,
            )

    started = time.perf_counter()
    copy_rows(
        "articles_tag",
        [
            "article_id",
            "kind",
            "start",
            '"end"',
            "exact",
            "prefix",
            "suffix",
            "note",
            "speaker",
            "created_by_id",
            "updated_by_id",
            "created_at",
            "updated_at",
            "version",
        ],
        tags(),
    )
    print(f"  {n_tags} tags in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE articles_article")
        cursor.execute("VACUUM ANALYZE articles_tag")


TAG_QUERIES = [
    {"q": "بوتين"},
    {"q": "تحقق"},
    {"speaker": "بوتين"},
    {"q": "مقطع", "kind": "claim"},
    {},
]


def measure(runs: int) -> None:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-editor-0"))
    print("\nArticle list (/articles/), first page of 25:")
    timed(client, reverse("article_list"), [{"q": query} for query in QUERIES] + [{}], runs)
    print("\nTag list (/tags/), first page of 50:")
    timed(client, reverse("tag_list"), TAG_QUERIES, runs)


def timed(client, url: str, cases: list[dict], runs: int) -> None:
    print(f"{'query':<28} {'hits':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for params in cases:
        response = client.get(url, params)  # warm-up
        assert response.status_code == 200, response.status_code
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url, params)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        paginator = response.context["page"].paginator
        capped = getattr(paginator, "capped", False) or getattr(
            paginator.object_list, "capped", False
        )
        hits = f">{paginator.count - 1}" if capped else str(paginator.count)
        label = " ".join(f"{k}={v}" for k, v in params.items()) or "(no filter, newest first)"
        print(f"{label:<28} {hits:>7} {statistics.median(timings):>8.1f} {p95:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--tags", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="rebuild the bench database")
    args = parser.parse_args()

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = "newsdesk_bench"
    settings.ALLOWED_HOSTS = ["testserver"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=not args.fresh)
    from articles.models import Article, Tag

    if Article.objects.count() != args.articles or Tag.objects.count() != args.tags:
        connection.close()
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        print(f"Generating {args.articles} articles and {args.tags} tags…", flush=True)
        generate(args.articles, args.tags)
    print(f"{Article.objects.count()} articles, {Tag.objects.count()} tags")
    measure(args.runs)


if __name__ == "__main__":
    main()
