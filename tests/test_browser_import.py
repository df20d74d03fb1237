"""What only a browser shows: an admin uploads files, watches a worker import them, and
sees one row per file."""

from __future__ import annotations

import pytest

from articles.roles import ADMINS, EDITORS
from tests.conftest import SAMPLE_FILES, login, make_user, run_jobs_beside_the_browser, screenshot

pytestmark = pytest.mark.browser


def test_admin_uploads_two_samples_and_a_bad_file_and_sees_three_rows(
    live_server, page, tmp_path, job_queue
):
    admin = make_user("browser-admin", ADMINS)
    bad = tmp_path / "picture.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    login(page, live_server, admin)
    page.click("a[href='/imports/']")
    page.set_input_files("input[type=file]", [str(SAMPLE_FILES[0]), str(SAMPLE_FILES[3]), str(bad)])
    page.click("#upload-button")
    page.locator("#batch-progress progress").wait_for()  # stored; a worker will import
    assert "0 من 3" in page.locator("#batch-progress").inner_text()
    screenshot(page, "import_batch_waiting")
    run_jobs_beside_the_browser()
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
    response = page.goto(f"{live_server.url}/imports/")
    assert response.status == 403
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    status = page.evaluate(
        "async (token) => (await fetch('/imports/', "
        "{method: 'POST', headers: {'X-CSRFToken': token}})).status",
        token,
    )
    assert status == 403
