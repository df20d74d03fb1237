"""Search benchmark: server time of the first results page of the article list and of the
tag list for a set of Arabic queries (p50 / p95).

    .venv/bin/python bench/search.py [--articles 100000] [--tags 1000000] [--runs 20]

Uses the benchmark database (bench/common.py, kept between runs; filled by bench/data.py,
whose bodies are the sample articles' paragraphs, so the queries find real words).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    grown_bench_database,
    sized_arguments,
    summary,
    template_context_recorded,
    timings_ms,
)

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
TAG_QUERIES = [
    {"q": "بوتين"},
    {"q": "تحقق"},
    {"speaker": "بوتين"},
    {"q": "موسكو", "kind": "claim"},
    {},
]


def timed(client, url: str, cases: list[dict], runs: int) -> list[dict]:
    """One row per query: hits, p50 and p95 of the page's server time."""
    rows = []
    for params in cases:
        with template_context_recorded():
            response = client.get(url, params)  # warm-up, and the hit count from its context
        assert response.status_code == 200, response.status_code
        figures = summary(timings_ms(lambda params=params: client.get(url, params), runs))
        paginator = response.context["page"].paginator
        capped = getattr(paginator, "capped", False) or getattr(
            paginator.object_list, "capped", False
        )
        label = " ".join(f"{k}={v}" for k, v in params.items()) or "(no filter, newest first)"
        rows.append(
            {
                "query": label,
                "hits": f">{paginator.count - 1}" if capped else paginator.count,
                "p50_ms": figures["median_ms"],
                "p95_ms": figures["p95_ms"],
            }
        )
    return rows


def measure(runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-editor-0"))
    articles = timed(client, reverse("article_list"), [{"q": q} for q in QUERIES] + [{}], runs)
    tags = timed(client, reverse("tag_list"), TAG_QUERIES, runs)
    overall = [row["p50_ms"] for row in articles]
    return {
        "runs_per_query": runs,
        "article_list": articles,
        "tag_list": tags,
        "article_queries_p50_ms": round(statistics.median(overall), 1),
        "article_queries_worst_p95_ms": max(row["p95_ms"] for row in articles),
    }


def print_rows(title: str, rows: list[dict]) -> None:
    print(f"\n{title}\n{'query':<28} {'hits':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for row in rows:
        print(f"{row['query']:<28} {row['hits']!s:>7} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f}")


def main() -> None:
    parser = sized_arguments(__doc__.splitlines()[0], articles=100_000, tags=1_000_000)
    args = parser.parse_args()
    with grown_bench_database(args.articles, args.tags):
        result = measure(args.runs)
    print_rows("Article list (/articles/), first page of 25:", result["article_list"])
    print_rows("Tag list (/tags/), first page of 50:", result["tag_list"])


if __name__ == "__main__":
    main()
