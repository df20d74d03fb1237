"""In a browser: an independent assignment from creation to the adjudicated export."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Assignment, Tag
from articles.roles import ADMINS, EDITORS, REVIEWERS
from articles.text.agreement import Span, compare
from tests.conftest import login, make_article, make_user, screenshot
from tests.test_browser_tagging import select_with_mouse

pytestmark = pytest.mark.browser

FIRST_BODY = "قال الوزير إن الحكومة ستخفض الضرائب في العام المقبل.\nوأضاف أن الميزانية متوازنة."
SECOND_BODY = "أعلنت البلدية افتتاح حديقة جديدة في وسط المدينة."
WIDE, NARROW = "الحكومة ستخفض الضرائب", "ستخفض الضرائب"


def _as(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    page = context.new_page()
    login(page, live_server, user)
    return page


def _tag_blind(page, live_server, article, phrase: str, hidden: str) -> None:
    page.goto(f"{live_server.url}/work/")
    page.locator(".work-item", has_text=article.title).locator("a").click()
    page.evaluate("document.fonts.ready")
    # Blind: the other editor's tag is not on the page.
    assert page.locator("mark.hl").count() == 0, hidden
    if hidden:
        assert hidden not in page.locator("#tag-panel").inner_text()
    select_with_mouse(page, phrase)
    page.keyboard.press("1")
    page.wait_for_selector("mark.hl.kc-claim")


def _mark_all_done(page, live_server) -> None:
    page.goto(f"{live_server.url}/work/")
    while page.locator("button", has_text="علّمه منجزاً").count():
        page.locator("button", has_text="علّمه منجزاً").first.click()
        page.wait_for_load_state()


def test_independent_assignment_from_creation_to_adjudicated_export(live_server, page, browser):
    admin = make_user("lead", ADMINS)
    first = make_user("amal", EDITORS)
    second = make_user("basim", EDITORS)
    reviewer = make_user("rasha", REVIEWERS)
    one = make_article(FIRST_BODY, title="تصريح الوزير")
    two = make_article(SECOND_BODY, title="حديقة جديدة")

    login(page, live_server, admin)
    page.goto(f"{live_server.url}/assignments/")
    page.fill("#id_name", "تجربة الوسم المستقل")
    page.select_option("#id_mode", "independent")
    page.fill("#id_editors_per_article", "2")
    page.fill("#id_articles", f"{one.pk}, {two.pk}")
    page.locator(f"input[name=editors][value='{first.pk}']").check()
    page.locator(f"input[name=editors][value='{second.pk}']").check()
    page.click(".assignment-form button[type=submit]")
    assignment = Assignment.objects.get()
    page.wait_for_url(f"**/assignments/{assignment.pk}/")
    assert assignment.items.count() == 4  # two articles, two editors each

    amal = _as(browser, live_server, first)
    amal.goto(f"{live_server.url}/work/")
    screenshot(amal, "my-work")
    _tag_blind(amal, live_server, one, WIDE, hidden="")
    basim = _as(browser, live_server, second)
    _tag_blind(basim, live_server, one, NARROW, hidden=WIDE)
    _mark_all_done(amal, live_server)
    _mark_all_done(basim, live_server)
    assert not assignment.items.filter(done_at__isnull=True).exists()
    assert not Tag.objects.exists()  # nothing in the final layer yet

    checker = _as(browser, live_server, reviewer)
    checker.goto(f"{live_server.url}/assignments/{assignment.pk}/agreement/")
    overall = checker.locator("#agreement tr.overall").first.inner_text()
    # The fixture: amal «الحكومة ستخفض الضرائب» (21 characters), basim «ستخفض الضرائب» (13).
    # Exact: no pair, 1 only-a + 1 only-b → F1 0. Overlap: 13 shared ≥ half of 21 and of 13
    # → 1 matched → F1 1. Arabic-tolerant: the cores differ by a whole word → F1 0.
    # Both disagreements are boundary-only → share 1.
    start = FIRST_BODY.index(WIDE)
    text = FIRST_BODY + "\n\n" + SECOND_BODY
    alpha = compare(
        text,
        [Span(start, start + len(WIDE), "claim")],
        [Span(start + 8, start + len(WIDE), "claim")],
    ).alpha
    cells = overall.split("\t")
    assert cells[3:7] == ["0.000", "1.000", "0.000", f"{alpha:.3f}"], cells
    assert cells[-1] == "1.000"
    screenshot(checker, "agreement")

    checker.goto(f"{live_server.url}/assignments/{assignment.pk}/articles/{one.pk}/adjudicate/")
    checker.locator(".adjudication-item.group-boundary").wait_for()
    screenshot(checker, "adjudication")
    checker.keyboard.press("a")  # take amal's span
    checker.locator(".adjudication li.empty").wait_for()

    client = Client()
    client.force_login(reviewer)
    final = client.get(reverse("download_tags") + "?format=csv-plain")
    rows = list(csv.DictReader(io.StringIO(b"".join(final.streaming_content).decode("utf-8-sig"))))
    assert [row["passage"] for row in rows] == [WIDE]
    layers = client.get(reverse("layers_csv", args=[assignment.pk]))
    layer_rows = list(
        csv.DictReader(io.StringIO(b"".join(layers.streaming_content).decode("utf-8-sig")))
    )
    assert sorted((r["annotator"], r["exact"]) for r in layer_rows) == [
        ("amal", WIDE),
        ("basim", NARROW),
    ]
    for other in (amal, basim, checker):
        other.context.close()
