"""What only a browser shows: typing a query swaps in highlighted results, filters land in
the URL, and reloading that URL shows the same results."""

from __future__ import annotations

import re

import pytest

from articles.roles import EDITORS
from tests.conftest import login, make_article, make_source, make_user, screenshot

pytestmark = pytest.mark.browser


def test_editor_searches_filters_and_reloads_the_same_view(live_server, page):
    editor = make_user("browser-searcher", EDITORS)
    agency, paper = make_source("وكالة الأنباء"), make_source("الصحيفة")
    make_article("أكد المتحدث أن الاتِّفاقيَّة نافذة منذ ٢٠٢٤.", title="بيان الوكالة", source=agency)
    make_article("وأكد الوزير حضوره.", title="خبر الصحيفة", source=paper)
    make_article("لا شيء هنا.", title="خبر آخر", source=paper)
    login(page, live_server, editor)

    page.fill("#id_q", "اكد")
    page.wait_for_url(re.compile(r"[?&]q="))
    rows = page.locator("#results tbody tr")
    rows.first.wait_for()
    assert rows.count() == 2
    hits = page.locator("#results mark.hit")
    assert "أكد" in hits.all_inner_texts()
    excerpt = page.locator("#results .excerpt").first
    assert excerpt.evaluate("el => getComputedStyle(el).direction") == "rtl"
    screenshot(page, "search-results")

    page.select_option("#id_source", label="وكالة الأنباء")
    page.wait_for_url(re.compile(r"source=\d+"))
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")
    assert "بيان الوكالة" in page.locator("#results").inner_text()
    url = page.url
    assert "q=%D8%A7%D9%83%D8%AF" in url

    page.reload()
    assert page.url == url
    assert page.input_value("#id_q") == "اكد"
    assert page.locator("#id_source option:checked").inner_text() == "وكالة الأنباء"
    assert page.locator("#results tbody tr").count() == 1
    assert page.locator("#results mark.hit").all_inner_texts() == ["أكد"]
    screenshot(page, "search-filtered-reloaded")
    assert page.js_errors == []
