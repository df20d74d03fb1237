from __future__ import annotations

import pytest
from django.urls import reverse

from articles import reviewing, tagging
from articles.models import ReviewState, Tag
from tests.conftest import make_article, make_source, make_tag, make_user, sample_text


@pytest.fixture
def article(db):
    return make_article(sample_text(1), title="مقال للمراجعة", source=make_source())


@pytest.fixture
def tag(article, editor):
    return make_tag(article, 10, 40, user=editor, kind="quote")


def _post(client, tag, state, htmx=False, **extra):
    data = {"state": state, "version": tag.version, "comment": "", **extra}
    headers = {"HX-Request": "true", "HX-Target": f"review-{tag.pk}"} if htmx else {}
    return client.post(reverse("review_tag", args=[tag.pk]), data, headers=headers)


def test_new_tags_are_pending(tag):
    assert tag.review_state == ReviewState.PENDING
    assert tag.reviewed_by is None


def test_the_database_refuses_an_unknown_review_state(tag):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Tag.objects.filter(pk=tag.pk).update(review_state="maybe")


def test_reviewer_accepts_inline_with_htmx(reviewer_client, reviewer, tag):
    response = _post(reviewer_client, tag, "accepted", htmx=True, comment="جيد")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="review-{tag.pk}"' in html and "state-accepted" in html
    tag.refresh_from_db()
    assert tag.review_state == "accepted"
    assert tag.reviewed_by == reviewer and tag.reviewed_at is not None
    assert tag.review_comment == "جيد"
    assert tag.version == 1  # reviewing is not an edit


def test_reject_without_htmx_redirects_to_the_queue(reviewer_client, tag):
    response = _post(reviewer_client, tag, "rejected")
    assert response.status_code == 302 and response.url == reverse("review_queue")
    tag.refresh_from_db()
    assert tag.review_state == "rejected"


def test_back_to_pending_clears_reviewer(reviewer_client, reviewer, tag):
    reviewing.accept(tag_id=tag.pk, version=1, reviewer=reviewer)
    _post(reviewer_client, tag, "pending", htmx=True)
    tag.refresh_from_db()
    assert (tag.review_state, tag.reviewed_by, tag.reviewed_at) == ("pending", None, None)


def test_admin_reviews(admin_client_, tag):
    assert _post(admin_client_, tag, "accepted", htmx=True).status_code == 200


def test_editor_cannot_review_or_see_the_queue(editor_client, tag):
    assert _post(editor_client, tag, "accepted").status_code == 403
    assert editor_client.get(reverse("review_queue")).status_code == 403
    tag.refresh_from_db()
    assert tag.review_state == "pending"


def test_stranger_and_anonymous_cannot_review(client, stranger, tag):
    response = _post(client, tag, "accepted")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(stranger)
    assert _post(client, tag, "accepted").status_code == 403
    assert client.get(reverse("review_queue")).status_code == 403


def _edit(tag, editor, **changes):
    """An editor's edit through the one edit path of the tagging module."""
    fields = {"kind": tag.kind, "note": tag.note, "speaker": tag.speaker} | changes
    return tagging.update_tag(tag=tag, version=tag.version, user=editor, **fields)


def test_review_of_a_changed_tag_is_a_conflict(reviewer_client, editor, tag):
    _edit(tag, editor, note="عدّلت")
    response = _post(reviewer_client, tag, "accepted", htmx=True)  # still version 1
    assert response.status_code == 409
    assert "تغيّر هذا الوسم" in response.content.decode()
    tag.refresh_from_db()
    assert tag.review_state == "pending"


def test_editing_after_review_sends_back_to_pending(reviewer, editor, tag):
    reviewing.reject(tag_id=tag.pk, version=1, reviewer=reviewer, comment="الحدود خاطئة")
    tag.refresh_from_db()
    _edit(tag, editor, speaker="فلان")
    tag.refresh_from_db()
    assert tag.review_state == "pending" and tag.reviewed_by is None
    assert tag.version == 2
    assert tag.review_comment == "الحدود خاطئة"  # the editor still sees why


def test_bad_review_input_is_400(reviewer_client, tag):
    response = reviewer_client.post(
        reverse("review_tag", args=[tag.pk]),
        {"state": "approved", "version": 1},
        headers={"HX-Request": "true", "HX-Target": f"review-{tag.pk}"},
    )
    assert response.status_code == 400
    assert reviewer_client.post(reverse("review_tag", args=[999999]), {}).status_code == 404


