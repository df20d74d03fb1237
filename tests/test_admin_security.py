"""The Django admin: no second way to write tags, no way for Admins to grant superuser."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles.models import Tag, TagEvent
from articles.roles import ADMINS
from tests.conftest import make_article, make_tag, make_user

pytestmark = pytest.mark.django_db


def _user_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_an_admin_cannot_edit_a_tag_around_its_version_check(admin_client_, editor):
    tag = make_tag(make_article(), 0, 2, user=editor, note="الأصل")
    url = reverse("admin:articles_tag_change", args=[tag.pk])
    response = admin_client_.post(
        url, {"article": tag.article_id, "kind": "quote", "note": "من لوحة الإدارة"}
    )
    tag.refresh_from_db()
    assert response.status_code == 403
    assert (tag.kind, tag.note, tag.version) == ("claim", "الأصل", 1)


def test_an_admin_cannot_delete_a_tag_without_its_history(admin_client_, editor):
    tag = make_tag(make_article(), 0, 2, user=editor)
    url = reverse("admin:articles_tag_delete", args=[tag.pk])
    assert admin_client_.post(url, {"post": "yes"}).status_code == 403
    assert Tag.objects.filter(pk=tag.pk).exists()
    changelist = reverse("admin:articles_tag_changelist")
    response = admin_client_.post(
        changelist, {"action": "delete_selected", "_selected_action": [tag.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    assert Tag.objects.filter(pk=tag.pk).exists()
    assert not TagEvent.objects.filter(action="delete").exists()


def test_tags_can_still_be_read_in_the_admin(admin_client_, editor):
    tag = make_tag(make_article(), 0, 2, user=editor)
    assert admin_client_.get(reverse("admin:articles_tag_change", args=[tag.pk])).status_code == 200


def test_an_admin_who_is_not_superuser_cannot_make_themselves_superuser(admin_client_, admin_user):
    url = reverse("admin:auth_user_change", args=[admin_user.pk])
    admin_client_.post(url, _user_form(admin_user, is_superuser="on"))
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser


def test_an_admin_who_is_not_superuser_cannot_grant_single_permissions(admin_client_, admin_user):
    editor = make_user("someone")
    permission = Permission.objects.get(codename="delete_user")
    url = reverse("admin:auth_user_change", args=[editor.pk])
    admin_client_.post(url, _user_form(editor, user_permissions=[permission.pk]))
    assert not editor.user_permissions.exists()


def test_an_admin_who_is_not_superuser_cannot_change_a_superuser(admin_client_):
    root = make_user("root", ADMINS, is_superuser=True)
    url = reverse("admin:auth_user_change", args=[root.pk])
    response = admin_client_.post(url, _user_form(root, is_staff="", is_superuser="on"))
    root.refresh_from_db()
    assert root.is_staff
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert admin_client_.get(password_url).status_code == 403
    assert response.status_code == 403


def test_a_superuser_still_grants_superuser(client, admin_user):
    root = make_user("root", ADMINS, is_superuser=True)
    client.force_login(root)
    url = reverse("admin:auth_user_change", args=[admin_user.pk])
    client.post(url, _user_form(admin_user, is_superuser="on"))
    admin_user.refresh_from_db()
    assert admin_user.is_superuser
