"""The export page: filter tags, preview them, save and freeze sets, download files."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles import exporting
from articles.exporting import FORMATS
from articles.forms import FormatForm, PrepareExportForm, SaveSetForm, TagFilterForm
from articles.jobs import prepared_exports as preparing
from articles.jobs import queue
from articles.models import PreparedExport, Tag, TagSet, WebhookEndpoint
from articles.search.tag_filter import (
    as_querydict,
    filter_tags,
    stored_filters,
)
from articles.views.request import HtmxHttpRequest
from articles.webhooks import delivery
from newsdesk.replica import reads_from_replica

PREVIEW_ROWS = 10


def get_tagset_for_user(request: HttpRequest, set_id: int, *, write: bool = False) -> TagSet:
    """Every exporter sees and downloads every set (they are the team's datasets); only
    the owner or an Admin (change_tagset) changes one. The page and the API look sets up here."""
    tagset = get_object_or_404(TagSet.objects.select_related("owner"), pk=set_id)
    if (
        write
        and tagset.owner_id != request.user.pk
        and not request.user.has_perm("articles.change_tagset")
    ):
        raise PermissionDenied
    return tagset


def sets_with_sizes() -> Sequence[TagSet]:
    """All sets with their current size, in two queries whatever their number: frozen
    sets count their list, live sets are counted together in one conditional aggregate."""
    tagsets = list(
        TagSet.objects.select_related("owner")
        .annotate(n_frozen=Count("frozen_rows"))
        .order_by("-created_at", "-id")
    )
    live = [tagset for tagset in tagsets if not tagset.frozen]
    sizes = (
        Tag.objects.aggregate(**{f"set_{s.pk}": Count("pk", filter=s.filter_q()) for s in live})
        if live
        else {}
    )
    for tagset in tagsets:
        tagset.size = tagset.n_frozen if tagset.frozen else sizes[f"set_{tagset.pk}"]
    return tagsets


@require_GET
@permission_required("articles.export_tags", raise_exception=True)
def export_page(request: HtmxHttpRequest) -> HttpResponse:
    form = TagFilterForm(request.GET)
    context = {
        "form": form,
        "formats": FORMATS,
        "save_form": SaveSetForm(),
        # Formats built by a worker once a set reaches PREPARED_EXPORT_MIN_ROWS tags.
        "prepared_formats": exporting.PREPARED_FORMATS,
        "prepare_from": settings.PREPARED_EXPORT_MIN_ROWS,
    }
    status = 200
    if form.is_valid():
        tags = filter_tags(Tag.objects.all(), form.cleaned_data)
        context["count"] = tags.count()
        context["preview"] = tags.select_related(
            "article__source", "created_by", "reviewed_by"
        ).order_by("id")[:PREVIEW_ROWS]
        filters = stored_filters(request.GET)
        context["filters"] = filters
        context["querystring"] = as_querydict(filters).urlencode()
    else:
        status = 400
    if request.htmx and request.htmx.target == "preview":
        return render(request, "articles/exports/export_page.html#preview", context, status=status)
    context["tagsets"] = sets_with_sizes()
    return render(request, "articles/exports/export_page.html", context, status=status)


def download_response(
    request: HttpRequest, tags, *, name: str, label: str, frozen: TagSet | None = None
) -> HttpResponseBase:
    """The tags of `tags` as a file (a page's download and the API's); a frozen set's from
    the rows stored when it was frozen."""
    form = FormatForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("صيغة غير معروفة."))
    fmt = form.cleaned_data["format"] or "csv"
    _label, extension, content_type = FORMATS[fmt]
    base = request.build_absolute_uri(reverse("article_list"))
    filename = f"{name}-{timezone.localdate().isoformat()}.{extension}"
    records = exporting.export_records(tags, frozen=frozen, article_url_base=base)
    body = exporting.export_file(
        fmt,
        tags,
        records,
        frozen=frozen is not None,
        article_url_base=base,
        label=label,
        collection_id=request.build_absolute_uri(),
    )
    response: HttpResponseBase
    if fmt == "xlsx":
        response = FileResponse(body, content_type=content_type)
    else:
        response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, _safe_filename(filename))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _safe_filename(name: str) -> str:
    """A file name from a set name: no path separators, control or bidi characters."""
    cleaned = "".join(
        "-"
        if char in '/\\:*?"<>|'
        or ord(char) < 32
        or char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        else char
        for char in name
    )
    return cleaned.strip(" .") or "tags"


@require_GET
@permission_required("articles.export_tags", raise_exception=True)
@reads_from_replica
def download_tags(request: HtmxHttpRequest) -> HttpResponseBase:
    """The current filter, without saving a set."""
    form = TagFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("مرشّح غير صالح."))
    tags = filter_tags(Tag.objects.all(), form.cleaned_data)
    return download_response(request, tags, name=_("وسوم"), label=_("وسوم"))


@require_GET
@permission_required("articles.export_tags", raise_exception=True)
@reads_from_replica
def download_set(request: HtmxHttpRequest, set_id: int) -> HttpResponseBase:
    return download_set_response(request, get_tagset_for_user(request, set_id))


def download_set_response(request: HttpRequest, tagset: TagSet) -> HttpResponseBase:
    """A saved set's file, and the record that it was exported (its date, and the webhook
    event): the page and the API download a set through here, so both are announced."""
    frozen = tagset if tagset.frozen else None  # a frozen set's files come from its rows
    response = download_response(
        request, tagset.current_tags(), name=tagset.name, label=tagset.name, frozen=frozen
    )
    if response.status_code == 200:
        with transaction.atomic():
            TagSet.objects.filter(pk=tagset.pk).update(last_exported_at=timezone.now())
            delivery.record(
                WebhookEndpoint.Event.SET_EXPORTED,
                {"set_id": tagset.pk, "name": tagset.name, "user": request.user.get_username()},
            )
    return response


@require_GET
@permission_required("articles.export_tags", raise_exception=True)
def export_format_doc(request: HtmxHttpRequest) -> HttpResponse:
    """docs/export-format.md, as plain text, linked from the export page."""
    text = (settings.BASE_DIR / "docs" / "export-format.md").read_text(encoding="utf-8")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@require_POST
@permission_required("articles.export_tags", raise_exception=True)
def save_set(request: HtmxHttpRequest) -> HttpResponse:
    save_form = SaveSetForm(request.POST)
    filter_form = TagFilterForm(request.POST)
    if not (save_form.is_valid() and filter_form.is_valid()):
        messages.error(request, _("تعذّر حفظ المجموعة: تحقّق من الاسم والمرشّح."))
        # Back to the page with the filter only: the form's other fields (the CSRF token
        # among them) never go into a URL.
        querystring = as_querydict(stored_filters(request.POST)).urlencode()
        return redirect(reverse("export_page") + "?" + querystring)
    try:
        with transaction.atomic():
            TagSet.objects.create(
                name=save_form.cleaned_data["name"],
                owner=request.user,
                filters=stored_filters(request.POST),
            )
    except IntegrityError:
        messages.error(request, _("لديك مجموعة بهذا الاسم."))
    else:
        messages.success(request, _("حُفظت المجموعة."))
    return redirect("export_page")


@require_POST
@permission_required("articles.export_tags", raise_exception=True)
def freeze_set(request: HtmxHttpRequest, set_id: int) -> HttpResponse:
    """Fix the set's current tags as its list, in one INSERT … SELECT."""
    tagset = get_tagset_for_user(request, set_id, write=True)
    if not tagset.frozen:
        tagset.freeze()
        messages.success(
            request, _("جُمّدت المجموعة: ملفاتها لن تتغير بعد الآن، مهما عُدّلت وسومها أو حُذفت.")
        )
    return redirect("export_page")


