"""All tags across articles: search and the tag filters the review queue and exports share."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from articles.forms import TagFilterForm
from articles.models import Tag
from articles.search.query import CappedPaginator, highlight, parse_query
from articles.search.result_rows import render_tag_rows
from articles.search.tag_filter import filter_tags
from articles.views.request import HtmxHttpRequest
from newsdesk.replica import reads_from_replica

TAGS_PER_PAGE = 50


@require_GET
@permission_required("articles.view_tag", raise_exception=True)
@reads_from_replica
def tag_list(request: HtmxHttpRequest) -> HttpResponse:
    form = TagFilterForm(request.GET)
    form.is_valid()  # invalid fields are reported and left out
    tags = filter_tags(Tag.objects.for_tag_list(), form.cleaned_data).order_by("-created_at", "-id")
    page = CappedPaginator(tags, TAGS_PER_PAGE).get_page(request.GET.get("page"))
    query = parse_query(form.cleaned_data.get("q") or "")
    for tag in page.object_list:
        tag.pieces = highlight(tag.exact, query)
        tag.speaker_pieces = highlight(tag.speaker, query)
        tag.note_pieces = highlight(tag.note, query)
    context = {
        "page": page,
        "form": form,
        "query": query,
        "tag_rows": render_tag_rows(page.object_list),
    }
    template = "articles/search/tag_list.html"
    return render(request, template + "#results" if request.htmx else template, context)
