"""In a browser, as a reviewer: review with the keyboard, build a set, download it."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from articles import exporting
from articles.models import Tag
from articles.roles import EDITORS, REVIEWERS
from tests.conftest import SAMPLE_FILES, import_and_index, login, make_tag, make_user, screenshot

pytestmark = pytest.mark.browser


def test_reviewer_reviews_with_the_keyboard_and_downloads_accepted_quotes(live_server, page):
    editor = make_user("browser-editor", EDITORS)
    reviewer = make_user("browser-reviewer", REVIEWERS)
    article = import_and_index([SAMPLE_FILES[0]])[0]
    first = make_tag(article, 40, 90, user=editor, kind="quote", speaker="متحدث")
    second = make_tag(article, 120, 170, user=editor, kind="quote")
    make_tag(article, 200, 260, user=editor, kind="claim")

    login(page, live_server, reviewer)
    page.goto(f"{live_server.url}/review/")
    row = page.locator(f"#review-{first.pk}")
    row.wait_for()
    # Locator waits, not wait_for_function: a string predicate needs eval, which the CSP forbids.
    page.locator(".review-row.is-current").first.wait_for()
    assert "is-current" in row.get_attribute("class")
    page.keyboard.press("a")
    page.locator(f"#review-{first.pk}.state-accepted").wait_for()
    # The current row moved on; reject it with the R key of an Arabic layout ("ق").
    page.locator(f"#review-{second.pk}.is-current").wait_for()
    page.evaluate(
        "document.activeElement.dispatchEvent(new KeyboardEvent('keydown',"
        " {key: 'ق', code: 'KeyR', bubbles: true}))"
    )
    page.locator(f"#review-{second.pk}.state-rejected").wait_for()
    screenshot(page, "review-queue")
    assert Tag.objects.get(pk=first.pk).review_state == "accepted"
    assert Tag.objects.get(pk=second.pk).review_state == "rejected"

    page.goto(f"{live_server.url}/export/")
    page.check("input[name=kind][value=quote]")
    page.check("input[name=state][value=accepted]")
    expect(page.locator("#match-count")).to_have_text("1")
    page.fill("#id_name", "accepted quotes")
    page.click(".save-set button[type=submit]")
    set_row = page.locator("#sets tr", has_text="accepted quotes")
    set_row.wait_for()
    screenshot(page, "export-page")
    with page.expect_download() as download_info:
        set_row.locator("a[data-format=csv]").click()
    download = download_info.value
    assert download.suggested_filename.startswith("accepted quotes-")
    assert download.suggested_filename.endswith(".csv")
    text = download.path().read_text(encoding="utf-8-sig")
    records = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [int(r["tag_id"]) for r in records] == [first.pk]
    assert exporting.recover(records[0]["passage"]) == article.body[40:90]
    assert records[0]["review_state"] == "accepted"
    assert page.js_errors == []


def test_reviewer_accepts_and_rejects_with_the_mouse(live_server, page):
    editor = make_user("mouse-editor", EDITORS)
    reviewer = make_user("mouse-reviewer", REVIEWERS)
    article = import_and_index([SAMPLE_FILES[0]])[0]
    first = make_tag(article, 40, 90, user=editor, kind="quote", speaker="متحدث")
    second = make_tag(article, 120, 170, user=editor, kind="claim")

    login(page, live_server, reviewer)
    page.goto(f"{live_server.url}/review/")
    page.locator(f"#review-{first.pk} button.accept").click()
    page.locator(f"#review-{first.pk}.state-accepted").wait_for()
    # The second row was never selected by keyboard: the click alone must carry the state.
    page.locator(f"#review-{second.pk} button.reject").click()
    page.locator(f"#review-{second.pk}.state-rejected").wait_for()
    expect(page.locator("h1")).to_have_text("مراجعة الوسوم")  # still the whole page
    expect(page.locator(".review-row .error")).to_have_count(0)
    screenshot(page, "review-queue-mouse", element=page.locator("#queue"))
    assert Tag.objects.get(pk=first.pk).review_state == "accepted"
    assert Tag.objects.get(pk=second.pk).review_state == "rejected"


def test_enter_in_a_review_comment_does_not_decide(live_server, page):
    editor = make_user("comment-editor", EDITORS)
    reviewer = make_user("comment-reviewer", REVIEWERS)
    article = import_and_index([SAMPLE_FILES[0]])[0]
    tag = make_tag(article, 40, 90, user=editor, kind="claim")

    login(page, live_server, reviewer)
    page.goto(f"{live_server.url}/review/")
    comment = page.locator(f"#review-{tag.pk} [name=comment]")
    comment.click()
    comment.type("هذا خطأ")
    comment.press("Enter")
    comment.type("الاسم غير صحيح")
    page.wait_for_timeout(500)  # time for a request, if Enter sent one
    assert Tag.objects.get(pk=tag.pk).review_state == "pending"
    page.locator(f"#review-{tag.pk} button.reject").click()
    page.locator(f"#review-{tag.pk}.state-rejected").wait_for()
    tag.refresh_from_db()
    assert tag.review_state == "rejected"
    assert tag.review_comment == "هذا خطأ\nالاسم غير صحيح"


def test_the_passage_search_updates_as_you_type_with_one_request(live_server, page):
    editor = make_user("typing-editor", EDITORS)
    reviewer = make_user("typing-reviewer", REVIEWERS)
    article = import_and_index([SAMPLE_FILES[0]])[0]
    at = article.body.index("موسكو")
    make_tag(article, at, at + len("موسكو"), user=editor, kind="claim")
    make_tag(article, 40, 90, user=editor, kind="claim")

    login(page, live_server, reviewer)
    page.goto(f"{live_server.url}/export/")
    expect(page.locator("#match-count")).to_have_text("2")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.locator("#id_q").type("موسكو")  # no Enter
    expect(page.locator("#match-count")).to_have_text("1")
    requests.clear()
    page.locator("#id_q").press("Enter")
    page.wait_for_timeout(800)
    assert len([url for url in requests if "/export/" in url]) <= 1