# --- Prepared exports: big files built by a worker, downloaded when ready. ---


def _get_prepared_export_for_user(request: HtmxHttpRequest, export_id: int) -> PreparedExport:
    """A reviewer reaches the exports they asked for; an Admin (view_preparedexport) every
    one. Past its retention period an export is gone, even before the clean-up runs."""
    exports = PreparedExport.objects.kept().select_related("tagset")
    if not request.user.has_perm("articles.view_preparedexport"):
        exports = exports.filter(requested_by=request.user)
    return get_object_or_404(exports, pk=export_id)


@require_http_methods(["GET", "POST"])
@permission_required("articles.export_tags", raise_exception=True)
def prepared_exports(request: HtmxHttpRequest) -> HttpResponse:
    """My prepared exports (GET), or ask for one (POST: a format, and a set or the filter).
    Below PREPARED_EXPORT_MIN_ROWS tags the file downloads at once, as it always did."""
    if request.method == "POST":
        return _prepare_export(request)
    exports = (
        PreparedExport.objects.kept().filter(requested_by=request.user).select_related("tagset")
    )
    context = {"exports": exports, "formats": FORMATS}
    return render(request, "articles/exports/prepared_exports.html", context)


def _prepare_export(request: HtmxHttpRequest) -> HttpResponse:
    form = PrepareExportForm(request.POST)
    filter_form = TagFilterForm(request.POST)
    if not (form.is_valid() and filter_form.is_valid()):
        return HttpResponseBadRequest(_("طلب تصدير غير صالح: صيغة أو مجموعة أو مرشّح غير معروف."))
    fmt, tagset = form.cleaned_data["format"], form.cleaned_data["tagset"]
    filters: dict[str, list[str]] = {}
    if tagset is not None:
        rows = tagset.frozen_rows.count() if tagset.frozen else tagset.current_tags().count()
        direct = reverse("download_set", args=[tagset.pk]) + f"?format={fmt}"
        name = tagset.name
    else:
        filters = stored_filters(request.POST)
        rows = filter_tags(Tag.objects.all(), filter_form.cleaned_data).count()
        querydict = as_querydict(filters)
        querydict["format"] = fmt
        direct = reverse("download_tags") + "?" + querydict.urlencode()
        name = _("وسوم")
    if rows < settings.PREPARED_EXPORT_MIN_ROWS:
        return redirect(direct)
    with transaction.atomic():
        export = PreparedExport.objects.create(
            requested_by=request.user,
            tagset=tagset,
            filters=filters,
            format=fmt,
            name=name,
            # What the direct download would write into the file, from this request.
            article_url_base=request.build_absolute_uri(reverse("article_list")),
            collection_id=request.build_absolute_uri(direct),
            rows_total=rows,
            expires_at=timezone.now() + preparing.retention(),
        )
        queue.defer_prepared_export(export.pk)
    messages.success(request, _("يُعَدّ الملف في الخلفية، ولو أُغلقت الصفحة؛ تجده هنا حين يجهز."))
    return redirect("prepared_exports")


