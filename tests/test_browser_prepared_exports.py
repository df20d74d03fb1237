"""In a browser, as a reviewer: a set too big to download at once is prepared by a worker,
the page follows it until it is ready, and the file downloads."""

from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import expect

from articles.models import PreparedExport, TagSet
from articles.roles import EDITORS, REVIEWERS
from tests.conftest import (
    SAMPLE_FILES,
    import_and_index,
    login,
    make_tag,
    make_user,
    run_jobs,
    screenshot,
)

pytestmark = pytest.mark.browser


def test_reviewer_prepares_a_big_xlsx_and_downloads_it_when_ready(
    live_server, page, settings, job_queue
):
    settings.PREPARED_EXPORT_MIN_ROWS = 20  # "big" for this test: the set has 24 tags
    editor = make_user("browser-editor", EDITORS)
    reviewer = make_user("browser-reviewer", REVIEWERS)
    article = import_and_index([SAMPLE_FILES[0]])[0]
    for n in range(24):
        make_tag(article, 10 * n, 10 * n + 8, user=editor, kind="quote")
    TagSet.objects.create(name="كبيرة", owner=reviewer, filters={"kind": ["quote"]})

    login(page, live_server, reviewer)
    page.goto(f"{live_server.url}/export/")
    set_row = page.locator("#sets tr", has_text="كبيرة")
    # XLSX is prepared; CSV still downloads at once.
    expect(set_row.locator("a[data-format=csv]")).to_be_visible()
    screenshot(page, "prepared-export-request", element=page.locator("#sets"))
    set_row.locator("button[data-format=xlsx]").click()
    page.wait_for_url(f"{live_server.url}/export/prepared/")
    export = PreparedExport.objects.get()
    row = page.locator(f"#prepared-{export.pk}")
    expect(row).to_have_attribute("data-status", "queued")
    expect(row.locator("progress")).to_be_visible()
    screenshot(page, "prepared-export-waiting")

    run_jobs()  # the worker builds the file; the page learns it by polling its row

    expect(row).to_have_attribute("data-status", "ready", timeout=10_000)
    screenshot(page, "prepared-export-ready")
    with page.expect_download() as download_info:
        row.locator("a.download").click()
    download = download_info.value
    assert download.suggested_filename.startswith("كبيرة-")
    assert download.suggested_filename.endswith(".xlsx")
    with zipfile.ZipFile(download.path()) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 25  # the header and every tag
    assert article.body[0:8] in sheet
    assert page.js_errors == []
