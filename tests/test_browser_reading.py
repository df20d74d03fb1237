"""What only a browser shows: the article really lays out right-to-left."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from articles import tagging
from articles.models import Tag
from articles.roles import EDITORS
from tests.conftest import (
    SAMPLE_FILES,
    import_and_index,
    login,
    make_tag,
    make_user,
    new_page,
    screenshot,
)
from tests.test_browser_tagging import select_with_mouse

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


PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 1,
}


@pytest.fixture
def phone(browser):
    page = new_page(browser, **PHONE)
    yield page
    errors = list(page.js_errors)
    page.context.close()
    assert errors == []


def test_reading_page_fits_a_phone(live_server, phone):
    editor = make_user("phone-editor", EDITORS)
    article = import_and_index([SAMPLE_FILES[1]])[0]
    login(phone, live_server, editor)
    wide = phone.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the article list is {wide} px wide on a phone"
    phone.goto(f"{live_server.url}/articles/{article.pk}/")
    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, "the page scrolls sideways on a phone"


def test_tapping_a_highlight_on_a_phone_edits_it_in_place(live_server, phone):
    editor = make_user("phone-tapper", EDITORS)
    article = import_and_index([SAMPLE_FILES[0]])[0]
    at = article.body.index("موسكو وبيونج يانج اتفقتا")
    tag = make_tag(article, at, at + len("موسكو وبيونج يانج اتفقتا"), user=editor)
    login(phone, live_server, editor)
    phone.goto(f"{live_server.url}{article.get_absolute_url()}")
    phone.locator(".reader[data-ready]").wait_for()
    mark = phone.locator(f"mark.hl[data-tags~='{tag.pk}']").first
    mark.scroll_into_view_if_needed()
    before = phone.evaluate("window.scrollY")
    mark.tap()
    form = phone.locator(f"#tag-{tag.pk}.editing form.tag-edit")
    form.wait_for()
    phone.wait_for_timeout(300)  # any scroll the opening causes
    moved = abs(phone.evaluate("window.scrollY") - before)
    assert moved < 100, f"the page jumped {moved} px away from the text"
    expect(mark).to_be_in_viewport()
    expect(form.locator("button.save")).to_be_in_viewport()
    screenshot(phone, "reading-page-phone")
    form.locator("input[value=quote]").tap()
    form.locator("button.save").tap()
    phone.wait_for_selector(f"#tag-{tag.pk}:not(.editing)")
    assert Tag.objects.get(pk=tag.pk).kind == "quote"


def test_back_then_forward_shows_the_tag_just_made(live_server, page):
    editor = make_user("history-editor", EDITORS)
    article = import_and_index([SAMPLE_FILES[0]])[0]
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


def test_panels_and_the_editor_open_where_the_editor_is_looking(live_server, page):
    editor = make_user("panel-editor", EDITORS)
    article = import_and_index([SAMPLE_FILES[0]])[0]
    words = list(re.finditer(r"\S+", article.body))
    # Enough tags that the side panel scrolls on its own.
    tags = [
        tagging.create_tag(
            article=article, user=editor, kind="claim", start=words[i].start(), end=words[i].end()
        )
        for i in range(0, 120, 4)
    ]
    login(page, live_server, editor)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.locator(".reader[data-ready]").wait_for()
    last = page.locator(f"#tag-{tags[-1].pk}")
    last.scroll_into_view_if_needed()

    last.locator("a.history").click()
    page.locator("section#tag-history").wait_for()
    expect(page.locator("#tag-history")).to_be_in_viewport()

    last.locator("a.claims").click()
    panel = page.locator("#claim-panel[data-claim]")
    panel.wait_for()
    expect(panel).to_be_in_viewport()

    page.locator(f"mark.hl[data-tags~='{tags[-2].pk}']").first.click()
    form = page.locator(f"#tag-{tags[-2].pk}.editing form.tag-edit")
    form.wait_for()
    expect(form.locator("button.save")).to_be_in_viewport()
    expect(form.locator("button.delete")).to_be_in_viewport()
