"""Tagging on the reading page: create, edit, delete, restore a tag, and its history.

Every write is a POST that works as a plain form (redirect back to the reading page) and
through htmx (the article body and the tag panel come back as out-of-band swaps, so the
highlight, the side list and the counts update in place). Errors keep their status code:
422 for bad input, 409 for a stale edit (with the current state and the editor's own
change ready to re-apply); base.html tells htmx to swap those too.
"""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from articles import tagging
from articles.forms import TagCreateForm, TagEditForm, TagVersionForm
from articles.models import QUOTE, StaleTag, Tag, TagEvent
from articles.team import layers
from articles.views.reading import get_article_for_user, reading_context
from articles.views.request import HtmxHttpRequest
from articles.views.responses import (
    PAGE,
    Notice,
    TagChange,
    after_write,
    page_or_fragment,
    speaker_suggestions,
    write_with_its_answer,
)

EDITED_FIELDS = ("kind", "note", "speaker")  # what the inline form edits besides the span


def _get_tag_for_user(request: HtmxHttpRequest, tag_id: int) -> Tag:
    """A tag this user may change: the decorators check the role, this the layer (a tag in
    another editor's blind layer is as good as missing)."""
    tag = get_object_or_404(Tag.all_layers.select_related("article", "updated_by"), pk=tag_id)
    if not layers.may_write_tag(request, tag):
        raise Http404
    return tag


def _deletion_for_user(request: HtmxHttpRequest, tag_id: int) -> TagEvent:
    """The last deletion of a tag this user could see, or 404."""
    event = tagging.last_deletion(tag_id)
    if event is None or (event.before or {}).get("annotator") not in (None, request.user.pk):
        raise Http404
    return event


@require_POST
@permission_required("articles.add_tag", raise_exception=True)
@write_with_its_answer
def tag_passage(request: HtmxHttpRequest, article_id: int) -> HttpResponse:
    article = get_article_for_user(request, article_id)
    form = TagCreateForm(request.POST, article=article)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return page_or_fragment(request, article, status=422, notice=Notice.error(" ".join(errors)))
    data = form.cleaned_data
    try:
        tag = tagging.create_tag(
            article=article,
            user=request.user,
            kind=data["kind"],
            start=data["start"],
            end=data["end"],
            annotator_id=layers.request_layer(request, article),
        )
    except ValidationError as error:
        notice = Notice.error(" ".join(error.messages))
        return page_or_fragment(request, article, status=422, notice=notice)
    change = TagChange(
        spans=[(tag.start, tag.end)],
        item=tag,
        anchor=f"#tag-{tag.pk}",
        quotes_changed=tag.kind == QUOTE,
    )
    return after_write(request, article, change, Notice(_("أُضيف الوسم."), focus=tag.pk))


@require_GET
@permission_required("articles.change_tag", raise_exception=True)
def edit_tag(request: HtmxHttpRequest, tag_id: int) -> HttpResponse:
    tag = _get_tag_for_user(request, tag_id)
    form = TagEditForm(tag=tag)
    if request.htmx:
        tag.edit_form = form
        context = {"tag": tag, "speakers": speaker_suggestions(), "can_edit": True}
        context["can_delete"] = request.user.has_perm("articles.delete_tag")
        return render(request, f"{PAGE}#tag-item", context)
    context = reading_context(
        request, tag.article, editing={tag.pk: form}, speakers=speaker_suggestions()
    )
    return render(request, PAGE, context)


@require_POST
@permission_required("articles.change_tag", raise_exception=True)
@write_with_its_answer
def update_tag(request: HtmxHttpRequest, tag_id: int) -> HttpResponse:
    tag = _get_tag_or_conflict(request, tag_id)
    if isinstance(tag, HttpResponse):
        return tag
    form = TagEditForm(request.POST, tag=tag)
    if not form.is_valid():
        return page_or_fragment(request, tag.article, status=422, editing={tag.pk: form})
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
        return page_or_fragment(request, tag.article, status=422, editing={tag.pk: form})
    change = TagChange(
        spans=[(tag.start, tag.end), (saved.start, saved.end)],
        item=saved,
        replaces=True,
        anchor=f"#tag-{tag.pk}",
        quotes_changed=QUOTE in (kind_before, saved.kind),
    )
    if data["adjust"]:
        # Keep the form open: boundaries are usually nudged more than once.
        saved.edit_form = TagEditForm(tag=saved)
        return after_write(request, tag.article, change, Notice(_("عُدّلت حدود المقطع.")))
    return after_write(request, tag.article, change, Notice(_("حُفظ الوسم."), focus=tag.pk))


