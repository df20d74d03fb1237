"""The top bar at a laptop's width: one line for every role, in Arabic and English; the
Admin's pages sit in one menu that opens with the keyboard."""

from __future__ import annotations

import pytest
from django.conf import settings

from articles.roles import ADMINS, EDITORS, REVIEWERS
from tests.conftest import login, make_user, screenshot

# Every control of the bar, the menu's summary included (its links are hidden when shut).
BAR_ITEMS = ".site-header > a, .site-nav > a, .site-nav summary, .logout > *, .theme-toggle"


def _open_as(page, live_server, role: str, language: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    # A name as long as a real one, so the bar is measured with room to spare.
    user = make_user(f"{role.lower()}.al-hashimi", role)  # an Admin is staff too
    login(page, live_server, user)
    assert page.evaluate("document.documentElement.lang") == language


def _outside_the_window(page) -> list[str]:
    return page.eval_on_selector_all(
        BAR_ITEMS,
        "items => items.filter(item => item.offsetParent !== null).filter(item => {"
        " const box = item.getBoundingClientRect();"
        " return box.left < 0 || box.right > window.innerWidth; }).map(item => item.textContent)",
    )


def _rows(page) -> list[float]:
    """The distinct vertical centres of the bar's controls: one per line they wrap onto."""
    centres = page.eval_on_selector_all(
        BAR_ITEMS,
        "items => items.filter(item => item.offsetParent !== null).map(item => {"
        " const box = item.getBoundingClientRect(); return box.top + box.height / 2; })",
    )
    rows: list[float] = []
    for centre in sorted(centres):
        if not rows or centre - rows[-1] > 8:
            rows.append(centre)
    return rows


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("role", [ADMINS, REVIEWERS, EDITORS])
def test_the_top_bar_is_one_line_at_1280_pixels(live_server, page, role, language):
    _open_as(page, live_server, role, language)
    screenshot(page, f"top-bar-{role.lower()}-{language}")
    assert len(_rows(page)) == 1
    assert _outside_the_window(page) == []
    header = page.locator(".site-header").bounding_box()
    brand = page.locator(".brand").bounding_box()
    assert header and brand and header["height"] < 2.2 * brand["height"]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_admin_menu_opens_with_the_keyboard_and_leads_to_its_pages(live_server, page, language):
    _open_as(page, live_server, ADMINS, language)
    menu = page.locator(".site-nav details.nav-menu")
    links = menu.locator("a")
    assert not links.first.is_visible()
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    assert links.first.is_visible()
    page.keyboard.press("Escape")  # shuts it, the focus back on its summary
    assert not links.first.is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert links.first.is_visible()
    hrefs = links.evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert {"/imports/", "/webhooks/", "/admin/"} <= set(hrefs)
    screenshot(page, f"top-bar-admin-menu-{language}")
    # The open menu stays inside the window, on the reading side of its summary.
    box = menu.locator(".nav-menu-items").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1280
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == hrefs[0]
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{hrefs[0]}")
    assert page.locator(".site-nav details.nav-menu").get_attribute("open") is None
