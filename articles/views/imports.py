"""Pages for Admins to import files: upload, follow a batch, fix an encoding, audit a clean-up."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.forms import EncodingForm, UploadForm
from articles.importing.pipeline import preview, process_pending, retry_with_encoding
from articles.importing.uploads import read_upload
from articles.models import Article, ImportBatch, ImportItem
from articles.text.cleaning import INVISIBLE
from articles.views.request import HtmxHttpRequest

PERMISSION = "articles.import_articles"
INLINE_FILES = 20  # batches up to this size are imported in the upload request
FILES_PER_POLL = 25  # larger ones, this many per htmx poll (the page shows progress)
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
        batch = ImportBatch.objects.create(created_by=request.user, via="web")
        items: list[ImportItem] = []
        for upload in form.cleaned_data["files"]:
            for incoming in read_upload(upload):
                items.append(
                    ImportItem(
                        batch=batch,
                        position=len(items),
                        filename=incoming.name,
                        status=ImportItem.Status.REJECTED
                        if incoming.reason
                        else ImportItem.Status.PENDING,
                        reason=incoming.reason,
                        held_data=incoming.data,
                    )
                )
        ImportItem.objects.bulk_create(items)
        if len(items) <= INLINE_FILES:
            process_pending(batch, limit=INLINE_FILES, user=request.user)
        return redirect(batch)
    batches = ImportBatch.objects.select_related("created_by").order_by("-created_at", "-id")
    batches = batches.annotate(
        n_files=Count("items"),
        n_imported=Count("items", filter=Q(items__status=ImportItem.Status.IMPORTED)),
        n_rejected=Count("items", filter=Q(items__status=ImportItem.Status.REJECTED)),
    )
    page = Paginator(batches, BATCHES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "articles/importing/import_files.html", {"form": form, "page": page})


def _batch_context(batch: ImportBatch) -> dict:
    items = list(
        batch.items.select_related("article", "article__near_duplicate_of")
        .defer("held_data", "article__raw_text", "article__body", "article__shingle_sketch")
        .order_by("position")
    )
    counts = dict.fromkeys(ImportItem.Status.values, 0)
    for item in items:
        counts[item.status] += 1
    return {
        "batch": batch,
        "items": items,
        "counts": counts,
        "total": len(items),
        "done": len(items) - counts[ImportItem.Status.PENDING],
        "pending": counts[ImportItem.Status.PENDING] > 0,
    }


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def import_batch(request: HtmxHttpRequest, batch_id: int) -> HttpResponse:
    batch = _get_batch_for_user(request, batch_id)
    return render(request, "articles/importing/import_batch.html", _batch_context(batch))


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def process_batch(request: HtmxHttpRequest, batch_id: int) -> HttpResponse:
    """Import the next few waiting files; htmx calls this again until none are left."""
    batch = _get_batch_for_user(request, batch_id)
    process_pending(batch, limit=FILES_PER_POLL, user=request.user)
    if not request.htmx:
        return redirect(batch)
    return render(request, "articles/importing/import_batch.html#results", _batch_context(batch))


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


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def raw_article(request: HtmxHttpRequest, article_id: int) -> HttpResponse:
    """The file as it came in, escaped, with the lines the clean-up removed marked."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    removed: dict[int, str] = {}
    edited: dict[int, list[str]] = {}
    for entry in article.removed_lines:
        for number in range(entry["first"], entry["last"] + 1):
            if entry["rule"] in ("hashtag", "invisible"):
                edited.setdefault(number, []).append(entry["rule"])
            else:
                removed[number] = entry["rule"]
    lines = [
        {
            "number": number,
            "text": _visible(text),
            "rule": removed.get(number, ""),
            "rule_label": RULE_LABELS.get(removed.get(number, ""), ""),
            "edits": [RULE_LABELS.get(rule, rule) for rule in edited.get(number, [])],
        }
        for number, text in enumerate(article.raw_text.split("\n"), start=1)
    ]
    return render(
        request, "articles/importing/raw_article.html", {"article": article, "lines": lines}
    )


def _visible(text: str) -> str:
    """Bidi controls shown as their code (they would otherwise reorder the line)."""
    if not any(ord(ch) in INVISIBLE for ch in text):
        return text
    return "".join(f"⟦U+{ord(ch):04X}⟧" if ord(ch) in INVISIBLE else ch for ch in text)
