"""In a browser: a locked login says only when to try again, on both login pages."""

from __future__ import annotations

import pytest

from articles.roles import ADMINS
from tests.conftest import PASSWORD, make_user, screenshot

pytestmark = pytest.mark.browser


def _try(page, url: str, username: str, password: str) -> None:
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("[type=submit]")
    page.wait_for_load_state()


def test_a_locked_login_shows_only_the_lockout_on_both_login_pages(live_server, page):
    admin = make_user("browser-admin", ADMINS)
    page.expected_statuses = {429}  # the lockout page is answered "too many requests"
    for n in range(5):
        _try(page, f"{live_server.url}/admin/login/", admin.username, f"guess-{n}")
    _try(page, f"{live_server.url}/login/", admin.username, PASSWORD)
    text = page.locator("main").inner_text()
    assert "حاول مجدداً بعد 15 دقيقة" in text
    assert "الرجاء إدخال" not in text
    screenshot(page, "login-locked")
    _try(page, f"{live_server.url}/admin/login/", admin.username, PASSWORD)
    admin_text = page.locator("body").inner_text()
    assert "حاول مجدداً بعد 15 دقيقة" in admin_text
    assert "من فضلك أدخِل" not in admin_text
    screenshot(page, "admin-login-locked")
    assert page.js_errors == []
