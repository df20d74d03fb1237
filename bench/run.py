"""Every speed figure of Newsdesk from one command: `make bench` runs this.

    .venv/bin/python bench/run.py                       # 10,000 articles, 1,000,000 tags
    .venv/bin/python bench/run.py --articles 2000 --tags 200000 --runs 3
    .venv/bin/python bench/run.py --quick               # tiny sizes, a minute or so

Builds the benchmark database `newsdesk_bench` on the project's PostgreSQL server (or,
with --keep, reuses the one of an earlier run when its sizes match), growing it in three
steps (by default a hundredth, a tenth, then all of the requested size) to show how cost
grows; then runs every benchmark and writes `bench/results/<timestamp>.md` and `.json`
(git-ignored) with the machine, the sizes and the median of several runs of each figure.
The dev database is never touched.

Benchmarks (each a module of bench/ that also runs alone):
  import_files  files/s of `manage.py import_articles` over generated files, and through the API
  reading       reading page: server time, query count, HTML size at 0/100/300/500 tags
  tagging       create / edit / delete a tag on an article with 300 tags
  revisions     a correction of the text of an article with 500 tags, re-anchored
  search        p50 / p95 of the article and tag lists for Arabic queries
  overview      the overview page read from the tallies, against recounting every tag
  lists         CPU per request of the article list, tag list and review queue, x a floor
  export        CSV rows/s, peak memory, time ratio to a raw COPY of the same rows
  browser       headless Chromium on gunicorn: first paint, interactive, bytes
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_DATABASE, ROOT, bench_database, machine

RESULTS = ROOT / "bench" / "results"
READING_TAGS = (0, 100, 300, 500)
BUDGET = {
    "reading_page_500_tags_ms": 50,
    "tag_create_ms": 30,
    "correction_500_tags_ms": 200,
    "first_contentful_paint_ms": 300,
    "own_js_css_kb": 60,
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--tags", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--import-files", type=int, default=1000)
    parser.add_argument(
        "--growth",
        help="article counts of the growth steps, comma-separated (default: 1/100, 1/10, 1"
        " of --articles); tags grow in proportion",
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke run")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser figures")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="reuse the benchmark database of an earlier run when its sizes match (faster;"
        " the growth steps below its size are then skipped)",
    )
    parser.add_argument("--database", default=BENCH_DATABASE)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if args.quick:
        args.articles, args.tags, args.runs, args.import_files = 60, 1200, 2, 40
        args.growth = args.growth or "20,40,60"
    args.growth = (
        [int(n) for n in args.growth.split(",")]
        if args.growth
        else sorted({max(10, args.articles // 100), max(10, args.articles // 10), args.articles})
    )
    if args.growth[-1] != args.articles:
        parser.error("the last growth step must be --articles")
    return args


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def run(args: argparse.Namespace, own_database: bool = True) -> dict:
    started = time.perf_counter()
    report: dict = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["bench/run.py", *args.argv]),
        "sizes": {"articles": args.articles, "tags": args.tags, "runs": args.runs},
    }
    from bench import import_files

    import_runs = 1 if args.quick else 3
    log(f"import: {args.import_files} generated files through the command line")
    if own_database:
        with bench_database(args.database + "_import"):
            report["import"] = import_files.measure(args.import_files, import_runs, log)
        with bench_database(args.database, keep=args.keep):
            report["machine"] = machine()
            _measure_database(args, report)
    else:  # the smoke test: the test database, committed (the child processes read it)
        report["import"] = import_files.measure(args.import_files, import_runs, log)
        report["machine"] = machine()
        _measure_database(args, report)
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["budget"] = budget(report)
    return report


def _measure_database(args: argparse.Namespace, report: dict) -> None:
    from django.test import Client

    from bench import data, export, lists, overview, reading, revisions, search, tagging
    from bench.browser import bench_editor

    _forget_measured_articles()
    _start_over_if_different(args.articles, args.tags)
    editor = bench_editor()  # an editor with a password, for the browser too
    client = Client()
    client.force_login(editor)
    pages = {n: reading.tagged_article(n, editor, title="reading") for n in READING_TAGS}

    report["growth"] = []
    build_seconds = 0.0
    for size in args.growth:
        if data.counts()[0] > size:
            log(f"database: already more than {size} articles (--keep): growth step skipped")
            continue
        tags = round(args.tags * size / args.articles)
        log(f"database: {size} articles, {tags} tags")
        built = data.grow(size, tags, log=lambda m: log(m.strip()))
        build_seconds += built["seconds"]
        articles_now, tags_now = data.counts()
        page = reading.measure_page(client, pages[300].get_absolute_url(), args.runs * 4)
        step = {"articles": articles_now, "tags": tags_now, "reading_page_300_tags": page}
        if size != args.growth[-1]:  # the full size gets the full export benchmark below
            step["export_csv"] = export.measure(runs=1)["csv"]
            step["export_rows"] = tags_now
        report["growth"].append(step)
        log(f"  reading page (300 tags) {page['median_ms']} ms")
    report["sizes"].update(
        articles_in_database=articles_now,
        tags_in_database=tags_now,
        build_s=round(build_seconds, 1),
    )

    log("reading page at 0, 100, 300, 500 tags")
    report["reading"] = {
        str(n): reading.measure_page(client, pages[n].get_absolute_url(), args.runs * 4)
        for n in READING_TAGS
    }
    log("tagging: create / edit / delete on an article with 300 tags")
    writes = reading.tagged_article(300, editor, title="tagging")
    report["tagging"] = {
        "tags_on_article": 300,
        **tagging.measure(client, writes, rounds=max(10, args.runs * 10)),
    }
    log("revisions: a correction of an article with 500 tags")
    corrected = reading.tagged_article(500, revisions.bench_corrector(), title="revisions")
    report["revisions"] = {
        "tags_on_article": 500,
        **revisions.measure(revisions.corrector_client(), corrected, rounds=max(4, args.runs * 2)),
    }
    log("search: Arabic queries")
    report["search"] = search.measure(args.runs * 2)
    log("overview: from the tallies, and the recount it replaced")
    report["overview"] = overview.measure(args.runs * 4)
    log("lists: CPU per request of the article list, tag list and review queue")
    report["lists"] = lists.measure(max(10, args.runs * 4))
    log("export: all tags as CSV, and raw COPY")
    report["export"] = export.measure(runs=min(args.runs, 3), formats=("csv",))
    report["growth"][-1]["export_csv"] = report["export"]["csv"]
    report["growth"][-1]["export_rows"] = report["export"]["rows"]
    if args.no_browser:
        report["browser"] = None
    else:
        log("browser: headless Chromium against gunicorn, article with 300 tags")
        from bench import browser

        browser_runs = 2 if args.quick else max(3, args.runs)

        report["browser"] = {
            "tags_on_article": 300,
            **browser.measure(pages[300], editor.username, runs=browser_runs, baseline=pages[0]),
        }


def _start_over_if_different(articles: int, tags: int) -> None:
    """A kept database larger than asked for, or with another number of tags per article,
    is rebuilt: the sizes must be what the report says."""
    from django.db import connection

    from bench import data

    have_articles, have_tags = data.counts()
    per_article = round(tags / articles)
    if have_articles > articles or (
        have_articles and round(have_tags / have_articles) != per_article
    ):
        log("the kept benchmark database has other sizes: rebuilding it")
        connection.close()
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)


def _forget_measured_articles() -> None:
    """Articles made by earlier runs for the page and tagging figures (not the generated)."""
    from articles.models import Article
    from articles.reading import body_cache

    Article.objects.exclude(original_filename__startswith="bench_").delete()
    body_cache.clear()


def budget(report: dict) -> list[dict]:
    """Each line of docs/performance.md's budget with the figure measured now."""
    lines = []

    def line(name: str, limit: float, value, unit: str, fastest=None, at_least=False) -> None:
        met = value is not None and (value >= limit if at_least else value < limit)
        lines.append({"budget": name, "limit": limit, "value": value, "unit": unit, "met": met})
        if at_least:
            lines[-1]["at_least"] = True
        if fastest is not None:
            lines[-1]["fastest"] = fastest

    imp = report["import"]
    most = max(imp["queued"], key=int)
    line(
        f"import, queued, {most} workers (stored and searchable)",
        500,
        imp["queued"][most]["files_per_s"],
        "files/s",
        at_least=True,
    )

    page = report["reading"]["500"]
    line("reading page, 500 tags (warm)", 50, page["median_ms"], "ms", page["min_ms"])
    line(
        "reading page, 500 tags (cold body cache)",
        50,
        page["cold_median_ms"],
        "ms",
        page["cold_min_ms"],
    )
    create = report["tagging"]["create"]
    line("tag create, 300 tags", 20, create["median_ms"], "ms", create["min_ms"])
    correction = report["revisions"]
    line("correction, 500 tags", 200, correction["median_ms"], "ms", correction["min_ms"])
    page = report["overview"]["overview_from_tallies"]
    line(
        f"overview, {report['overview']['tags']} tags", 200, page["median_ms"], "ms", page["min_ms"]
    )
    browser = report.get("browser") or {}
    line("first contentful paint", 300, browser.get("first_contentful_paint_ms"), "ms")
    line("own JS + CSS, compressed", 60, browser.get("own_js_css_kb"), "KB")
    queries = {n: figures["queries"] for n, figures in report["reading"].items()}
    constant = len(set(queries.values())) == 1
    lines.append({"budget": "queries per reading page constant", "value": queries, "met": constant})
    return lines


