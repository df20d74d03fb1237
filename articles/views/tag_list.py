"""All tags across articles: search and the tag filters the review queue and exports share."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from articles.kinds import KIND_CHOICES
from articles.models import Source, Tag, Verification
from articles.search.query import CappedPaginator, highlight, parse_query, search_tags
from articles.search.tag_filter import CHECK_WORTHY_FILTER, tag_filter_q
from articles.text.arabic import fold_full

TAGS_PER_PAGE = 50


class TagFilterForm(forms.Form):
    q = forms.CharField(
        label=_("بحث"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"dir": "auto", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label=_("النوع"), choices=[("", _("الكل"))] + KIND_CHOICES, required=False
    )
    editor = forms.ModelChoiceField(
        label=_("المحرر"),
        queryset=get_user_model()
        .objects.filter(Exists(Tag.objects.filter(created_by=OuterRef("pk"))))
        .order_by("username"),
        required=False,
        empty_label=_("الكل"),
    )
    source = forms.ModelChoiceField(
        label=_("المصدر"), queryset=Source.objects.all(), required=False, empty_label=_("الكل")
    )
    speaker = forms.CharField(
        label=_("المتحدث"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    # Claims: status and group, each from a fixed list of values.
    verification = forms.ChoiceField(
        label=_("حالة التحقق"),
        choices=[("", _("الكل")), *Verification.choices],
        required=False,
    )
    check_worthy = forms.ChoiceField(
        label=_("يستحق التحقق"),
        choices=[("", _("الكل")), *CHECK_WORTHY_FILTER],
        required=False,
    )
    claim_group = forms.IntegerField(
        label=_("مجموعة الادعاء"),
        min_value=1,
        required=False,
        widget=forms.NumberInput(attrs={"class": "narrow"}),
    )


def filter_tags(data: dict):
    tags = Tag.objects.select_related("article__source", "created_by").defer(
        "search_stem",
        "search_exact",
        "article__body",
        "article__search_stem",
        "article__search_exact",
        "article__search_title",
    )
    if data.get("kind"):
        tags = tags.filter(kind=data["kind"])
    if data.get("editor"):
        tags = tags.filter(created_by=data["editor"])
    if data.get("source"):
        tags = tags.filter(article__source=data["source"])
    if data.get("speaker"):
        tags = tags.filter(speaker_key=fold_full(data["speaker"].strip()))
    claim_filters = {
        name: [data[name]]
        for name in ("verification", "check_worthy", "claim_group")
        if data.get(name)
    }
    tags = tags.filter(tag_filter_q(claim_filters))
    return search_tags(tags, parse_query(data.get("q") or "")).order_by("-created_at", "-id")


@require_GET
@permission_required("articles.view_tag", raise_exception=True)
def tag_list(request: HttpRequest) -> HttpResponse:
    form = TagFilterForm(request.GET)
    form.is_valid()  # invalid fields are reported and left out
    page = CappedPaginator(filter_tags(form.cleaned_data), TAGS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = parse_query(form.cleaned_data.get("q") or "")
    for tag in page.object_list:
        tag.pieces = highlight(tag.exact, query)
        tag.speaker_pieces = highlight(tag.speaker, query)
        tag.note_pieces = highlight(tag.note, query)
    context = {"page": page, "form": form, "query": query}
    template = "articles/search/tag_list.html"
    return render(request, template + "#results" if request.htmx else template, context)
