"""What only a browser shows: an admin uploads files, watches a worker import them, and
sees one row per file."""

from __future__ import annotations

import pytest

from articles.models import ImportBatch
from articles.roles import ADMINS, EDITORS
from tests.conftest import SAMPLE_FILES, login, make_user, run_jobs, screenshot

pytestmark = pytest.mark.browser


def test_admin_uploads_two_samples_and_a_bad_file_and_sees_three_rows(
    live_server, page, tmp_path, job_queue
):
    admin = make_user("browser-admin", ADMINS)
    bad = tmp_path / "picture.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    login(page, live_server, admin)
    page.click(".nav-menu summary")  # the Admin's menu in the top bar
    page.click("a[href='/imports/']")
    page.set_input_files("input[type=file]", [str(SAMPLE_FILES[0]), str(SAMPLE_FILES[3]), str(bad)])
    page.click("#upload-button")
    page.locator("#batch-progress progress").wait_for()  # stored; a worker will import
    assert "0 من 3" in page.locator("#batch-progress").inner_text()
    screenshot(page, "import_batch_waiting")
    run_jobs()
    # The page polls the counts and reloads itself once the worker is done.
    page.locator("tr.result-row[data-status=imported]").first.wait_for()
    rows = page.locator("tr.result-row")
    rows.first.wait_for()
    assert rows.count() == 3
    statuses = [rows.nth(i).get_attribute("data-status") for i in range(3)]
    assert statuses == ["imported", "imported", "rejected"]
    assert "هل نشهد حرباً نووية" in rows.nth(0).inner_text()
    assert "PNG" in rows.nth(2).inner_text()
    screenshot(page, "import_batch_result")
    # The audit page shows the raw file with the removed furniture struck through.
    rows.nth(0).locator("a", has_text="النص الخام").click()
    page.locator("li.removed").first.wait_for()
    assert page.locator("li.removed[data-rule=repeated]").count() >= 2
    screenshot(page, "import_raw_text")
    assert page.js_errors == []


def test_a_non_admin_gets_403_on_the_upload_page(live_server, page):
    editor = make_user("browser-editor2", EDITORS)
    login(page, live_server, editor)
    assert page.locator("a[href='/imports/']").count() == 0
    page.expected_statuses.add(403)
    response = page.goto(f"{live_server.url}/imports/")
    assert response.status == 403
    # An Arabic page inside the site's layout, with the way back.
    assert page.locator("h1").inner_text() == "غير مسموح"
    assert page.locator(".site-nav a[href='/articles/']").count() == 1
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    status = page.evaluate(
        "async (token) => (await fetch('/imports/', "
        "{method: 'POST', headers: {'X-CSRFToken': token}})).status",
        token,
    )
    assert status == 403


def test_one_empty_file_gets_its_own_verdict_and_the_others_import(
    live_server, page, tmp_path, job_queue
):
    admin = make_user("empty-admin", ADMINS)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    login(page, live_server, admin)
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files(
        "input[type=file]", [str(SAMPLE_FILES[0]), str(empty), str(SAMPLE_FILES[3])]
    )
    page.click("#upload-button")
    page.locator("#batch-progress progress").wait_for()  # stored; a worker will import
    run_jobs()
    page.locator("tr.result-row[data-status=imported]").first.wait_for()
    rows = page.locator("tr.result-row")
    rows.first.wait_for()
    statuses = [rows.nth(i).get_attribute("data-status") for i in range(rows.count())]
    assert statuses == ["imported", "rejected", "imported"]
    assert "empty.txt" in rows.nth(1).inner_text()
    assert "الملف فارغ" in rows.nth(1).inner_text()

    # Alone, the empty file still makes a batch with its verdict.
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("input[type=file]", [str(empty)])
    page.click("#upload-button")
    page.locator("tr.result-row[data-status=rejected]").wait_for()
    assert ImportBatch.objects.count() == 2
