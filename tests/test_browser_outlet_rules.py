"""An Admin teaches an outlet's clean-up from the raw page, and the next import learns it."""

from __future__ import annotations

import pytest

from articles.models import Article
from articles.roles import ADMINS
from tests.conftest import login, make_user, run_jobs, screenshot
from tests.test_outlet_memory import FIRST, PROMO, SECOND

pytestmark = pytest.mark.browser


def _upload(page, live_server, path) -> None:
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("input[type=file]", [str(path)])
    page.click("#upload-button")
    run_jobs()  # a worker imports the stored file; the page reloads
    page.locator("tr.result-row[data-status=imported]").first.wait_for()


def test_admin_marks_a_furniture_line_and_the_second_import_loses_it_then_undoes(
    live_server, page, tmp_path, job_queue
):
    admin = make_user("rules-admin", ADMINS)
    first_file, second_file = tmp_path / "bridge.txt", tmp_path / "olives.txt"
    first_file.write_bytes(FIRST)
    second_file.write_bytes(SECOND)
    login(page, live_server, admin)

    _upload(page, live_server, first_file)
    first = Article.objects.get(original_filename="bridge.txt")
    page.goto(f"{live_server.url}/articles/{first.pk}/raw/")
    promo = page.locator("ol.raw-lines li", has_text=PROMO)
    assert promo.get_attribute("class") != "removed"
    promo.locator("button.mark-furniture").click()  # htmx: the list is swapped in place
    page.locator("p.notice[role=status]").wait_for()
    promo = page.locator("ol.raw-lines li", has_text=PROMO)
    assert promo.get_attribute("data-rule") == "learned"
    assert promo.locator("button.undo-line").count() == 1
    screenshot(page, "outlet_rule_marked")

    _upload(page, live_server, second_file)
    second = Article.objects.get(original_filename="olives.txt")
    assert PROMO not in second.body
    page.goto(f"{live_server.url}/articles/{second.pk}/raw/")
    assert page.locator("ol.raw-lines li", has_text=PROMO).get_attribute("data-rule") == "learned"

    page.locator("ol.raw-lines li", has_text=PROMO).locator("button.undo-line").click()
    page.locator("p.notice[role=status]").wait_for()
    promo = page.locator("ol.raw-lines li", has_text=PROMO)
    assert promo.get_attribute("data-rule") is None
    assert promo.locator("button.mark-furniture").count() == 1
    second.refresh_from_db()
    assert PROMO in second.body
    screenshot(page, "outlet_rule_undone")

    page.locator("a", has_text="قواعد هذا المصدر").click()
    page.wait_for_url("**/sources/*/rules/")
    assert "لم يتعلم هذا المصدر أي قاعدة بعد" in page.content()
    assert page.js_errors == []
