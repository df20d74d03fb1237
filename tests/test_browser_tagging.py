"""Tagging as an editor in a real browser: mouse selection, keys, inline edit, undo."""

from __future__ import annotations

import pytest

from articles.models import Tag
from articles.roles import EDITORS
from tests.conftest import (
    SAMPLE_FILES,
    import_and_index,
    login,
    make_article,
    make_user,
    screenshot,
)

pytestmark = pytest.mark.browser


# Finds `phrase` (the nth time) in the article text and returns the client rectangles
# of its first and last line boxes, so the test can drag the mouse over it.
PHRASE_RECTS = """([phrase, nth, within]) => {
  const paragraphs = [...document.querySelectorAll(`${within} p[data-start]`)];
  let seen = 0;
  for (const p of paragraphs) {
    let at = p.textContent.indexOf(phrase);
    while (at >= 0) {
      if (seen++ === nth) {
        const point = (u16) => {
          const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
          let node, left = u16;
          while ((node = walker.nextNode())) {
            if (left <= node.data.length) return [node, left];
            left -= node.data.length;
          }
        };
        const range = document.createRange();
        range.setStart(...point(at));
        range.setEnd(...point(at + phrase.length));
        range.startContainer.parentElement.scrollIntoView({block: 'center'});
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        const r0 = rects[0], r1 = rects[rects.length - 1];
        const box = (r) => [r.left, r.right, r.top, r.bottom];
        return {first: box(r0), last: box(r1)};
      }
      at = p.textContent.indexOf(phrase, at + 1);
    }
  }
  throw new Error('phrase not found: ' + phrase);
}"""


def select_with_mouse(
    page, phrase: str, nth: int = 0, *, toolbar: bool = True, within: str = "#article-body"
) -> None:
    """Drag from the first letter to the last one, right to left like an Arabic reader
    (then, on the reading page, wait for the tagging toolbar). `within`: the element whose
    paragraphs hold the phrase."""
    rects = page.evaluate(PHRASE_RECTS, [phrase, nth, within])
    left, right, top, bottom = rects["first"]
    page.mouse.move(right - 1, (top + bottom) / 2)
    page.mouse.down()
    left, right, top, bottom = rects["last"]
    page.mouse.move((left + right) / 2, (top + bottom) / 2, steps=5)
    page.mouse.move(left + 1, (top + bottom) / 2, steps=3)
    page.mouse.up()
    if toolbar:
        page.locator("#tag-toolbar").wait_for(state="visible")
        # On a busy machine the toolbar may have shown a part of the drag: wait until it
        # holds the whole selection.
        page.wait_for_function(
            "() => document.querySelector('#tag-toolbar').dataset.selection"
            " === document.getSelection().toString()"
        )


def tag_text(page, tag_id: int) -> str:
    """The highlighted text of a tag as the page shows it."""
    return page.evaluate(
        "id => [...document.querySelectorAll(`mark.hl[data-tags~='${id}']`)]"
        ".map(m => m.textContent).join('')",
        str(tag_id),
    )


def newest_tag() -> Tag:
    return Tag.objects.latest("id")


@pytest.fixture
def editor_on_sample(live_server, page):
    editor = make_user("browser-tagger", EDITORS)
    article = import_and_index([SAMPLE_FILES[0]])[0]
    login(page, live_server, editor)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.evaluate("document.fonts.ready")
    return article


def test_select_press_2_reload_edit_delete_undo(live_server, page, editor_on_sample):
    article = editor_on_sample
    phrase = "موسكو وبيونج يانج اتفقتا"
    select_with_mouse(page, phrase)
    screenshot(page, "tagging-toolbar")
    page.keyboard.press("2")
    page.wait_for_selector("mark.hl.kc-quote")
    tag = newest_tag()
    assert (tag.kind, tag.exact) == ("quote", phrase)
    assert article.body[tag.start : tag.end] == phrase
    assert tag_text(page, tag.pk) == phrase
    assert page.locator(".count[data-kind=quote]").inner_text() == "1"
    assert page.locator(f"#tag-{tag.pk}").is_visible()

    # Reload: still there, at the same text.
    page.reload()
    assert tag_text(page, tag.pk) == phrase

    # Click the highlight: the inline form opens; make it a claim with a note; Enter saves.
    page.locator(f"mark.hl[data-tags~='{tag.pk}']").first.click()
    form = page.locator(f"#tag-{tag.pk}.editing form.tag-edit")
    form.wait_for()
    form.locator("input[value=claim]").check()
    form.locator("textarea").fill("يحتاج إلى مصدر ثانٍ")
    form.locator("textarea").press("Enter")
    page.wait_for_selector(f"#tag-{tag.pk}:not(.editing) .note")
    tag.refresh_from_db()
    assert (tag.kind, tag.note, tag.version) == ("claim", "يحتاج إلى مصدر ثانٍ", 2)
    assert page.locator(f"mark.hl.kc-claim[data-tags~='{tag.pk}']").count() >= 1
    assert page.locator(".count[data-kind=claim]").inner_text() == "1"

    # Escape cancels an open form.
    page.locator(f"#tag-{tag.pk}").click()
    page.locator(f"#tag-{tag.pk}.editing textarea").press("Escape")
    page.wait_for_selector(f"#tag-{tag.pk}:not(.editing)")

    # Delete, then undo from the notice.
    page.locator(f"mark.hl[data-tags~='{tag.pk}']").first.click()
    page.locator(f"#tag-{tag.pk}.editing button.delete").click()
    page.wait_for_selector(f"#tag-{tag.pk}", state="detached")
    assert page.locator(f"mark.hl[data-tags~='{tag.pk}']").count() == 0
    assert not Tag.objects.filter(pk=tag.pk).exists()
    page.locator("form.undo button").click()
    page.wait_for_selector(f"#tag-{tag.pk}")
    assert tag_text(page, tag.pk) == phrase
    assert Tag.objects.get(pk=tag.pk).kind == "claim"
    assert page.js_errors == []


