"""Live updates on the reading page: the poll answers what others changed since a cursor."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from articles import reviewing, tagging
from articles.roles import EDITORS
from tests.conftest import make_article, make_tag, make_user

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def article(db):
    return make_article("عنوان الخبر\nقال الوزير إن الخطة جاهزة للتنفيذ.\nفقرة ثالثة هنا.")


def cursor_of(html: str) -> str:
    return re.search(r"changes/\?since=([0-9-]+)", html).group(1)


def poll(client, article, since: str):
    url = reverse("article_changes", args=[article.pk])
    return client.get(url, {"since": since}, **HTMX)


def test_nothing_changed_is_204_in_a_few_queries(
    editor_client, article, django_assert_max_num_queries
):
    since = cursor_of(editor_client.get(article.get_absolute_url()).content.decode())
    # session, user, permissions (2), the cursor
    with django_assert_max_num_queries(5):
        response = poll(editor_client, article, since)
    assert response.status_code == 204 and response.content == b""


def test_a_colleagues_tag_comes_with_who_changed_what(editor_client, article):
    since = cursor_of(editor_client.get(article.get_absolute_url()).content.decode())
    colleague = make_user("colleague", EDITORS)
    tag = tagging.create_tag(article=article, user=colleague, kind="quote", start=12, end=19)
    response = poll(editor_client, article, since)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-tags="{tag.pk}"' in html and f'id="tag-{tag.pk}"' in html
    assert "colleague: أُنشئ وسم «اقتباس»" in html
    assert 'id="article-body"' in html and "data-live" in html
    # The cursor moved on: the next poll is quiet again.
    assert poll(editor_client, article, cursor_of(html)).status_code == 204


def test_my_own_change_only_moves_the_cursor(editor_client, editor, article):
    since = cursor_of(editor_client.get(article.get_absolute_url()).content.decode())
    tagging.create_tag(article=article, user=editor, kind="claim", start=12, end=19)
    html = poll(editor_client, article, since).content.decode()
    assert 'id="article-body"' not in html
    assert 'id="live-updates"' in html and cursor_of(html) != since


def test_a_review_by_someone_else_is_a_change(editor_client, editor, reviewer, article):
    tag = make_tag(article, 12, 19, user=editor)
    since = cursor_of(editor_client.get(article.get_absolute_url()).content.decode())
    reviewing.accept(tag_id=tag.pk, version=tag.version, reviewer=reviewer)
    html = poll(editor_client, article, since).content.decode()
    assert "reviewer1: راجع وسماً" in html


def test_edits_and_deletions_by_others_are_changes(editor_client, editor, article):
    tag = make_tag(article, 12, 19, user=editor)
    colleague = make_user("colleague", EDITORS)
    since = cursor_of(editor_client.get(article.get_absolute_url()).content.decode())
    tagging.delete_tag(tag=tag, version=tag.version, user=colleague)
    html = poll(editor_client, article, since).content.decode()
    assert "colleague: حُذف وسم «ادعاء»" in html
    assert f'id="tag-{tag.pk}"' not in html.split("deleted-tags")[0]


@pytest.mark.parametrize("since", ["", "abc", "1", "1-2-3-4", "-1-2", "9" * 30 + "-1", "1-2-"])
def test_a_bad_cursor_is_400_with_a_reason(editor_client, article, since):
    response = poll(editor_client, article, since)
    assert response.status_code == 400
    assert "مؤشر التحديث" in response.content.decode() or "مطلوب" in response.content.decode()


def test_without_htmx_it_is_the_reading_page(editor_client, article):
    url = reverse("article_changes", args=[article.pk])
    response = editor_client.get(url, {"since": "0-0"})
    assert response.status_code == 302 and response.url == article.get_absolute_url()


def test_missing_article_is_404(editor_client, db):
    assert poll(editor_client, type("A", (), {"pk": 999999})(), "0-0").status_code == 404


def test_anonymous_goes_to_login_and_a_stranger_is_forbidden(client, stranger, article):
    assert poll(client, article, "0-0").status_code == 302
    client.force_login(stranger)
    assert poll(client, article, "0-0").status_code == 403


def test_a_review_is_announced_once_though_it_is_in_the_history_too(article):
    from articles.reading import live
    from articles.roles import REVIEWERS

    editor = make_user("live-writer", EDITORS)
    tag = make_tag(article, 0, 4, user=editor)
    before = live.current_cursor(article.pk)
    reviewer = make_user("live-reviewer", REVIEWERS)
    reviewing.review(tag_id=tag.pk, version=tag.version, state="accepted", reviewer=reviewer)
    lines = live.others_changes(article.pk, before, editor)
    assert len(lines) == 1 and "live-reviewer" in lines[0]


def test_a_correction_that_moves_no_tag_sends_every_open_page_the_new_text(
    editor_client, admin_user, article
):
    """No tag on the article, so the correction writes no tag event: the text version in
    the cursor is what tells the open pages. The correcting Admin's own other tab too."""
    from articles import revisions
    from articles.models import TagEvent

    since = cursor_of(editor_client.get(article.get_absolute_url()).content.decode())
    corrected = article.body.replace("جاهزة للتنفيذ", "جاهزة تماماً للتنفيذ")
    revisions.apply_new_body(article, corrected, admin_user, "كلمة سقطت", from_version=1)
    assert not TagEvent.objects.filter(article=article).exists()
    response = poll(editor_client, article, since)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="article-body"' in html and "جاهزة تماماً للتنفيذ" in html
    assert f"{admin_user.get_username()}: تصحيح، فصار النص النسخة 2" in html
    assert cursor_of(html).endswith("-2")
    assert poll(editor_client, article, cursor_of(html)).status_code == 204
    # The Admin's own page, opened before the correction, is told as well.
    editor_client.force_login(admin_user)
    assert "جاهزة تماماً للتنفيذ" in poll(editor_client, article, since).content.decode()


