# ruff: noqa: E501 (the former templates are kept verbatim, long lines and all)
"""The article and tag lists' rows and filter widgets, built in Python
(articles/search/result_rows.py, articles/search/filter_widgets.py): the same HTML as the
template loops and Django widget templates they replaced, every field escaped."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from articles.forms import ArticleFilterForm, TagFilterForm
from articles.models import Article, Tag
from articles.search.article_filter import attach_excerpts, attach_tag_counts
from articles.search.filter_widgets import CheckBoxes, Dropdown
from articles.search.query import highlight, parse_query
from articles.search.result_rows import (
    ReviewRowWords,
    render_article_rows,
    render_review_row,
    render_tag_rows,
)
from tests.conftest import make_article, make_source, make_tag, make_user

HOSTILE = "<script>alert('x')</script> & \"quoted\" {{ 7|add:1 }}"

# The template loops the rows were drawn with before, kept here as the reference.
FORMER_ARTICLE_ROWS = """{% for article in rows %}
      <tr>
        <td>
          <a href="{{ article.get_absolute_url }}">{% for text, hit in article.title_pieces %}{% if hit %}<mark class="hit">{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</a>
          {% if article.excerpt %}<p class="excerpt" lang="ar" dir="rtl">{% for text, hit in article.excerpt %}{% if hit %}<mark class="hit">{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</p>{% endif %}
        </td>
        <td><bdi>{{ article.source.name|default:"—" }}</bdi></td>
        <td class="num">{{ article.published_on|date:"Y-m-d"|default:"—" }}</td>
        <td class="num">{{ article.n_claim }}</td>
        <td class="num">{{ article.n_quote }}</td>
        <td class="num">{{ article.n_background }}</td>
      </tr>
    {% endfor %}"""
FORMER_TAG_ROWS = """{% for tag in rows %}
      <tr>
        <td><span class="kind-label kc-{{ tag.kind }}">{{ tag.get_kind_display }}</span></td>
        <td class="passage" lang="ar" dir="rtl">{% for text, hit in tag.pieces %}{% if hit %}<mark class="hit">{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}
          {% if tag.note %}<div class="hint" dir="auto">{% for text, hit in tag.note_pieces %}{% if hit %}<mark class="hit">{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</div>{% endif %}</td>
        <td><bdi>{% for text, hit in tag.speaker_pieces %}{% if hit %}<mark class="hit">{{ text }}</mark>{% else %}{{ text }}{% endif %}{% empty %}—{% endfor %}</bdi></td>
        <td><a href="{{ tag.article.get_absolute_url }}#tag-{{ tag.pk }}">{{ tag.article.title|truncatechars:60 }}</a>
          <div class="hint"><bdi>{{ tag.article.source.name|default:"" }}</bdi></div></td>
        <td><bdi>{{ tag.created_by.get_username }}</bdi></td>
      </tr>
    {% endfor %}"""


def former(template: str, rows: list) -> str:
    return Template(template).render(Context({"rows": rows}))


@pytest.fixture
def articles(db):
    editor = make_user("editor1", "Editors")
    # Harakat in a long title: the cut at 60 characters normalises it as truncatechars did.
    long_title = "الاتِّفاقيَّة " * 12
    first = make_article(
        f"قال بوتين إن {HOSTILE} نافذة.\nوأكد بوتين أن الخطة قائمة.",
        title=f"بوتين {HOSTILE}",
        source=make_source(HOSTILE),
        published_on=datetime.date(2024, 6, 19),
    )
    second = make_article("نص بلا مصدر ولا تاريخ.\nفقرة ثانية.", title=long_title)
    make_tag(first, 0, 12, user=editor, kind="quote", speaker=HOSTILE, note=HOSTILE)
    make_tag(first, 4, 9, user=editor, kind="claim")
    make_tag(second, 0, 5, user=editor, kind="background", note="تحقق من بوتين")
    return [first, second]


@pytest.mark.parametrize("q", ["", "بوتين", '"نافذة"', "كلمةغيرموجودة"])
def test_article_rows_are_the_former_template_loop(articles, q):
    query = parse_query(q)
    rows = list(Article.objects.select_related("source").order_by("id"))
    attach_tag_counts(rows)
    attach_excerpts(rows, query)
    html = render_article_rows(rows)
    assert html == former(FORMER_ARTICLE_ROWS, rows)
    assert "<script>" not in html and html.count("&lt;script&gt;") >= 2
    assert ("<mark" in html) == (q in ("بوتين", '"نافذة"'))


@pytest.mark.parametrize("q", ["", "بوتين", "تحقق"])
def test_tag_rows_are_the_former_template_loop(articles, q):
    query = parse_query(q)
    tags = list(Tag.objects.for_tag_list().order_by("id"))
    for tag in tags:
        tag.pieces = highlight(tag.exact, query)
        tag.speaker_pieces = highlight(tag.speaker, query)
        tag.note_pieces = highlight(tag.note, query)
    html = render_tag_rows(tags)
    assert html == former(FORMER_TAG_ROWS, tags)
    assert "<script>" not in html and "&lt;script&gt;" in html


CHOICES = [("", "—"), ("a&b", HOSTILE), ("2", "ثاني"), (HOSTILE, "ثالث")]
GROUPED = [("مجموعة <1>", [("x", "س"), ("y", "ص")]), ("z", "ع")]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED])
@pytest.mark.parametrize("value", [None, [], ["a&b"], ["2", HOSTILE], ["y"]])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_f"}, {"id": "id_f", "class": "c\"'", "required": True, "dir": False}],
)
def test_widgets_draw_what_djangos_templates_draw(choices, value, attrs):
    pairs = ((CheckBoxes, forms.CheckboxSelectMultiple), (Dropdown, forms.Select))
    for fast, django_widget in pairs:
        widget = fast(choices=choices, attrs={"data-x": "<&>"})
        single = value[0] if value and fast is Dropdown else value
        expected = django_widget.render(widget, "f", single, attrs)
        assert widget.render("f", single, attrs) == expected


@pytest.mark.parametrize(
    ("form_class", "data"),
    [
        (ArticleFilterForm, ""),
        (ArticleFilterForm, "q=بوتين&kind=claim&untagged=on&date_from=bad"),
        (TagFilterForm, ""),
        (TagFilterForm, "kind=claim&kind=quote&state=pending&date_on=tagged&verification=x"),
    ],
)
def test_the_filter_forms_draw_what_djangos_widgets_draw(articles, form_class, data):
    make_source("وكالة & شركاه")
    data = QueryDict(data)
    if form_class is ArticleFilterForm:
        data = data.copy()
        data["source"] = str(articles[0].source_id)
    form = form_class(data)
    form.is_valid()
    fast_fields = 0
    for field in form:
        widget = field.field.widget
        if isinstance(widget, CheckBoxes | Dropdown):
            fast_fields += 1
            django_widget = next(
                c for c in type(widget).__mro__ if c.__module__ == forms.widgets.__name__
            )
            attrs = field.build_widget_attrs({})  # as BoundField.as_widget builds them
            attrs.setdefault("id", field.auto_id)
            drawn = django_widget.render(widget, field.html_name, field.value(), attrs)
            assert str(field) == drawn
    assert fast_fields >= 3


# The review queue's row partial before it moved to Python (the page and a decision's answer).
FORMER_REVIEW_ROW = (
    "{% load i18n %}"
    + """
<li class="review-row state-{{ tag.review_state }}" id="review-{{ tag.pk }}" data-tag="{{ tag.pk }}"{% if decided %} data-decided="1"{% endif %} tabindex="-1">
  <div class="review-meta">
    <span class="kind-label k-{{ tag.kind }}">{{ tag.get_kind_display }}</span>
    <a href="{{ tag.article.get_absolute_url }}#tag-{{ tag.pk }}"><bdi>{{ tag.article.title|truncatechars:80 }}</bdi></a>
    {% if tag.article.source %}<span class="muted"><bdi>{{ tag.article.source.name }}</bdi></span>{% endif %}
    <span class="muted">{% translate "المحرر:" %} <bdi>{{ tag.created_by.get_username }}</bdi></span>
    <span class="review-state s-{{ tag.review_state }}">{{ tag.get_review_state_display }}{% if tag.reviewed_by %} · <bdi>{{ tag.reviewed_by.get_username }}</bdi>{% endif %}</span>
  </div>
  <p class="in-context" lang="ar" dir="rtl">{% if tag.prefix %}<span class="context">…{{ tag.prefix }}</span>{% endif %}<mark class="hl kc-{{ tag.kind }}">{{ tag.exact }}</mark>{% if tag.suffix %}<span class="context">{{ tag.suffix }}…</span>{% endif %}</p>
  {% if tag.speaker %}<p class="muted">{% translate "المتحدث:" %} <bdi>{{ tag.speaker }}</bdi></p>{% endif %}
  {% if tag.note %}<p class="note" dir="auto">{{ tag.note }}</p>{% endif %}
  {% if stale %}<p class="error" role="alert">{% translate "تغيّر هذا الوسم منذ فتح الصفحة؛ هذه نسخته الحالية. راجعه مجدداً." %}</p>{% endif %}
  {% if form_errors %}<p class="error" role="alert">{% translate "تعذّر حفظ المراجعة." %}</p>{% endif %}
  <form class="review-actions" method="post" action="{% url 'review_tag' tag.pk %}"
        hx-post="{% url 'review_tag' tag.pk %}" hx-target="#review-{{ tag.pk }}" hx-swap="outerHTML" hx-disabled-elt="find button">
    {% csrf_token %}
    <input type="hidden" name="version" value="{{ tag.version }}">
    {# A text area: Enter in a comment starts a new line instead of submitting the first button (accept). #}
    <textarea name="comment" rows="1" dir="auto" maxlength="2000"
              placeholder="{% translate 'تعليق (اختياري)' %}" aria-label="{% translate 'تعليق المراجع' %}">{{ tag.review_comment }}</textarea>
    <button type="submit" name="state" value="accepted" class="accept" data-key="a">{% translate "قبول" %} <kbd>a</kbd></button>
    <button type="submit" name="state" value="rejected" class="reject" data-key="r">{% translate "رفض" %} <kbd>r</kbd></button>
    {% if tag.review_state != "pending" %}<button type="submit" name="state" value="pending" class="reopen">{% translate "إعادة إلى الانتظار" %}</button>{% endif %}
  </form>
</li>
"""
)


@pytest.mark.parametrize(
    "flags",
    [{}, {"decided": True}, {"stale": True}, {"failed": True}],
)
def test_review_rows_are_the_former_partial(articles, flags):
    from articles import reviewing

    reviewer = make_user("reviewer1", "Reviewers")
    tags = list(Tag.objects.select_related("article__source", "created_by", "reviewed_by"))
    tags[0].review_comment = HOSTILE
    reviewing.reject(tag_id=tags[1].pk, version=1, reviewer=reviewer, comment=HOSTILE)
    tags = list(
        Tag.objects.select_related("article__source", "created_by", "reviewed_by").order_by("id")
    )
    request = RequestFactory().get("/review/")
    words = ReviewRowWords.build(request)
    for tag in tags:
        context = RequestContext(request, {"tag": tag, **flags, "form_errors": flags.get("failed")})
        context["csrf_token"] = words.csrf_token  # the page's token, as the template's own
        expected = Template(FORMER_REVIEW_ROW).render(context)
        assert render_review_row(tag, words, **flags) == expected
    assert any(tag.reviewed_by for tag in tags) and any(tag.article.source for tag in tags)
    html = render_review_row(tags[0], words)
    assert "<script>" not in html and html.count("&lt;script&gt;") >= 3
