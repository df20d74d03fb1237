from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_article, make_source, make_tag, sample_text


@pytest.fixture
def article(db):
    return make_article(sample_text(2), title="عنوان تجريبي", source=make_source())


def test_anonymous_is_sent_to_login(client, article):
    for url in (reverse("article_list"), reverse("read_article", args=[article.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_user_without_a_role_is_forbidden(client, stranger, article):
    client.force_login(stranger)
    assert client.get(reverse("article_list")).status_code == 403
    assert client.get(reverse("read_article", args=[article.pk])).status_code == 403


@pytest.mark.parametrize("role_client", ["editor_client", "reviewer_client", "admin_client_"])
def test_every_role_reads(request, role_client, article):
    client = request.getfixturevalue(role_client)
    response = client.get(reverse("read_article", args=[article.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert 'class="article-body" id="article-body" lang="ar" dir="rtl"' in html


def test_missing_article_is_404(editor_client):
    assert editor_client.get(reverse("read_article", args=[999999])).status_code == 404


def test_list_shows_titles_sources_and_counts(editor_client, editor, article):
    make_tag(article, 0, 5, user=editor, kind="quote")
    make_tag(article, 3, 9, user=editor, kind="quote")
    response = editor_client.get(reverse("article_list"))
    assert response.status_code == 200
    assert "عنوان تجريبي" in response.content.decode()
    row = response.context["page"].object_list[0]
    assert (row.n_quote, row.n_claim) == (2, 0)


def test_list_is_paginated_with_constant_queries(editor_client, django_assert_max_num_queries):
    for i in range(30):
        make_article(f"مقال رقم {i}", title=f"مقال {i}")
    # 9: session, user, 2 permission lookups, 2 filter choice lists, count, page, tag counts.
    with django_assert_max_num_queries(9):
        response = editor_client.get(reverse("article_list"))
    assert len(response.context["page"].object_list) == 25
    assert editor_client.get(reverse("article_list") + "?page=2").status_code == 200


def test_reading_page_shows_tags_and_legend(editor_client, editor, article):
    tag = make_tag(article, 10, 30, user=editor, kind="claim", note="ملاحظة <b>مهمة</b>")
    html = editor_client.get(reverse("read_article", args=[article.pk])).content.decode()
    assert f'id="tag-{tag.pk}"' in html
    assert f'data-tags="{tag.pk}"' in html
    assert "ملاحظة &lt;b&gt;مهمة&lt;/b&gt;" in html


def test_article_text_is_escaped(editor_client, db):
    article = make_article(
        "عنوان\n<script>alert('x')</script> {{ 7|add:1 }} <img src=x onerror=alert(1)>",
        title="<b>عنوان</b>",
    )
    html = editor_client.get(reverse("read_article", args=[article.pk])).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>عنوان" not in html
    assert "{{ 7|add:1 }}" in html  # shown literally, never evaluated


def test_query_count_does_not_grow_with_tags(
    editor_client, editor, article, django_assert_max_num_queries
):
    url = reverse("read_article", args=[article.pk])
    editor_client.get(url)  # the first reading stores the quote suggestions, once
    with django_assert_max_num_queries(10) as few:
        editor_client.get(url)
    length = len(article.body)
    for i in range(200):
        start = (i * 37) % (length - 40)
        make_tag(article, start, start + 5 + i % 30, user=editor, kind=("claim", "quote")[i % 2])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = editor_client.get(url)
    assert response.content.decode().count('class="tag-item"') == 200


def test_kinds_css_has_a_rule_for_every_combination(client, db):
    response = client.get(reverse("kinds_css"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    css = response.content.decode()
    for cls in ("kc-claim", "kc-quote-background", "kc-claim-quote-background"):
        assert f".{cls} {{" in css


def test_the_headline_kept_in_the_body_is_shown_once_as_the_heading(editor_client, editor):
    article = make_article("عنوان الخبر هنا\nفقرة أولى من النص.", title="عنوان  الخبر هنا")
    tag = make_tag(article, 0, 5, user=editor, kind="claim")
    html = editor_client.get(article.get_absolute_url()).content.decode()
    main = html[html.index("<main") :]
    assert main.count("الخبر هنا") == 1
    # The heading is the body's first paragraph: same offsets, and the tag shows in it.
    heading = main[main.index("<h1") : main.index("</h1>")]
    assert 'data-start="0"' in heading and f'data-tags="{tag.pk}"' in heading
    assert 'id="p0"' not in main.replace(heading, "")


def test_a_title_that_is_not_in_the_body_gets_its_own_heading(editor_client):
    article = make_article("فقرة أولى من النص.\nفقرة ثانية.", title="عنوان من الملف")
    html = editor_client.get(article.get_absolute_url()).content.decode()
    assert '<h1 class="article-title" lang="ar" dir="rtl">عنوان من الملف</h1>' in html
    assert '<p id="p0" data-start="0">فقرة أولى من النص.</p>' in html


def test_a_tag_written_on_the_headline_comes_back_as_the_heading(editor_client, editor):
    article = make_article("عنوان الخبر هنا\nفقرة أولى من النص.", title="عنوان الخبر هنا")
    make_tag(article, 16, 20, user=editor)  # not the first tag: only what changed comes back
    response = editor_client.post(
        reverse("tag_passage", args=[article.pk]),
        {"start": 0, "end": 5, "exact": "عنوان", "kind": "quote"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="article-title" id="p0" data-start="0" hx-swap-oob="true">' in html


def test_pages_and_fragments_are_gzipped_for_browsers_that_accept_it(editor_client, editor):
    import gzip

    article = make_article(sample_text(0))
    for offset in range(0, 200, 20):
        make_tag(article, offset, offset + 10, user=editor)
    url = reverse("read_article", args=[article.pk])
    plain = editor_client.get(url)
    zipped = editor_client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content).decode().count("</p>") == plain.content.decode().count(
        "</p>"
    )
    assert len(zipped.content) * 3 < len(plain.content)
    panel = editor_client.get(
        reverse("tag_panel", args=[article.pk]),
        headers={"Accept-Encoding": "gzip", "HX-Request": "true"},
    )
    assert panel["Content-Encoding"] == "gzip"
