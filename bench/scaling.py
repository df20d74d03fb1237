"""Growth: table and index sizes and the main requests' server time at several sizes of
one database, each request as a multiple of a floor measured at the same size, and the
cost per tag write of the overview's tally triggers.

    .venv/bin/python bench/scaling.py [--sizes 100:10000,1000:100000,10000:1000000] [--runs 20]

Each size is ARTICLES:TAGS; the database (`newsdesk_bench_scaling`, on the project's
PostgreSQL server, dropped afterwards) is grown by bench/data.py from one size to the
next. At each size, in this process through Django's test Client:

- sizes of the tables that grow (`pg_table_size` and `pg_indexes_size`);
- the floor (a logged-in htmx GET /healthz, the cheapest authenticated request) and, as
  multiples of it: the reading page of an article with 300 tags (warm and cold), tag
  create on it, the tag list (newest first, and a search), the article search, the
  overview;
- per single-row tag statement (INSERT, UPDATE of the kind, DELETE, inside a transaction
  rolled back): the median time with the tally triggers and with them disabled.

Writes bench/results/scaling-<timestamp>.json and .md (the table docs/scaling.md quotes).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_database, machine, summary

RESULTS = ROOT / "bench" / "results"
TABLES = (
    "articles_tag",
    "articles_article",
    "articles_tagtally",
    "articles_tagevent",
    "articles_passage",
)
TALLY_TRIGGERS = ("tag_tally_insert", "tag_tally_update", "tag_tally_delete")
SEARCH = "بوتين"


def table_sizes() -> dict[str, dict]:
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                "SELECT c.reltuples::bigint, pg_table_size(c.oid), pg_indexes_size(c.oid)"
                " FROM pg_class c WHERE c.relname = %s AND c.relkind = 'r'",
                [table],
            )
            row = cursor.fetchone()
            if row:
                sizes[table] = {
                    "rows": max(row[0], 0),
                    "table_mb": mb(row[1]),
                    "index_mb": mb(row[2]),
                }
    return sizes


def mb(size: int) -> float:
    return round(size / 1024 / 1024, 1)


def tag_statements(runs: int) -> dict:
    """Median ms of single-row tag statements with the tally triggers and without them."""
    from django.db import connection, models, transaction

    from articles.models import Tag

    columns = [
        f.column
        for f in Tag._meta.concrete_fields
        if not f.primary_key and not isinstance(f, models.GeneratedField)
    ]
    names = ", ".join(f'"{c}"' for c in columns)
    insert = (
        f"INSERT INTO articles_tag ({names}) SELECT {names} FROM articles_tag WHERE id = %s"
        " RETURNING id"
    )
    update = (
        "UPDATE articles_tag SET kind = CASE kind WHEN 'claim' THEN 'quote' ELSE 'claim' END"
        " WHERE id = %s"
    )
    delete = "DELETE FROM articles_tag WHERE id = %s"

    def timed(cursor, sql: str, ids: list[int]) -> tuple[list[float], list[int]]:
        times, returned = [], []
        for pk in ids:
            started = time.perf_counter()
            cursor.execute(sql, [pk])
            times.append((time.perf_counter() - started) * 1000)
            if cursor.description:
                returned.append(cursor.fetchone()[0])
        return times, returned

    result: dict[str, dict] = {}
    sample = list(Tag.objects.order_by("-id").values_list("id", flat=True)[: runs * 2])
    for triggers in ("with", "without"):
        with transaction.atomic(), connection.cursor() as cursor:
            if triggers == "without":
                for trigger in TALLY_TRIGGERS:
                    cursor.execute(f"ALTER TABLE articles_tag DISABLE TRIGGER {trigger}")
            inserted, new_ids = timed(cursor, insert, sample[:runs])
            updated, _ = timed(cursor, update, new_ids)
            deleted, _ = timed(cursor, delete, new_ids)
            transaction.set_rollback(True)  # the triggers come back with the rollback
        for name, times in (("insert", inserted), ("update", updated), ("delete", deleted)):
            result.setdefault(name, {})[f"{triggers}_triggers_ms"] = summary(times)["median_ms"]
    for figures in result.values():
        figures["trigger_ms"] = round(
            figures["with_triggers_ms"] - figures["without_triggers_ms"], 2
        )
        figures["with_over_without"] = round(
            figures["with_triggers_ms"] / figures["without_triggers_ms"], 2
        )
    return result


def requests(client, article, runs: int) -> dict:
    """Median ms of each main request, and its multiple of the floor measured here."""
    from django.urls import reverse

    from bench import overview, reading, search, tagging

    figures = {"floor": tagging.floor(client, runs * 2)["median_ms"]}
    page = reading.measure_page(client, article.get_absolute_url(), runs)
    figures["reading page (warm)"] = page["median_ms"]
    figures["reading page (cold)"] = page["cold_median_ms"]
    figures["tag create"] = tagging.measure(client, article, runs)["create"]["median_ms"]
    tag_list = search.timed(client, reverse("tag_list"), [{}, {"q": SEARCH}], runs)
    figures["tag list"] = tag_list[0]["p50_ms"]
    figures["tag search"] = tag_list[1]["p50_ms"]
    articles = search.timed(client, reverse("article_list"), [{"q": SEARCH}], runs)
    figures["article search"] = articles[0]["p50_ms"]
    figures["overview"] = overview.measure(runs)["overview_from_tallies"]["median_ms"]
    floor = figures["floor"]
    return {name: {"ms": ms, "x_floor": round(ms / floor, 1)} for name, ms in figures.items()}


def measure(sizes: list[tuple[int, int]], runs: int, log=print) -> dict:
    from django.test import Client

    from bench import data, reading
    from bench.browser import bench_editor

    report: dict = {"runs": runs, "steps": []}
    for articles, tags in sizes:
        log(f"growing to {articles} articles, {tags} tags")
        built = data.grow(articles, tags, log=log)
        editor = bench_editor()
        client = Client()
        client.force_login(editor)
        article = reading.tagged_article(300, editor, title=f"scaling {articles}")
        step = {
            "articles": data.counts()[0],
            "tags": data.counts()[1],
            "build_s": round(built["seconds"], 1),
            "sizes": table_sizes(),
            "requests": requests(client, article, runs),
            "tally_triggers": tag_statements(runs),
        }
        report["steps"].append(step)
        log(json.dumps(step["requests"], ensure_ascii=False))
    report["extrapolated"] = extrapolate(report["steps"])
    return report


def extrapolate(steps: list[dict]) -> dict:
    """Sizes at 10x and 100x the largest step, linear in the tags (bytes per tag measured
    at the largest size). Each request's multiple of the floor carried forward along the
    least-squares line of log(multiple) over log(tags) through every step, never falling
    (a page does not get cheaper with more data: a falling slope is noise)."""
    last = steps[-1]
    xs = [math.log10(s["tags"]) for s in steps]
    mean_x = sum(xs) / len(xs)
    spread = sum((x - mean_x) ** 2 for x in xs) or 1.0
    out = {}
    for factor in (10, 100):
        sizes = {
            table: {
                "table_mb": round(figures["table_mb"] * factor),
                "index_mb": round(figures["index_mb"] * factor),
            }
            for table, figures in last["sizes"].items()
            if table in ("articles_tag", "articles_article")
        }
        ratios = {}
        for name in last["requests"]:
            ys = [math.log10(s["requests"][name]["x_floor"]) for s in steps]
            mean_y = sum(ys) / len(ys)
            slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
            slope = max(0.0, slope)
            at = mean_y + slope * (math.log10(last["tags"] * factor) - mean_x)
            ratios[name] = {"x_floor": round(10**at, 1), "per_decade": round(10**slope, 2)}
        out[f"{factor}x"] = {"tags": last["tags"] * factor, "sizes": sizes, "x_floor": ratios}
    return out


def markdown(report: dict) -> str:
    steps = report["steps"]
    m = report["machine"]
    out = [
        f"Measured {report['started_at']} on {m.get('cpu')}, {m.get('cores')} cores (shared,"
        f" load {m.get('load_average_1min')} at the start), PostgreSQL {m.get('postgresql')};"
        f" medians of {report['runs']} runs; commit {m.get('commit')}.",
        "",
        "| | "
        + " | ".join(f"{s['tags']:,} tags / {s['articles']:,} articles" for s in steps)
        + " |",
        "|---|" + "---|" * len(steps),
    ]
    for table in TABLES:
        if all(table in s["sizes"] for s in steps):
            cells = [
                f"{s['sizes'][table]['table_mb']} + {s['sizes'][table]['index_mb']} MB"
                for s in steps
            ]
            out.append(f"| `{table}` table + indexes | " + " | ".join(cells) + " |")
    for name in steps[0]["requests"]:
        cells = [
            f"{s['requests'][name]['ms']} ms ({s['requests'][name]['x_floor']}x)" for s in steps
        ]
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    for name in ("insert", "update", "delete"):
        cells = [
            f"{s['tally_triggers'][name]['with_triggers_ms']} vs"
            f" {s['tally_triggers'][name]['without_triggers_ms']} ms"
            for s in steps
        ]
        out.append(f"| tag {name}, with vs without tally triggers | " + " | ".join(cells) + " |")
    out += [
        "",
        "Extrapolated (sizes linear in tags; multiples of the floor along the line fitted"
        " through every step, never falling):",
        "",
    ]
    for factor, figures in report["extrapolated"].items():
        sizes = ", ".join(
            f"`{t}` {v['table_mb']:,} + {v['index_mb']:,} MB" for t, v in figures["sizes"].items()
        )
        ratios = ", ".join(
            f"{n} {r['x_floor']}x (×{r['per_decade']} a decade)"
            for n, r in figures["x_floor"].items()
            if n != "floor"
        )
        out.append(f"- {factor} ({figures['tags']:,} tags): {sizes}; {ratios}")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100:10000,1000:100000,10000:1000000")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    sizes = [tuple(int(n) for n in pair.split(":")) for pair in args.sizes.split(",")]
    started = datetime.now(UTC).isoformat(timespec="seconds")
    with bench_database("newsdesk_bench_scaling"):
        report = {"started_at": started, "machine": machine()}
        report.update(measure(sizes, args.runs))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%SZ")
    (RESULTS / f"scaling-{stamp}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    text = markdown(report)
    (RESULTS / f"scaling-{stamp}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