@require_GET
@permission_required("articles.export_tags", raise_exception=True)
def prepared_export_progress(request: HtmxHttpRequest, export_id: int) -> HttpResponse:
    """One export's row, polled by htmx while a worker builds its file."""
    export = _get_prepared_export_for_user(request, export_id)
    context = {"export": export, "formats": FORMATS}
    return render(request, "articles/exports/prepared_exports.html#export-row", context)


@require_POST
@permission_required("articles.export_tags", raise_exception=True)
def retry_prepared_export(request: HtmxHttpRequest, export_id: int) -> HttpResponse:
    export = _get_prepared_export_for_user(request, export_id)
    with transaction.atomic():
        failed = PreparedExport.objects.filter(pk=export.pk, status=PreparedExport.Status.FAILED)
        if failed.update(
            status=PreparedExport.Status.QUEUED,
            error="",
            rows_done=0,
            finished_at=None,
            expires_at=timezone.now() + preparing.retention(),
        ):
            queue.defer_prepared_export(export.pk)
    return redirect("prepared_exports")


@require_GET
@permission_required("articles.export_tags", raise_exception=True)
def download_prepared_export(request: HtmxHttpRequest, export_id: int) -> HttpResponseBase:
    """The stored file, streamed a few megabytes at a time from PostgreSQL."""
    export = _get_prepared_export_for_user(request, export_id)
    if export.status != PreparedExport.Status.READY:
        return HttpResponse(
            _("الملف لم يجهز بعد."), status=409, content_type="text/plain; charset=utf-8"
        )
    _label, extension, content_type = FORMATS[export.format]
    filename = f"{export.name}-{timezone.localdate(export.created_at).isoformat()}.{extension}"
    response = StreamingHttpResponse(preparing.stored_chunks(export), content_type=content_type)
    response["Content-Length"] = str(export.size_bytes)
    response["Content-Disposition"] = content_disposition_header(True, _safe_filename(filename))
    response["X-Content-Type-Options"] = "nosniff"
    return response
