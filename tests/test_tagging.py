"""Tagging views: create, edit, delete, restore, history; roles, CSRF, htmx and plain forms."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles import tagging
from articles.models import Tag, TagEvent
from tests.conftest import make_article, make_tag, sample_text

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def article(db):
    return make_article(sample_text(0), title="مقال للوسم")


def _span(article, word_index: int = 5, words: int = 3):
    """Offsets of a few whole words of the body, and their text."""
    import re

    found = list(re.finditer(r"\S+", article.body))
    start, end = found[word_index].start(), found[word_index + words - 1].end()
    return start, end, article.body[start:end]


def _create(client, article, kind="quote", **extra):
    start, end, exact = _span(article)
    data = {"kind": kind, "start": start, "end": end, "exact": exact, **extra}
    return client.post(reverse("tag_passage", args=[article.pk]), data, **HTMX)


# --- Create -----------------------------------------------------------------------------


def test_editor_creates_a_tag_with_context_from_the_body(editor_client, editor, article):
    start, end, exact = _span(article)
    response = _create(editor_client, article)
    assert response.status_code == 200
    tag = Tag.objects.get()
    assert (tag.start, tag.end, tag.exact, tag.kind) == (start, end, exact, "quote")
    assert tag.prefix == article.body[max(0, start - 32) : start]
    assert tag.suffix == article.body[end : end + 32]
    assert tag.created_by == editor
    html = response.content.decode()
    # The body and the panel come back as out-of-band swaps, with the new highlight.
    assert 'id="article-body" lang="ar" dir="rtl" hx-swap-oob="true"' in html
    assert 'id="tag-panel"' in html and f'data-tags="{tag.pk}"' in html
    assert 'data-kind="quote">1<' in html  # the count updated
    event = TagEvent.objects.get()
    assert (event.action, event.tag_id, event.user) == ("created", tag.pk, editor)
    assert event.after["exact"] == exact and event.before is None


def test_create_without_htmx_redirects_to_the_reading_page(editor_client, article):
    start, end, exact = _span(article)
    response = editor_client.post(
        reverse("tag_passage", args=[article.pk]),
        {"kind": "claim", "start": start, "end": end, "exact": exact},
    )
    tag = Tag.objects.get()
    assert response.status_code == 302
    assert response.url == f"{article.get_absolute_url()}#tag-{tag.pk}"


def test_a_mismatched_selection_is_refused_with_a_clear_message(editor_client, article):
    start, end, exact = _span(article)
    data = {"kind": "claim", "start": start + 1, "end": end + 1, "exact": exact}
    response = editor_client.post(reverse("tag_passage", args=[article.pk]), data, **HTMX)
    assert response.status_code == 422
    assert "لا يطابق نص المقال" in response.content.decode()
    assert not Tag.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "rumour"},
        {"start": -1},
        {"end": 10**9},
        {"start": 20, "end": 10},
        {"exact": ""},
    ],
)
def test_bad_input_is_422_and_stores_nothing(editor_client, article, data):
    start, end, exact = _span(article)
    post = {"kind": "claim", "start": start, "end": end, "exact": exact, **data}
    response = editor_client.post(reverse("tag_passage", args=[article.pk]), post, **HTMX)
    assert response.status_code == 422
    assert not Tag.objects.exists()


def test_bad_input_without_htmx_shows_the_page_with_the_error(editor_client, article):
    data = {"kind": "claim", "start": 0, "end": 5, "exact": "غلط"}
    response = editor_client.post(reverse("tag_passage", args=[article.pk]), data)
    assert response.status_code == 422
    assert "<html" in response.content.decode() and "لا يطابق" in response.content.decode()


def test_offsets_are_code_points_even_after_emoji(editor_client, db):
    article = make_article("عنوان\nقال 🤔😀 الرئيس: «نحن مستعدون» اليوم.")
    exact = "«نحن مستعدون»"
    start = article.body.index(exact)
    data = {"kind": "quote", "start": start, "end": start + len(exact), "exact": exact}
    response = editor_client.post(reverse("tag_passage", args=[article.pk]), data, **HTMX)
    assert response.status_code == 200
    assert Tag.objects.get().exact == exact


def test_a_selection_across_paragraphs_compares_whitespace_loosely(editor_client, db):
    article = make_article("عنوان\nالفقرة الأولى هنا\n\n\nالفقرة الثانية هنا")
    start = article.body.index("هنا")
    end = article.body.index("الثانية") + len("الثانية")
    data = {"kind": "background", "start": start, "end": end, "exact": "هنا\nالفقرة الثانية"}
    response = editor_client.post(reverse("tag_passage", args=[article.pk]), data, **HTMX)
    assert response.status_code == 200
    assert Tag.objects.get().exact == "هنا\n\n\nالفقرة الثانية"


# --- Edit -------------------------------------------------------------------------------


@pytest.fixture
def tag(article, editor):
    start, end, _exact = _span(article)
    return tagging.create_tag(article=article, user=editor, kind="quote", start=start, end=end)


def test_edit_form_is_an_inline_fragment_with_speaker_suggestions(editor_client, editor, tag):
    make_tag(tag.article, 0, 3, user=editor, kind="quote", speaker="بوتين")
    response = editor_client.get(reverse("edit_tag", args=[tag.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li class="tag-item editing" id="tag-{tag.pk}"')
    assert '<option value="بوتين">' in html
    assert 'name="version" value="1"' in html


def test_edit_form_without_htmx_is_the_whole_page(editor_client, tag):
    response = editor_client.get(reverse("edit_tag", args=[tag.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html and 'class="tag-edit"' in html


def test_editor_changes_kind_note_and_speaker(editor_client, editor, tag):
    data = {"kind": "claim", "note": "يحتاج تحقق", "speaker": "المتحدث", "version": 1}
    response = editor_client.post(reverse("update_tag", args=[tag.pk]), data, **HTMX)
    assert response.status_code == 200
    tag.refresh_from_db()
    assert (tag.kind, tag.note, tag.speaker, tag.version) == ("claim", "يحتاج تحقق", "المتحدث", 2)
    event = TagEvent.objects.get(action="edited")
    assert event.before["kind"] == "quote" and event.after["kind"] == "claim"
    assert event.after["note"] == "يحتاج تحقق"


def test_edit_without_htmx_redirects(editor_client, tag):
    data = {"kind": "claim", "note": "", "speaker": "", "version": 1}
    response = editor_client.post(reverse("update_tag", args=[tag.pk]), data)
    assert response.status_code == 302


def test_a_stale_edit_is_409_with_the_current_state_and_my_change(editor_client, editor, tag):
    first = {"kind": "claim", "note": "الأول", "speaker": "", "version": 1}
    assert (
        editor_client.post(reverse("update_tag", args=[tag.pk]), first, **HTMX).status_code == 200
    )
    mine = {"kind": "background", "note": "تعديلي", "speaker": "", "version": 1}
    response = editor_client.post(reverse("update_tag", args=[tag.pk]), mine, **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "الأول" in html  # the current state
    assert "تعديلي" in html and 'name="version" value="2"' in html  # mine, ready to re-apply
    assert "أعد تطبيق تعديلي" in html
    tag.refresh_from_db()
    assert (tag.note, tag.version) == ("الأول", 2)
    # Re-applying from the current version wins.
    mine["version"] = 2
    assert editor_client.post(reverse("update_tag", args=[tag.pk]), mine, **HTMX).status_code == 200
    tag.refresh_from_db()
    assert (tag.kind, tag.note, tag.version) == ("background", "تعديلي", 3)


def test_editing_a_tag_someone_deleted_is_409(editor_client, editor, tag):
    from articles.tagging import delete_tag

    delete_tag(tag=tag, version=1, user=editor)
    data = {"kind": "claim", "note": "", "speaker": "", "version": 1}
    response = editor_client.post(reverse("update_tag", args=[tag.pk]), data, **HTMX)
    assert response.status_code == 409
    assert "حذف محرر آخر" in response.content.decode()


@pytest.mark.parametrize(
    ("adjust", "expect"),
    [
        ("extend_start", (4, 7)),
        ("shrink_start", (6, 7)),
        ("extend_end", (5, 8)),
        ("shrink_end", (5, 6)),
    ],
)
def test_boundaries_move_by_a_word(editor_client, tag, adjust, expect):
    import re

    words = list(re.finditer(r"\S+", tag.article.body))
    data = {"kind": tag.kind, "note": "", "speaker": "", "version": 1, "adjust": adjust}
    response = editor_client.post(reverse("update_tag", args=[tag.pk]), data, **HTMX)
    assert response.status_code == 200
    tag.refresh_from_db()
    assert (tag.start, tag.end) == (words[expect[0]].start(), words[expect[1]].end())
    assert tag.exact == tag.article.body[tag.start : tag.end]
    assert 'class="tag-edit"' in response.content.decode()  # the form stays open


def test_invalid_edit_is_422_with_the_form(editor_client, tag):
    data = {"kind": "nonsense", "note": "", "speaker": "", "version": 1}
    response = editor_client.post(reverse("update_tag", args=[tag.pk]), data, **HTMX)
    assert response.status_code == 422
    assert 'class="tag-edit"' in response.content.decode()


# --- Delete, undo, history --------------------------------------------------------------


def test_delete_offers_undo_and_restore_brings_it_back(editor_client, editor, tag):
    response = editor_client.post(reverse("delete_tag", args=[tag.pk]), {"version": 1}, **HTMX)
    assert response.status_code == 200
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert reverse("restore_tag", args=[tag.pk]) in response.content.decode()
    response = editor_client.post(reverse("restore_tag", args=[tag.pk]), **HTMX)
    assert response.status_code == 200
    back = Tag.objects.get(pk=tag.pk)
    assert (back.start, back.end, back.kind, back.exact) == (tag.start, tag.end, "quote", tag.exact)
    assert back.created_at == tag.created_at and back.version == 2
    actions = list(TagEvent.objects.filter(tag_id=tag.pk).order_by("at").values_list("action"))
    assert actions == [("created",), ("deleted",), ("restored",)]


def test_stale_delete_is_409(editor_client, tag):
    response = editor_client.post(reverse("delete_tag", args=[tag.pk]), {"version": 7}, **HTMX)
    assert response.status_code == 409
    assert Tag.objects.filter(pk=tag.pk).exists()


def test_restoring_a_tag_that_exists_is_409(editor_client, editor, tag):
    editor_client.post(reverse("delete_tag", args=[tag.pk]), {"version": 1})
    editor_client.post(reverse("restore_tag", args=[tag.pk]))
    assert editor_client.post(reverse("restore_tag", args=[tag.pk]), **HTMX).status_code == 409
    assert editor_client.post(reverse("restore_tag", args=[999999])).status_code == 404


def test_history_shows_who_and_before_after_even_after_delete(editor_client, reviewer, tag):
    reviewer_client = Client()
    reviewer_client.force_login(reviewer)
    data = {"kind": "claim", "note": "ملاحظة <b>x</b>", "speaker": "", "version": 1}
    editor_client.post(reverse("update_tag", args=[tag.pk]), data)
    editor_client.post(reverse("delete_tag", args=[tag.pk]), {"version": 2})
    response = reviewer_client.get(reverse("tag_history", args=[tag.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="event event-') == 3
    assert "ملاحظة &lt;b&gt;x&lt;/b&gt;" in html and "editor1" in html
    assert "استعادة هذا الوسم" not in html  # reviewers read only
    fragment = editor_client.get(reverse("tag_history", args=[tag.pk]), **HTMX).content.decode()
    assert fragment.lstrip().startswith('<section class="tag-history"')
    assert "استعادة هذا الوسم" in fragment


def test_deleted_tags_are_listed_on_the_reading_page(editor_client, tag):
    editor_client.post(reverse("delete_tag", args=[tag.pk]), {"version": 1})
    html = editor_client.get(tag.article.get_absolute_url()).content.decode()
    assert "وسوم محذوفة مؤخراً" in html and reverse("restore_tag", args=[tag.pk]) in html


def test_panel_fragment_for_htmx_and_redirect_without(editor_client, tag):
    url = reverse("tag_panel", args=[tag.article.pk])
    assert editor_client.get(url).status_code == 302
    html = editor_client.get(url, **HTMX).content.decode()
    assert f'id="tag-{tag.pk}"' in html


# --- Roles and CSRF ---------------------------------------------------------------------


def _write_requests(tag):
    article = tag.article
    start, end, exact = _span(article, 10)
    return [
        (
            reverse("tag_passage", args=[article.pk]),
            {"kind": "claim", "start": start, "end": end, "exact": exact},
        ),
        (reverse("update_tag", args=[tag.pk]), {"kind": "claim", "version": 1}),
        (reverse("delete_tag", args=[tag.pk]), {"version": 1}),
        (reverse("restore_tag", args=[tag.pk]), {}),
    ]


def test_a_reviewer_gets_403_on_every_write_endpoint(reviewer_client, tag):
    for url, data in _write_requests(tag):
        assert reviewer_client.post(url, data).status_code == 403, url
        assert reviewer_client.post(url, data, **HTMX).status_code == 403, url
    assert reviewer_client.get(reverse("edit_tag", args=[tag.pk])).status_code == 403
    tag.refresh_from_db()
    assert tag.version == 1 and Tag.objects.count() == 1


def test_a_user_without_role_gets_403_and_anonymous_goes_to_login(client, stranger, tag):
    for url, data in _write_requests(tag):
        assert client.post(url, data).status_code == 302
    client.force_login(stranger)
    for url, data in _write_requests(tag):
        assert client.post(url, data).status_code == 403
    assert client.get(reverse("tag_history", args=[tag.pk])).status_code == 403


def test_reviewer_sees_no_toolbar_and_no_edit_links(reviewer_client, tag):
    html = reviewer_client.get(tag.article.get_absolute_url()).content.decode()
    assert 'id="tag-toolbar"' not in html and 'class="edit"' not in html
    assert "tagging.js" not in html


def test_editor_page_has_the_toolbar_with_every_kind(editor_client, tag):
    html = editor_client.get(tag.article.get_absolute_url()).content.decode()
    for key, slug in (("1", "claim"), ("2", "quote"), ("3", "background")):
        assert f'data-kind="{slug}" data-key="{key}"' in html


def test_writes_without_csrf_token_are_refused(editor, tag):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    for url, data in _write_requests(tag):
        assert client.post(url, data, **HTMX).status_code == 403, url
    tag.refresh_from_db()
    assert tag.version == 1


def test_writes_with_the_csrf_header_are_accepted(editor, tag):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    page = client.get(tag.article.get_absolute_url())
    token = page.cookies["csrftoken"].value
    url, data = _write_requests(tag)[1]
    response = client.post(url, data | {"note": "", "speaker": ""}, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert response.status_code == 200


def test_get_on_write_endpoints_is_405(editor_client, tag):
    for url, _data in _write_requests(tag):
        assert editor_client.get(url).status_code == 405


# --- Query counts -----------------------------------------------------------------------


def test_create_query_count_does_not_grow_with_tags(
    editor_client, editor, article, django_assert_max_num_queries
):
    import re

    words = list(re.finditer(r"\S+", article.body))
    for i in range(0, 120, 2):
        make_tag(article, words[i].start(), words[i + 1].end(), user=editor)

    def create(i):
        start, end = words[i].start(), words[i].end()
        data = {"kind": "claim", "start": start, "end": end, "exact": article.body[start:end]}
        data["listed"] = " ".join(str(pk) for pk in article.tags.values_list("id", flat=True))
        return editor_client.post(reverse("tag_passage", args=[article.pk]), data, **HTMX)

    # 23: the write runs in a savepoint inside the view's transaction (views/tagging.py),
    # locks the article against a duplicate from another tab, checks the page's list, and
    # checks that the text got no new version since the page read it; one query asks which
    # layer the editor writes to (articles/team/layers.py), one which webhook endpoints want
    # to hear of it (articles/webhooks/delivery.py).
    with django_assert_max_num_queries(23):
        assert create(200).status_code == 200
    tag = Tag.objects.latest("id")
    data = {"kind": "quote", "note": "", "speaker": "", "version": 1}
    data["listed"] = " ".join(str(pk) for pk in article.tags.values_list("id", flat=True))
    # 21: an edit checks the page's list and the text's version the same way.
    with django_assert_max_num_queries(21):
        assert (
            editor_client.post(reverse("update_tag", args=[tag.pk]), data, **HTMX).status_code
            == 200
        )


def test_a_write_sends_only_the_touched_paragraphs_and_the_one_entry(
    editor_client, editor, article
):
    import re

    words = list(re.finditer(r"\S+", article.body))
    early = tagging.create_tag(
        article=article, user=editor, kind="claim", start=words[3].start(), end=words[4].end()
    )
    late = tagging.create_tag(
        article=article, user=editor, kind="claim", start=words[90].start(), end=words[91].end()
    )
    start, end = words[40].start(), words[41].end()
    data = {"kind": "quote", "start": start, "end": end, "exact": article.body[start:end]}
    response = editor_client.post(reverse("tag_passage", args=[article.pk]), data, **HTMX)
    html = response.content.decode()
    new = Tag.objects.latest("id")
    # The new entry goes just before the next tag in reading order.
    assert f'<ol hx-swap-oob="beforebegin:#tag-{late.pk}">' in html
    assert f'id="tag-{new.pk}"' in html and f'id="tag-{early.pk}"' not in html
    # Only the paragraph holding the new tag is re-rendered, out of band.
    assert html.count('hx-swap-oob="true">') >= 3  # paragraph(s), legend, status
    assert 'id="article-body"' not in html
    assert f'data-tags="{new.pk}"' in html
    assert 'data-kind="quote">1<' in html and 'data-kind="claim">2<' in html

    response = editor_client.post(reverse("delete_tag", args=[new.pk]), {"version": 1}, **HTMX)
    html = response.content.decode()
    assert f'<li id="tag-{new.pk}" hx-swap-oob="delete"></li>' in html
    assert f'data-tags="{new.pk}"' not in html


def test_a_conflict_merges_three_ways_field_by_field():
    base = {"kind": "claim", "note": "", "speaker": ""}
    theirs = {"kind": "claim", "note": "ملاحظتهم", "speaker": "أ"}
    mine = {"kind": "quote", "note": "", "speaker": "ب"}
    merged, both = tagging.merge_edit(
        base=base, theirs=theirs, mine=mine, fields=("kind", "note", "speaker")
    )
    assert merged == {"kind": "quote", "note": "ملاحظتهم", "speaker": "ب"}
    assert both == ["speaker"]


@pytest.mark.parametrize(
    ("body", "span", "adjust", "expect"),
    [
        # The span ends before a comma joined to its last word: the next word comes in.
        ("قال الوزير، ثم غادر القاعة.", "قال الوزير", "extend_end", "قال الوزير، ثم"),
        # A lone dash between words is not a word.
        ("قال الوزير - ثم غادر.", "قال الوزير", "extend_end", "قال الوزير - ثم"),
        ("قال الوزير - ثم غادر.", "ثم غادر.", "extend_start", "الوزير - ثم غادر."),
    ],
)
def test_moving_a_boundary_by_a_word_skips_punctuation(body, span, adjust, expect):
    start = body.index(span)
    new_start, new_end = tagging.adjust_span(body, start, start + len(span), adjust)
    assert body[new_start:new_end] == expect
