"""Reading page: server time, query count and HTML size for an article with N tags.

    .venv/bin/python bench/reading.py [--tags 0,100,300,500] [--runs 30] [--profile 300]
    .venv/bin/python bench/reading.py --live 300   # the live-update poll on that page

Runs on a throwaway database (see bench/common.py) through Django's test Client.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SAMPLES, bench_database, summary, timings_ms

KINDS = ("claim", "quote", "background")


def longest_sample() -> str:
    return max((p.read_text(encoding="utf-8") for p in SAMPLES), key=len)


def tagged_article(n_tags: int, user, body: str | None = None, title: str = "bench"):
    """An article with `n_tags` overlapping tags of every kind, a few with a speaker, a
    note and a review comment, inserted in one statement."""
    from django.utils import timezone

    from articles.models import Article, Tag

    body = body or longest_sample()
    # A first line of its own: article bodies are unique.
    # Indexed as a worker would after import: the page then shows suggestions.
    article = Article.objects.create(
        title=f"{title} {n_tags}", body=f"{title} {n_tags}\n{body}", indexed_at=timezone.now()
    )
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", body)]
    tags = []
    for i in range(n_tags):
        a = (i * 7) % (len(words) - 6)
        start, end = words[a][0], words[a + 1 + i % 5][1]
        tag = Tag(
            article=article,
            kind=KINDS[i % 3],
            start=start,
            end=end,
            created_by=user,
            updated_by=user,
            speaker="المتحدث الرسمي" if i % 3 == 1 and i % 2 else "",
            note="يحتاج إلى مصدر ثانٍ" if i % 10 == 0 else "",
            review_state=("pending", "accepted", "rejected")[i % 3],
            review_comment="راجعه" if i % 3 == 2 else "",
        )
        tag.fill_from_body()
        tags.append(tag)
    Tag.objects.bulk_create(tags, batch_size=1000)
    return article


def measure_page(client, url: str, runs: int) -> dict:
    """Median server time, query count and HTML size of one GET: warm (the highlighted
    body from articles/reading/body_cache.py, as for every reader after the first) and cold."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.reading import body_cache

    client.get(url)  # warm-up: templates, connection
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        # Counted now: a reconnection between requests clears the connection's query log.
        count = len(connection.queries_log) - queries.initial_queries
    assert response.status_code == 200, response.status_code
    cpu, cold_cpu = [], []
    result = summary(timings_ms(lambda: client.get(url), runs, cpu), cpu)  # body cached
    cold = summary(
        timings_ms(lambda: (body_cache.clear(), client.get(url)), runs, cold_cpu), cold_cpu
    )
    result.update(
        cold_median_ms=cold["median_ms"],
        cold_p95_ms=cold["p95_ms"],
        cold_min_ms=cold["min_ms"],
        cold_cpu_median_ms=cold["cpu_median_ms"],
        queries=count,
        html_kb=round(len(response.content) / 1024, 1),
    )
    return result


def run(tag_counts: list[int], runs: int) -> dict:
    """{n_tags: figures} for the reading page, as an editor (the heaviest markup)."""
    from django.test import Client

    from articles.roles import EDITORS
    from tests.conftest import make_user

    editor = make_user("bench-reader", EDITORS)
    client = Client()
    client.force_login(editor)
    results = {}
    for n in tag_counts:
        article = tagged_article(n, editor)
        results[n] = measure_page(client, article.get_absolute_url(), runs)
    return results


def measure_live(n_tags: int, runs: int, pages: int = 50) -> dict:
    """The live-update poll of a reading page: quiet (nothing changed, the common case) and
    after a colleague's tag (the page gets its body and panel again), and what `pages`
    open pages cost polling every POLL_SECONDS, as a share of one core."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles import tagging
    from articles.reading import live
    from articles.roles import EDITORS
    from tests.conftest import make_user

    reader, colleague = make_user("bench-live", EDITORS), make_user("bench-colleague", EDITORS)
    client = Client()
    client.force_login(reader)
    article = tagged_article(n_tags, colleague, title="live")
    url = f"/articles/{article.pk}/changes/"
    before = str(live.current_cursor(article.pk))
    poll = {"since": before}
    htmx = {"HTTP_HX_REQUEST": "true"}
    client.get(url, poll, **htmx)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, poll, **htmx).status_code == 204
        quiet_queries = len(connection.queries_log) - queries.initial_queries
    cpu: list[float] = []
    quiet = summary(timings_ms(lambda: client.get(url, poll, **htmx), runs, cpu), cpu)
    tagging.create_tag(article=article, user=colleague, kind="claim", start=0, end=4)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, poll, **htmx).status_code == 200
        changed_queries = len(connection.queries_log) - queries.initial_queries
    cpu = []
    changed = summary(timings_ms(lambda: client.get(url, poll, **htmx), runs, cpu), cpu)
    per_second = pages / live.POLL_SECONDS
    return {
        "quiet_median_ms": quiet["median_ms"],
        "quiet_cpu_median_ms": quiet["cpu_median_ms"],
        "quiet_queries": quiet_queries,
        "changed_median_ms": changed["median_ms"],
        "changed_queries": changed_queries,
        f"polls_per_second_{pages}_pages": round(per_second, 1),
        # Wall time overstates it on a shared machine; the CPU time is the Python side only.
        f"core_share_{pages}_pages_pct": round(per_second * quiet["median_ms"] / 10, 1),
        f"cpu_share_{pages}_pages_pct": round(per_second * quiet["cpu_median_ms"] / 10, 1),
    }


def profile(n_tags: int, runs: int = 20) -> None:
    import cProfile
    import pstats

    from django.test import Client

    from articles.reading import body_cache
    from articles.roles import EDITORS
    from tests.conftest import make_user

    editor = make_user("bench-profiler", EDITORS)
    client = Client()
    client.force_login(editor)
    url = tagged_article(n_tags, editor).get_absolute_url()
    client.get(url)
    profiler = cProfile.Profile()
    for _ in range(runs):
        body_cache.clear()  # the cold page: the highlighted body rendered too
        profiler.enable()
        client.get(url)
        profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", default="0,100,300,500")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", type=int, help="cProfile the page at this many tags")
    parser.add_argument("--live", type=int, help="time the live-update poll at this many tags")
    args = parser.parse_args()
    with bench_database("bench_reading"):
        if args.live is not None:
            print(f"live updates, {args.live} tags: {measure_live(args.live, args.runs)}")
            return
        if args.profile is not None:
            profile(args.profile)
            return
        for n, figures in run([int(n) for n in args.tags.split(",")], args.runs).items():
            print(f"{n:>5} tags: {figures}")


if __name__ == "__main__":
    main()