def test_a_tag_made_on_the_old_text_after_a_correction_is_refused(
    editor_client, admin_user, article
):
    from articles import revisions
    from articles.models import Tag

    old_body = article.body
    start = old_body.index("الخطة")
    revisions.apply_new_body(
        article, old_body.replace("قال الوزير", "قال وزير النقل"), admin_user, "الاسم الكامل"
    )
    # The page still shows the old text: its selection's offsets point at other words now.
    data = {"kind": "claim", "start": start, "end": start + 5, "exact": "الخطة"}
    response = editor_client.post(reverse("tag_passage", args=[article.pk]), data, **HTMX)
    assert response.status_code == 422
    assert not Tag.objects.filter(article=article).exists()


@pytest.mark.parametrize("title", ["عنوان الخبر", "عنوان آخر غير السطر الأول"])
def test_a_new_version_refreshes_the_version_link_and_the_orphans_notice(
    editor_client, editor, admin_user, title
):
    """Whether the body starts with its headline (the link travels with the body) or not
    (the link is in the header, sent out of band), an open page shows the new version."""
    from articles import revisions

    article = make_article(
        "عنوان الخبر\nقال الوزير إن الخطة جاهزة للتنفيذ.\nفقرة ثالثة هنا.", title=title
    )
    start = article.body.index("فقرة ثالثة")
    make_tag(article, start, start + len("فقرة ثالثة"), user=editor)
    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert page.count('id="article-versions"') == 1 and "من النص" not in page
    since = cursor_of(page)
    corrected = article.body.replace("فقرة ثالثة هنا.", "سطر أخير مختلف.")
    revisions.apply_new_body(article, corrected, admin_user, "سطر أخير", from_version=1)

    html = poll(editor_client, article, since).content.decode()
    assert html.count('id="article-versions"') == 1
    link = re.search(r'<a class="versions" href="([^"]+)">([^<]+)</a>', html)
    assert link.groups() == (reverse("article_revisions", args=[article.pk]), "النسخة 2 من النص")
    assert reverse("article_orphans", args=[article.pk]) in html  # the tag left without a place
    versions = re.search(r'<div class="article-versions" id="article-versions"[^>]*>', html)
    body = html.index('id="article-body"')
    in_body = body < versions.start() < html.index('<p id="p', body)
    assert in_body is (title == "عنوان الخبر")  # the body starts with its headline
    # In the body, it comes with it; out of it, it is swapped on its own.
    assert ('hx-swap-oob="true"' in versions.group(0)) is not in_body
