"""Claims across outlets in a real browser: an editor opens a claim's similar passages,
links one from another outlet, sets the claim's status, and sees the group page."""

from __future__ import annotations

import pytest

from articles import tagging
from articles.models import ClaimGroup, Tag
from articles.roles import EDITORS
from tests.conftest import SAMPLE_FILES, import_and_index, login, make_user, screenshot

pytestmark = pytest.mark.browser

CLAIM = "بما يتماشى مع المادة 51 من ميثاق الأمم المتحدة"
COUNTERPART = "المادة 51 من ميثاق الأمم المتحدة"


def test_editor_links_a_similar_passage_and_sets_the_status(live_server, page):
    editor = make_user("browser-claims", EDITORS)
    articles = import_and_index(SAMPLE_FILES)
    sada, ft = articles[0], articles[1]
    start = sada.body.index(CLAIM)
    claim = tagging.create_tag(
        article=sada, user=editor, kind="claim", start=start, end=start + len(CLAIM)
    )
    login(page, live_server, editor)
    page.goto(f"{live_server.url}{sada.get_absolute_url()}")
    page.evaluate("document.fonts.ready")

    # Open the claim's panel from its entry in the side list.
    item = page.locator(f"#tag-{claim.pk}")
    item.locator("a.claims").click()
    panel = page.locator("#claim-panel.claim-panel")
    panel.wait_for()
    similar = panel.locator(".similar-item")
    assert similar.count() >= 3
    texts = [similar.nth(i).locator("q.passage").inner_text() for i in range(3)]
    assert any(COUNTERPART in text for text in texts), texts
    assert panel.evaluate("el => getComputedStyle(el).direction") == "rtl"
    panel.scroll_into_view_if_needed()
    screenshot(page, "claim-panel-similar")

    # Link the counterpart, with an edited label for the new group.
    panel.locator("input[name=label]").fill("المادة 51 من ميثاق الأمم المتحدة")
    target = similar.filter(has_text=COUNTERPART).first
    target.locator("button.link").click()
    page.wait_for_selector("#claim-panel .claim-group-link")
    group = ClaimGroup.objects.get()
    assert group.label == "المادة 51 من ميثاق الأمم المتحدة"
    linked = Tag.objects.get(article=ft, kind="claim")
    assert linked.claim_group == group
    assert page.locator("#claim-panel .similar-item.linked").count() >= 1
    assert page.locator("#claim-panel .notice-ok").is_visible()
    screenshot(page, "claim-panel-linked")

    # Status: check-worthy, false, with a link as evidence (kept as text, shown as a link).
    form = page.locator("#claim-panel form.claim-status-form")
    form.locator("select[name=check_worthy]").select_option("yes")
    form.locator("select[name=verification]").select_option("false")
    form.locator("textarea[name=evidence]").fill("بيان الأمم المتحدة https://example.org/un")
    form.locator("button.save").click()
    page.wait_for_selector("#claim-panel .v-false")
    claim.refresh_from_db()
    assert (claim.check_worthy, claim.verification) == ("yes", "false")
    link = page.locator("#claim-panel .evidence a")
    assert link.get_attribute("href") == "https://example.org/un"
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"

    # The other article's reading page shows the group; the group page lists both outlets.
    page.goto(f"{live_server.url}{ft.get_absolute_url()}")
    group_link = page.locator(f"#tag-{linked.pk} a.claim-group-link")
    assert group_link.is_visible()
    page.locator(f"#tag-{linked.pk}").scroll_into_view_if_needed()
    screenshot(page, "claim-other-article")
    group_link.click()
    page.wait_for_url(f"**/claims/{group.pk}/")
    rows = page.locator("table.claim-members tbody tr")
    assert rows.count() == 2
    assert page.locator("h1.group-title").inner_text().endswith(group.label)
    screenshot(page, "claim-group-page")

    # Rename inline.
    page.locator("form.rename input[name=label]").fill("المادة 51: الدفاع المشترك")
    page.locator("form.rename button").click()
    page.wait_for_selector("#group-label .notice-ok")
    group.refresh_from_db()
    assert group.label == "المادة 51: الدفاع المشترك"
    assert page.js_errors == []
