"""Server time of tagging writes (create, edit, delete; htmx fragment included) on an
article with 300 tags.

    .venv/bin/python bench/tagging.py [--tags 300] [--rounds 100]

Runs in-process through Django's test Client (middleware, view, database, template) on a
throwaway PostgreSQL database; the browser's network hop is not included.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_database, summary

# As a browser's htmx sends it: the fragment comes back gzipped, and that is timed too.
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
KINDS = ("claim", "quote", "background")


def measure(client, article, rounds: int) -> dict:
    """Create `rounds` tags, edit each, delete each: timings of each write as htmx sends it."""
    import time

    from django.urls import reverse

    from articles.models import Tag

    body = article.body
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", body)]
    client.get(article.get_absolute_url())  # warm-up: templates, connection

    def timed(requests) -> dict:
        times, cpu, sizes = [], [], []
        for url, data in requests:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.post(url, data, secure=True, **HTMX)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            sizes.append(len(response.content))
        return {**summary(times, cpu), "fragment_kb": round(max(sizes) / 1024, 1)}

    def creates():
        for i in range(rounds):
            start, end = words[(i * 13) % len(words)]
            data = {"kind": KINDS[i % 3], "start": start, "end": end, "exact": body[start:end]}
            yield reverse("tag_passage", args=[article.pk]), data

    result = {"create": timed(creates())}
    result["floor"] = floor(client, rounds)
    result["create"]["times_the_floor"] = round(
        result["create"]["median_ms"] / result["floor"]["median_ms"], 1
    )
    new = list(Tag.objects.filter(article=article).order_by("-id")[:rounds])
    edit = {"kind": "quote", "note": "ملاحظة", "speaker": ""}
    result["edit"] = timed(
        (reverse("update_tag", args=[t.pk]), {**edit, "version": t.version}) for t in new
    )
    result["delete"] = timed(
        (reverse("delete_tag", args=[t.pk]), {"version": t.version + 1}) for t in new
    )
    return result


def floor(client, rounds: int) -> dict:
    """The least a request costs here, measured alongside: the same logged-in client
    through the same middleware (session, user, gzip) to a view that runs `SELECT 1`."""
    import time

    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get("/healthz", **HTMX)
        times.append((time.perf_counter() - started) * 1000)
    return summary(times)


def run(n_tags: int, rounds: int) -> dict:
    from django.test import Client

    from articles.roles import EDITORS
    from bench.reading import tagged_article
    from tests.conftest import make_user

    editor = make_user("bench-tagger", EDITORS)
    client = Client()
    client.force_login(editor)
    article = tagged_article(n_tags, editor, title="tagging")
    return {"tags_on_article": n_tags, "rounds": rounds, **measure(client, article, rounds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    with bench_database("bench_tagging"):
        result = run(args.tags, args.rounds)
    print(f"article with {args.tags} tags; {args.rounds} rounds each")
    for action in ("create", "edit", "delete"):
        r = result[action]
        print(
            f"{action:<7} median {r['median_ms']:6.1f} ms   p95 {r['p95_ms']:6.1f} ms"
            f"   ({r['fragment_kb']} KB fragment at most)"
        )
    print(
        f"floor   median {result['floor']['median_ms']:6.1f} ms (logged-in GET /healthz);"
        f" create = {result['create']['times_the_floor']}x the floor"
    )


if __name__ == "__main__":
    main()
