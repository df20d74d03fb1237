"""A database lost before the view runs (session, user, middleware) still gets the 503 page.

Found by bench/faults.py: with PostgreSQL stopped, loading the session raised in the
middleware, where `DatabaseUnavailableMiddleware.process_exception` never sees it, and
the answer was Django's plain 500. handler500 now tells the two apart.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import OperationalError
from django.urls import reverse


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
