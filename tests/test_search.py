"""Searching articles in Arabic: acceptance cases, phrases, ranking, highlighting, filters."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from articles.importing.pipeline import import_path
from articles.models import Article
from articles.search.article_filter import filter_articles
from articles.search.query import excerpt, highlight, parse_query
from tests.conftest import SAMPLE_FILES, make_article, make_source, make_tag, make_user


def found(query: str) -> list[str]:
    return [article.title for article in filter_articles({"q": query})]


@pytest.fixture
def spellings(db):
    make_article("وقّعت الدولتان الاتِّفاقيَّة أمس في موسكو.", title="اتفاق")
    make_article("أكد المتحدث أن الوفد سيصل غدًا.", title="تصريح")
    make_article("ناقش المؤتمر آليـــات التنفيذ.", title="مؤتمر")
    make_article("في عام ٢٠٢٤ تغيّر كل شيء.", title="سنة")
    make_article("التقى وفد كوريا الشمالية بنظيره.", title="لقاء")
    make_article("الشمالية وفودها كثيرة، وكوريا بعيدة.", title="مبعثرة")


@pytest.mark.parametrize(
    ("query", "title"),
    [("الاتفاقية", "اتفاق"), ("اكد", "تصريح"), ("اليات", "مؤتمر"), ("2024", "سنة")],
)
def test_search_ignores_diacritics_hamza_tatweel_and_digit_forms(spellings, query, title):
    assert found(query) == [title]


def test_a_quoted_phrase_matches_only_the_exact_phrase(spellings):
    assert set(found("كوريا الشمالية")) == {"لقاء", "مبعثرة"}
    assert found('"كوريا الشمالية"') == ["لقاء"]
    assert found("«كوريا الشماليه»") == ["لقاء"]  # other quotes, ta marbuta folded


def test_all_words_must_match(spellings):
    assert found("أكد الوفد") == ["تصريح"]
    assert found("أكد موسكو") == []


def test_stemming_finds_other_forms_and_exact_words_rescue_the_stemmer(db):
    make_article("فرضت الدول العقوبات على الحكومة.", title="عقوبات")
    make_article("قال بوتين إن الأمر انتهى.", title="بوتين")
    assert found("العقوبات") == ["عقوبات"]
    assert found("عقوبات") == ["عقوبات"]  # the stemmer alone gives these two different stems
    assert found("الحكومه") == ["عقوبات"]  # ة/ه only in the exact-word column
    assert found("علي") == ["عقوبات"]  # ى/ي likewise
    assert found("بوتين") == ["بوتين"]


def test_title_matches_come_first_then_newest_first(db):
    in_title = make_article("نص لا علاقة له.", title="بوتين يصل")
    older, newer = (make_article(f"وصل بوتين أمس {i}.", title=f"زيارة {i}") for i in (1, 2))
    assert Article.objects.latest("imported_at") == newer
    assert found("بوتين") == [in_title.title, newer.title, older.title]


def test_pages_run_across_title_matches_and_the_rest(editor_client):
    for i in range(30):
        make_article(f"نص {i} عن بوتين", title=f"بوتين {i}" if i % 2 else f"خبر {i}")
    url = reverse("article_list")
    pages = [editor_client.get(url, {"q": "بوتين", "page": n}).context["page"] for n in (1, 2)]
    rows = list(pages[0].object_list) + list(pages[1].object_list)
    assert [row.title_hit for row in rows] == [True] * 15 + [False] * 15
    assert len({row.pk for row in rows}) == 30 and pages[0].paginator.count == 30


def test_huge_result_counts_are_capped(editor_client, monkeypatch):
    monkeypatch.setattr("articles.search.query.TitleFirst.cap", 3)
    for i in range(5):
        make_article(f"نص {i} عن بوتين", title=f"خبر {i}")
    response = editor_client.get(reverse("article_list"), {"q": "بوتين"})
    assert "أكثر من 3 مقال" in response.content.decode()


def test_sample_articles_are_found(db):
    for path in SAMPLE_FILES:
        import_path(path)
    assert len(found("بوتين")) >= 3
    assert len(found('"الرئيس الروسي"')) >= 2
    assert found("لا-توجد-هذه-الكلمة") == []


def test_empty_or_punctuation_only_queries_list_everything(spellings):
    assert len(found("")) == len(found(" ، . ")) == len(found('""')) == 6


def test_query_parsing():
    parsed = parse_query('أكد "كوريا  الشمالية" بوتين «الأمم المتحدة» "')
    assert parsed.words == ("أكد", "بوتين")
    assert parsed.phrases == (("كوريا", "الشماليه"), ("الامم", "المتحده"))


def test_highlight_marks_the_original_spelling():
    pieces = highlight("وقّعت الاتِّفاقيَّة أمس", parse_query("الاتفاقية"))
    assert pieces == [("وقّعت ", False), ("الاتِّفاقيَّة", True), (" أمس", False)]
    pieces = highlight("آليـــات والعقوبات", parse_query("اليات عقوبة"))
    assert [text for text, hit in pieces if hit] == ["آليـــات", "والعقوبات"]


def test_excerpt_is_cut_around_the_first_hit():
    body = "مقدمة طويلة " * 60 + "\nثم أكد المتحدث ما قاله. " + "تتمة " * 80
    pieces = excerpt(body, parse_query("اكد"))
    text = "".join(text for text, _ in pieces)
    assert ("أكد", True) in pieces
    assert text.startswith("… ") and text.endswith(" …") and len(text) < 300


# --- The list page ---------------------------------------------------------------------


def test_results_show_the_highlighted_passage_escaped(editor_client):
    make_article("أكد <script>alert(1)</script> أن <b>الوفد</b> وصل.", title="<i>أكد</i> الخبر")
    html = editor_client.get(reverse("article_list"), {"q": "اكد"}).content.decode()
    assert "<script>alert(1)" not in html and "<b>الوفد" not in html and "<i>" not in html
    assert '<mark class="hit">أكد</mark> &lt;script&gt;alert(1)&lt;/script&gt;' in html
    assert '&lt;i&gt;<mark class="hit">أكد</mark>&lt;/i&gt; الخبر' in html
    assert 'class="excerpt" lang="ar" dir="rtl"' in html


def test_htmx_search_returns_only_the_results(editor_client, spellings):
    response = editor_client.get(
        reverse("article_list"), {"q": "اكد"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<form" not in html and "تصريح" in html and "مؤتمر" not in html


def test_filters_apply_and_pagination_keeps_them(editor_client, editor):
    admin = make_user("importer", "Admins")
    agency = make_source("وكالة")
    for i in range(30):
        make_article(f"خبر رقم {i} عن بوتين", title=f"خبر {i}", source=agency, imported_by=admin)
    other = make_article("خبر آخر عن بوتين", title="آخر", published_on=datetime.date(2024, 5, 1))
    make_tag(other, 0, 3, user=editor, kind="quote")
    url = reverse("article_list")
    response = editor_client.get(url, {"q": "بوتين", "source": agency.pk})
    assert response.context["page"].paginator.count == 30
    assert f"q=%D8%A8%D9%88%D8%AA%D9%8A%D9%86&amp;source={agency.pk}&amp;page=2" in (
        response.content.decode()
    )
    assert editor_client.get(url, {"kind": "quote"}).context["page"].paginator.count == 1
    assert editor_client.get(url, {"kind": "claim"}).context["page"].paginator.count == 0
    assert editor_client.get(url, {"untagged": "on"}).context["page"].paginator.count == 30
    assert editor_client.get(url, {"imported_by": admin.pk}).context["page"].paginator.count == 30
    dated = editor_client.get(url, {"date_from": "2024-04-01", "date_to": "2024-06-01"})
    assert [a.title for a in dated.context["page"].object_list] == ["آخر"]


def test_unknown_or_bad_filter_values_are_ignored_and_reported(editor_client, spellings):
    url = reverse("article_list")
    response = editor_client.get(url, {"kind": "evil", "source": "x", "sort": "body", "q": "اكد"})
    assert response.status_code == 200
    assert [a.title for a in response.context["page"].object_list] == ["تصريح"]
    assert response.context["form"].errors.keys() == {"kind", "source"}
    response = editor_client.get(url, {"date_from": "2024-05-01", "date_to": "2024-01-01"})
    assert "date_to" in response.context["form"].errors


def test_search_page_has_constant_queries(editor_client, editor, django_assert_max_num_queries):
    for i in range(30):
        article = make_article(
            f"أكد المتحدث رقم {i}", title=f"مقال {i}", source=make_source(f"م{i}")
        )
        make_tag(article, 0, 3, user=editor)
    # 9 of the plain list, plus one count and one page for the title matches.
    with django_assert_max_num_queries(11):
        response = editor_client.get(reverse("article_list"), {"q": "اكد", "kind": "claim"})
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].object_list[0].n_claim == 1


def test_stranger_and_anonymous_cannot_search(client, stranger):
    url = reverse("article_list") + "?q=اكد"
    assert client.get(url).status_code == 302
    client.force_login(stranger)
    assert client.get(url).status_code == 403
