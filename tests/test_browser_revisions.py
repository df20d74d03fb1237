"""A correction of an article's text in a real browser: the highlight follows its words, a
tag whose text was deleted waits in the orphans queue, an editor re-places it with the mouse,
and the history and the diff show what happened."""

from __future__ import annotations

import pytest

from articles import tagging
from articles.models import QUOTE, Tag
from articles.roles import ADMINS, EDITORS
from tests.conftest import login, make_article, make_user, screenshot
from tests.test_browser_tagging import select_with_mouse, tag_text

pytestmark = pytest.mark.browser

BODY = (
    "اجتماع الحكومة الأسبوعي\n\n"
    'قال وزير المالية: "سنخفظ الضرائب على الشركات الصغيرة هذا العام".\n\n'
    "وأكد مصدر في الوزارة أن العجز تراجع إلى ثلاثة في المئة.\n\n"
    "وتستمر المشاورات مع النقابات حتى نهاية الشهر المقبل."
)
QUOTE_TEXT = "سنخفظ الضرائب على الشركات الصغيرة هذا العام"
FIXED_QUOTE = "سنخفض الضرائب على الشركات الصغيرة هذا العام"
DELETED = "وأكد مصدر في الوزارة أن العجز تراجع إلى ثلاثة في المئة."
ADDED = "أعلنت الحكومة اليوم خطة جديدة لدعم الصادرات."


def _tag(article, text: str, user, kind: str) -> Tag:
    start = article.body.index(text)
    return tagging.create_tag(
        article=article, user=user, kind=kind, start=start, end=start + len(text)
    )


def test_a_correction_keeps_the_highlight_and_queues_the_orphan(live_server, page, browser):
    editor = make_user("browser-editor", EDITORS)
    admin = make_user("browser-admin", ADMINS)
    article = make_article(BODY, title="اجتماع الحكومة")
    quote = _tag(article, QUOTE_TEXT, editor, QUOTE)
    claim = _tag(article, "العجز تراجع إلى ثلاثة في المئة", editor, "claim")

    # The admin fixes the word inside the quote and adds a paragraph above it.
    login(page, live_server, admin)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.click("a.correct")
    new_body = (
        BODY.replace("سنخفظ", "سنخفض")
        .replace("اجتماع الحكومة الأسبوعي\n\n", f"اجتماع الحكومة الأسبوعي\n\n{ADDED}\n\n")
        .replace(DELETED + "\n\n", "")
    )
    page.fill("#id_body", new_body)
    page.fill("#id_reason", "تصحيح خطأ مطبعي وإضافة فقرة وحذف رقم غير مؤكد")
    page.click("form.correction button[type=submit]")
    page.wait_for_url(f"{live_server.url}{article.get_absolute_url()}")

    # The quote's highlight stays on its (corrected) words; the claim is not drawn anywhere.
    assert tag_text(page, quote.pk) == FIXED_QUOTE
    assert tag_text(page, claim.pk) == ""
    assert page.locator(".orphans-notice").is_visible()
    screenshot(page, "revisions-reading-after-correction")

    # The diff shows the added paragraph and the fixed word, right to left.
    page.goto(f"{live_server.url}/articles/{article.pk}/revisions/")
    diff = page.locator(".diff-lines")
    assert diff.get_attribute("dir") == "rtl"
    assert any(ADDED in text for text in diff.locator("ins").all_inner_texts())
    assert any("ظ" in t for t in diff.locator("del").all_inner_texts())
    screenshot(page, "revisions-diff")

    # An editor finds the orphan in the newsroom queue and re-places it with the mouse.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    editor_page = context.new_page()
    errors: list[str] = []
    editor_page.on("pageerror", lambda error: errors.append(str(error)))
    login(editor_page, live_server, editor)
    editor_page.goto(f"{live_server.url}/tags/")
    editor_page.click("a[href='/orphans/']")
    editor_page.click(f"a[href='/articles/{article.pk}/orphans/']")
    orphan = editor_page.locator(f"#orphan-{claim.pk}")
    assert "العجز تراجع" in orphan.inner_text()
    editor_page.evaluate("document.fonts.ready")
    select_with_mouse(editor_page, "النقابات حتى نهاية الشهر", toolbar=False)
    screenshot(editor_page, "revisions-orphans-queue")
    orphan.locator("form.replace-orphan button").click()
    editor_page.wait_for_url(f"{live_server.url}{article.get_absolute_url()}*")
    assert tag_text(editor_page, claim.pk) == "النقابات حتى نهاية الشهر"
    claim.refresh_from_db()
    assert not claim.orphaned and claim.body_version == 2

    # The history says where the quote moved from, and that the claim was re-placed.
    editor_page.goto(f"{live_server.url}/tags/{quote.pk}/history/")
    history = editor_page.locator("#tag-history").inner_text()
    old_start = BODY.index(QUOTE_TEXT)
    assert f"نُقل من {old_start}–{old_start + len(QUOTE_TEXT)} في النسخة 1" in history
    editor_page.goto(f"{live_server.url}/tags/{claim.pk}/history/")
    history = editor_page.locator("#tag-history").inner_text()
    assert "لم يُعثر على نصه" in history and "أُعيد وضعه" in history
    screenshot(editor_page, "revisions-history")
    assert not errors and not page.js_errors
    context.close()


