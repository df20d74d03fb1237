"""What only a browser shows about the interface: dark mode and the accessibility audit."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from articles.models import Tag
from articles.roles import ADMINS, EDITORS
from tests.conftest import login, make_article, make_source, make_tag, make_user, screenshot

pytestmark = pytest.mark.browser

BODY = (
    "الحكومة تعلن خطة جديدة للنقل العام\n"
    'قال وزير النقل إن "الخطة ستخفض زمن الرحلات إلى النصف خلال عامين" في مؤتمر صحفي أمس.\n'
    "وتأتي الخطة بعد سنوات من الشكاوى بشأن ازدحام الطرق في العاصمة.\n"
    "وأضاف أن التمويل سيأتي من الميزانية العامة ومن قروض ميسرة."
)


@pytest.fixture
def newsroom(db):
    import datetime

    admin = make_user("audit-admin", ADMINS)
    article = make_article(
        BODY,
        title="الحكومة تعلن خطة جديدة للنقل العام",
        source=make_source(),
        published_on=datetime.date(2026, 11, 3),
    )
    for phrase, kind in (
        ("الحكومة", "claim"),
        ("الخطة ستخفض زمن الرحلات إلى النصف خلال عامين", "quote"),
        ("وتأتي الخطة بعد سنوات من الشكاوى", "background"),
        ("بعد سنوات", "claim"),
    ):
        start = BODY.index(phrase)
        speaker = "وزير النقل" if kind == "quote" else ""
        make_tag(article, start, start + len(phrase), user=admin, kind=kind, speaker=speaker)
    return admin, article


def test_dark_mode_follows_the_system_and_the_toggle(live_server, page, newsroom):
    admin, article = newsroom
    page.emulate_media(color_scheme="dark")
    login(page, live_server, admin)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    background = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(background) == "rgb(19, 20, 22)"
    toggle = page.locator("#theme-toggle")
    assert toggle.get_attribute("aria-pressed") == "true"
    page.locator(".reader[data-ready]").wait_for()
    screenshot(page, "reading-page-dark")
    toggle.click()
    assert page.evaluate(background) == "rgb(246, 245, 241)"
    screenshot(page, "reading-page-arabic")
    # Remembered on the next page.
    page.goto(f"{live_server.url}/articles/")
    assert page.evaluate(background) == "rgb(246, 245, 241)"
    assert page.locator("#theme-toggle").get_attribute("aria-pressed") == "false"
    assert page.js_errors == []


def test_a_colleagues_tag_appears_while_my_selection_stays(live_server, browser, newsroom):
    from tests.test_browser_tagging import select_with_mouse

    _admin, article = newsroom
    pages = []
    for name in ("live-one", "live-two"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
        page = context.new_page()
        login(page, live_server, make_user(name, EDITORS))
        page.goto(f"{live_server.url}{article.get_absolute_url()}")
        page.locator(".reader[data-ready]").wait_for()
        pages.append(page)
    mine, theirs = pages
    select_with_mouse(mine, "ازدحام الطرق")
    selected = "() => document.getSelection().toString()"
    assert mine.evaluate(selected) == "ازدحام الطرق"

    select_with_mouse(theirs, "التمويل سيأتي")
    theirs.keyboard.press("Digit2")
    theirs.locator("#tag-status .notice-ok").wait_for()
    tag = Tag.objects.latest("id")
    assert tag.exact == "التمويل سيأتي" and tag.created_by.username == "live-two"

    # Within 5 s on the other page: the highlight, the list entry, the count, a notice.
    mine.locator(f"mark.hl[data-tags~='{tag.pk}']").wait_for(timeout=5000)
    assert mine.locator(f"#tag-{tag.pk}").count() == 1
    assert mine.locator(".count[data-kind='quote']").inner_text() == "2"
    assert "live-two" in mine.locator("#tag-status .notice-live").inner_text()
    # ... and the selection is still there, with its toolbar.
    assert mine.evaluate(selected) == "ازدحام الطرق"
    assert mine.locator("#tag-toolbar").is_visible()
    screenshot(mine, "live-update")
    for page in pages:
        page.context.close()


MAIN_PAGES = (
    "/articles/",
    "{article}",
    "/tags/",
    "/overview/",
    "/speakers/",
    "/claims/",
    "/review/",
    "/export/",
    "/imports/",
    "/profile/",
)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_main_page_passes_the_accessibility_audit(
    live_server, page, newsroom, scheme, language
):
    """axe-core on every main page, in both languages and both colour schemes: no serious
    or critical violation."""
    admin, article = newsroom
    axe = Axe()
    page.emulate_media(color_scheme=scheme)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/login/")
    assert page.evaluate("document.documentElement.lang") == language
    problems = _serious(axe, page, "/login/")
    login(page, live_server, admin)
    for path in MAIN_PAGES:
        page.goto(live_server.url + path.format(article=article.get_absolute_url()))
        assert page.evaluate("document.documentElement.lang") == language
        problems += _serious(axe, page, path)
    assert problems == []
    assert page.js_errors == []


def _serious(axe: Axe, page, label: str) -> list[str]:
    results = axe.run(page)
    return [
        f"{label}: {violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_an_english_speaking_editor_tags_an_arabic_article(live_server, page, newsroom):
    from articles.models import Profile
    from tests.test_browser_tagging import select_with_mouse

    _admin, article = newsroom
    editor = make_user("english-editor", EDITORS)
    Profile.objects.create(user=editor, language="en")
    login(page, live_server, editor)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.locator(".reader[data-ready]").wait_for()
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        "en",
        "ltr",
    ]
    body = page.locator("#article-body")
    assert body.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert "3 November 2026" in page.locator(".meta").inner_text()
    assert page.locator(".site-nav").inner_text().startswith("Articles")
    select_with_mouse(page, "ازدحام الطرق")
    page.keyboard.press("Digit1")
    page.locator("#tag-status .notice-ok").wait_for()
    assert page.locator("#tag-status").inner_text().strip() == "Tag added."
    assert Tag.objects.latest("id").exact == "ازدحام الطرق"
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "reading-page-english")
    # Back to Arabic on the profile page: the chrome flips.
    page.goto(f"{live_server.url}/profile/")
    page.check("input[value=ar]")
    page.click(".profile-form button[type=submit]")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.js_errors == []


# A date field's last tab stop is Chromium's own calendar button, inside the field, which
# draws its own focus ring (the field itself is not :focus then).
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (el.type === "date" && !el.matches(":focus")) return [el.id, true];
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const name = el.tagName + (el.id ? "#" + el.id : "") + "." + el.className;
  return [name, ring || style.boxShadow !== "none"];
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_is_visible_and_the_inline_form_is_reachable(
    live_server, page, newsroom, scheme
):
    admin, article = newsroom
    page.emulate_media(color_scheme=scheme)
    login(page, live_server, admin)
    for path in ("/articles/", article.get_absolute_url(), "/export/", "/review/"):
        page.goto(live_server.url + path)
        unseen = []
        for _ in range(25):
            page.keyboard.press("Tab")
            name, shown = page.evaluate(FOCUS_SHOWN)
            if not name.startswith("BODY") and not shown:
                unseen.append(name)
        assert unseen == [], f"{path}: focus not visible on {unseen}"
    # The side list without a mouse: focus an entry, Enter opens its inline form.
    page.goto(live_server.url + article.get_absolute_url())
    page.locator(".reader[data-ready]").wait_for()
    while not page.evaluate("document.activeElement.matches('.tag-item[tabindex]')"):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator(".tag-item.editing").wait_for()
    assert page.evaluate("document.activeElement.closest('.tag-item.editing') !== null")
    assert page.evaluate(FOCUS_SHOWN)[1]


def test_an_open_inline_form_survives_a_colleagues_change(live_server, page, newsroom):
    from articles import tagging

    admin, article = newsroom
    login(page, live_server, make_user("form-keeper", EDITORS))
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.locator(".reader[data-ready]").wait_for()
    first = article.tags.order_by("start").first()
    page.click(f"#tag-{first.pk} a.edit")
    note = page.locator(f"#tag-{first.pk} textarea")
    note.fill("مسودة لم تُحفظ")
    colleague = make_user("colleague-two", EDITORS)
    tag = tagging.create_tag(article=article, user=colleague, kind="quote", start=191, end=198)
    page.locator(f"mark.hl[data-tags~='{tag.pk}']").wait_for(timeout=5000)
    assert page.locator(f"#tag-{first.pk}.editing").count() == 1
    assert note.input_value() == "مسودة لم تُحفظ"
    assert page.evaluate("document.activeElement.matches('textarea')")
    assert "colleague-two" in page.locator("#tag-status").inner_text()
    assert page.js_errors == []
