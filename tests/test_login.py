from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth.backends import ModelBackend
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import PASSWORD, make_user

LIMIT = 5  # the default AXES_FAILURE_LIMIT
WRONG_PASSWORD_ERROR = "الرجاء إدخال"  # Django's own Arabic message
LOCKOUT_ERROR = "محاولات دخول خاطئة كثيرة"


def _login(client, username, password, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def _admin_login(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password})


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
    assert WRONG_PASSWORD_ERROR in response.content.decode()


def test_repeated_failures_lock_the_user_name_even_with_the_right_password(client, editor):
    for _ in range(LIMIT - 1):
        assert _login(client, editor.username, "wrong").status_code == 200
    assert _login(client, editor.username, "wrong").status_code == 429
    response = _login(client, editor.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_locked_login_says_only_when_to_try_again(client, editor):
    for _ in range(LIMIT):
        _login(client, editor.username, "wrong")
    page = _login(client, editor.username, "wrong").content.decode()
    assert LOCKOUT_ERROR in page
    assert "15 دقيقة" in page
    assert WRONG_PASSWORD_ERROR not in page


def test_other_users_are_not_locked_out(client, editor, reviewer):
    for _ in range(LIMIT):
        _login(client, editor.username, "wrong")
    assert _login(client, reviewer.username, PASSWORD).status_code == 302


def test_a_success_clears_the_count(client, editor):
    for _ in range(LIMIT - 1):
        _login(client, editor.username, "wrong")
    assert _login(client, editor.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        _login(client, editor.username, "wrong")
    assert _login(client, editor.username, PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_like_the_site_login(client, admin_user):
    for _ in range(LIMIT):
        _admin_login(client, admin_user.username, "wrong")
    response = _admin_login(client, admin_user.username, PASSWORD)
    assert response.status_code == 429
    assert LOCKOUT_ERROR in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_on_the_admin_login_lock_the_site_login_too(client, admin_user):
    for _ in range(LIMIT):
        _admin_login(client, admin_user.username, "wrong")
    assert _login(client, admin_user.username, PASSWORD).status_code == 429


def test_a_fullwidth_spelling_counts_against_the_name_it_logs_in_as(client, editor):
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) for ch in editor.username)  # ｅｄｉｔｏｒ１
    for _ in range(LIMIT):
        _login(client, editor.username, "wrong")
    assert _login(client, fullwidth, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_on_made_up_names_do_not_lock_real_accounts_at_the_same_address(client, editor):
    for i in range(40):
        _login(client, f"guess{i}", "wrong")
    assert _login(client, editor.username, PASSWORD).status_code == 302


@override_settings(AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR",))
def test_the_client_address_comes_from_the_trusted_proxy_header(client, editor):
    from axes.models import AccessAttempt  # not at the top: the suite also runs without axes

    # The balancer appends the address it saw; what the client sent before it is forgeable.
    attacker = {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.5"}
    for _ in range(LIMIT):
        _login(client, editor.username, "wrong", **attacker)
    assert _login(client, editor.username, PASSWORD, **attacker).status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    single = {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    assert _login(Client(), editor.username, PASSWORD, **single).status_code == 429
    colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert _login(Client(), editor.username, PASSWORD, **colleague).status_code == 302


@override_settings(
    AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR",), AXES_IPWARE_PROXY_COUNT=1
)
def test_with_two_proxies_the_client_is_the_second_address_from_the_right(client, editor):
    from axes.models import AccessAttempt

    _login(client, editor.username, "wrong", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5, 10.0.0.9")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"


def test_a_forged_forwarded_header_is_ignored_without_a_trusted_proxy(client, editor):
    for i in range(LIMIT):
        _login(client, editor.username, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert _login(client, editor.username, PASSWORD).status_code == 429


def test_a_nul_in_the_user_name_is_a_form_error(client, editor):
    response = _login(client, "edi\x00tor1", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_unlock_command_lets_a_locked_user_in(client, editor):
    for _ in range(LIMIT):
        _login(client, editor.username, "wrong")
    assert _login(client, editor.username, PASSWORD).status_code == 429
    call_command("axes_reset_username", editor.username, verbosity=0)
    assert _login(client, editor.username, PASSWORD).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_parallel_attempts_test_no_more_passwords_than_the_limit(monkeypatch):
    user = make_user("target1")
    checked = []
    real_authenticate = ModelBackend.authenticate

    def slow_authenticate(self, request, username=None, password=None, **kwargs):
        checked.append(password)
        time.sleep(0.05)  # a real password hash takes this long
        return real_authenticate(self, request, username, password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", slow_authenticate)
    start = threading.Barrier(16)

    def attempt(i: int) -> None:
        try:
            start.wait()
            _login(Client(), user.username, f"guess-{i}")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) <= LIMIT