# --- The report -------------------------------------------------------------------------


def markdown(report: dict) -> str:
    m = report["machine"]
    sizes = report["sizes"]
    out = [
        f"# Newsdesk benchmark, {report['started_at']}",
        "",
        f"`{report['command']}`, {report['seconds']} s in all (building the database"
        f" {sizes.get('build_s', 0)} s of it).",
        "",
        f"Machine: {m.get('cpu')}, {m.get('cores')} cores, {m.get('ram_gb')} GB RAM, load"
        f" {m.get('load_average_1min')} at the start; PostgreSQL {m.get('postgresql')},"
        f" Python {m.get('python')}, Django {m.get('django')}; commit {m.get('commit')}.",
        "",
        f"Database: {sizes.get('articles_in_database')} generated articles,"
        f" {sizes.get('tags_in_database')} tags. Figures are medians of {sizes['runs']}+ runs.",
        "",
        "## Budget",
        "",
        "Met when the median is under the limit (at least it, for a rate). The machine is"
        " shared: each figure's multiple of a floor measured in the same run is in its section.",
        "",
        "| budget | limit | measured (median) | met |",
        "|---|---|---|---|",
    ]
    for b in report["budget"]:
        sign = "≥" if b.get("at_least") else "<"
        limit = f"{sign} {b['limit']} {b['unit']}" if "limit" in b else "constant"
        if isinstance(b["value"], dict):
            value = ", ".join(f"{q} at {n} tags" for n, q in b["value"].items())
        else:
            value = f"{b['value']} {b['unit']}"
            if "fastest" in b:
                value += f" (fastest run {b['fastest']} {b['unit']})"
        out.append(f"| {b['budget']} | {limit} | {value} | {'yes' if b['met'] else '**no**'} |")
    imp = report["import"]
    out += [
        "",
        "## Import",
        "",
        f"{imp['files']} generated files ({imp['mb']} MB) through `manage.py import_articles`:"
        f" **{imp['files_per_s']} files/s** (re-run, all duplicates:"
        f" {imp['rerun_duplicates_files_per_s']} files/s; command CPU {imp['command_cpu_s']} s;"
        f" includes the command's start-up). Median of {imp['runs']} runs.",
        "",
        f"Floor, measured in the same run: the same files' bytes COPYed into a table in one"
        f" transaction, {imp['floor_copy_files_per_s']} files/s; the command takes"
        f" {imp['command_times_the_floor']}x the floor's time.",
        "",
        "Queued (`import_articles --queue`, workers already running): seconds until every"
        " file is stored and searchable, then until the similar-passage index and quote"
        " suggestions of every article are ready.",
        "",
        "| workers | stored files/s | × floor time | indexed files/s |",
        "|---|---|---|---|",
        *(
            f"| {n} | {q['files_per_s']} ({q['stored_s']} s) | {q['times_the_floor']} |"
            f" {q['indexed_files_per_s']} ({q['indexed_s']} s) |"
            for n, q in imp["queued"].items()
        ),
        "",
        f"The same files through the REST API (`POST /api/v1/articles/import`,"
        f" {imp['api_files_per_call']} files a call, token auth, in-process):"
        f" **{imp['api_files_per_s']} files/s**, median of {imp['runs']} runs.",
        "",
        "## Reading page (server time, in-process)",
        "",
        "Wall time (fastest run in brackets) and this process's CPU time (the database's"
        " own time is not in it); cold: the highlighted body rendered too (first view after"
        " a change).",
        "",
        "| tags | warm median ms (min) | warm CPU ms | p95 ms | cold median ms (min) |"
        " cold CPU ms | queries | HTML KB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, r in report["reading"].items():
        out.append(
            f"| {n} | {r['median_ms']} ({r['min_ms']}) | {r['cpu_median_ms']} | {r['p95_ms']} |"
            f" {r['cold_median_ms']} ({r['cold_min_ms']}) | {r['cold_cpu_median_ms']} |"
            f" {r['queries']} | {r['html_kb']} |"
        )
    t = report["tagging"]
    out += [
        "",
        f"## Tagging (article with {t['tags_on_article']} tags; htmx fragment included)",
        "",
        "| write | median ms (min) | CPU ms | p95 ms | fragment KB |",
        "|---|---|---|---|---|",
    ]
    for action in ("create", "edit", "delete"):
        r = t[action]
        out.append(
            f"| {action} | {r['median_ms']} ({r['min_ms']}) | {r['cpu_median_ms']} |"
            f" {r['p95_ms']} | {r['fragment_kb']} |"
        )
    out += [
        "",
        f"Floor, measured alongside: a logged-in GET /healthz through the same middleware,"
        f" median {t['floor']['median_ms']} ms; tag create takes"
        f" {t['create']['times_the_floor']}x the floor. Fragments are gzipped as for a browser.",
    ]
    c = report["revisions"]
    out += [
        "",
        f"## Correction of the text (article with {c['tags_on_article']} tags, re-anchored)",
        "",
        f"median **{c['median_ms']} ms** (min {c['min_ms']}, p95 {c['p95_ms']}), CPU"
        f" {c['cpu_median_ms']} ms, {c['queries']} queries; last outcome {c['last_outcome']}.",
    ]
    s = report["search"]
    out += ["", "## Search (first results page)", ""]
    for title, key in (("Article list", "article_list"), ("Tag list", "tag_list")):
        out += [f"{title}:", "", "| query | hits | p50 ms | p95 ms |", "|---|---|---|---|"]
        for row in s[key]:
            out.append(f"| {row['query']} | {row['hits']} | {row['p50_ms']} | {row['p95_ms']} |")
        out.append("")
    o = report["overview"]
    out += [
        "## Overview",
        "",
        f"{o['tags']} tags, {o['tally_rows']} tally rows after compaction: the page"
        f" **{o['overview_from_tallies']['median_ms']} ms** median"
        f" ({o['overview_x_floor']}x the floor, the profile page at"
        f" {o['floor_profile_page']['median_ms']} ms); recounting every tag as the page"
        f" did before: {o['recount_queries_before']['median_ms']} ms"
        f" ({o['recount_x_floor']}x the floor).",
        "",
    ]
    lists_report = report["lists"]
    floor = lists_report["floor"]
    out += [
        "## List pages: CPU per request (this process's, medians)",
        "",
        f"Floor, measured alongside: a logged-in GET /healthz, CPU {floor['cpu_ms']} ms.",
        "",
        "| page | filters | CPU ms | × floor | wall ms | queries |",
        "|---|---|---|---|---|---|",
        *(
            f"| {r['page']} | {r['filters']} | {r['cpu_ms']} | {r['x_floor']} |"
            f" {r['wall_ms']} | {r['queries']} |"
            for r in lists_report["pages"]
        ),
        "",
    ]
    e = report["export"]
    csv = e["csv"]
    out += [
        "## Export (all tags as CSV)",
        "",
        f"{e['rows']} rows: **{csv['rows_per_s']} rows/s** ({csv['median_s']} s, {csv['mb']} MB),"
        f" peak memory growth {csv['peak_rss_growth_mb']} MB; raw `COPY` of the same rows"
        f" {e['raw_copy']['rows_per_s']} rows/s ({e['raw_copy']['median_s']} s): the export"
        f" takes {csv['time_ratio_to_raw_copy']}x the raw COPY's time.",
        "",
        "## Cost growth",
        "",
        "Tags counted in the whole database (the generated ones, plus those of the"
        " articles measured above).",
        "",
        "| articles | tags | reading page, 300 tags: ms (cold) | queries | export rows/s |",
        "|---|---|---|---|---|",
    ]
    for g in report["growth"]:
        p = g["reading_page_300_tags"]
        out.append(
            f"| {g['articles']} | {g['tags']} | {p['median_ms']} ({p['cold_median_ms']}) |"
            f" {p['queries']} | {g['export_csv']['rows_per_s']} |"
        )
    b = report.get("browser")
    out += ["", "## Browser (headless Chromium, gunicorn + whitenoise, DEBUG=0)", ""]
    if b:
        out += [
            f"Article with {b['tags_on_article']} tags, fresh context (empty cache) each run,"
            f" median of {b['runs']}:",
            "",
            f"- first contentful paint: **{b['first_contentful_paint_ms']} ms** (the same"
            f" body without tags: {b.get('no_tags_first_contentful_paint_ms')} ms)",
            f"- interactive (tagging.js bound, toolbar usable): **{b['interactive_ms']} ms**"
            f" (without tags: {b.get('no_tags_interactive_ms')} ms)",
            f"- time to first byte: {b['ttfb_ms']} ms; DOMContentLoaded"
            f" {b['dom_content_loaded_ms']} ms",
            f"- our JS + CSS transferred: **{b['own_js_css_kb']} KB** compressed (JS"
            f" {b['own_js_kb']} KB, CSS {b['own_css_kb']} KB; {b['own_js_css_uncompressed_kb']}"
            f" KB uncompressed); htmx {b['htmx_js_kb']} KB ({b['htmx_uncompressed_kb']} KB"
            f" uncompressed); fonts {b['fonts_kb']} KB; HTML {b['html_transferred_kb']} KB",
        ]
    else:
        out.append("Skipped (--no-browser).")
    return "\n".join(out) + "\n"


def write(report: dict, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%SZ")
    json_path = folder / f"{stamp}.json"
    md_path = folder / f"{stamp}.md"
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    md_path.write_text(markdown(report), encoding="utf-8")
    return md_path, json_path


def main(argv=None, own_database: bool = True) -> tuple[Path, Path]:
    args = parse_args(argv)
    report = run(args, own_database)
    md_path, json_path = write(report, args.out)
    log(f"report: {md_path.relative_to(ROOT) if md_path.is_relative_to(ROOT) else md_path}")
    print(markdown(report))
    return md_path, json_path


if __name__ == "__main__":
    main()
