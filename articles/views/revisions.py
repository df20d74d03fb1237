"""Versions of an article's text: the correction form, the versions and their diff, and
the orphans queues (per article and newsroom-wide) where editors re-place or delete tags
that a new version left without a place.

Correcting the text is for Admins (`correct_article`): a correction rewrites the record that
every tag, review and export points into, and may orphan other people's tags, so it is the
desk's decision, named in the history; Editors tag the text, they do not change it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles import revisions, tagging
from articles.forms import CorrectionForm, RevisionPairForm, TagReplaceForm, TagVersionForm
from articles.models import Article, ArticleRevision, StaleTag, Tag
from articles.reading import body_cache
from articles.revisions.diffs import diff_lines
from articles.team import layers
from articles.views.reading import get_article_for_user
from articles.views.request import HtmxHttpRequest

ORPHANS_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
@permission_required("articles.correct_article", raise_exception=True)
def correct_article(request: HtmxHttpRequest, article_id: int) -> HttpResponse:
    article = get_article_for_user(request, article_id)
    initial = {"body": article.body, "version": article.body_version}
    form = CorrectionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                revision = revisions.apply_new_body(
                    article,
                    form.cleaned_data["body"],
                    request.user,
                    form.cleaned_data["reason"],
                    from_version=form.cleaned_data["version"],
                )
            except revisions.StaleBody as stale:
                status = 409
                form.add_error(
                    None,
                    _(
                        "حفظ مستخدم آخر نسخة أحدث (النسخة %(n)s) بعد أن بدأت؛ لم يُحفظ "
                        "تصحيحك. انسخ تعديلك، ثم أعد فتح الصفحة وطبّقه على النص الجديد."
                    )
                    % {"n": stale.article.body_version},
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _outcome_message(revision))
                return redirect(article)
    context = {"article": article, "form": form}
    return render(request, "articles/revisions/correct_article.html", context, status=status)


def _outcome_message(revision: ArticleRevision) -> str:
    outcome = revision.outcome
    orphaned = outcome.get("orphan", 0)
    message = _("حُفظت النسخة %(n)s من النص؛ نُقلت الوسوم معها (%(kept)s في مكانها).") % {
        "n": revision.number,
        "kept": sum(v for k, v in outcome.items() if k != "orphan"),
    }
    if orphaned:
        message += " " + _("%(n)s وسماً لم يُعثر على نصه: في قائمة الوسوم اليتيمة.") % {"n": orphaned}
    return message


@require_GET
@permission_required("articles.view_article", raise_exception=True)
def article_revisions(request: HtmxHttpRequest, article_id: int) -> HttpResponse:
    """Every version, who made it, when and why; and the diff between two of them."""
    article = get_article_for_user(request, article_id)
    versions = list(
        article.revisions.select_related("created_by")
        .defer("body", "raw_text")
        .annotate(has_file=ExpressionWrapper(~Q(raw_text=""), BooleanField()))
        .order_by("-number")
    )
    form = RevisionPairForm(request.GET)
    diff = summary = None
    old_number = new_number = None
    status = 200
    if not form.is_valid():
        status = 400
    elif article.body_version > 1:
        new_number = form.cleaned_data["new"] or article.body_version
        old_number = form.cleaned_data["old"] or new_number - 1
        old_text, new_text = _body_of(article, old_number), _body_of(article, new_number)
        if old_text is None or new_text is None:
            status = 404
            form.add_error(None, _("لا توجد نسخة بهذا الرقم."))
        else:
            diff, summary = diff_lines(old_text, new_text)
    context = {
        "article": article,
        "versions": versions,
        "form": form,
        "diff": diff,
        "summary": summary,
        "old_number": old_number,
        "new_number": new_number,
    }
    return render(request, "articles/revisions/article_revisions.html", context, status=status)


def _body_of(article: Article, number: int) -> str | None:
    if number == article.body_version:
        return article.body
    found = article.revisions.filter(number=number).values_list("body", flat=True).first()
    return found


@require_GET
@permission_required("articles.view_article", raise_exception=True)
def revision_text(request: HtmxHttpRequest, article_id: int, number: int) -> StreamingHttpResponse:
    """One version's text as plain text: what the offsets of tags of that version count in
    (the `source` of the Web Annotation export)."""
    article = get_article_for_user(request, article_id)
    text = _body_of(article, number)
    if text is None:
        raise Http404
    response = StreamingHttpResponse([text.encode()], content_type="text/plain; charset=utf-8")
    filename = f"article-{article.pk}-v{number}.txt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@permission_required("articles.view_tag", raise_exception=True)
def orphan_queue(request: HtmxHttpRequest) -> HttpResponse:
    """The newsroom's orphans, by article, newest first."""
    articles = (
        # The final layer's: blind layers' orphans are on their own editor's article page.
        Article.objects.filter(tags__orphaned=True, tags__annotator__isnull=True)
        .annotate(orphans=Count("tags"))
        .select_related("source")
        .only("id", "title", "body_version", "source__name")
        .order_by("-id")
    )
    page = Paginator(articles, ORPHANS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "articles/revisions/orphan_queue.html", {"page": page})


