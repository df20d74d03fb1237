"""The database lost mid-request: the 503 page wherever it happens, and no write kept
whose answer failed.

Found by the load test's PostgreSQL restart (bench/load.py): with PostgreSQL stopped,
loading the session raised in the middleware, where
`DatabaseUnavailableMiddleware.process_exception` never sees it, and the answer was
Django's plain 500. handler500 now tells the two apart.
"""

from __future__ import annotations

from importlib import import_module

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.urls import reverse

from articles.models import Tag, TagEvent
from tests.conftest import make_article, make_tag


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def test_a_database_lost_while_loading_the_session_gives_the_503_page(editor_client, monkeypatch):
    def lost(self, *args, **kwargs):
        raise OperationalError("connection to server on socket failed: No such file")

    monkeypatch.setattr(_session_store(), "load", lost)
    editor_client.raise_request_exception = False
    response = editor_client.get(reverse("article_list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    html = response.content.decode()
    assert "الخدمة غير متاحة مؤقتاً" in html and "Traceback" not in html


def test_other_errors_outside_a_view_stay_500(editor_client, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(_session_store(), "load", broken)
    editor_client.raise_request_exception = False
    response = editor_client.get(reverse("article_list"))
    assert response.status_code == 500
    assert "الخدمة غير متاحة" not in response.content.decode()


def test_a_driver_error_outside_djangos_wrapper_gives_the_503_page(editor_client, monkeypatch):
    """psycopg raises AdminShutdown itself when closing a server-side cursor whose
    connection PostgreSQL cut (`pg_ctl stop -m fast`), without Django's wrapper."""
    from articles.reading import body_cache

    def shut_down(*args, **kwargs):
        raise psycopg.errors.AdminShutdown("terminating connection due to administrator command")

    monkeypatch.setattr(body_cache, "paragraphs", shut_down)
    article = make_article()
    editor_client.raise_request_exception = False
    response = editor_client.get(reverse("read_article", args=[article.pk]))
    assert response.status_code == 503
    assert "الخدمة غير متاحة مؤقتاً" in response.content.decode()


def test_a_write_whose_answer_fails_is_rolled_back(editor_client, monkeypatch):
    """The database goes away after the INSERT, while the answer is built: the 503 page
    says nothing was saved, so nothing may be (a retry would duplicate the tag)."""
    from articles.views import responses

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(responses, "paragraph_spans", lost)
    article = make_article("نص المقال الأول.\nفقرة ثانية فيها كلمات.")
    # A first tag, so the write takes the fragment path that calls paragraph_spans.
    make_tag(article, 0, 2, user=get_user_model().objects.get(username="editor1"))
    before = (Tag.objects.count(), TagEvent.objects.count())
    editor_client.raise_request_exception = False
    response = editor_client.post(
        reverse("tag_passage", args=[article.pk]),
        {"kind": "claim", "start": 4, "end": 10, "exact": article.body[4:10]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 503
    assert (Tag.objects.count(), TagEvent.objects.count()) == before
