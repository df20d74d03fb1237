"""What only a browser shows: the article really lays out right-to-left."""

from __future__ import annotations

import pytest

from articles.importing.pipeline import import_path
from articles.models import Tag
from articles.roles import EDITORS
from tests.conftest import SAMPLE_FILES, login, make_user, screenshot
from tests.test_browser_tagging import select_with_mouse

pytestmark = pytest.mark.browser


def test_editor_reads_a_sample_right_to_left(live_server, page):
    editor = make_user("browser-editor", EDITORS)
    article = import_path(SAMPLE_FILES[0]).article
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
    article = import_path(SAMPLE_FILES[1]).article
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ar")
    page = context.new_page()
    login(page, live_server, editor)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, "the page scrolls sideways on a phone"
    screenshot(page, "reading-page-phone")
    context.close()


def test_back_then_forward_shows_the_tag_just_made(live_server, page):
    editor = make_user("history-editor", EDITORS)
    article = import_path(SAMPLE_FILES[0]).article
    login(page, live_server, editor)
    page.locator(f"a[href='{article.get_absolute_url()}']").first.click()
    page.wait_for_url(f"**{article.get_absolute_url()}")
    select_with_mouse(page, "موسكو وبيونج يانج اتفقتا")
    page.keyboard.press("1")
    page.wait_for_selector("mark.hl.kc-claim")
    tag = Tag.objects.get(article=article)

    page.go_back()
    page.wait_for_url(f"{live_server.url}/articles/")
    page.go_forward()
    page.wait_for_url(f"**{article.get_absolute_url()}")
    page.locator(f"#tag-{tag.pk}").wait_for()
    assert page.locator(f"mark.hl[data-tags~='{tag.pk}']").count() >= 1
    assert page.locator(".count[data-kind=claim]").inner_text() == "1"
