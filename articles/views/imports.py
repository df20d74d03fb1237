"""Pages for Admins to import files: upload, follow a batch, fix an encoding, audit a clean-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from articles import revisions
from articles.forms import EncodingForm, LineCorrectionForm, SimilarFileForm, UploadForm
from articles.importing import similar
from articles.importing.outlet_memory import Recleaned, reclean_outlet, untagged
from articles.importing.pipeline import IMPORTED, Importer, preview, retry_with_encoding
from articles.importing.uploads import iter_uploads, store_batch
from articles.models import Article, ArticleRevision, ImportBatch, ImportItem, OutletRule, Source
from articles.text.cleaning import INVISIBLE, line_key, strip_invisible
from articles.views.request import HtmxHttpRequest

PERMISSION = "articles.import_articles"
BATCHES_PER_PAGE = 20
RULE_LABELS = {
    "header": _("ترويسة الموقع"),
    "repeated": _("سطر مكرر"),
    "dateline": _("سطر التاريخ"),
    "byline": _("سطر المصدر"),
    "trailer": _("ذيل الصفحة"),
    "read_also": _("اقرأ أيضاً"),
    "link_list": _("قائمة روابط"),
    "credit": _("سطر المصدر"),
    "stray": _("رمز منفرد"),
    "hashtag": _("وسم #"),
    "invisible": _("محارف خفية حُذفت"),
    "glued": _("عنصر ملتصق بالسطر قُصّ"),
    "link": _("رابط"),
    "code": _("شيفرة أو وسوم"),
    "social": _("أزرار المشاركة والمتابعة"),
    "paywall": _("إشعار اشتراك"),
    "latin": _("تسمية لاتينية"),
    "tail": _("ذيل قصير بعد الخبر"),
    "seen": _("سطر ظهر في صفحات سابقة للمصدر"),
    "learned": _("قاعدة تعلّمها المصدر"),
    "second_story": _("خبر ثانٍ في الملف نفسه"),
}


def _get_batch_for_user(request: HtmxHttpRequest, batch_id: int) -> ImportBatch:
    """Admins see every batch; the permission decorator has checked the role."""
    return get_object_or_404(ImportBatch.objects.select_related("created_by"), pk=batch_id)


def _get_unsure_item_for_user(request: HtmxHttpRequest, item_id: int) -> ImportItem:
    return get_object_or_404(
        ImportItem.objects.select_related("batch"), pk=item_id, status=ImportItem.Status.UNSURE
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION, raise_exception=True)
def import_files(request: HtmxHttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        # Each file is stored (a row of one COPY) before the next is read, so the request
        # holds one file in memory, not the upload; background workers import them.
        batch, _n_files = store_batch(
            iter_uploads(form.cleaned_data["files"]), user=request.user, via="web"
        )
        return redirect(batch)
    batches = ImportBatch.objects.select_related("created_by").order_by("-created_at", "-id")
    batches = batches.annotate(
        n_files=Count("items"),
        n_imported=Count("items", filter=Q(items__status=ImportItem.Status.IMPORTED)),
        n_rejected=Count("items", filter=Q(items__status=ImportItem.Status.REJECTED)),
        n_similar=Count("items", filter=Q(items__status=ImportItem.Status.SIMILAR)),
    )
    page = Paginator(batches, BATCHES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "articles/importing/import_files.html", {"form": form, "page": page})


def _progress(batch: ImportBatch) -> dict:
    """Counts by status, from the database: one query whoever is watching."""
    counts = dict.fromkeys(ImportItem.Status.values, 0)
    counts.update(batch.items.values_list("status").annotate(n=Count("id")).order_by())
    total = sum(counts.values())
    return {
        "batch": batch,
        "counts": counts,
        "total": total,
        "done": total - counts[ImportItem.Status.PENDING],
        "pending": counts[ImportItem.Status.PENDING] > 0,
        "indexing": Article.objects.filter(
            import_items__batch=batch, indexed_at__isnull=True
        ).exists(),
    }


def _batch_context(batch: ImportBatch) -> dict:
    items = list(
        batch.items.select_related("article", "article__near_duplicate_of")
        .defer("held_data", "article__raw_text", "article__body", "article__shingle_sketch")
        .order_by("position")
    )
    return {**_progress(batch), "items": items}


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def import_batch(request: HtmxHttpRequest, batch_id: int) -> HttpResponse:
    batch = _get_batch_for_user(request, batch_id)
    return render(request, "articles/importing/import_batch.html", _batch_context(batch))


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def batch_progress(request: HtmxHttpRequest, batch_id: int) -> HttpResponse:
    """The counts of a batch that workers are importing; htmx polls it while files wait.
    When the last file is done, the whole page reloads to list every result."""
    batch = _get_batch_for_user(request, batch_id)
    context = _progress(batch)
    if request.htmx and not context["pending"] and request.GET.get("was") == "pending":
        return HttpResponseClientRefresh()
    return render(request, "articles/importing/import_batch.html#progress", context)


@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION, raise_exception=True)
def pick_encoding(request: HtmxHttpRequest, item_id: int) -> HttpResponse:
    """A file whose encoding was a guess: preview it in another encoding, then import."""
    item = _get_unsure_item_for_user(request, item_id)
    data = request.POST if request.method == "POST" else request.GET
    form = EncodingForm(data if "encoding" in data else None, initial={"encoding": item.encoding})
    encoding = form.cleaned_data["encoding"] if form.is_valid() else item.encoding or "utf-8"
    if request.method == "POST" and form.is_valid():
        retry_with_encoding(item, encoding, user=request.user)
        return redirect(item.batch)
    context = {"item": item, "form": form, "preview": preview(item, encoding)}
    if request.htmx:
        return render(request, "articles/importing/pick_encoding.html#preview", context)
    return render(request, "articles/importing/pick_encoding.html", context)


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def decide_similar(request: HtmxHttpRequest, item_id: int) -> HttpResponse:
    """A file like an article of the same outlet: update that article with its text (a
    new version, tags carried over) or import it as a new article, as the Admin chose."""
    item = get_object_or_404(ImportItem.objects.select_related("batch", "article"), pk=item_id)
    form = SimilarFileForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("اختر: تحديث المقال المشابه أو استيراد مقال جديد."))
    update = form.cleaned_data["choice"] == SimilarFileForm.UPDATE
    if update and not request.user.has_perm("articles.correct_article"):
        raise PermissionDenied
    try:
        if update:
            similar.update_article(
                item.pk, user=request.user, from_version=form.cleaned_data["version"]
            )
        else:
            similar.import_as_new(item.pk, user=request.user)
    except similar.Decided as decided:
        return _refused(
            request,
            item,
            _("قُرّر أمر هذا الملف من قبل (%(status)s): لم يتغيّر شيء.")
            % {"status": decided.item.get_status_display()},
        )
    except revisions.StaleBody as stale:
        return _refused(
            request,
            item,
            _(
                "تغيّر نص المقال المشابه (صار النسخة %(n)s) بعد أن فتحت هذه الصفحة: لم يتغيّر "
                "شيء. راجعه ثم قرّر من جديد."
            )
            % {"n": stale.article.body_version},
        )
    except ValidationError as error:
        return _refused(request, item, " ".join(error.messages), status=422)
    item.refresh_from_db(fields=["status", "reason"])
    messages.success(request, f"{item.filename}: {item.reason or item.get_status_display()}")
    return redirect(item.batch)


def _refused(
    request: HtmxHttpRequest, item: ImportItem, message: str, status: int = 409
) -> HttpResponse:
    """A decision that cannot be applied: the batch page again, with why, and nothing done."""
    messages.error(request, message)
    context = _batch_context(item.batch)
    return render(request, "articles/importing/import_batch.html", context, status=status)


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def raw_article(request: HtmxHttpRequest, article_id: int) -> HttpResponse:
    """The file as it came in, escaped, with the lines the clean-up removed marked, and one
    button per line to teach the outlet's clean-up (furniture / story / undo)."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    context = _raw_context(article)
    # The file is the latest one the text was cleaned from (an update brings a newer one);
    # the earlier files stay on their versions.
    files = list(
        article.revisions.exclude(raw_text="")
        .only("number", "kind", "filename", "created_at")
        .order_by("-number")
    )
    context["file_version"] = files[0].number if files else 1
    context["earlier_files"] = files[1:]
    return render(request, "articles/importing/raw_article.html", context)


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def revision_file(request: HtmxHttpRequest, article_id: int, number: int) -> StreamingHttpResponse:
    """The file one version of the text was cleaned from, as plain text (404 for a
    version typed on the page)."""
    with_file = ArticleRevision.objects.exclude(raw_text="").only("raw_text")
    revision = get_object_or_404(with_file, article_id=article_id, number=number)
    data = [revision.raw_text.encode()]
    response = StreamingHttpResponse(data, content_type="text/plain; charset=utf-8")
    filename = f"article-{article_id}-v{number}-file.txt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def correct_line(request: HtmxHttpRequest, article_id: int, number: int) -> HttpResponse:
    """Mark one raw line as the outlet's furniture or as story; the outlet's untagged
    articles are cleaned again at once."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    text = _raw_line(article, number)
    form = LineCorrectionForm(request.POST)
    if article.source is None or not form.is_valid() or not line_key(text):
        return HttpResponseBadRequest(
            _("لا يمكن تعليم هذا السطر: المقال بلا مصدر أو السطر فارغ أو النوع غير معروف.")
        )
    OutletRule.objects.update_or_create(
        source=article.source,
        key=line_key(text),
        defaults={"kind": form.cleaned_data["kind"], "text": text[:1000], "added_by": request.user},
    )
    outcome = reclean_outlet(article.source)
    return _after_correction(request, article, outcome)


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def undo_line(request: HtmxHttpRequest, article_id: int, number: int) -> HttpResponse:
    """Forget the outlet's rule for one raw line and clean its untagged articles again."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    text = _raw_line(article, number)
    if article.source is not None:
        OutletRule.objects.filter(source=article.source, key=line_key(text)).delete()
        outcome = reclean_outlet(article.source)
    else:
        outcome = Recleaned(0, 0)
    return _after_correction(request, article, outcome)


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def import_second_story(request: HtmxHttpRequest, article_id: int) -> HttpResponse:
    """Import the second full article printed in this article's file as its own article,
    linked to this one and, unless its text names another, from the same outlet."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    lines = _second_story_lines(article)
    if not lines:
        messages.error(request, _("لا يحمل ملف هذا المقال خبراً ثانياً."))
        return redirect("raw_article", article_id=article.pk)
    raw = "\n".join(article.raw_text.split("\n")[lines[0] - 1 : lines[1]])
    name = f"{article.original_filename} (2)"
    with transaction.atomic():
        result = Importer(user=request.user).import_bytes(name, raw.encode())
        second = result.article if result.status == IMPORTED else None
        if second is not None:
            Article.objects.filter(pk=second.pk).update(
                split_from=article, source=second.source or article.source
            )
    if second is not None:
        messages.success(request, _("استُورد الخبر الثاني مقالاً مستقلاً."))
        return redirect("raw_article", article_id=second.pk)
    messages.error(request, result.reason or _("لم يُستورد الخبر الثاني."))
    return redirect("raw_article", article_id=article.pk)


def _second_story_lines(article: Article) -> tuple[int, int] | None:
    found = [e for e in article.removed_lines if e.get("rule") == "second_story"]
    return (found[0]["first"], found[-1]["last"]) if found else None


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def outlet_rules(request: HtmxHttpRequest, source_id: int) -> HttpResponse:
    """What one outlet's clean-up has learned, who taught it, and what waits."""
    source = get_object_or_404(Source, pk=source_id)
    articles = Article.objects.filter(source=source)
    return render(
        request,
        "articles/importing/outlet_rules.html",
        {
            "source": source,
            "rules": source.rules.select_related("added_by"),
            "seen_lines": source.seen_lines.count(),
            "articles": articles.count(),
            "untagged": untagged(articles).count(),
        },
    )


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def delete_outlet_rule(request: HtmxHttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(OutletRule.objects.select_related("source"), pk=rule_id)
    source = rule.source
    rule.delete()
    outcome = reclean_outlet(source)
    messages.success(request, _outcome_text(outcome))
    return redirect("outlet_rules", source_id=source.pk)


def _raw_line(article: Article, number: int) -> str:
    lines = article.raw_text.split("\n")
    if not 1 <= number <= len(lines):
        raise Http404(_("لا يوجد سطر بهذا الرقم."))
    return strip_invisible(lines[number - 1]).strip()


def _after_correction(
    request: HtmxHttpRequest, article: Article, outcome: Recleaned
) -> HttpResponse:
    article.refresh_from_db()
    if request.htmx:
        context = _raw_context(article)
        context["outcome"] = _outcome_text(outcome)
        return render(request, "articles/importing/_raw_lines.html", context)
    messages.success(request, _outcome_text(outcome))
    return redirect("raw_article", article_id=article.pk)


def _outcome_text(outcome: Recleaned) -> str:
    text = _("أُعيد تنظيف %(n)s مقالاً من هذا المصدر.") % {"n": outcome.recleaned}
    if outcome.waiting:
        text += " " + _("%(n)s مقالاً فيها وسوم لم يُمسّ نصها: تنتظر مراجعات المقالات.") % {
            "n": outcome.waiting
        }
    return text


def _raw_context(article: Article) -> dict:
    removed: dict[int, str] = {}
    edited: dict[int, list[str]] = {}
    for entry in article.removed_lines:
        for number in range(entry["first"], entry["last"] + 1):
            if entry["rule"] in ("hashtag", "invisible", "glued"):
                edited.setdefault(number, []).append(entry["rule"])
            else:
                removed[number] = entry["rule"]
    learned: dict[str, str] = {}
    if article.source_id:
        learned = dict(
            OutletRule.objects.filter(source_id=article.source_id).values_list("key", "kind")
        )
    lines = []
    for number, text in enumerate(article.raw_text.split("\n"), start=1):
        key = line_key(strip_invisible(text)) if text.strip() else ""
        lines.append(
            {
                "number": number,
                "text": _visible(text),
                "rule": removed.get(number, ""),
                "rule_label": RULE_LABELS.get(removed.get(number, ""), ""),
                "edits": [RULE_LABELS.get(rule, rule) for rule in edited.get(number, [])],
                "learned": learned.get(key, "") if key else "",
                "markable": bool(key and article.source_id),
            }
        )
    tagged = not untagged(Article.objects.filter(pk=article.pk)).exists()
    return {
        "article": article,
        "lines": lines,
        "tagged": tagged,
        "second_story": _second_story_lines(article),
        "split_articles": list(article.split_articles.only("id", "title")),
    }


def _visible(text: str) -> str:
    """Bidi controls shown as their code (they would otherwise reorder the line)."""
    if not any(ord(ch) in INVISIBLE for ch in text):
        return text
    return "".join(f"⟦U+{ord(ch):04X}⟧" if ord(ch) in INVISIBLE else ch for ch in text)
