"""Server time of a correction of an article's text with 500 tags: the new version saved and
every tag, suggestion and claim passage re-anchored, in one POST of the correction form.

    .venv/bin/python bench/revisions.py [--tags 500] [--rounds 20] [--profile]

Each round is a realistic correction of the longest sample: a paragraph added at the top
and a letter fixed inside a tagged word (then the next round takes them out again). Runs
in-process through Django's test Client (middleware, view, database, redirect) on a throwaway
PostgreSQL database; the browser's network hop is not included. A floor is measured in the
same run (the profile page: the same stack, counting nothing), and the correction is given
as a multiple of it too, since the machine is shared. `--profile` prints where the
correction's Python time goes (cProfile, cumulative).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_database, summary, timings_ms

ADDED = "فقرة أضيفت في التحديث الأخير للخبر.\n\n"


def _corrected(body: str) -> str:
    """The body with a paragraph added above and a letter added inside a middle word (a
    typo fixed); the round after goes back to the original, a correction of its own."""
    words = list(re.finditer(r"\S{5,}", body))
    inner = words[len(words) // 2].start() + 2
    return ADDED + body[:inner] + "ا" + body[inner:]


def measure(client, article, rounds: int, profiler=None) -> dict:
    """Median server time of the correction POST, its query count and the tags' outcome."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from articles.models import Article

    url = reverse("correct_article", args=[article.pk])
    bodies = (_corrected(article.body), article.body)
    times, cpu, queries, outcomes = [], [], [], []
    for i in range(rounds):
        current = Article.objects.get(pk=article.pk)
        data = {
            "body": bodies[i % 2],
            "reason": "تصحيح خطأ مطبعي وإضافة فقرة",
            "version": current.body_version,
        }
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            if profiler is not None:
                profiler.enable()
            response = client.post(url, data, secure=True)
            if profiler is not None:
                profiler.disable()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 302, response.status_code
        queries.append(len(captured))
        outcomes.append(current.revisions.order_by("-number").values_list("outcome", flat=True)[0])
    last = Article.objects.get(pk=article.pk)
    return {
        **summary(times, cpu),
        "queries": max(queries),
        "tags_on_article": last.tags.count(),
        "orphaned_after_all_rounds": last.tags.orphans().count(),
        "last_outcome": outcomes[-1],
    }


def bench_corrector():
    """The Admin who corrects (made once per database)."""
    from django.contrib.auth import get_user_model

    from articles.roles import ADMINS
    from tests.conftest import make_user

    found = get_user_model().objects.filter(username="bench-corrector").first()
    return found or make_user("bench-corrector", ADMINS)


def corrector_client():
    from django.test import Client

    client = Client()
    client.force_login(bench_corrector())
    return client


def run(n_tags: int, rounds: int, profiler=None) -> dict:
    from django.urls import reverse

    from bench.reading import tagged_article

    article = tagged_article(n_tags, bench_corrector(), title="revisions")
    client = corrector_client()
    client.get(article.get_absolute_url(), secure=True)  # warm-up: templates, connection
    profile_page = reverse("edit_profile")
    client.get(profile_page, secure=True)
    floor = summary(timings_ms(lambda: client.get(profile_page, secure=True), rounds))
    figures = measure(client, article, rounds, profiler)
    return {
        "tags": n_tags,
        **figures,
        "floor_profile_page": floor,
        "x_floor": round(figures["median_ms"] / floor["median_ms"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="cProfile the corrections")
    args = parser.parse_args()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    with bench_database("bench_revisions"):
        print(run(args.tags, args.rounds, profiler))
    if profiler is not None:
        import pstats

        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
