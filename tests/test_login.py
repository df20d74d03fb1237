from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _empty_cache(db):
    cache.clear()


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_rotates_the_session_key(client, editor):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    response = _login(client, editor.username, PASSWORD)
    assert response.status_code == 302
    assert client.session.session_key != before


def test_wrong_password_shows_an_arabic_error(client, editor):
    response = _login(client, editor.username, "wrong")
    assert response.status_code == 200
    assert "الرجاء إدخال" in response.content.decode()  # Django's own Arabic message


@override_settings(LOGIN_MAX_FAILURES=3)
def test_repeated_failures_lock_the_user_name_even_with_the_right_password(client, editor):
    for _ in range(3):
        assert _login(client, editor.username, "wrong").status_code == 200
    response = _login(client, editor.username, PASSWORD)
    assert response.status_code == 429
    assert "محاولات دخول خاطئة كثيرة" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_MAX_FAILURES=3)
def test_other_users_are_not_locked_out(client, editor, reviewer):
    for _ in range(3):
        _login(client, editor.username, "wrong")
    assert _login(client, reviewer.username, PASSWORD).status_code == 302


@override_settings(LOGIN_MAX_FAILURES_PER_ADDRESS=4)
def test_one_address_trying_many_names_is_locked(client, editor):
    for i in range(4):
        _login(client, f"guess{i}", "wrong")
    assert _login(client, editor.username, PASSWORD).status_code == 429


@override_settings(LOGIN_MAX_FAILURES=3)
def test_a_success_clears_the_count(client, editor):
    for _ in range(2):
        _login(client, editor.username, "wrong")
    assert _login(client, editor.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        _login(client, editor.username, "wrong")
    assert _login(client, editor.username, PASSWORD).status_code == 302
