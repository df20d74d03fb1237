"""Speaker pages: every speaker of a quote tag across articles, one speaker's
quotes, and merging two spellings of one person.

Every reader may look; merging and unmerging change how the newsroom's tags are grouped,
an editorial call like tagging itself, so they take the permission to change tags
(Editors and Admins). Merges are reversible rows in SpeakerAlias (articles/quotes/speakers.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from articles.forms import MergeForm, UnmergeForm
from articles.quotes import speakers, suggestion_store
from articles.views.request import HtmxHttpRequest
from articles.views.responses import write_with_its_answer

QUOTES_PER_PAGE = 50


@require_GET
@permission_required("articles.view_tag", raise_exception=True)
def speaker_list(request: HtmxHttpRequest) -> HttpResponse:
    context = {
        "speakers": list(speakers.speaker_groups().values()),
        "tally": suggestion_store.tally(),
    }
    return render(request, "articles/quotes/speaker_list.html", context)


@require_GET
@permission_required("articles.view_tag", raise_exception=True)
def speaker_detail(request: HtmxHttpRequest, key: str) -> HttpResponse:
    groups = speakers.speaker_groups()
    canonical = speakers.aliases().get(key)
    if canonical and canonical in groups:
        return redirect("speaker_detail", key=canonical)  # a merged spelling: its group
    group = groups.get(key)
    if group is None:
        raise Http404
    page = Paginator(speakers.quotes_of(group), QUOTES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "speaker": group,
        "page": page,
        "proposals": speakers.merge_proposals(key, groups),
        "others": [other for other in groups.values() if other.key != key],
        "can_merge": request.user.has_perm("articles.change_tag"),
    }
    return render(request, "articles/quotes/speaker_detail.html", context)


@require_POST
@permission_required("articles.change_tag", raise_exception=True)
@write_with_its_answer
def merge_speakers(request: HtmxHttpRequest) -> HttpResponse:
    form = MergeForm(request.POST)
    groups = speakers.speaker_groups()
    # Allow-list: only keys of speakers that exist (or are merged spellings of one).
    known = {key for group in groups.values() for key in group.keys}
    if (
        not form.is_valid()
        or not {form.cleaned_data["source"], form.cleaned_data["target"]} <= known
    ):
        messages.error(request, _("اختر متحدثَين موجودَين للدمج."))
        return redirect("speaker_list")
    source, target = form.cleaned_data["source"], form.cleaned_data["target"]
    try:
        canonical = speakers.merge(source, target, request.user)
    except speakers.MergeRefused:
        messages.error(request, _("هذان الاسمان لمتحدث واحد أصلاً."))
        return redirect("speaker_detail", key=target)
    messages.success(request, _("دُمج المتحدثان؛ يمكن فصلهما من صفحة المتحدث."))
    return redirect("speaker_detail", key=canonical)


@require_POST
@permission_required("articles.change_tag", raise_exception=True)
@write_with_its_answer
def unmerge_speaker(request: HtmxHttpRequest) -> HttpResponse:
    form = UnmergeForm(request.POST)
    if not form.is_valid() or not speakers.unmerge(form.cleaned_data["key"]):
        messages.error(request, _("هذا الاسم غير مدموج."))
        return redirect("speaker_list")
    messages.success(request, _("فُصل الاسم وعاد متحدثاً مستقلاً."))
    return redirect(reverse("speaker_detail", kwargs={"key": form.cleaned_data["key"]}))
