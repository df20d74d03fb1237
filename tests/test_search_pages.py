"""The tag list (search + filters) and the overview page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from articles.models import Tag, TagTally
from articles.overview import activity_bars, weekly_activity
from tests.conftest import make_article, make_source, make_tag, make_user


@pytest.fixture
def tagged(db, editor):
    other = make_user("editor2", "Editors")
    article = make_article(
        "قال بوتين إن الاتِّفاقيَّة نافذة.\nوأكد كيربي أن <b>الخطة</b> قائمة.",
        title="خبر",
        source=make_source("وكالة"),
    )
    body = article.body
    quote = make_tag(article, 0, body.index("\n"), user=editor, kind="quote", speaker="بُوتين")
    claim_start = body.index("وأكد")
    claim = make_tag(article, claim_start, len(body), user=other, kind="claim", note="تحقق")
    make_tag(article, 4, 9, user=editor, kind="quote", speaker="بوتين")
    return {"quote": quote, "claim": claim, "editor": editor, "other": other, "article": article}


def test_tag_search_matches_passage_note_and_speaker(editor_client, tagged):
    url = reverse("tag_list")

    def ids(**params):
        return {tag.pk for tag in editor_client.get(url, params).context["page"].object_list}

    assert ids(q="الاتفاقية") == {tagged["quote"].pk}
    assert ids(q="تحقق") == {tagged["claim"].pk}
    assert ids(q="اكد") == {tagged["claim"].pk}
    assert len(ids(speaker="بوتين")) == 2  # folded: بُوتين and بوتين are one speaker
    assert ids(kind="claim") == ids(editor=tagged["other"].pk) == {tagged["claim"].pk}
    assert len(ids(source=tagged["article"].source_id)) == 3


def test_tag_list_escapes_and_highlights(editor_client, tagged):
    html = editor_client.get(reverse("tag_list"), {"q": "الخطة"}).content.decode()
    assert '&lt;b&gt;<mark class="hit">الخطة</mark>&lt;/b&gt;' in html
    assert "<b>الخطة" not in html


def test_tag_list_htmx_and_bad_input(editor_client, tagged):
    response = editor_client.get(reverse("tag_list"), {"kind": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="results"')
    assert "kind" in response.context["form"].errors


def test_tag_list_has_constant_queries(editor_client, editor, django_assert_max_num_queries):
    for i in range(20):
        article = make_article(
            f"أكد المتحدث رقم {i}", title=f"مقال {i}", source=make_source(f"م{i}")
        )
        make_tag(article, 0, 3, user=editor, note="ملاحظة")
    with django_assert_max_num_queries(8):
        response = editor_client.get(reverse("tag_list"), {"q": "اكد"})
    assert len(response.context["page"].object_list) == 20


def test_overview_counts_and_speakers(editor_client, tagged, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = editor_client.get(reverse("overview"))
    assert response.status_code == 200
    context = response.context
    assert context["n_articles"] == 1 and context["n_tags"] == 3
    assert [n for _, n in context["by_kind"]] == [1, 2, 0]
    assert context["speakers"][0][:2] == ("بوتين", 2)
    assert dict(context["by_editor"]) == {"editor1": 2, "editor2": 1}
    html = response.content.decode()
    assert '<svg class="activity-chart"' in html and 'class="bar"' in html
    assert "style=" not in html
    assert re.search(
        r'<rect class="bar" x="[0-9.]+" y="[0-9.]+" width="[0-9.]+" height="[0-9.]+"', html
    )
    # The week's count is written over its bar, and the axis says what it shows.
    assert re.search(r'<text class="value" x="[0-9.]+" y="-?[0-9]+" [^>]*>3</text>', html)
    assert 'class="caption"' in html


def test_overview_shows_review_progress(editor_client, tagged):
    Tag.objects.filter(pk=Tag.objects.order_by("pk").first().pk).update(review_state="accepted")
    response = editor_client.get(reverse("overview"))
    assert [n for _, n in response.context["review"]] == [2, 1, 0]  # pending, accepted, rejected


def test_activity_is_weekly_with_empty_weeks(tagged):
    hours = [row[1:] for row in TagTally.objects.totals() if row[0] == "hour"]
    series = weekly_activity(hours, weeks=4)
    assert len(series) == 4 and series[-1][1] == 3 and series[0][1] == 0
    bars = activity_bars(series)
    assert bars[-1].height == 160 and bars[0].height == 0


@pytest.mark.parametrize("name", ["tag_list", "overview"])
def test_pages_need_a_role(client, stranger, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    client.force_login(stranger)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role_client", ["editor_client", "reviewer_client", "admin_client_"])
def test_every_role_sees_the_pages(request, role_client):
    client = request.getfixturevalue(role_client)
    assert client.get(reverse("tag_list")).status_code == 200
    assert client.get(reverse("overview")).status_code == 200


def test_tag_counts_are_capped(editor_client, tagged, monkeypatch):
    monkeypatch.setattr("articles.search.query.CappedPaginator.cap", 2)
    response = editor_client.get(reverse("tag_list"))
    assert "أكثر من 2 وسم" in response.content.decode()
    assert len(response.context["page"].object_list) == 3


def test_the_speaker_filter_is_the_one_tag_filter_everywhere(reviewer_client, tagged):
    """The tag list's speaker filter is a field of the one filter: the review queue has it,
    and a saved set keeps it (folded, so بُوتين and بوتين are one speaker)."""
    from articles.search.tag_filter import stored_filter_q

    queue = reviewer_client.get(reverse("review_queue"), {"speaker": "بوتين"})
    assert len(queue.context["page"].object_list) == 2
    assert Tag.objects.filter(stored_filter_q({"speaker": ["بوتين"]})).count() == 2
    assert Tag.objects.filter(stored_filter_q({"speaker": ["كيربي"]})).count() == 0


@pytest.mark.parametrize("query", ["😀🔥", "؟!", "«»"])
def test_a_search_with_no_word_says_it_was_ignored(editor_client, query):
    make_article("نص المقال الأول.\nفقرة ثانية.")
    response = editor_client.get(reverse("article_list"), {"q": query})
    html = response.content.decode()
    assert "لا كلمة فيه يمكن البحث بها" in html
    assert len(response.context["page"].object_list) == 1  # the filter is left out, said so
