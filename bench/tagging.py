"""Server time of tagging writes, fragment included, on an article with 300 tags.

Runs in-process through Django's test Client (middleware, view, database, template) on a
throwaway PostgreSQL database; the browser's network hop is not included.

    .venv/bin/python bench/tagging.py [--tags 300] [--rounds 200]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    settings.DATABASES["default"]["TEST"]["NAME"] = "bench_tagging"
    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.tags, args.rounds)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(n_tags: int, rounds: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from articles import tagging
    from articles.models import Article, Tag
    from articles.roles import EDITORS
    from tests.conftest import SAMPLE_FILES, make_user

    body = max((p.read_text(encoding="utf-8") for p in SAMPLE_FILES), key=len)
    article = Article.objects.create(title="bench", body=body)
    editor = make_user("bench-editor", EDITORS)
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", body)]
    kinds = ("claim", "quote", "background")
    for i in range(n_tags):
        a = (i * 7) % (len(words) - 6)
        tagging.create_tag(
            article=article,
            user=editor,
            kind=kinds[i % 3],
            start=words[a][0],
            end=words[a + 1 + i % 5][1],
        )
    client = Client()
    client.force_login(editor)
    htmx = {"HTTP_HX_REQUEST": "true"}
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"article: {len(body)} characters, {Tag.objects.count()} tags; {rounds} rounds each")

    def timed(label: str, requests) -> None:
        times, cpu = [], []
        for method, url, data, expect in requests:
            t0, c0 = time.perf_counter(), time.process_time()
            response = getattr(client, method)(url, data, secure=True, **htmx)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            assert response.status_code == expect, (label, response.status_code)
        times.sort()
        p90 = times[int(len(times) * 0.9)]
        print(
            f"{label:<8} median {statistics.median(times):6.1f} ms   p90 {p90:6.1f} ms   "
            f"(Django CPU median {statistics.median(cpu):5.1f} ms; "
            f"{len(response.content) // 1024} KB fragment)"
        )

    # Warm up (template loading, first connection use).
    client.get(article.get_absolute_url())

    def creates():
        for i in range(rounds):
            s, e = words[(i * 13) % len(words)]
            data = {"kind": kinds[i % 3], "start": s, "end": e, "exact": body[s:e]}
            yield "post", reverse("tag_passage", args=[article.pk]), data, 200

    timed("create", creates())
    new = list(Tag.objects.order_by("-id")[:rounds])

    def edits():
        for tag in new:
            data = {"kind": "quote", "note": "ملاحظة", "speaker": "", "version": tag.version}
            yield "post", reverse("update_tag", args=[tag.pk]), data, 200

    timed("edit", edits())

    def deletes():
        for tag in new:
            yield "post", reverse("delete_tag", args=[tag.pk]), {"version": tag.version + 1}, 200

    timed("delete", deletes())

    def pages():
        for _ in range(min(rounds, 50)):
            yield "get", article.get_absolute_url(), {}, 200

    timed("page", pages())


if __name__ == "__main__":
    main()
