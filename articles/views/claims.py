"""Claims across outlets: the claim panel on the reading page (similar passages
in other articles, the claim's group, its status), linking, and the claim group pages.

Every reader may look; Editors and Admins write (the tag permissions of articles/roles.py).
The panel is an htmx fragment (`templates/articles/claims/_claim_panel.html`) swapped into
`#claim-panel`; each write answers with the panel again. Without htmx the writes redirect
back to the reading page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Min
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from articles import tagging
from articles.claims import claimreview, linking, passage_index
from articles.forms import ClaimReviewFilterForm, ClaimStatusForm, GroupLabelForm, LinkPassageForm
from articles.jobs import indexing
from articles.models import CLAIM, ClaimGroup, Passage, StaleTag, Tag
from articles.views.request import HtmxHttpRequest
from articles.views.responses import Notice, write_with_its_answer

PANEL = "articles/claims/_claim_panel.html"
SIMILAR_SHOWN = 8
GROUPS_PER_PAGE = 100


def get_claim_group(group_id: int) -> ClaimGroup:
    """Every reader of tags sees every group; the decorator (or the API's auth) checks the role."""
    return get_object_or_404(ClaimGroup.objects.select_related("created_by"), pk=group_id)


def _get_claim(tag_id: int) -> Tag:
    return get_object_or_404(
        Tag.objects.select_related("article__source", "claim_group"), pk=tag_id, kind=CLAIM
    )


def _panel(
    request: HtmxHttpRequest,
    claim: Tag,
    *,
    status: int = 200,
    notice: Notice | None = None,
    status_form: ClaimStatusForm | None = None,
    link_error: str = "",
) -> HttpResponse:
    """The panel of one claim: its status, its group, and passages like it elsewhere."""
    can_link = request.user.has_perms(["articles.add_tag", "articles.change_tag"])
    can_edit = request.user.has_perm("articles.change_tag")
    similar = passage_index.similar_passages(
        claim.exact, exclude_article=claim.article_id, limit=SIMILAR_SHOWN
    )
    group = claim.claim_group
    for item in similar:
        item.linked = bool(group and item.claim and item.claim.claim_group_id == group.pk)
    context = {
        "claim": claim,
        "group": group,
        "members": linking.members(group) if group else [],
        "similar": similar,
        "still_indexing": indexing.unindexed_count(),
        "can_link": can_link,
        "can_edit": can_edit,
        "status_form": status_form or (ClaimStatusForm(tag=claim) if can_edit else None),
        "default_label": linking.default_label(claim.exact),
        "notice": notice,
        "link_error": link_error,
    }
    return render(request, PANEL, context, status=status)


def _back(request: HtmxHttpRequest, claim: Tag, message: str, *, error: bool = False):
    """Without htmx: back to the reading page with the message."""
    (messages.error if error else messages.success)(request, message)
    return redirect(claim.article.get_absolute_url() + f"#tag-{claim.pk}")


@require_GET
@permission_required("articles.view_tag", raise_exception=True)
def claim_panel(request: HtmxHttpRequest, tag_id: int) -> HttpResponse:
    claim = _get_claim(tag_id)
    if not request.htmx:
        return redirect(claim.article.get_absolute_url() + f"#tag-{claim.pk}")
    if request.GET.get("close"):
        return render(request, "articles/claims/_claim_panel_closed.html")
    return _panel(request, claim)


@require_POST
@permission_required(["articles.add_tag", "articles.change_tag"], raise_exception=True)
@write_with_its_answer
def link_claim(request: HtmxHttpRequest, tag_id: int) -> HttpResponse:
    claim = _get_claim(tag_id)
    form = LinkPassageForm(request.POST)
    passage = None
    if form.is_valid():
        passage = (
            Passage.objects.select_related("article")
            .filter(pk=form.cleaned_data["passage"])
            .first()
        )
    if passage is None:
        return _link_failed(request, claim, _("المقطع المطلوب غير موجود."))
    try:
        other = linking.link_passage(
            claim=claim, passage=passage, user=request.user, label=form.cleaned_data["label"]
        )
    except ValidationError as error:
        return _link_failed(request, claim, " ".join(error.messages))
    claim = _get_claim(tag_id)
    message = _("رُبط المقطع من «%(title)s» بمجموعة «%(label)s».") % {
        "title": Truncator(other.article.title).chars(50),
        "label": claim.claim_group.label if claim.claim_group else "",
    }
    if not request.htmx:
        return _back(request, claim, message)
    return _panel(request, claim, notice=Notice(message))


def _link_failed(request: HtmxHttpRequest, claim: Tag, message: str) -> HttpResponse:
    if not request.htmx:
        return _back(request, claim, message, error=True)
    return _panel(request, claim, status=422, link_error=message)


@require_POST
@permission_required(["articles.add_tag", "articles.change_tag"], raise_exception=True)
@write_with_its_answer
def unlink_claim(request: HtmxHttpRequest, tag_id: int) -> HttpResponse:
    claim = _get_claim(tag_id)
    linking.unlink(claim=claim, user=request.user)
    claim = _get_claim(tag_id)
    message = _("أُخرج الادعاء من مجموعته.")
    if not request.htmx:
        return _back(request, claim, message)
    return _panel(request, claim, notice=Notice(message))


@require_POST
@permission_required("articles.change_tag", raise_exception=True)
@write_with_its_answer
def claim_status(request: HtmxHttpRequest, tag_id: int) -> HttpResponse:
    claim = _get_claim(tag_id)
    form = ClaimStatusForm(request.POST, tag=claim)
    if not form.is_valid():
        if not request.htmx:
            return _back(request, claim, _("قيم غير صالحة؛ لم يُحفظ شيء."), error=True)
        return _panel(request, claim, status=422, status_form=form)
    data = form.cleaned_data
    try:
        tagging.update_tag(
            tag=claim,
            version=data["version"],
            user=request.user,
            kind=claim.kind,
            note=claim.note,
            speaker=claim.speaker,
            claim={name: data[name] for name in ("check_worthy", "verification", "evidence")},
        )
    except StaleTag as stale:
        message = _("عدّل محرر آخر هذا الادعاء قبلك؛ لم يُحفظ تعديلك. هذه حالته الآن.")
        if stale.current is None:
            raise Http404 from None
        if not request.htmx:
            return _back(request, claim, message, error=True)
        current = _get_claim(tag_id)
        return _panel(request, current, status=409, notice=Notice.error(message))
    claim = _get_claim(tag_id)
    message = _("حُفظت حالة الادعاء.")
    if not request.htmx:
        return _back(request, claim, message)
    return _panel(request, claim, notice=Notice(message))


@require_GET
@permission_required("articles.view_tag", raise_exception=True)
def claim_group(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    group = get_claim_group(group_id)
    members = linking.members(group)
    context = {
        "group": group,
        "members": members,
        "verdict": claimreview.verdict(members),
        "label_form": GroupLabelForm(initial={"label": group.label}),
        "can_edit": request.user.has_perm("articles.change_tag"),
    }
    return render(request, "articles/claims/claim_group.html", context)


@require_POST
@permission_required("articles.change_tag", raise_exception=True)
@write_with_its_answer
def rename_claim_group(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    group = get_claim_group(group_id)
    form = GroupLabelForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            linking.rename_group(group=group, label=form.cleaned_data["label"])
        except ValidationError as error:
            form.add_error("label", error)
    if form.errors:
        status = 422
    elif not request.htmx:
        messages.success(request, _("حُفظ عنوان المجموعة."))
        return redirect(group)
    context = {"group": group, "label_form": form, "can_edit": True, "saved": status == 200}
    if not request.htmx:
        context["members"] = linking.members(group)
        return render(request, "articles/claims/claim_group.html", context, status=status)
    return render(request, "articles/claims/claim_group.html#group-label", context, status=status)


@require_GET
@permission_required("articles.view_tag", raise_exception=True)
def claim_groups(request: HtmxHttpRequest) -> HttpResponse:
    groups = ClaimGroup.objects.annotate(
        n_claims=Count("claims"),
        n_outlets=Count("claims__article__source", distinct=True),
        first_on=Min("claims__article__published_on"),
        last_on=Max("claims__article__published_on"),
    ).order_by("-created_at", "-id")[:GROUPS_PER_PAGE]
    context = {"groups": groups, "review_filter": ClaimReviewFilterForm()}
    return render(request, "articles/claims/claim_groups.html", context)


def _json_ld(reviews: list[dict] | dict, filename: str) -> HttpResponse:
    response = JsonResponse(reviews, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_GET
@permission_required("articles.view_tag", raise_exception=True)
def claim_review_file(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    """The group's schema.org ClaimReview, as a file; 404 while it has no verdict."""
    found = claimreview.claim_reviews(
        ClaimGroup.objects.filter(pk=group_id), request.build_absolute_uri
    )
    if not found:
        raise Http404
    return _json_ld(found[0], f"claimreview-{group_id}.jsonld")


@require_GET
@permission_required("articles.view_tag", raise_exception=True)
def claim_reviews_file(request: HtmxHttpRequest) -> HttpResponse:
    """ClaimReviews of every group with a verdict, filtered by verdict, outlet or id."""
    form = ClaimReviewFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("مرشّح غير صالح."))
    reviews = claimreview.filtered_reviews(form.cleaned_data, request.build_absolute_uri)
    return _json_ld(reviews, "claimreviews.jsonld")
