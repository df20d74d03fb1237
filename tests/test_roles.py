from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.roles import ADMINS, EDITORS, REVIEWERS


@pytest.mark.django_db
def test_the_migration_creates_three_roles_with_their_permissions():
    def perms(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    assert {"add_tag", "change_tag", "delete_tag", "view_article"} <= perms(EDITORS)
    assert "export_tags" not in perms(EDITORS) and "review_tag" not in perms(EDITORS)
    assert {"review_tag", "export_tags", "view_tag"} <= perms(REVIEWERS)
    assert "add_tag" not in perms(REVIEWERS) and "import_articles" not in perms(REVIEWERS)
    assert {"import_articles", "add_tag", "review_tag", "export_tags"} <= perms(ADMINS)


def test_editor_and_reviewer_cannot_reach_the_admin(editor_client, reviewer_client):
    for client in (editor_client, reviewer_client):
        response = client.get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_admin_reaches_the_admin(admin_client_):
    assert admin_client_.get("/admin/").status_code == 200
    assert admin_client_.get("/admin/articles/tag/").status_code == 200


@pytest.mark.django_db
def test_createuser_gives_the_role_and_takes_the_password_from_the_environment(monkeypatch):
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    monkeypatch.setitem(os.environ, "NEWSDESK_PASSWORD", "a-long-enough-pass-phrase")
    call_command("createuser", "amal", role="reviewer")
    login = RequestFactory().post("/login/")  # the login backends need the request
    user = authenticate(login, username="amal", password="a-long-enough-pass-phrase")
    assert user is not None and not user.is_staff
    assert [g.name for g in user.groups.all()] == [REVIEWERS]
    call_command("createuser", "amal", role="admin")
    user.refresh_from_db()
    assert user.is_staff and [g.name for g in user.groups.all()] == [ADMINS]


@pytest.mark.django_db
def test_createuser_refuses_a_weak_password(monkeypatch):
    monkeypatch.setitem(os.environ, "NEWSDESK_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("createuser", "weak", role="editor")


def test_login_page_is_arabic_and_rtl(client, db):
    html = client.get("/login/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "تسجيل الدخول" in html


def test_there_is_no_sign_up(editor_client):
    for url in ("/signup/", "/accounts/signup/", "/register/"):
        assert editor_client.get(url).status_code == 404
