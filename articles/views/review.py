"""The review queue: pending tags in context, accepted or rejected inline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from articles import reviewing
from articles.forms import ReviewForm, TagFilterForm
from articles.kinds import KINDS
from articles.models import ReviewState, StaleTag, Tag
from articles.search.query import CappedPaginator
from articles.search.result_rows import ReviewRowWords, render_review_row, render_review_rows
from articles.search.tag_filter import filter_tags
from articles.views.request import HtmxHttpRequest
from articles.views.responses import write_with_its_answer

TAGS_PER_PAGE = 50


def _tags():
    return Tag.objects.select_related("article__source", "created_by", "reviewed_by")


def get_tag_for_reviewer(request: HttpRequest, tag_id: int) -> Tag:
    """Reviewers and Admins review every tag; the decorator (or the API's auth) checks
    the permission."""
    return get_object_or_404(_tags(), pk=tag_id)


@require_GET
@permission_required("articles.review_tag", raise_exception=True)
def review_queue(request: HtmxHttpRequest) -> HttpResponse:
    data = request.GET.copy()
    if "state" not in data:
        data.setlist("state", [ReviewState.PENDING])  # the queue: pending unless asked
    form = TagFilterForm(data)
    status = 200
    if form.is_valid():
        # An orphan waits to be re-placed before it is reviewed (its text left the article).
        tags = filter_tags(_tags().anchored(), form.cleaned_data).order_by("created_at", "id")
    else:
        tags, status = Tag.objects.none(), 400
    # Counted up to a cap, as the tag list is: an exact count of a big queue scans every
    # pending tag (~170 ms at 200,000 tags), on every page and after every decision.
    page = CappedPaginator(tags, TAGS_PER_PAGE).get_page(request.GET.get("page"))
    querystring = data.copy()
    querystring.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "kinds": KINDS,
        "querystring": querystring.urlencode(),
        "review_rows": render_review_rows(page.object_list, ReviewRowWords.build(request)),
    }
    template = "articles/review/review_queue.html"
    if request.htmx and request.htmx.target == "queue":
        template += "#queue"
    return render(request, template, context, status=status)


@require_POST
@permission_required("articles.review_tag", raise_exception=True)
@write_with_its_answer
def review_tag(request: HtmxHttpRequest, tag_id: int) -> HttpResponse:
    tag = get_tag_for_reviewer(request, tag_id)
    form = ReviewForm(request.POST)
    status, stale = 200, False
    if not form.is_valid():
        status = 400
    else:
        try:
            tag = reviewing.review(
                tag_id=tag.pk,
                version=form.cleaned_data["version"],
                state=form.cleaned_data["state"],
                reviewer=request.user,
                comment=form.cleaned_data["comment"],
            )
        except StaleTag:
            status, stale = 409, True
    if not request.htmx:
        # Without JavaScript: back to the queue, which shows the tag as it is now.
        if stale:
            messages.error(
                request, _("تغيّر هذا الوسم منذ فتح الصفحة؛ هذه نسخته الحالية. راجعه مجدداً.")
            )
        elif status == 400:
            messages.error(request, _("تعذّر حفظ المراجعة."))
        return redirect("review_queue")
    row = render_review_row(
        tag, ReviewRowWords.build(request), decided=status == 200, stale=stale, failed=status == 400
    )
    return HttpResponse(row, status=status)
