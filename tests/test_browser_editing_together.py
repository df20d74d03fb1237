"""Two editors (two browser contexts) or two tabs on one article, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from articles.importing.pipeline import import_path
from articles.models import Tag
from articles.roles import EDITORS
from tests.conftest import SAMPLE_FILES, login, make_tag, make_user, new_page, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def two_editors(live_server, browser):
    pages = []
    for name in ("editor-a", "editor-b"):
        page = new_page(browser)
        login(page, live_server, make_user(name, EDITORS))
        pages.append(page)
    yield pages
    errors = [error for page in pages for error in page.js_errors]
    for page in pages:
        page.context.close()
    assert errors == []


def open_editor(page, tag: Tag):
    page.locator(f"#tag-{tag.pk}").click()
    form = page.locator(f"#tag-{tag.pk}.editing form.tag-edit")
    form.wait_for()
    return form


def test_reapplying_after_a_conflict_keeps_the_other_editors_note(live_server, two_editors):
    page_a, page_b = two_editors
    article = import_path(SAMPLE_FILES[0]).article
    tag = make_tag(article, 40, 90, user=_author(), kind="claim")
    for page in (page_a, page_b):
        page.goto(f"{live_server.url}{article.get_absolute_url()}")

    # B starts editing kind and speaker; A saves a note meanwhile.
    form_b = open_editor(page_b, tag)
    form_b.locator("input[value=quote]").check()
    form_b.locator("input[name=speaker]").fill("وزير الخارجية")
    form_a = open_editor(page_a, tag)
    form_a.locator("textarea[name=note]").fill("ملاحظة المحرر أ")
    form_a.locator("button.save").click()
    page_a.wait_for_selector(f"#tag-{tag.pk}:not(.editing) .note")

    page_b.expected_statuses.add(409)
    form_b.locator("button.save").click()
    conflict = page_b.locator(f"#tag-{tag.pk}.editing.conflict")
    conflict.wait_for()
    # The form now holds A's note under B's own change; nothing both changed.
    expect(conflict.locator("textarea[name=note]")).to_have_value("ملاحظة المحرر أ")
    expect(conflict.locator("input[name=speaker]")).to_have_value("وزير الخارجية")
    expect(conflict.locator(".both-changed")).to_have_count(0)
    conflict.locator("button.save").click()
    page_b.wait_for_selector(f"#tag-{tag.pk}:not(.editing)")
    tag.refresh_from_db()
    assert (tag.kind, tag.speaker, tag.note) == ("quote", "وزير الخارجية", "ملاحظة المحرر أ")


def test_a_conflict_on_the_same_field_says_so(live_server, two_editors):
    page_a, page_b = two_editors
    article = import_path(SAMPLE_FILES[0]).article
    tag = make_tag(article, 40, 90, user=_author(), kind="claim", note="الأصل")
    for page in (page_a, page_b):
        page.goto(f"{live_server.url}{article.get_absolute_url()}")

    form_b = open_editor(page_b, tag)
    form_b.locator("textarea[name=note]").fill("ملاحظة ب")
    form_a = open_editor(page_a, tag)
    form_a.locator("textarea[name=note]").fill("ملاحظة أ")
    form_a.locator("input[value=background]").check()
    form_a.locator("button.save").click()
    page_a.wait_for_selector(f"#tag-{tag.pk}:not(.editing) .note")

    page_b.expected_statuses.add(409)
    form_b.locator("button.save").click()
    conflict = page_b.locator(f"#tag-{tag.pk}.editing.conflict")
    conflict.wait_for()
    clash = conflict.locator(".both-changed li")
    expect(clash).to_have_count(1)
    expect(clash).to_contain_text("ملاحظة أ")
    expect(clash).to_contain_text("ملاحظة ب")
    expect(page_b.locator(".notice-error")).to_contain_text("ملاحظة")
    # A's kind survives, B's note is what B re-applies.
    expect(conflict.locator("input[value=background]")).to_be_checked()
    conflict.scroll_into_view_if_needed()
    screenshot(page_b, "conflict-resolution")
    conflict.locator("button.save").click()
    page_b.wait_for_selector(f"#tag-{tag.pk}:not(.editing)")
    tag.refresh_from_db()
    assert (tag.kind, tag.note) == ("background", "ملاحظة ب")


def _author():
    return make_user("tag-author", EDITORS)
