"""Small holes closed: health probes over HTTP, private caching, whole characters in tags."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from articles.models import Tag
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_answers_over_plain_http_when_https_is_enforced():
    client = Client()  # a fresh handler reads the overridden security settings
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert client.get(reverse("login")).status_code == 301  # everything else still redirects


@pytest.mark.parametrize("url", ["/articles/", "/export/", "/review/"])
def test_pages_for_a_logged_in_user_are_not_cached(admin_client_, url):
    response = admin_client_.get(url)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_downloads_are_not_cached(reviewer_client):
    response = reviewer_client.get(reverse("download_tags"), {"format": "csv"})
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_a_tag_starting_on_a_haraka_is_refused(editor_client):
    article = make_article("كَتَبَ الصحفيُّ خبراً طويلاً.\nفقرة ثانية.")
    start = article.body.index("تَبَ") + 1  # on the fatha after ت
    end = article.body.index(" ")
    data = {"kind": "claim", "start": start, "end": end, "exact": article.body[start:end]}
    response = editor_client.post(reverse("tag_passage", args=[article.pk]), data, **HTMX)
    assert response.status_code == 422
    assert "حركته" in response.content.decode()
    assert not Tag.objects.exists()


def test_a_tag_ending_between_a_letter_and_its_haraka_is_refused(editor_client):
    article = make_article("كَتَبَ الصحفيُّ خبراً طويلاً.\nفقرة ثانية.")
    end = article.body.index("يُّ") + 1  # after ي, before its damma
    data = {"kind": "claim", "start": 0, "end": end, "exact": article.body[:end]}
    response = editor_client.post(reverse("tag_passage", args=[article.pk]), data, **HTMX)
    assert response.status_code == 422
    assert not Tag.objects.exists()


def test_grapheme_boundaries():
    from articles.text.arabic import is_grapheme_boundary

    text = "كَتَبَ 👩\u200d💻 x"
    assert is_grapheme_boundary(text, 0) and is_grapheme_boundary(text, len(text))
    assert not is_grapheme_boundary(text, 1)  # before the fatha
    assert is_grapheme_boundary(text, 2)
    joiner = text.index("\u200d")
    assert not is_grapheme_boundary(text, joiner)
    assert not is_grapheme_boundary(text, joiner + 1)