def test_nested_tag_inside_another_both_visible(live_server, page, editor_on_sample):
    outer_phrase = "أن علاقات كوريا الشمالية مع روسيا قد تم ترقيتها"
    inner_phrase = "كوريا الشمالية مع روسيا"
    select_with_mouse(page, outer_phrase)
    page.keyboard.press("1")
    page.wait_for_selector("mark.hl.kc-claim")
    outer = newest_tag()
    # Start the drag inside the existing highlight.
    select_with_mouse(page, inner_phrase, nth=_nth_inside(page, inner_phrase, outer_phrase))
    page.keyboard.press("Numpad2")
    page.wait_for_selector("mark.hl.kc-claim-quote")
    inner = newest_tag()
    assert inner.exact == inner_phrase and inner.kind == "quote"
    assert outer.start <= inner.start < inner.end <= outer.end
    assert tag_text(page, outer.pk) == outer_phrase
    assert tag_text(page, inner.pk) == inner_phrase
    both = page.locator(f"mark.hl[data-tags~='{outer.pk}'][data-tags~='{inner.pk}']")
    assert both.count() >= 1
    # Hovering a segment names both tags.
    title = both.first.get_attribute("title")
    assert f"#{outer.pk}" in title and f"#{inner.pk}" in title
    page.locator(f"mark.hl[data-tags~='{outer.pk}']").first.scroll_into_view_if_needed()
    page.mouse.move(0, 0)
    screenshot(page, "overlapping-tags")
    assert page.js_errors == []


def _nth_inside(page, inner: str, outer: str) -> int:
    """Which occurrence of `inner` lies inside the (first) occurrence of `outer`."""
    return page.evaluate(
        """([inner, outer]) => {
          let n = 0;
          for (const p of document.querySelectorAll('#article-body p[data-start]')) {
            const text = p.textContent, at = text.indexOf(outer);
            let i = text.indexOf(inner);
            while (i >= 0) {
              if (at >= 0 && i >= at && i < at + outer.length) return n;
              n++; i = text.indexOf(inner, i + 1);
            }
          }
          return -1;
        }""",
        [inner, outer],
    )


def test_emoji_before_the_phrase_stores_exactly_the_selection(live_server, page):
    editor = make_user("emoji-tagger", EDITORS)
    article = make_article(
        "خبر عاجل 🚨\nقال 🤔😀 المتحدث باسم الوزارة 👍🏽: «نحن مستعدون للحوار» ثم غادر القاعة.\n"
        "سطر آخر 𝕏 فيه رموز.",
        title="مقال فيه رموز تعبيرية",
    )
    login(page, live_server, editor)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    phrase = "«نحن مستعدون للحوار»"
    select_with_mouse(page, phrase)
    selected = page.evaluate("document.getSelection().toString()").strip()
    page.keyboard.press("Digit2")
    page.wait_for_selector("mark.hl.kc-quote")
    tag = newest_tag()
    assert tag.exact == phrase == selected
    assert article.body[tag.start : tag.end] == phrase
    assert tag.prefix.endswith("👍🏽: ")
    assert tag_text(page, tag.pk) == phrase


def test_selection_with_spaces_and_half_words_snaps_to_whole_words(live_server, page):
    editor = make_user("snap-tagger", EDITORS)
    article = make_article("عنوان\nأعلن الزعيم كيم جونج أون أن العلاقات تحسنت كثيراً.")
    login(page, live_server, editor)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    # Select from the middle of one word to the middle of another, with a space inside.
    page.evaluate(
        """() => {
          const p = document.querySelectorAll('#article-body [data-start]')[1];
          const text = p.firstChild, s = text.data.indexOf('زعيم') + 2;
          const e = text.data.indexOf('جونج') + 2;
          const range = document.createRange();
          range.setStart(text, s); range.setEnd(text, e);
          document.getSelection().removeAllRanges(); document.getSelection().addRange(range);
        }"""
    )
    page.locator("#tag-toolbar").wait_for(state="visible")
    page.locator("#tag-toolbar button[data-kind=background]").click()
    page.wait_for_selector("mark.hl.kc-background")
    assert newest_tag().exact == "الزعيم كيم جونج"


def test_arabic_layout_digit_key_and_arrow_navigation(live_server, page):
    editor = make_user("keys-tagger", EDITORS)
    article = make_article("عنوان\nالأولى هنا ثم الثانية هناك ثم الثالثة أخيراً.")
    login(page, live_server, editor)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    for word in ("الأولى", "الثانية"):
        select_with_mouse(page, word)
        # An Arabic layout types "٣" on the Digit3 key: the physical key is what counts.
        page.evaluate(
            "() => document.dispatchEvent(new KeyboardEvent('keydown', "
            "{key: '٣', code: 'Digit3', bubbles: true}))"
        )
        page.wait_for_function(
            "w => [...document.querySelectorAll('mark.kc-background')]"
            ".some(m => m.textContent === w)",
            arg=word,
        )
    first, second = Tag.objects.order_by("start")
    page.locator(f"#tag-{first.pk}").focus()
    page.keyboard.press("ArrowLeft")  # right-to-left: left is forward
    assert page.evaluate("document.activeElement.id") == f"tag-{second.pk}"
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == f"tag-{first.pk}"
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#tag-{first.pk}.editing")
    # The side list's own "edit" link opens its form too (a real mouse click).
    page.locator(f"#tag-{second.pk} a.edit").click()
    page.wait_for_selector(f"#tag-{second.pk}.editing")
    assert page.js_errors == []