def test_an_open_page_learns_of_a_correction_that_moves_no_tag(live_server, page):
    """The editor's page stays open while an Admin corrects a word no tag covers: no tag
    event is written, yet within a poll the page shows the new text and says why."""
    from articles import revisions

    editor = make_user("browser-reader", EDITORS)
    admin = make_user("browser-corrector", ADMINS)
    article = make_article(BODY, title="اجتماع الحكومة")
    quote = _tag(article, QUOTE_TEXT, editor, QUOTE)
    login(page, live_server, editor)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert "النقابات" in page.locator("#article-body").inner_text()
    assert page.locator("#article-versions a.versions").count() == 0  # version 1: no link yet

    corrected = BODY.replace("مع النقابات", "مع نقابات العمال")
    revisions.apply_new_body(article, corrected, admin, "اسم الجهة كاملاً", from_version=1)
    body = page.locator("#article-body")
    body.get_by_text("نقابات العمال").wait_for(timeout=15_000)  # a poll is every 3 s
    assert page.get_by_text("فصار النص النسخة 2").first.is_visible()
    assert tag_text(page, quote.pk) == QUOTE_TEXT  # the highlight is drawn on the new text
    # The header's link to the versions is the new one too, swapped out of band.
    versions = page.locator("#article-versions a.versions")
    assert versions.inner_text() == "النسخة 2 من النص"
    assert versions.get_attribute("href") == f"/articles/{article.pk}/revisions/"
    screenshot(page, "revisions-live-correction")


def test_an_admin_updates_an_article_from_a_newer_file_of_its_outlet(live_server, page):
    """The batch page names the article a held file resembles and offers the two choices;
    "update" makes a new version of that article and its tag follows."""
    from articles.importing.pipeline import Importer
    from articles.models import ImportBatch, ImportItem

    admin = make_user("browser-importer", ADMINS)
    first_file = f"اجتماع الحكومة\n\n{BODY}\n\nالمصدر: وكالة الساحل".encode()
    article = Importer(user=admin).import_bytes("first.txt", first_file).article
    quote = _tag(article, QUOTE_TEXT, make_user("browser-tagger", EDITORS), QUOTE)
    newer = first_file.decode().replace("نهاية الشهر المقبل.", f"نهاية الشهر المقبل.\n\n{ADDED}")
    batch = ImportBatch.objects.create(created_by=admin)
    batch.items.create(
        position=0,
        filename="newer.txt",
        status=ImportItem.Status.SIMILAR,
        article=article,
        encoding="utf-8",
        held_data=newer.encode(),
    )
    login(page, live_server, admin)
    page.goto(f"{live_server.url}{batch.get_absolute_url()}")
    row = page.locator("tr.status-similar")
    assert row.get_by_role("link", name=article.title).is_visible()
    screenshot(page, "import-similar-choice", element=row)
    row.get_by_role("button", name="حدّث ذلك المقال").click()
    page.locator("tr.status-updated").wait_for()
    article.refresh_from_db()
    assert article.body_version == 2 and ADDED in article.body
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert tag_text(page, quote.pk) == QUOTE_TEXT
    # The raw page shows the newer file, and the first one stays a click away.
    page.goto(f"{live_server.url}/articles/{article.pk}/raw/")
    assert page.locator(".file-version").inner_text().startswith("من هذا الملف نُظّفت النسخة 2")
    assert page.get_by_text(ADDED).first.is_visible()
    assert page.get_by_role("link", name="ملف النسخة 1").is_visible()
    screenshot(page, "revisions-raw-page-after-update")
