"""What only a browser shows: the article really lays out right-to-left."""

from __future__ import annotations

import pytest

from articles.roles import EDITORS
from tests.conftest import SAMPLE_FILES, import_and_index, login, make_user, screenshot

pytestmark = pytest.mark.browser


def test_editor_reads_a_sample_right_to_left(live_server, page):
    editor = make_user("browser-editor", EDITORS)
    article = import_and_index([SAMPLE_FILES[0]])[0]
    login(page, live_server, editor)
    page.click(f"a[href='/articles/{article.pk}/']")
    body = page.locator("#article-body")
    body.wait_for()
    assert body.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert body.is_visible()
    assert "بوتين" in body.inner_text()
    # The self-hosted Naskh font is what the text is drawn with.
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('20px \"Noto Naskh Arabic\"', 'بوتين')")
    # Right-aligned: the first paragraph's right edge sits at the body's right edge.
    first = page.locator("#article-body p").first.bounding_box()
    box = body.bounding_box()
    assert abs((first["x"] + first["width"]) - (box["x"] + box["width"])) < 2
    assert page.js_errors == []
    assert screenshot(page, "reading-page").stat().st_size > 10_000


def test_reading_page_fits_a_phone(live_server, browser):
    editor = make_user("phone-editor", EDITORS)
    article = import_and_index([SAMPLE_FILES[1]])[0]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ar")
    page = context.new_page()
    login(page, live_server, editor)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, "the page scrolls sideways on a phone"
    screenshot(page, "reading-page-phone")
    context.close()
