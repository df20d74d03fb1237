"""A smoke run of the benchmark suite (bench/run.py) at tiny sizes, so it cannot rot.

Checks that the report is written with every figure and that the figures are sane; it
sets no speed thresholds (this machine's timings say nothing). Browser figures included:
gunicorn and headless Chromium against the test database.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import CHROMIUM


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)  # the import command and gunicorn read the data
def test_bench_quick_run_writes_the_whole_report(tmp_path, monkeypatch):
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps`.")
    from bench import run

    md_path, json_path = run.main(["--quick", "--out", str(tmp_path)], own_database=False)
    report = json.loads(json_path.read_text(encoding="utf-8"))

    assert {
        "machine",
        "sizes",
        "import",
        "reading",
        "tagging",
        "revisions",
        "search",
        "overview",
        "lists",
        "export",
    } <= set(report)
    assert {"cpu", "cores", "ram_gb", "postgresql", "python", "django"} <= set(report["machine"])
    assert report["import"]["files"] == 40 and report["import"]["files_per_s"] > 0
    assert report["import"]["floor_copy_files_per_s"] > report["import"]["files_per_s"]
    for workers in ("1", "2"):  # queued, imported and indexed by real worker processes
        queued = report["import"]["queued"][workers]
        assert queued["imported"] == 40 and queued["indexed_s"] >= queued["stored_s"] > 0
    assert report["tagging"]["create"]["times_the_floor"] > 1
    assert report["import"]["api_files_per_s"] > 0
    assert set(report["reading"]) == {"0", "100", "300", "500"}
    sizes = [report["reading"][n]["html_kb"] for n in ("0", "100", "300", "500")]
    assert sizes == sorted(sizes)  # more tags, more HTML
    queries = {figures["queries"] for figures in report["reading"].values()}
    assert len(queries) == 1 and queries.pop() > 0
    for action in ("create", "edit", "delete"):
        assert report["tagging"][action]["median_ms"] > 0
    assert report["revisions"]["median_ms"] > 0
    assert report["revisions"]["tags_on_article"] == 500
    assert report["revisions"]["last_outcome"].get("orphan", 0) == 0
    assert len(report["search"]["article_list"]) == 12
    assert report["overview"]["tags"] > 1000 and report["overview"]["overview_x_floor"] > 0
    pages = {row["page"] for row in report["lists"]["pages"]}
    assert pages == {"article list", "tag list", "review queue"}
    for row in report["lists"]["pages"]:  # each list costs more than the bare floor
        assert row["cpu_ms"] > 0 and row["x_floor"] > 1 and row["queries"] > 2
    assert report["export"]["rows"] > 1000 and report["export"]["csv"]["rows_per_s"] > 0
    assert report["export"]["csv"]["time_ratio_to_raw_copy"] > 0
    assert [g["articles"] for g in report["growth"]] == [20, 40, 60]
    browser = report["browser"]
    assert browser["first_contentful_paint_ms"] > 0 and browser["interactive_ms"] > 0
    assert browser["own_js_kb"] > 0 and browser["own_css_kb"] > 0 and browser["htmx_js_kb"] > 0
    assert {line["budget"] for line in report["budget"]} >= {
        "reading page, 500 tags (warm)",
        "tag create, 300 tags",
        "correction, 500 tags",
        "first contentful paint",
        "own JS + CSS, compressed",
        "queries per reading page constant",
    }
    text = md_path.read_text(encoding="utf-8")
    headings = ("## Budget", "## Import", "## Reading page", "## Correction", "## Overview")
    headings += ("## List pages",)
    for heading in (*headings, "## Cost growth", "## Browser"):
        assert heading in text
