"""CPU time per request of the list pages: the article list, the tag list and the review
queue, each with and without filters, as a multiple of a floor measured alongside.

    .venv/bin/python bench/lists.py [--articles 10000] [--tags 200000] [--runs 30]

CPU time is this process's (Python: middleware, view, ORM, template), not PostgreSQL's; on
a shared machine it is far steadier than wall time. The floor is the cheapest logged-in
request of the same stack: GET /healthz through the same middleware (session, user, gzip).
Uses the benchmark database (bench/common.py, kept between runs; filled by bench/data.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_database

ARTICLE_CASES: list[dict] = [
    {},
    {"q": "بوتين"},
    {"kind": "claim", "date_from": "2023-03-01"},
]
TAG_CASES: list[dict] = [
    {},
    {"q": "بوتين"},
    {"kind": "quote", "speaker": "بوتين"},
]
REVIEW_CASES: list[dict] = [
    {},
    {"kind": "claim"},
]


def bench_reviewer():
    """The Reviewer who opens the queue (made once per database)."""
    from django.contrib.auth import get_user_model

    from articles.roles import REVIEWERS
    from tests.conftest import make_user

    found = get_user_model().objects.filter(username="bench-reviewer").first()
    return found or make_user("bench-reviewer", REVIEWERS)


def cpu_per_request(client, url: str, params: dict, runs: int) -> dict:
    """Median CPU and wall time (ms) of `runs` GETs, after a warm-up; queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    queries = len(captured)  # now: the next requests clear the connection's query log
    cpu, wall = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(url, params)
        cpu.append((time.process_time() - cpu_started) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return {
        "cpu_ms": round(statistics.median(cpu), 2),
        "wall_ms": round(statistics.median(wall), 2),
        "queries": queries,
    }


def measure(runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    editor, reviewer = Client(), Client()
    editor.force_login(get_user_model().objects.get(username="bench-editor-0"))
    reviewer.force_login(bench_reviewer())
    floor = cpu_per_request(editor, "/healthz", {}, runs)
    pages = [
        ("article list", editor, reverse("article_list"), ARTICLE_CASES),
        ("tag list", editor, reverse("tag_list"), TAG_CASES),
        ("review queue", reviewer, reverse("review_queue"), REVIEW_CASES),
    ]
    rows = []
    for page, client, url, cases in pages:
        for params in cases:
            figures = cpu_per_request(client, url, params, runs)
            label = " ".join(f"{k}={v}" for k, v in params.items()) or "(no filter)"
            figures["x_floor"] = round(figures["cpu_ms"] / floor["cpu_ms"], 1)
            rows.append({"page": page, "filters": label, **figures})
    return {"runs": runs, "floor": floor, "pages": rows}


def print_result(result: dict) -> None:
    floor = result["floor"]
    print(
        f"floor (logged-in GET /healthz): CPU {floor['cpu_ms']} ms, wall {floor['wall_ms']} ms;"
        f" medians of {result['runs']} runs"
    )
    header = ("page", "filters", "CPU ms", "x floor", "wall ms", "queries")
    print("{:<14} {:<34} {:>7} {:>8} {:>8} {:>8}".format(*header))
    for row in result["pages"]:
        print(
            f"{row['page']:<14} {row['filters']:<34} {row['cpu_ms']:>7.2f} {row['x_floor']:>8}"
            f" {row['wall_ms']:>8.2f} {row['queries']:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--tags", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with bench_database(keep=True):
        from bench import data

        data.grow(args.articles, args.tags)
        print_result(measure(args.runs))


if __name__ == "__main__":
    main()