@require_GET
@permission_required("articles.view_article", raise_exception=True)
def article_orphans(request: HtmxHttpRequest, article_id: int) -> HttpResponse:
    """The article's current text (with its placed tags) and its orphans: select the new
    passage in the text, then "re-place" on the orphan."""
    article = get_article_for_user(request, article_id)
    # The layer this user writes to: their own while they tag blind, else the final one.
    own_tags = layers.tags_in_layer(article, layers.request_layer(request, article))
    anchored = list(own_tags.anchored().only("id", "kind", "start", "end"))
    orphans = list(own_tags.orphans().order_by("start", "id"))
    context = {
        "article": article,
        "paragraphs": body_cache.paragraphs(article.body, anchored),
        "orphans": orphans,
        "can_edit": request.user.has_perm("articles.change_tag"),
        "can_delete": request.user.has_perm("articles.delete_tag"),
    }
    return render(request, "articles/revisions/article_orphans.html", context)


@require_POST
@permission_required("articles.change_tag", raise_exception=True)
def replace_tag(request: HtmxHttpRequest, tag_id: int) -> HttpResponse:
    tag = get_object_or_404(Tag.all_layers.select_related("article"), pk=tag_id)
    if not layers.may_write_tag(request, tag):
        raise Http404
    form = TagReplaceForm(request.POST, article=tag.article)
    back = reverse("article_orphans", args=[tag.article_id])
    if not form.is_valid():
        problems = [str(error) for error in form.errors.get("__all__", [])]
        messages.error(request, " ".join(problems) or _("تحديد غير صالح."))
        return redirect(back)
    data = form.cleaned_data
    try:
        placed = revisions.replace_orphan(
            tag=tag,
            version=data["version"],
            user=request.user,
            start=data["start"],
            end=data["end"],
        )
    except StaleTag:
        messages.error(request, _("غيّر محرر آخر هذا الوسم قبلك؛ لم يُحفظ شيء. راجع القائمة."))
        return redirect(back)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, _("وُضع الوسم على النص المحدد."))
    return redirect(tag.article.get_absolute_url() + f"#tag-{placed.pk}")


@require_POST
@permission_required("articles.delete_tag", raise_exception=True)
def delete_orphan(request: HtmxHttpRequest, tag_id: int) -> HttpResponse:
    tag = get_object_or_404(Tag.all_layers.select_related("article").orphans(), pk=tag_id)
    if not layers.may_write_tag(request, tag):
        raise Http404
    form = TagVersionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("طلب غير صالح."), status=400)
    try:
        tagging.delete_tag(tag=tag, version=form.cleaned_data["version"], user=request.user)
    except StaleTag:
        messages.error(request, _("غيّر محرر آخر هذا الوسم قبلك؛ لم يُحذف. راجع القائمة."))
    else:
        messages.success(request, _("حُذف الوسم اليتيم؛ يمكن استعادته من سجله."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("article_orphans", args=[tag.article_id])
    return redirect(back)
