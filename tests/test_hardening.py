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


def test_a_failed_save_set_puts_no_csrf_token_in_the_url(reviewer_client):
    data = {"csrfmiddlewaretoken": "secret-token-value", "name": "", "kind": "quote"}
    response = reviewer_client.post(reverse("save_tag_set"), data)
    assert response.status_code == 302
    assert "csrfmiddlewaretoken" not in response.url
    assert "secret-token-value" not in response.url
    assert "kind=quote" in response.url  # the filter is kept


RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"


def test_bidi_controls_are_removed_from_typed_text(editor_client, editor, reviewer):
    from articles import tagging
    from articles.models import ClaimGroup, TagSet

    article = make_article("قال الوزير إن الخطة جاهزة.\nفقرة ثانية.")
    tag = tagging.create_tag(article=article, user=editor, kind="claim", start=0, end=3)
    data = {"kind": "claim", "note": f"ملاحظة {RLO}مقلوبة", "speaker": f"{LRI}الوزير{PDI}"}
    editor_client.post(reverse("update_tag", args=[tag.pk]), {**data, "version": 1}, **HTMX)
    status = {"verification": "unverified", "evidence": f"{RLO}دليل", "version": 2}
    editor_client.post(reverse("claim_status", args=[tag.pk]), status, **HTMX)
    group = ClaimGroup.objects.create(label="قديم", created_by=editor)
    url = reverse("rename_claim_group", args=[group.pk])
    editor_client.post(url, {"label": f"عنوان{RLO} جديد"}, **HTMX)
    tag.refresh_from_db()
    group.refresh_from_db()
    assert (tag.note, tag.speaker, tag.evidence) == ("ملاحظة مقلوبة", "الوزير", "دليل")
    assert group.label == "عنوان جديد"

    editor_client.force_login(reviewer)
    review = {"state": "rejected", "version": tag.version, "comment": f"{RLO}ليس دقيقاً"}
    editor_client.post(reverse("review_tag", args=[tag.pk]), review)
    editor_client.post(reverse("save_tag_set"), {"name": f"مجموعة{RLO}txt.exe", "kind": "claim"})
    tag.refresh_from_db()
    assert tag.review_comment == "ليس دقيقاً"
    assert TagSet.objects.get().name == "مجموعةtxt.exe"
