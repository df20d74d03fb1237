"""Stored quote suggestions: idempotent upsert, decisions that stick, accept/dismiss views."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles import tagging
from articles.models import QuoteSuggestion, SuggestionRun, Tag, TagEvent
from articles.quotes import suggestion_store
from articles.reading.highlights import render_paragraphs
from articles.roles import EDITORS
from articles.text.quote_rules import Suggestion
from tests.conftest import make_article, make_tag, make_user, sample_text

HTMX = {"HTTP_HX_REQUEST": "true"}
BODY = (
    "عنوان الخبر\n"
    "وقال جون كيربي، المتحدث باسم البيت الأبيض، إن الاتفاق علامة على يأس روسيا.\n"
    "وأضاف أن واشنطن تراقب الوضع عن كثب في المنطقة."
)


@pytest.fixture
def article(db):
    article = make_article(BODY)
    suggestion_store.ensure_suggestions(article)
    return article


def _open(article):
    return list(article.suggestions.filter(state="open").order_by("start"))


def _given(article, spans, speaker="المتحدث"):
    return [
        Suggestion(s, e, speaker, "verb_that", "قاعدة للاختبار")
        for s, e in ((article.body.index(a), article.body.index(a) + len(a)) for a in spans)
    ]


# --- Storing -----------------------------------------------------------------------------


def test_the_first_reading_stores_the_rules_suggestions_once(article):
    first = _open(article)
    assert [(s.exact, s.speaker) for s in first] == [
        ("الاتفاق علامة على يأس روسيا", "جون كيربي"),
        ("واشنطن تراقب الوضع عن كثب في المنطقة", "جون كيربي"),
    ]
    assert all(article.body[s.start : s.end] == s.exact and s.explanation for s in first)
    assert SuggestionRun.objects.get(article=article).version == suggestion_store.RULES_VERSION
    suggestion_store.ensure_suggestions(article)
    suggestion_store.store_suggestions(article, None)  # forced: same rows, same ids
    assert [s.pk for s in _open(article)] == [s.pk for s in first]


def test_a_second_reading_costs_no_query(article, django_assert_num_queries):
    loaded = type(article).objects.select_related("suggestion_run").get(pk=article.pk)
    with django_assert_num_queries(0):
        suggestion_store.ensure_suggestions(loaded)


def test_a_dismissed_passage_never_comes_back_even_when_the_rules_change(article, editor):
    first, second = _open(article)
    suggestion_store.dismiss(first.pk, editor)
    # New rules cut the same passage one word longer, and still make the second one.
    longer = (first.start - len("إن "), first.end)
    found = [Suggestion(*longer, "كيربي", "verb_that", "…"), *_given(article, [second.exact])]
    suggestion_store.store_suggestions(article, found)
    assert [s.pk for s in _open(article)] == [second.pk]
    # And the real rules again (as after a deploy that changed them).
    SuggestionRun.objects.filter(article=article).update(version="old")
    suggestion_store.ensure_suggestions(article)
    assert [s.exact for s in _open(article)] == [second.exact]
    assert QuoteSuggestion.objects.get(pk=first.pk).state == "dismissed"


def test_rules_that_no_longer_suggest_drop_open_rows_but_keep_decided_ones(article, editor):
    first, second = _open(article)
    suggestion_store.accept(first.pk, editor)
    suggestion_store.store_suggestions(article, [])
    assert _open(article) == []
    assert QuoteSuggestion.objects.get(pk=first.pk).state == "accepted"


def test_a_quote_tag_hides_the_suggestions_it_covers(article, editor):
    first, second = _open(article)
    # A hand-made quote over most of the first passage (overlap >= half of each).
    tagging.create_tag(
        article=article, user=editor, kind="quote", start=first.start + 8, end=first.end
    )
    shown, _tally = suggestion_store.for_page(article, suggestion_store.quote_spans(article))
    assert [s.pk for s in shown] == [second.pk]


# --- Accept and dismiss ------------------------------------------------------------------


def test_accept_makes_a_quote_tag_by_the_editor_with_its_speaker_and_history(article, editor):
    first = _open(article)[0]
    suggestion, tag, created = suggestion_store.accept(first.pk, editor)
    assert created
    assert (tag.kind, tag.exact, tag.speaker) == ("quote", first.exact, "جون كيربي")
    assert tag.created_by == editor and tag.review_state == "pending"
    assert TagEvent.objects.get(tag_id=tag.pk).action == "created"
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.tag, suggestion.decided_by) == ("accepted", tag, editor)
    with pytest.raises(suggestion_store.AlreadyDecided):
        suggestion_store.accept(first.pk, editor)
    assert Tag.objects.count() == 1


def test_accept_view_htmx_updates_body_list_legend_and_suggestions(client, editor, article):
    client.force_login(editor)
    first, second = _open(article)
    response = client.post(reverse("accept_suggestion", args=[first.pk]), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    tag = Tag.objects.get()
    assert 'id="suggestions"' in html and f'id="sg-{second.pk}"' in html
    assert f'id="sg-{first.pk}"' not in html
    assert f'data-tags="{tag.pk}"' in html  # the new highlight
    assert 'data-kind="quote">1<' in html  # the legend count
    assert "جون كيربي" in html
    assert "قُبل الاقتراح" in html


def test_only_a_quote_write_resends_the_suggestion_list(client, editor, article):
    """A claim cannot hide a suggestion, so its write leaves the list alone (it is most of
    the fragment); a quote tag over a suggestion sends the list without it."""
    client.force_login(editor)
    first, _second = _open(article)
    make_tag(article, 0, 3, user=editor, kind="background")  # the first tag sends the panel
    url = reverse("tag_passage", args=[article.pk])
    span = {"start": first.start, "end": first.end, "exact": first.exact}
    claim = client.post(url, {**span, "kind": "claim"}, **HTMX).content.decode()
    assert 'id="suggestions"' not in claim
    assert f'data-sg="{first.pk}"' in claim  # the mark is still drawn in the paragraph
    quote = client.post(url, {**span, "kind": "quote"}, **HTMX).content.decode()
    assert 'id="suggestions"' in quote and f'id="sg-{first.pk}"' not in quote


def test_accepting_twice_gives_one_tag_and_a_clear_409(client, editor, article):
    client.force_login(editor)
    first = _open(article)[0]
    url = reverse("accept_suggestion", args=[first.pk])
    assert client.post(url, **HTMX).status_code == 200
    again = client.post(url, **HTMX)
    assert again.status_code == 409
    assert "قبل editor1 هذا الاقتراح من قبل" in again.content.decode()
    assert Tag.objects.count() == 1
    dismissed_late = client.post(reverse("dismiss_suggestion", args=[first.pk]), **HTMX)
    assert dismissed_late.status_code == 409
    assert QuoteSuggestion.objects.get(pk=first.pk).state == "accepted"


def test_dismiss_persists_and_the_plain_form_redirects(client, editor, article):
    client.force_login(editor)
    first = _open(article)[0]
    response = client.post(reverse("dismiss_suggestion", args=[first.pk]))
    assert response.status_code == 302 and response.url.endswith("#suggestions")
    page = client.get(reverse("read_article", args=[article.pk])).content.decode()
    assert f'id="sg-{first.pk}"' not in page and f'data-sg="{first.pk}"' not in page
    assert QuoteSuggestion.objects.get(pk=first.pk).decided_by == editor


def test_reviewers_see_suggestions_but_cannot_decide(client, reviewer, article):
    client.force_login(reviewer)
    first = _open(article)[0]
    page = client.get(reverse("read_article", args=[article.pk])).content.decode()
    assert f'id="sg-{first.pk}"' in page and f'data-sg="{first.pk}"' in page
    assert reverse("accept_suggestion", args=[first.pk]) not in page
    for name in ("accept_suggestion", "dismiss_suggestion"):
        assert client.post(reverse(name, args=[first.pk]), **HTMX).status_code == 403
    assert QuoteSuggestion.objects.get(pk=first.pk).state == "open"
    assert not Tag.objects.exists()


def test_anonymous_is_sent_to_login(client, article):
    first = _open(article)[0]
    response = client.post(reverse("accept_suggestion", args=[first.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Tag.objects.exists()


def test_decisions_need_csrf(editor, article):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    first = _open(article)[0]
    for name in ("accept_suggestion", "dismiss_suggestion"):
        assert strict.post(reverse(name, args=[first.pk])).status_code == 403
    assert QuoteSuggestion.objects.get(pk=first.pk).state == "open"


def test_an_unknown_suggestion_is_404(editor_client, db):
    assert editor_client.post(reverse("accept_suggestion", args=[999999])).status_code == 404


def test_speaker_and_explanation_are_escaped_on_the_reading_page(editor_client, db):
    article = make_article("عنوان\nقال أحدهم إن هذا نص طويل بما يكفي ليقترح.")
    evil = "<script>alert(1)</script>"
    found = [Suggestion(10, 30, evil, "verb_that", 'شرح "<b>"')]
    suggestion_store.store_suggestions(article, found)
    SuggestionRun.objects.filter(article=article).update(version=suggestion_store.RULES_VERSION)
    html = editor_client.get(reverse("read_article", args=[article.pk])).content.decode()
    assert evil not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_make_one_tag():
    article = make_article(sample_text(0), title="تزامن")
    suggestion_store.ensure_suggestions(article)
    target = article.suggestions.order_by("start").first()
    users = [make_user(f"accepter{i}", EDITORS) for i in range(4)]
    barrier = threading.Barrier(len(users))
    statuses = []

    def accept(user):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=10)
            response = client.post(reverse("accept_suggestion", args=[target.pk]), **HTMX)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 409, 409, 409]
    assert Tag.objects.filter(article=article).count() == 1


# --- Drawing ----------------------------------------------------------------------------


def test_suggestions_drawn_with_overlapping_tags_keep_the_text_exact():
    from types import SimpleNamespace as NS

    body = "أول سطر\nوقال بوتين إن «الاتفاق تاريخي» اليوم 🤔 حقا.\nآخر"
    tags = [NS(id=1, kind="claim", start=10, end=30), NS(id=2, kind="quote", start=20, end=26)]
    suggestions = [NS(id=7, start=16, end=40, explanation="قاعدة <x>")]
    for paragraph in render_paragraphs(body, tags, suggestions):
        text = re.sub(r"<[^>]+>", "", paragraph.html).replace("&lt;", "<").replace("&gt;", ">")
        assert text == body[paragraph.start : paragraph.end]
    html = "".join(p.html for p in render_paragraphs(body, tags, suggestions))
    assert '<mark class="hl kc-claim" data-tags="1"' in html
    assert '<span class="sg" data-sg="7"' in html
    assert "قاعدة &lt;x&gt;" in html
