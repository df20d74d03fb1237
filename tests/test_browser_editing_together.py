"""Two editors (two browser contexts) or two tabs on one article, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from articles.importing.pipeline import import_path
from articles.models import Tag
from articles.roles import EDITORS
from tests.conftest import (
    SAMPLE_FILES,
    login,
    make_tag,
    make_user,
    new_page,
    screenshot,
    watch_console,
)
from tests.test_browser_tagging import select_with_mouse

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


def a_saves_then_b_conflicts(page_a, form_a, page_b, form_b, tag: Tag):
    """A saves first; B's save then answers 409 with the conflict form."""
    form_a.locator("button.save").click()
    page_a.wait_for_selector(f"#tag-{tag.pk}:not(.editing) .note")
    page_b.expected_statuses.add(409)
    form_b.locator("button.save").click()
    conflict = page_b.locator(f"#tag-{tag.pk}.editing.conflict")
    conflict.wait_for()
    return conflict


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
    conflict = a_saves_then_b_conflicts(page_a, form_a, page_b, form_b, tag)
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
    conflict = a_saves_then_b_conflicts(page_a, form_a, page_b, form_b, tag)
    clash = conflict.locator(".both-changed li")
    expect(clash).to_have_count(1)
    expect(clash).to_contain_text("ملاحظة أ")
    expect(clash).to_contain_text("ملاحظة ب")
    expect(page_b.locator(".notice-error")).to_contain_text("ملاحظة")
    # A's kind survives, B's note is what B re-applies.
    expect(conflict.locator("input[value=background]")).to_be_checked()
    screenshot(page_b, "conflict-resolution", element=conflict)
    conflict.locator("button.save").click()
    page_b.wait_for_selector(f"#tag-{tag.pk}:not(.editing)")
    tag.refresh_from_db()
    assert (tag.kind, tag.note) == ("background", "ملاحظة ب")


def _author():
    return make_user("tag-author", EDITORS)


def test_two_tabs_keep_their_side_lists_whole_and_refuse_a_duplicate(live_server, page):
    editor = make_user("two-tabs", EDITORS)
    article = import_path(SAMPLE_FILES[0]).article
    make_tag(article, 0, 20, user=editor, kind="background")
    login(page, live_server, editor)
    tab1 = page
    tab2 = page.context.new_page()
    watch_console(tab2)
    for tab in (tab1, tab2):
        tab.goto(f"{live_server.url}{article.get_absolute_url()}")
        tab.locator(".reader[data-ready]").wait_for()

    later, earlier = "موسكو وبيونج يانج اتفقتا", "تفاصيل الاتفاق الدفاعي المشترك"
    select_with_mouse(tab2, later)
    tab2.keyboard.press("1")
    tab2.locator("#tag-list .tag-item").nth(1).wait_for()
    from_tab2 = Tag.objects.get(exact=later)

    # Tab 1 never saw that tag; its own new one must still join its list, in order.
    select_with_mouse(tab1, earlier)
    tab1.keyboard.press("1")
    mine = tab1.locator("#tag-list .tag-item", has_text=earlier)
    mine.wait_for()
    listed = tab1.locator("#tag-list > .tag-item")
    expect(listed).to_have_count(3)
    assert [listed.nth(i).get_attribute("data-tag") for i in range(3)][2] == str(from_tab2.pk)
    expect(tab1.locator(".count[data-kind=claim]")).to_have_text("2")

    # The same passage and kind again from tab 1: refused, not stored twice.
    tab1.expected_statuses.add(422)
    select_with_mouse(tab1, later)
    tab1.keyboard.press("1")
    expect(tab1.locator(".notice-error")).to_contain_text("موسوم بهذا النوع من قبل")
    assert Tag.objects.filter(exact=later, kind="claim").count() == 1
    assert tab2.js_errors == []