def test_without_javascript_a_failed_review_goes_back_to_the_queue_saying_why(
    reviewer_client, editor, tag
):
    response = reviewer_client.post(
        reverse("review_tag", args=[tag.pk]), {"state": "approved", "version": 1}, follow=True
    )
    assert response.redirect_chain == [(reverse("review_queue"), 302)]
    assert "تعذّر حفظ المراجعة." in response.content.decode()
    _edit(tag, editor, note="عدّلت")
    response = _post(reviewer_client, Tag(pk=tag.pk, version=1), "accepted")
    assert response.status_code == 302 and response.url == reverse("review_queue")
    queue = reviewer_client.get(response.url).content.decode()
    assert "تغيّر هذا الوسم منذ فتح الصفحة" in queue
    tag.refresh_from_db()
    assert tag.review_state == "pending"


def test_review_needs_post(reviewer_client, tag):
    assert reviewer_client.get(reverse("review_tag", args=[tag.pk])).status_code == 405


def test_queue_lists_pending_tags_in_context(reviewer_client, reviewer, article, editor):
    pending = make_tag(article, 50, 80, user=editor, kind="claim")
    done = make_tag(article, 100, 120, user=editor)
    reviewing.accept(tag_id=done.pk, version=1, reviewer=reviewer)
    response = reviewer_client.get(reverse("review_queue"))
    assert response.status_code == 200
    listed = [tag.pk for tag in response.context["page"].object_list]
    assert listed == [pending.pk]
    html = response.content.decode()
    assert 'class="in-context" lang="ar" dir="rtl"' in html
    assert pending.prefix[-10:] in html and pending.suffix[:10] in html


def test_queue_filters_by_kind_source_editor_and_article(reviewer_client, article, editor):
    other_editor = make_user("editor2", "Editors")
    other_article = make_article(sample_text(3), title="آخر", source=make_source("مصدر آخر"))
    claim = make_tag(article, 0, 10, user=editor, kind="claim")
    quote = make_tag(article, 20, 30, user=editor, kind="quote")
    other = make_tag(other_article, 0, 10, user=other_editor, kind="claim")

    def listed(params):
        response = reviewer_client.get(reverse("review_queue"), params)
        assert response.status_code == 200
        return {tag.pk for tag in response.context["page"].object_list}

    assert listed({"kind": "claim"}) == {claim.pk, other.pk}
    assert listed({"source": article.source_id}) == {claim.pk, quote.pk}
    assert listed({"editor": other_editor.pk}) == {other.pk}
    assert listed({"article": f"{article.pk}"}) == {claim.pk, quote.pk}
    assert listed({"q": article.body[20:28]}) == {quote.pk}


def test_queue_htmx_returns_only_the_list(reviewer_client, tag):
    response = reviewer_client.get(
        reverse("review_queue"),
        {"kind": "quote"},
        headers={"HX-Request": "true", "HX-Target": "queue"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="queue" id="queue"')
    assert "<html" not in html


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "password"},
        {"state": "created_by__password"},
        {"editor": "created_by__password__startswith=a"},
        {"article": "1; DROP TABLE"},
        {"date_from": "2024-06-30", "date_to": "2024-06-01"},
    ],
)
def test_filter_parameters_are_allow_listed(reviewer_client, tag, params):
    response = reviewer_client.get(reverse("review_queue"), params)
    assert response.status_code == 400
    assert list(response.context["page"].object_list) == []


def test_unknown_parameters_are_ignored(reviewer_client, tag):
    response = reviewer_client.get(
        reverse("review_queue"), {"created_by__password__startswith": "p"}
    )
    assert [t.pk for t in response.context["page"].object_list] == [tag.pk]


def test_queue_query_count_does_not_grow(
    reviewer_client, article, editor, django_assert_max_num_queries
):
    for i in range(60):
        make_tag(article, i, i + 5, user=editor)
    with django_assert_max_num_queries(12):
        response = reviewer_client.get(reverse("review_queue"))
    assert len(response.context["page"].object_list) == 50


def test_user_text_is_escaped_in_the_queue(reviewer_client, article, editor):
    make_tag(article, 0, 5, user=editor, note="<script>alert(1)</script>", speaker="<b>x</b>")
    html = reviewer_client.get(reverse("review_queue")).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_editor_sees_review_state_and_comment_on_the_reading_page(
    editor_client, reviewer, tag, article
):
    reviewing.reject(tag_id=tag.pk, version=1, reviewer=reviewer, comment="ليس اقتباساً")
    html = editor_client.get(reverse("read_article", args=[article.pk])).content.decode()
    assert "مرفوض" in html and "ليس اقتباساً" in html
