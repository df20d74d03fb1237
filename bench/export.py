"""Export benchmark: all tags as CSV (and JSONL) through the export view, and as prepared
exports (XLSX, W3C annotations built by the worker's job into PostgreSQL, then downloaded),
against a bare `COPY (SELECT …) TO STDOUT WITH CSV` of the same rows.

    .venv/bin/python bench/export.py [--articles 10000] [--tags 1000000] [--formats csv,jsonl]
                                     [--prepared xlsx,jsonld]

Uses the benchmark database (bench/common.py; kept between runs, rebuilt by bench/data.py
when the sizes change). Measures, in this process, the streamed body of the export view:
rows per second and peak RSS growth (VmHWM, reset before each run).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_database


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    """Reset VmHWM (peak RSS) to the current RSS; False where Linux does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


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
    """Seconds and bytes for the same rows straight out of PostgreSQL."""
    from django.db import connection

    started = time.perf_counter()
    size = 0
    with connection.cursor() as cursor, cursor.cursor.copy(RAW_COPY) as copy:
        for block in copy:
            size += len(block)
    return time.perf_counter() - started, size


def export(fmt: str, reviewer) -> tuple[float, int, int]:
    """Seconds, bytes and peak RSS growth (KB) for the export view's whole body."""
    from django.db import connection
    from django.test import RequestFactory

    from articles.views.exports import download_tags

    request = RequestFactory(HTTP_HOST="localhost").get("/export/download/", {"format": fmt})
    request.user = reviewer
    request.htmx = False
    connection.ensure_connection()
    _reset_peak()
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    response = download_tags(request)
    size = 0
    chunks = response.streaming_content if response.streaming else [response.getvalue()]
    for chunk in chunks:
        size += len(chunk)
    elapsed = time.perf_counter() - started
    return elapsed, size, _status_kb("VmHWM") - before


def prepared(fmt: str, reviewer) -> dict:
    """A prepared export of every tag: the job's time to a stored file (what the worker
    does, in this process, with its peak RSS growth), then the time to stream it back."""
    import datetime

    from django.db import connection
    from django.test import RequestFactory
    from django.utils import timezone

    from articles.jobs import prepared_exports
    from articles.models import PreparedExport
    from articles.views.exports import download_prepared_export

    export = PreparedExport.objects.create(
        requested_by=reviewer,
        format=fmt,
        name="bench",
        article_url_base="http://bench/articles/",
        collection_id="http://bench/export/download/",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    connection.ensure_connection()
    _reset_peak()
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    prepared_exports.build(export.pk)
    build_seconds = time.perf_counter() - started
    peak_kb = _status_kb("VmHWM") - before
    export.refresh_from_db()
    assert export.status == PreparedExport.Status.READY, export.error

    request = RequestFactory(HTTP_HOST="localhost").get(f"/export/prepared/{export.pk}/download/")
    request.user = reviewer
    request.htmx = False
    started = time.perf_counter()
    size = sum(len(chunk) for chunk in download_prepared_export(request, export.pk))
    download_seconds = time.perf_counter() - started
    assert size == export.size_bytes
    export.delete()
    return {"build_s": build_seconds, "download_s": download_seconds, "bytes": size, "kb": peak_kb}


def reviewer():
    from django.contrib.auth import get_user_model

    from articles.roles import REVIEWERS
    from tests.conftest import make_user

    found = get_user_model().objects.filter(username="bench-reviewer").first()
    return found or make_user("bench-reviewer", REVIEWERS)


def measure(
    runs: int = 3, formats: tuple[str, ...] = ("csv",), prepared_formats: tuple[str, ...] = ()
) -> dict:
    """Median rows/s of each format and of raw COPY over every tag, with the ratio; for
    each prepared format, the job's time to a stored file and the download's, as ratios
    to the raw COPY measured in the same run."""
    from articles.models import Tag

    user = reviewer()
    rows = Tag.objects.count()
    raw_copy()  # warm PostgreSQL's cache once
    raw = [raw_copy() for _ in range(runs)]
    raw_seconds = statistics.median(seconds for seconds, _size in raw)
    result = {
        "rows": rows,
        "raw_copy": {
            "median_s": round(raw_seconds, 3),
            "rows_per_s": round(rows / raw_seconds),
            "mb": round(raw[0][1] / 1e6, 1),
        },
    }
    for fmt in formats:
        measured = [export(fmt, user) for _ in range(runs)]
        seconds = statistics.median(m[0] for m in measured)
        result[fmt] = {
            "median_s": round(seconds, 3),
            "rows_per_s": round(rows / seconds),
            "mb": round(measured[0][1] / 1e6, 1),
            "time_ratio_to_raw_copy": round(seconds / raw_seconds, 2),
            "peak_rss_growth_mb": round(max(m[2] for m in measured) / 1024, 1),
        }
    for fmt in prepared_formats:
        # The machine is shared: each run gets its own floor, measured just before it.
        measured_prepared = []
        for _ in range(runs):
            floor_seconds, _size = raw_copy()
            measured_prepared.append({**prepared(fmt, user), "floor_s": floor_seconds})
        build = statistics.median(m["build_s"] for m in measured_prepared)
        download = statistics.median(m["download_s"] for m in measured_prepared)
        result[f"prepared_{fmt}"] = {
            "build_s": round(build, 3),
            "rows_per_s": round(rows / build),
            "mb": round(measured_prepared[0]["bytes"] / 1e6, 1),
            "build_ratio_to_raw_copy": round(
                statistics.median(m["build_s"] / m["floor_s"] for m in measured_prepared), 2
            ),
            "download_s": round(download, 3),
            "download_ratio_to_raw_copy": round(
                statistics.median(m["download_s"] / m["floor_s"] for m in measured_prepared), 2
            ),
            "peak_rss_growth_mb": round(max(m["kb"] for m in measured_prepared) / 1024, 1),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--formats", default="csv,jsonl")
    parser.add_argument("--prepared", default="xlsx,jsonld")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    prepared_formats = tuple(name for name in args.prepared.split(",") if name)
    with bench_database(keep=True):
        from bench import data

        data.grow(args.articles, args.tags)
        result = measure(args.runs, tuple(args.formats.split(",")), prepared_formats)
    print(f"rows: {result['rows']}")
    raw = result["raw_copy"]
    print(f"raw COPY … TO STDOUT WITH CSV: {raw['median_s']} s, {raw['rows_per_s']:,} rows/s")
    for fmt in args.formats.split(","):
        f = result[fmt]
        print(
            f"export {fmt}: {f['median_s']} s, {f['rows_per_s']:,} rows/s, {f['mb']} MB,"
            f" {f['time_ratio_to_raw_copy']}x raw COPY time,"
            f" peak RSS growth {f['peak_rss_growth_mb']} MB"
        )
    for fmt in prepared_formats:
        p = result[f"prepared_{fmt}"]
        print(
            f"prepared {fmt}: job {p['build_s']} s ({p['build_ratio_to_raw_copy']}x raw COPY time),"
            f" {p['rows_per_s']:,} rows/s, {p['mb']} MB stored,"
            f" download {p['download_s']} s ({p['download_ratio_to_raw_copy']}x),"
            f" peak RSS growth {p['peak_rss_growth_mb']} MB"
        )


if __name__ == "__main__":
    main()
