"""Similar-passages benchmark: 10,000 synthetic articles, then the time to find the passages
like a claim (`passage_index.similar_passages` and the whole claim panel): p50 / p95.

    .venv/bin/python bench/claims.py                  # generate once (kept), then measure
    .venv/bin/python bench/claims.py --articles 20000 --fresh
    .venv/bin/python bench/claims.py --explain        # also print the candidate query plan

Runs against a separate database, `newsdesk_claims_bench`, on the app's PostgreSQL server.
Articles are the sample articles' sentences shuffled and mixed (20–45 per article), about a
third of them altered (words dropped, swapped for others, or noise words added), plus whole
noise sentences, so the same claim recurs thousands of times in slightly different words —
a harder case than a real newsroom, where one claim is carried by a handful of articles.
Passages are filled by the importer's own code (`passage_index.index_articles`). Target: < 200 ms.
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
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

CLAIMS = [
    "بما يتماشى مع المادة 51 من ميثاق الأمم المتحدة",
    "وهي الأولى له إلى بيونغ يانغ منذ 24 عامًا",
    "إن الإتفاق يمثل علامة على يأس روسيا في الوقت الذي تحتاج فيه إلى مساعدة خارجية",
    "موسكو في حالة يأس لتطوير علاقاتها الخارجية",
    "تعهد الزعيمان بمحاربة العقوبات التي تقودها الولايات المتحدة",
]
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def sample_sentences() -> list[str]:
    from articles.text.similarity import split_sentences

    found = []
    for path in sorted((ROOT / "tests" / "data" / "samples").glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        found += [body[s:e] for s, e in split_sentences(body) if e - s > 20]
    return found


def noise_word(rng: random.Random) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 7)))


def altered(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(words))
        action = rng.random()
        if action < 0.4 and len(words) > 4:
            del words[i]
        elif action < 0.8:
            words[i] = noise_word(rng)
        else:
            words.insert(i, noise_word(rng))
    return " ".join(words)


def generate(n_articles: int) -> None:
    from articles.claims import passage_index
    from articles.models import Article, Source

    rng = random.Random(9)
    sentences = sample_sentences()
    sources = [Source.objects.create(name=f"مصدر {i}") for i in range(30)]
    day0 = date(2023, 1, 1)

    def body_of(i: int) -> str:
        parts = []
        for _ in range(rng.randint(20, 45)):
            roll = rng.random()
            if roll < 0.1:
                parts.append(" ".join(noise_word(rng) for _ in range(rng.randint(6, 20))) + ".")
            else:
                sentence = rng.choice(sentences)
                parts.append(altered(sentence, rng) if roll < 0.45 else sentence)
        paragraphs, at = [], 0
        while at < len(parts):
            step = rng.randint(1, 4)
            paragraphs.append(" ".join(parts[at : at + step]))
            at += step
        return f"خبر رقم {i}\n" + "\n".join(paragraphs)

    started = time.perf_counter()
    now = timezone.now()
    total = 0
    batch = 250
    for first in range(1, n_articles + 1, batch):
        rows = []
        for i in range(first, min(n_articles + 1, first + batch)):
            body = body_of(i)
            rows.append(
                Article(
                    title=f"خبر مركب رقم {i}",
                    body=body,
                    body_sha256=f"{i:064x}",  # unique, like a sha256
                    source=rng.choice(sources),
                    published_on=day0 + timedelta(days=rng.randrange(700)),
                    indexed_at=now,  # indexed just below, as the indexing job would
                )
            )
        with transaction.atomic():
            Article.objects.bulk_create(rows)
            total += passage_index.index_articles(rows)
        print(f"\r  {first + len(rows) - 1} articles, {total} passages", end="", flush=True)
    print(f"\n  generated in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE articles_passage")
        cursor.execute("VACUUM ANALYZE articles_featurecount")
        cursor.execute("VACUUM ANALYZE articles_article")


def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def measure(runs: int, explain: bool) -> None:
    from articles import tagging
    from articles.claims import passage_index
    from articles.models import Article
    from articles.roles import EDITORS, sync_roles
    from tests.conftest import make_user

    rng = random.Random(3)
    claims = CLAIMS + rng.sample(sample_sentences(), 15)
    print(f"\nsimilar_passages (SQL probe + Python re-rank + details), {len(claims)} claims:")
    print(f"{'claim':<52} {'found':>5} {'p50 ms':>8} {'p95 ms':>8}")
    article = Article.objects.order_by("id").first()
    every = []
    for claim in claims:
        passage_index.similar_passages(claim, exclude_article=article.pk)  # warm-up
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            found = passage_index.similar_passages(claim, exclude_article=article.pk)
            timings.append((time.perf_counter() - started) * 1000)
        every += timings
        label = claim[:50]
        print(
            f"{label:<52} {len(found):>5} {statistics.median(timings):>8.1f} "
            f"{percentile(timings, 0.95):>8.1f}"
        )
    print(
        f"{'all claims':<52} {'':>5} {statistics.median(every):>8.1f} "
        f"{percentile(every, 0.95):>8.1f}"
    )

    # The whole panel as an editor gets it (permission check, queries, template).
    from django.apps import apps

    from articles.models import Tag

    sync_roles(apps)
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.filter(username="bench-claims").first() or make_user(
        "bench-claims", EDITORS
    )
    phrase = "المادة 51 من ميثاق الأمم المتحدة"
    holder = Article.objects.filter(body__contains=phrase).order_by("id").first()
    start = holder.body.index(phrase)
    tag = Tag.objects.filter(article=holder, kind="claim", start=start).first()
    tag = tag or tagging.create_tag(
        article=holder, user=editor, kind="claim", start=start, end=start + len(phrase)
    )
    client = Client()
    client.force_login(editor)
    url = reverse("claim_panel", args=[tag.pk])
    client.get(url, HTTP_HX_REQUEST="true")
    timings = []
    for _ in range(runs * 3):
        started = time.perf_counter()
        response = client.get(url, HTTP_HX_REQUEST="true")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    print(
        f"\nclaim panel view (/tags/{tag.pk}/claim/, «{tag.exact[:30]}»): "
        f"p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms"
    )
    if explain:
        print_plan(CLAIMS[0], article.pk)


def print_plan(claim: str, article_id: int) -> None:
    """EXPLAIN ANALYZE of the candidate query for one claim, as similar_passages sends it."""
    from articles.claims import passage_index

    captured = []

    class Spy:
        def __call__(self, execute, sql, params, many, context):
            captured.append((sql, params))
            return execute(sql, params, many, context)

    with connection.execute_wrapper(Spy()):
        passage_index.similar_passages(claim, exclude_article=article_id)
    sql, params = next((s, p) for s, p in captured if "&&" in s)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        print("\nPlan of the candidate query for «" + claim + "»:")
        for (line,) in cursor.fetchall():
            print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="rebuild the bench database")
    parser.add_argument("--explain", action="store_true", help="print the query plan")
    args = parser.parse_args()

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = "newsdesk_claims_bench"
    settings.ALLOWED_HOSTS = ["testserver"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=not args.fresh)
    from articles.models import Article, Passage

    if Article.objects.count() != args.articles:
        connection.close()
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        print(f"Generating {args.articles} articles…", flush=True)
        generate(args.articles)
    print(f"{Article.objects.count()} articles, {Passage.objects.count()} passages")
    measure(args.runs, args.explain)


if __name__ == "__main__":
    main()
