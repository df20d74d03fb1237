"""Webhooks end to end: an Admin registers receivers on the page, tags a passage in the
browser, and a worker delivers it signed; a failing receiver is retried and logged."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from articles.models import WebhookAttempt, WebhookDelivery
from articles.roles import ADMINS
from tests.conftest import (
    login,
    make_article,
    make_user,
    run_jobs,
    screenshot,
)
from tests.test_browser_tagging import newest_tag, select_with_mouse
from tests.test_webhooks import Receiver

pytestmark = pytest.mark.browser

SECRET = "receiver-secret"


def verified(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver recipe of docs/api.md, as a customer would copy it."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    timestamp = int(parts.get("t", "0"))
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts.get("v1", ""))


def register(page, live_server, url: str) -> None:
    page.goto(f"{live_server.url}/webhooks/")
    page.fill("#id_url", url)
    page.fill("#id_secret", SECRET)
    page.check("input[name=events][value='tag.created']")
    page.check("#id_allow_private_address")
    page.click(".webhook-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/webhooks/")


def test_a_tag_made_in_the_browser_reaches_receivers_signed(live_server, page, job_queue):
    good, failing = Receiver(), Receiver(status=500)
    try:
        admin = make_user("hook-admin", ADMINS)
        article = make_article(
            "عنوان الخبر\nخبر قصير عن اجتماع المجلس البلدي أمس.\nفقرة ثانية للتجربة."
        )
        login(page, live_server, admin)
        register(page, live_server, good.url)
        register(page, live_server, failing.url)
        assert page.locator("table.webhooks tbody tr").count() == 2
        screenshot(page, "webhooks-page")

        page.goto(f"{live_server.url}{article.get_absolute_url()}")
        page.evaluate("document.fonts.ready")
        select_with_mouse(page, "اجتماع المجلس")
        page.keyboard.press("1")
        page.wait_for_selector("mark.hl.kc-claim")
        tag = newest_tag()
        run_jobs()

        assert len(good.requests) == 1
        headers, body = good.requests[0]
        assert verified(SECRET, headers["Newsdesk-Signature"], body)
        assert not verified("a-wrong-secret", headers["Newsdesk-Signature"], body)
        assert f'"tag_id": {tag.pk}' in body.decode()

        # The failing receiver: tried once, logged, and its retry scheduled 30 s later.
        assert len(failing.requests) == 1
        retried = WebhookDelivery.objects.get(endpoint__url=failing.url)
        assert retried.attempts == 1 and retried.next_attempt_at is not None
        assert WebhookAttempt.objects.get(delivery=retried).status_code == 500
        page.goto(f"{live_server.url}/webhooks/{retried.endpoint_id}/")
        assert "500" in page.locator("table.webhook-log").inner_text()
        screenshot(page, "webhook-delivery-log")
    finally:
        good.close()
        failing.close()
