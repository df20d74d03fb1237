"""Tagging on the reading page: create, edit, delete, restore a tag, and its history.

Every write is a POST that works as a plain form (redirect back to the reading page) and
through htmx (the article body and the tag panel come back as out-of-band swaps, so the
highlight, the side list and the counts update in place). Errors keep their status code:
422 for bad input, 409 for a stale edit (with the current state and the editor's own
change ready to re-apply); base.html tells htmx to swap those too.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from articles import tagging
from articles.forms import TagCreateForm, TagEditForm, TagVersionForm
from articles.kinds import KINDS
from articles.models import QUOTE, Article, StaleTag, Tag, TagEvent
from articles.quotes import suggestion_store
from articles.reading.highlights import paragraph_spans, render_paragraphs
from articles.views.reading import _get_article_for_user, reading_context

PAGE = "articles/reading/read_article.html"
# A write and the answer built after it are one transaction: if the database goes away
# between them, the write is rolled back, so the 503 page's "nothing was saved" is true and
# the editor's retry cannot duplicate the tag (found by bench/faults.py).
write_with_its_answer = transaction.atomic
SPEAKER_SUGGESTIONS = 200


def _get_tag_for_user(request: HttpRequest, tag_id: int) -> Tag:
    """Every role that reaches here may see every tag; decorators check the role."""
    return get_object_or_404(Tag.objects.select_related("article", "updated_by"), pk=tag_id)


def _speakers() -> list[str]:
    """Speakers already used in the newsroom, for the inline form's suggestions."""
    return list(Tag.objects.speakers_used()[:SPEAKER_SUGGESTIONS])


def _respond(
    request: HttpRequest, article: Article, *, status: int = 200, anchor: str = "", **extra
) -> HttpResponse:
    """htmx: the body and panel fragments. Plain form: redirect on success, or the whole
    page with the error when there is something to show."""
    if not request.htmx and status < 400:
        notice = extra.get("notice")
        if notice:
            messages.success(request, notice["message"])
        return redirect(article.get_absolute_url() + anchor)
    if any(extra.get("editing", {}).values()):
        extra.setdefault("speakers", _speakers())
    context = reading_context(request, article, oob=request.htmx, **extra)
    template = f"{PAGE}#tagging-update" if request.htmx else PAGE
    return render(request, template, context, status=status)


def _respond_write(
    request: HttpRequest,
    article: Article,
    *,
    spans: list[tuple[int, int]],
    notice: dict,
    item: Tag | None = None,
    removed: int | None = None,
    anchor: str = "",
    quotes_changed: bool = True,
    **extra,
) -> HttpResponse:
    """After a successful write, send htmx only what changed: the paragraphs that the
    changed spans touch (re-rendered with every tag over them), the counts, the notice,
    and the one list entry. This keeps a write fast on an article with hundreds of tags.

    `quotes_changed`: a quote tag came, went or moved, so the suggestion list (which hides
    suggestions a quote covers) goes too; a claim or background write leaves it alone."""
    if not request.htmx:
        messages.success(request, notice["message"])
        return redirect(article.get_absolute_url() + anchor)
    body = article.body
    touched = [
        (p_start, p_end)
        for p_start, p_end in paragraph_spans(body)
        if any(start <= p_end and end >= p_start for start, end in spans)
    ]
    tags = article.tags.all()
    # Quote suggestions: a new quote tag hides those it covers, a deleted one
    # shows them again; their list goes out of band with the rest.
    suggestions, suggestion_tally = suggestion_store.for_page(
        article, suggestion_store.quote_spans(article)
    )
    if touched:
        low, high = touched[0][0], touched[-1][1]
        # Plain rows, not model instances: this is on every write's hot path.
        tags = tags.filter(start__lt=high, end__gt=low).values_list(
            "id", "kind", "start", "end", named=True
        )
        wanted = {p_start for p_start, _p_end in touched}
        paragraphs = [
            p
            for p in render_paragraphs(
                body, list(tags), [s for s in suggestions if s.start < high and s.end > low]
            )
            if p.start in wanted
        ]
    else:
        paragraphs = []
    counts = article.tags.counts_by_kind()
    inserting = item is not None and removed is None and not _is_replacement(request)
    if inserting and sum(counts.values()) == 1:
        # The first tag: the panel has no list to insert into yet, so send it whole.
        return _respond(request, article, anchor=anchor, notice=notice)
    context = {
        "article": article,
        "paragraphs": paragraphs,
        "legend": [(kind, counts.get(kind.slug, 0)) for kind in KINDS],
        "notice": notice,
        "removed": removed,
        "can_tag": request.user.has_perm("articles.add_tag"),
        "can_edit": request.user.has_perm("articles.change_tag"),
        "can_delete": request.user.has_perm("articles.delete_tag"),
        "suggestions": suggestions,
        "suggestion_tally": suggestion_tally,
        "send_suggestions": quotes_changed,
        **extra,
    }
    if item is not None:
        context["item"] = item
        if inserting:
            following = (
                article.tags.filter(
                    Q(start__gt=item.start)
                    | Q(start=item.start, end__lt=item.end)
                    | Q(start=item.start, end=item.end, id__gt=item.pk)
                )
                .order_by("start", "-end", "id")
                .values_list("id", flat=True)
                .first()
            )
            context["item_before"] = (
                f"beforebegin:#tag-{following}" if following else "beforeend:#tag-list"
            )
    return render(request, f"{PAGE}#tag-write", context)


