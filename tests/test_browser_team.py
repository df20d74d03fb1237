"""In a browser: an independent assignment from creation to the adjudicated export."""

from __future__ import annotations

import csv
import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from articles import tagging
from articles.models import AdjudicationDecision, Assignment, Tag, WorkItem
from articles.roles import ADMINS, EDITORS, REVIEWERS
from tests.conftest import login, make_article, make_user, new_page, screenshot
from tests.test_browser_interface import _serious
from tests.test_browser_tagging import select_with_mouse

pytestmark = pytest.mark.browser

FIRST_BODY = "قال الوزير إن الحكومة ستخفض الضرائب في العام المقبل.\nوأضاف أن الميزانية متوازنة."
SECOND_BODY = "أعلنت البلدية افتتاح حديقة جديدة في وسط المدينة."
WIDE, NARROW = "الحكومة ستخفض الضرائب", "ستخفض الضرائب"
BUDGET = "الميزانية متوازنة"


def _as(browser, live_server, user):
    page = new_page(browser)  # watched: a console error or CSP violation fails the test
    login(page, live_server, user)
    return page


def _tag_blind(page, live_server, editor, article, phrases: list[str], hidden: str) -> None:
    page.goto(f"{live_server.url}/work/")
    page.locator(".work-item", has_text=article.title).locator("a").click()
    page.evaluate("document.fonts.ready")
    # Blind: the other editor's tags are not on the page.
    assert page.locator("mark.hl").count() == 0, hidden
    if hidden:
        assert hidden not in page.locator("#tag-panel").inner_text()
    for number, phrase in enumerate(phrases, start=1):
        select_with_mouse(page, phrase)
        # The toolbar takes the selection 120 ms after it last changed: on a busy machine
        # it may still hold a part of the drag when it first shows.
        page.wait_for_timeout(300)
        page.keyboard.press("1")
        expect(page.locator("#tag-list > .tag-item")).to_have_count(number)
    layer = Tag.all_layers.filter(article=article, annotator=editor)
    assert sorted(layer.values_list("exact", flat=True)) == sorted(phrases)


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
    _tag_blind(amal, live_server, first, one, [WIDE, BUDGET], hidden="")
    basim = _as(browser, live_server, second)
    _tag_blind(basim, live_server, second, one, [NARROW, BUDGET], hidden=WIDE)
    basim.goto(f"{live_server.url}/work/")  # one article in progress, one to do
    screenshot(basim, "my-work")
    _mark_all_done(amal, live_server)
    _mark_all_done(basim, live_server)
    assert not assignment.items.filter(done_at__isnull=True).exists()
    assert not Tag.objects.exists()  # nothing in the final layer yet

    checker = _as(browser, live_server, reviewer)
    checker.goto(f"{live_server.url}/assignments/{assignment.pk}/agreement/")
    overall = checker.locator("#agreement tr.overall").first.inner_text()
    # The fixture, by hand. amal: WIDE «الحكومة ستخفض الضرائب» (21 characters) and BUDGET
    # «الميزانية متوازنة» (17); basim: NARROW «ستخفض الضرائب» (13) and BUDGET. All claims.
    # Exact: BUDGET matched; WIDE and NARROW unmatched → F1 = 2·1 / (2·1 + 1 + 1) = 0.500.
    # Overlap: NARROW lies inside WIDE: 13 shared ≥ half of 21 and of 13 → 2 matched → 1.000.
    # Arabic-tolerant: WIDE's core drops ال («حكومة ستخفض الضرائب») but keeps the word,
    # so only BUDGET matches → 0.500. Both exact disagreements are boundary-only → 1.000.
    # α (character level, nominal; two coders, every character a unit): the text is both
    # articles with a blank line between, N characters, n = 2N values. Claim values:
    # amal 21 + 17, basim 13 + 17 → n₁ = 68, n₀ = 2N − 68. Disagreeing characters: the
    # 8 of «الحكومة » → o₀₁ + o₁₀ = 16. α = 1 − (n − 1)·16 / (2·n₀·n₁).
    n = 2 * len(FIRST_BODY + "\n\n" + SECOND_BODY)
    alpha = 1 - (n - 1) * 16 / (2 * (n - 68) * 68)
    cells = overall.split("\t")
    assert cells[3:7] == ["0.500", "1.000", "0.500", f"{alpha:.3f}"], cells
    assert cells[-1] == "1.000"
    screenshot(checker, "agreement")

    checker.goto(f"{live_server.url}/assignments/{assignment.pk}/articles/{one.pk}/adjudicate/")
    checker.locator("#adjudication[data-ready] .adjudication-item.group-boundary").wait_for()
    # The boundary disagreement first: edit it with the keyboard. "e" opens the form from
    # amal's WIDE; a note is typed; "a word later" moves the start onto basim's NARROW.
    checker.keyboard.press("e")
    kind = checker.locator(".adjudication-edit input[name=kind]:checked")
    expect(kind).to_be_focused()  # the form, loaded in place, takes the keyboard
    assert checker.locator(".adjudication-edit mark").inner_text() == WIDE
    checker.keyboard.press("Tab")  # speaker
    checker.keyboard.press("Tab")  # note
    checker.keyboard.press("Control+a")
    checker.keyboard.type("حسمها المراجع")
    for _step in range(4):  # save, cancel, "a word earlier", "a word later" (the start)
        checker.keyboard.press("Tab")
    assert checker.evaluate("document.activeElement.value") == "shrink_start"
    checker.keyboard.press("Enter")
    expect(checker.locator(".adjudication-edit mark")).to_have_text(NARROW)
    expect(kind).to_be_focused()  # the redrawn form has the keyboard again
    assert checker.locator(".adjudication-edit .edit-exact").inner_text() == NARROW
    screenshot(checker, "adjudication")
    assert _serious(Axe(), checker, "adjudication with the edit form") == []
    checker.keyboard.press("Tab")  # from the kind to the speaker; Enter saves the form
    checker.keyboard.press("Enter")
    expect(checker.locator("#adjudication[data-ready] .adjudication-item")).to_have_count(1)
    assert checker.locator(".adjudication-item.group-agreed").count() == 1
    assert "حُفظ المقطع المحرَّر" in checker.locator(".messages").inner_text()
    checker.keyboard.press("1")  # the budget both editors agree on
    checker.locator(".adjudication li.empty").wait_for()
    decisions = list(AdjudicationDecision.objects.order_by("id").values_list("choice", "agreed_by"))
    assert decisions == [("edit", ["basim"]), ("take", ["amal", "basim"])]

    client = Client()
    client.force_login(reviewer)
    final = client.get(reverse("download_tags") + "?format=csv-plain")
    rows = list(csv.DictReader(io.StringIO(b"".join(final.streaming_content).decode("utf-8-sig"))))
    assert sorted((row["passage"], row["note"]) for row in rows) == sorted(
        [(BUDGET, ""), (NARROW, "حسمها المراجع")]
    )
    layers = client.get(reverse("layers_csv", args=[assignment.pk]))
    layer_rows = list(
        csv.DictReader(io.StringIO(b"".join(layers.streaming_content).decode("utf-8-sig")))
    )
    assert sorted((r["annotator"], r["exact"]) for r in layer_rows) == sorted(
        [("amal", BUDGET), ("amal", WIDE), ("basim", BUDGET), ("basim", NARROW)]
    )
    for other in (amal, basim, checker):
        assert other.js_errors == []
        other.context.close()