@require_POST
@permission_required("articles.delete_tag", raise_exception=True)
@write_with_its_answer
def delete_tag(request: HtmxHttpRequest, tag_id: int) -> HttpResponse:
    tag = _get_tag_or_conflict(request, tag_id)
    if isinstance(tag, HttpResponse):
        return tag
    form = TagVersionForm(request.POST)
    if not form.is_valid():
        notice = Notice.error(_("طلب غير صالح."))
        return page_or_fragment(request, tag.article, status=422, notice=notice)
    try:
        tagging.delete_tag(tag=tag, version=form.cleaned_data["version"], user=request.user)
    except StaleTag as stale:
        return _conflict(request, tag, stale.current, None)
    change = TagChange(
        spans=[(tag.start, tag.end)], removed=tag.pk, quotes_changed=tag.kind == QUOTE
    )
    return after_write(request, tag.article, change, Notice(_("حُذف الوسم."), undo=tag.pk))


@require_POST
@permission_required("articles.add_tag", raise_exception=True)
@write_with_its_answer
def restore_tag(request: HtmxHttpRequest, tag_id: int) -> HttpResponse:
    event = _deletion_for_user(request, tag_id)
    try:
        tag = tagging.restore_tag(tag_id=tag_id, user=request.user)
    except tagging.TagGone:
        notice = Notice.error(_("هذا الوسم موجود أصلاً؛ لا شيء لاستعادته."))
        return page_or_fragment(request, event.article, status=409, notice=notice)
    change = TagChange(
        spans=[(tag.start, tag.end)],
        item=tag,
        anchor=f"#tag-{tag.pk}",
        quotes_changed=tag.kind == QUOTE,
    )
    return after_write(request, event.article, change, Notice(_("استُعيد الوسم."), focus=tag.pk))


@require_GET
@permission_required("articles.view_tag", raise_exception=True)
def tag_history(request: HtmxHttpRequest, tag_id: int) -> HttpResponse:
    events = list(
        TagEvent.objects.filter(tag_id=tag_id)
        .select_related("user", "article")
        .order_by("at", "id")
    )
    if not events or not layers.may_see_history(request.user, events[0]):
        raise Http404
    article = events[0].article
    exists = Tag.all_layers.filter(pk=tag_id).exists()
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
def tag_panel(request: HtmxHttpRequest, article_id: int) -> HttpResponse:
    """The side list alone: cancelling an inline edit, or picking up others' new tags."""
    article = get_article_for_user(request, article_id)
    if not request.htmx:
        return redirect(article)
    return render(request, f"{PAGE}#tagging-update", reading_context(request, article, oob=True))


def _get_tag_or_conflict(request: HtmxHttpRequest, tag_id: int) -> Tag | HttpResponse:
    """The tag to write to; if someone deleted it meanwhile, a 409 saying so."""
    tag = Tag.all_layers.select_related("article").filter(pk=tag_id).first()
    if tag is not None:
        if not layers.may_write_tag(request, tag):
            raise Http404
        return tag
    event = _deletion_for_user(request, tag_id)
    notice = Notice.error(
        _("حذف محرر آخر هذا الوسم قبل حفظ تعديلك. يمكنك استعادته من قائمة المحذوفات.")
    )
    return page_or_fragment(request, event.article, status=409, notice=notice)


def _conflict(
    request: HtmxHttpRequest, mine: Tag, current: Tag | None, data: dict | None
) -> HttpResponse:
    """409: show the tag as it is now, with this editor's change ready to re-apply."""
    if current is None:
        notice = Notice.error(_("حذف محرر آخر هذا الوسم قبل حفظ تعديلك."))
        return page_or_fragment(request, mine.article, status=409, notice=notice)
    theirs = {name: getattr(current, name) for name in EDITED_FIELDS}
    values = theirs
    both_changed: list[str] = []
    if data:
        # Re-applying must carry only what this editor changed, not overwrite the other
        # editor's fields with the stale values this form was opened with.
        edited = {name: data[name] for name in EDITED_FIELDS}
        base = tagging.state_at(current.pk, data["version"]) or theirs
        values, both_changed = tagging.merge_edit(
            base=base, theirs=theirs, mine=edited, fields=EDITED_FIELDS
        )
    form = TagEditForm(tag=current, initial={**values, "version": current.version})
    form.conflict = True
    form.both_changed = [
        {"label": str(form.fields[name].label), "theirs": theirs[name], "mine": values[name]}
        for name in both_changed
    ]
    message = _("حفظ محرر آخر هذا الوسم قبلك؛ لم يُحفظ تعديلك. راجع حالته الآن ثم أعد تطبيق تعديلك.")
    if both_changed:
        fields = "، ".join(str(form.fields[name].label) for name in both_changed)
        message += " " + _("غيّر كلاكما: %(fields)s؛ إعادة التطبيق تحفظ قيمتك فيه.") % {
            "fields": fields
        }
    return page_or_fragment(
        request, mine.article, status=409, editing={current.pk: form}, notice=Notice.error(message)
    )