def _is_replacement(request: HttpRequest) -> bool:
    return request.resolver_match.url_name == "update_tag"


@require_POST
@permission_required("articles.add_tag", raise_exception=True)
@write_with_its_answer
def tag_passage(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _get_article_for_user(request, article_id)
    form = TagCreateForm(request.POST, article=article)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return _respond(request, article, status=422, notice=_error(" ".join(errors)))
    data = form.cleaned_data
    try:
        tag = tagging.create_tag(
            article=article,
            user=request.user,
            kind=data["kind"],
            start=data["start"],
            end=data["end"],
        )
    except ValidationError as error:
        return _respond(request, article, status=422, notice=_error(" ".join(error.messages)))
    notice = {"message": _("أُضيف الوسم."), "level": "ok", "focus": tag.pk}
    return _respond_write(
        request,
        article,
        spans=[(tag.start, tag.end)],
        notice=notice,
        item=tag,
        anchor=f"#tag-{tag.pk}",
        quotes_changed=tag.kind == QUOTE,
    )


@require_GET
@permission_required("articles.change_tag", raise_exception=True)
def edit_tag(request: HttpRequest, tag_id: int) -> HttpResponse:
    tag = _get_tag_for_user(request, tag_id)
    form = TagEditForm(tag=tag)
    if request.htmx:
        tag.edit_form = form
        context = {"tag": tag, "speakers": _speakers(), "can_edit": True}
        context["can_delete"] = request.user.has_perm("articles.delete_tag")
        return render(request, f"{PAGE}#tag-item", context)
    context = reading_context(request, tag.article, editing={tag.pk: form}, speakers=_speakers())
    return render(request, PAGE, context)


@require_POST
@permission_required("articles.change_tag", raise_exception=True)
@write_with_its_answer
def update_tag(request: HttpRequest, tag_id: int) -> HttpResponse:
    tag = _get_tag_or_conflict(request, tag_id)
    if isinstance(tag, HttpResponse):
        return tag
    form = TagEditForm(request.POST, tag=tag)
    if not form.is_valid():
        return _respond(request, tag.article, status=422, editing={tag.pk: form})
    data = form.cleaned_data
    start, end, kind_before = tag.start, tag.end, tag.kind
    if data["adjust"]:
        start, end = tagging.adjust_span(tag.article.body, start, end, data["adjust"])
    try:
        saved = tagging.update_tag(
            tag=tag,
            version=data["version"],
            user=request.user,
            kind=data["kind"],
            note=data["note"],
            speaker=data["speaker"],
            start=start,
            end=end,
        )
    except StaleTag as stale:
        return _conflict(request, tag, stale.current, data)
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _respond(request, tag.article, status=422, editing={tag.pk: form})
    if data["adjust"]:
        # Keep the form open: boundaries are usually nudged more than once.
        saved.edit_form = TagEditForm(tag=saved)
        notice = {"message": _("عُدّلت حدود المقطع."), "level": "ok"}
        return _respond_write(
            request,
            tag.article,
            spans=[(tag.start, tag.end), (saved.start, saved.end)],
            notice=notice,
            item=saved,
            anchor=f"#tag-{tag.pk}",
            speakers=_speakers(),
            quotes_changed=QUOTE in (kind_before, saved.kind),
        )
    notice = {"message": _("حُفظ الوسم."), "level": "ok", "focus": tag.pk}
    return _respond_write(
        request,
        tag.article,
        spans=[(start, end), (saved.start, saved.end)],
        notice=notice,
        item=saved,
        anchor=f"#tag-{tag.pk}",
        quotes_changed=QUOTE in (kind_before, saved.kind),
    )


@require_POST
@permission_required("articles.delete_tag", raise_exception=True)
@write_with_its_answer
def delete_tag(request: HttpRequest, tag_id: int) -> HttpResponse:
    tag = _get_tag_or_conflict(request, tag_id)
    if isinstance(tag, HttpResponse):
        return tag
    form = TagVersionForm(request.POST)
    if not form.is_valid():
        return _respond(request, tag.article, status=422, notice=_error(_("طلب غير صالح.")))
    try:
        tagging.delete_tag(tag=tag, version=form.cleaned_data["version"], user=request.user)
    except StaleTag as stale:
        return _conflict(request, tag, stale.current, None)
    notice = {"message": _("حُذف الوسم."), "level": "ok", "undo": tag.pk}
    return _respond_write(
        request,
        tag.article,
        spans=[(tag.start, tag.end)],
        notice=notice,
        removed=tag.pk,
        quotes_changed=tag.kind == QUOTE,
    )


@require_POST
@permission_required("articles.add_tag", raise_exception=True)
@write_with_its_answer
def restore_tag(request: HttpRequest, tag_id: int) -> HttpResponse:
    event = tagging.last_deletion(tag_id)
    if event is None:
        raise Http404
    try:
        tag = tagging.restore_tag(tag_id=tag_id, user=request.user)
    except tagging.TagGone:
        notice = _error(_("هذا الوسم موجود أصلاً؛ لا شيء لاستعادته."))
        return _respond(request, event.article, status=409, notice=notice)
    notice = {"message": _("استُعيد الوسم."), "level": "ok", "focus": tag.pk}
    return _respond_write(
        request,
        event.article,
        spans=[(tag.start, tag.end)],
        notice=notice,
        item=tag,
        anchor=f"#tag-{tag.pk}",
        quotes_changed=tag.kind == QUOTE,
    )


@require_GET
@permission_required("articles.view_tag", raise_exception=True)
def tag_history(request: HttpRequest, tag_id: int) -> HttpResponse:
    events = list(
        TagEvent.objects.filter(tag_id=tag_id)
        .select_related("user", "article")
        .order_by("at", "id")
    )
    if not events:
        raise Http404
    article = events[0].article
    exists = Tag.objects.filter(pk=tag_id).exists()
    context = {
        "article": article,
        "tag_id": tag_id,
        "events": events,
        "can_restore": not exists and request.user.has_perm("articles.add_tag"),
        "exists": exists,
    }
    template = "articles/tagging/tag_history.html"
    return render(request, f"{template}#history" if request.htmx else template, context)


@require_GET
@permission_required("articles.view_article", raise_exception=True)
def tag_panel(request: HttpRequest, article_id: int) -> HttpResponse:
    """The side list alone: cancelling an inline edit, or picking up others' new tags."""
    article = _get_article_for_user(request, article_id)
    if not request.htmx:
        return redirect(article)
    return render(request, f"{PAGE}#tagging-update", reading_context(request, article, oob=True))


def _error(message: str) -> dict:
    return {"message": message, "level": "error"}


def _get_tag_or_conflict(request: HttpRequest, tag_id: int) -> Tag | HttpResponse:
    """The tag to write to; if someone deleted it meanwhile, a 409 saying so."""
    tag = Tag.objects.select_related("article").filter(pk=tag_id).first()
    if tag is not None:
        return tag
    event = tagging.last_deletion(tag_id)
    if event is None:
        raise Http404
    notice = _error(_("حذف محرر آخر هذا الوسم قبل حفظ تعديلك. يمكنك استعادته من قائمة المحذوفات."))
    return _respond(request, event.article, status=409, notice=notice)


def _conflict(request: HttpRequest, mine: Tag, current: Tag | None, data: dict | None):
    """409: show the tag as it is now, with this editor's change ready to re-apply."""
    if current is None:
        notice = _error(_("حذف محرر آخر هذا الوسم قبل حفظ تعديلك."))
        return _respond(request, mine.article, status=409, notice=notice)
    values = {"kind": current.kind, "note": current.note, "speaker": current.speaker}
    if data:
        values = {name: data[name] for name in ("kind", "note", "speaker")}
    form = TagEditForm(tag=current, initial={**values, "version": current.version})
    form.conflict = True
    notice = _error(
        _("حفظ محرر آخر هذا الوسم قبلك؛ لم يُحفظ تعديلك. راجع حالته الآن ثم أعد تطبيق تعديلك.")
    )
    return _respond(request, mine.article, status=409, editing={current.pk: form}, notice=notice)