def test_adjudicating_three_editors_in_a_browser(live_server, page):
    """Three editors' layers: every candidate with the editors who drew it; keys take any."""
    reviewer = make_user("rasha", REVIEWERS)
    admin = make_user("lead", ADMINS)
    article = make_article(FIRST_BODY, title="تصريح الوزير")
    assignment = Assignment.objects.create(
        name="ثلاثة محررين", mode="independent", editors_per_article=3, created_by=admin
    )
    wide, narrow = FIRST_BODY.index(WIDE), FIRST_BODY.index(NARROW)
    budget = FIRST_BODY.index(BUDGET)
    drawn = {
        "amal": [(wide, wide + len(WIDE)), (budget, budget + len(BUDGET))],
        "basim": [(narrow, narrow + len(NARROW)), (budget, budget + len(BUDGET))],
        "dina": [(narrow, narrow + len(NARROW))],
    }
    for name, spans in drawn.items():
        editor = make_user(name, EDITORS)
        WorkItem.objects.create(assignment=assignment, article=article, editor=editor)
        for start, end in spans:
            tagging.create_tag(
                article=article, user=editor, kind="claim", start=start, end=end,
                annotator_id=editor.pk,
            )  # fmt: skip
    login(page, live_server, reviewer)
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/articles/{article.pk}/adjudicate/")
    first = page.locator("#adjudication[data-ready] .adjudication-item").first
    assert first.locator(".candidate").nth(0).locator(".holders").inner_text() == "amal"
    assert first.locator(".candidate").nth(1).locator(".holders").inner_text() == "basim، dina"
    second = page.locator(".adjudication-item").nth(1)
    assert "dina" in second.locator(".missing").inner_text()
    screenshot(page, "adjudication-three-editors")
    assert _serious(Axe(), page, "adjudication of three editors") == []
    # The edit form by mouse: selecting text in its passage makes that the span; Escape
    # cancels and nothing is written.
    page.keyboard.press("e")
    form = page.locator(".adjudication-edit")
    # Focused once loaded (then scrolled into view): only then are its words where they stay.
    expect(form.locator("input[name=kind]:checked")).to_be_focused()
    select_with_mouse(page, "إن الحكومة", toolbar=False, within=".edit-context")
    expect(form.locator("mark")).to_have_text("إن الحكومة")
    start = FIRST_BODY.index("إن الحكومة")
    assert form.locator("input[name=start]").input_value() == str(start)
    assert form.locator("input[name=end]").input_value() == str(start + len("إن الحكومة"))
    assert form.locator(".edit-exact").inner_text() == "إن الحكومة"
    page.keyboard.press("Escape")
    expect(page.locator(".adjudication-edit")).to_have_count(0)
    page.locator("#adjudication[data-ready]").wait_for()
    assert not Tag.objects.exists()
    page.keyboard.press("2")  # basim's and dina's cut
    page.locator("#adjudication[data-ready] .adjudication-item").first.locator(
        ".missing"
    ).wait_for()
    page.keyboard.press("n")  # the budget only amal and basim tagged: neither
    page.locator(".adjudication li.empty").wait_for()
    assert list(Tag.objects.values_list("exact", flat=True)) == [NARROW]
    decisions = list(AdjudicationDecision.objects.order_by("id").values_list("choice", "agreed_by"))
    assert decisions == [("take", ["basim", "dina"]), ("neither", ["amal", "basim"])]
