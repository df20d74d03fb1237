"""In a browser: the API docs page runs under the strict CSP with its own assets, and a user
makes a token on the profile page and sees it once."""

from __future__ import annotations

import pytest

from articles.models import ApiToken
from articles.roles import EDITORS
from tests.conftest import login, make_user, screenshot

pytestmark = pytest.mark.browser


def test_the_docs_page_renders_with_no_csp_violation(live_server, page):
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused" in message.text
            else None
        ),
    )
    external: list[str] = []
    page.on(
        "request",
        lambda request: (
            external.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    login(page, live_server, make_user("docs-browser", EDITORS))
    page.goto(f"{live_server.url}/api/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Newsdesk API" in page.locator(".swagger-ui .info .title").inner_text()
    # The operations are listed from the OpenAPI document, each tag group with its routes.
    page.locator(".opblock-summary-path", has_text="/api/v1/tags/{tag_id}/history").first.wait_for()
    screenshot(page, "api-docs")
    assert refused == [] and page.js_errors == []
    assert external == []  # self-hosted: nothing fetched from anywhere else


def test_a_token_is_made_on_the_profile_page_and_shown_once(live_server, page):
    editor = make_user("token-browser", EDITORS)
    login(page, live_server, editor)
    page.click("a.tokens-link")
    page.fill("#id_name", "أداة الجمع")
    page.click("form.token-form button[type=submit]")
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("nd_")
    assert ApiToken.objects.get(user=editor).prefix == secret[:10]
    screenshot(page, "api-token-made")
    page.reload()
    assert page.locator("#new-token").count() == 0
    assert page.locator("table.tokens tbody tr").count() == 1


def test_a_claim_group_with_a_verdict_downloads_its_claim_review(live_server, page):
    import json

    from articles import tagging
    from articles.models import ClaimGroup, Tag
    from tests.conftest import make_article, make_source

    editor = make_user("claimreview-browser", EDITORS)
    group = ClaimGroup.objects.create(label="رفع الأجور", created_by=editor)
    for outlet in ("مصدر أ", "مصدر ب"):
        body = f"قال الوزير إن الأجور سترتفع.\nفقرة من {outlet}."
        article = make_article(body, source=make_source(outlet))
        tag = tagging.create_tag(
            article=article, user=editor, kind="claim", start=4, end=20, claim_group=group
        )
        Tag.objects.filter(pk=tag.pk).update(verification="misleading")
    login(page, live_server, editor)
    page.goto(f"{live_server.url}/claims/{group.pk}/")
    link = page.locator(".claimreview-link a")
    assert "مضلل" in page.locator(".claimreview-link").inner_text()
    screenshot(page, "claim-group-claimreview")
    with page.expect_download() as download_info:
        link.click()
    document = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    assert document["@type"] == "ClaimReview"
    assert len(document["itemReviewed"]["appearance"]) == 2
    assert document["reviewRating"]["alternateName"] == "مضلل"
    page.goto(f"{live_server.url}/claims/")
    page.locator("form.claimreview-download").wait_for()
    screenshot(page, "claim-groups-claimreview")
