"""Quote suggestions in a real browser: accept one with a key, dismiss another, reload."""

from __future__ import annotations

import pytest

from articles.models import QuoteSuggestion, Tag, TagEvent
from articles.roles import EDITORS
from tests.conftest import SAMPLE_FILES, import_and_index, login, make_user, screenshot

pytestmark = pytest.mark.browser

DECORATION = """id => {
  const span = [...document.querySelectorAll(`#article-body .sg[data-sg~="${id}"]`)]
    .find((el) => !el.closest('mark.hl'));
  const style = getComputedStyle(span);
  return [style.textDecorationLine, style.textDecorationStyle, style.backgroundColor];
}"""


def shown_text(page, selector: str) -> str:
    return page.evaluate(
        "sel => [...document.querySelectorAll(sel)].map(m => m.textContent).join('')", selector
    )


def test_accept_with_a_key_then_dismiss_and_it_stays_gone(live_server, page):
    editor = make_user("browser-suggester", EDITORS)
    article = import_and_index([SAMPLE_FILES[0]])[0]
    login(page, live_server, editor)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.evaluate("document.fonts.ready")

    # The first reading stored the suggestions; each is dashed in the text, not filled.
    first, second = article.suggestions.filter(state="open").order_by("start")[:2]
    assert first.speaker == "وكالة الأنباء المركزية الكورية"
    assert shown_text(page, f"#article-body .sg[data-sg~='{first.pk}']") == first.exact
    assert page.evaluate(DECORATION, str(first.pk)) == ["underline", "dashed", "rgba(0, 0, 0, 0)"]
    item = page.locator(f"#sg-{first.pk}")
    assert item.get_attribute("title") == first.explanation
    assert page.locator(f"#sg-{first.pk}-why").text_content() == first.explanation
    item.focus()
    page.locator(f"#article-body .sg[data-sg~='{first.pk}']").first.scroll_into_view_if_needed()
    screenshot(page, "suggestions-before")

    # Accept with the A key: a quote tag with its speaker, by this editor, in place.
    page.keyboard.press("a")
    page.wait_for_selector(f"#sg-{first.pk}", state="detached")
    page.wait_for_selector("mark.hl.kc-quote")
    tag = Tag.objects.get(article=article)
    assert (tag.kind, tag.exact, tag.speaker) == ("quote", first.exact, first.speaker)
    assert tag.created_by == editor
    assert TagEvent.objects.filter(tag_id=tag.pk, action="created").exists()
    first.refresh_from_db()
    assert (first.state, first.tag_id, first.decided_by) == ("accepted", tag.pk, editor)
    assert shown_text(page, f"mark.hl[data-tags~='{tag.pk}']") == first.exact
    listed = page.locator(f"#tag-{tag.pk}")
    assert listed.is_visible() and first.speaker in listed.locator(".speaker").inner_text()
    assert page.locator(".count[data-kind=quote]").inner_text() == "1"
    assert page.locator(f"#article-body .sg[data-sg~='{first.pk}']").count() == 0
    screenshot(page, "suggestions-accepted")

    # The next suggestion has the focus: dismiss it with D on an Arabic layout (types ي).
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === `sg-${id}`",
        arg=str(second.pk),
    )
    page.evaluate(
        "() => document.activeElement.dispatchEvent(new KeyboardEvent('keydown', "
        "{key: 'ي', code: 'KeyD', bubbles: true}))"
    )
    page.wait_for_selector(f"#sg-{second.pk}", state="detached")
    assert QuoteSuggestion.objects.get(pk=second.pk).state == "dismissed"
    assert Tag.objects.filter(article=article).count() == 1

    # Reload: the dismissed one stays gone, the accepted one is a tag.
    page.reload()
    page.evaluate("document.fonts.ready")
    assert page.locator(f"#sg-{second.pk}").count() == 0
    assert page.locator(f"#article-body .sg[data-sg~='{second.pk}']").count() == 0
    assert shown_text(page, f"mark.hl[data-tags~='{tag.pk}']") == first.exact
    assert page.locator(".suggestions .tally").inner_text() == "قُبل 1 · استُبعد 1"
    page.locator(f"mark.hl[data-tags~='{tag.pk}']").first.scroll_into_view_if_needed()
    screenshot(page, "suggestions-after-reload")
    assert page.js_errors == []


def test_accept_with_the_button_and_the_speaker_page(live_server, page):
    editor = make_user("browser-speakers", EDITORS)
    article = import_and_index([SAMPLE_FILES[0]])[0]
    login(page, live_server, editor)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    first = article.suggestions.filter(state="open").exclude(speaker="").order_by("start")[0]
    page.locator(f"#sg-{first.pk} button.accept").click()
    page.wait_for_selector(f"#sg-{first.pk}", state="detached")
    page.goto(f"{live_server.url}/speakers/")
    page.get_by_role("link", name=first.speaker).click()
    page.wait_for_selector("table.speaker-quotes")
    assert page.locator("table.speaker-quotes tbody tr").count() == 1
    screenshot(page, "speaker-page")
    assert page.js_errors == []
