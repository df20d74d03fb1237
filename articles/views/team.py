"""Working as a team: assignments and "my work", agreement, adjudication, guidelines."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from articles import tagging
from articles.exporting import neutralise
from articles.forms import (
    AdjudicationEditForm,
    AdjudicationEditStartForm,
    AdjudicationForm,
    AssignmentForm,
    GuidelineForm,
    GuidelineVersionForm,
)
from articles.kinds import KINDS
from articles.models import Adjudication, Article, Assignment, Tag, WorkItem
from articles.team import adjudicating, guidelines
from articles.team.agreement_report import assignment_agreement
from articles.team.distribution import distribute
from articles.text.agreement import Span
from articles.views.request import HtmxHttpRequest
from articles.views.responses import speaker_suggestions


def _get_assignment(assignment_id: int) -> Assignment:
    return get_object_or_404(Assignment, pk=assignment_id)


def _get_own_item(request: HtmxHttpRequest, work_item_id: int) -> WorkItem:
    """The editor an item belongs to may mark it, and so may whoever runs assignments."""
    item = get_object_or_404(WorkItem.objects.select_related("assignment"), pk=work_item_id)
    if item.editor_id != request.user.pk and not request.user.has_perm("articles.add_assignment"):
        raise Http404
    return item


def _adjudicated(item_filter: str = "") -> Exists:
    prefix = f"{item_filter}__" if item_filter else ""
    return Exists(
        Adjudication.objects.filter(
            assignment=OuterRef(f"{prefix}assignment"), article=OuterRef(f"{prefix}article")
        )
    )


@require_http_methods(["GET", "POST"])
@permission_required("articles.adjudicate_tags", raise_exception=True)
def assignment_list(request: HtmxHttpRequest) -> HttpResponse:
    form = AssignmentForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("articles.add_assignment"):
            raise PermissionDenied
        if form.is_valid():
            assignment = _create_assignment(form.cleaned_data, request.user)
            return redirect(assignment)
    assignments = Assignment.objects.with_progress()
    status = 422 if form.errors else 200
    context = {"form": form, "assignments": assignments}
    return render(request, "articles/team/assignment_list.html", context, status=status)


def _create_assignment(data: dict, user) -> Assignment:
    editors = list(data["editors"])
    per_article = data["editors_per_article"]
    by_hand = data["hand_plan"]
    automatic = [pk for pk in data["article_ids"] if pk not in by_hand]
    plan = {**distribute(automatic, [e.pk for e in editors], per_article), **by_hand}
    with transaction.atomic():
        assignment = Assignment.objects.create(
            name=data["name"],
            mode=data["mode"],
            editors_per_article=per_article,
            accept_adjudicated=data["accept_adjudicated"],
            created_by=user,
        )
        WorkItem.objects.bulk_create(
            WorkItem(assignment=assignment, article_id=article_id, editor_id=editor_id, position=n)
            for n, (article_id, group) in enumerate(plan.items())
            for editor_id in group
        )
    return assignment


@require_GET
@permission_required("articles.adjudicate_tags", raise_exception=True)
def assignment_detail(request: HtmxHttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _get_assignment(assignment_id)
    per_editor = (
        assignment.items.values("editor__username")
        .annotate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
        .order_by("editor__username")
    )
    articles = (
        Article.objects.filter(work_items__assignment=assignment)
        .annotate(
            editors=Count("work_items", filter=Q(work_items__assignment=assignment)),
            done=Count(
                "work_items",
                filter=Q(work_items__assignment=assignment, work_items__done_at__isnull=False),
            ),
            adjudicated=Exists(
                Adjudication.objects.filter(assignment=assignment, article=OuterRef("pk"))
            ),
        )
        .only("id", "title")
        .order_by("id")
    )
    context = {"assignment": assignment, "per_editor": per_editor, "articles": articles}
    return render(request, "articles/team/assignment_detail.html", context)


@dataclass(frozen=True)
class WorkRow:
    item: WorkItem
    title: str
    state: str  # todo, started, done


@require_GET
@permission_required("articles.add_tag", raise_exception=True)
def my_work(request: HtmxHttpRequest) -> HttpResponse:
    items = list(
        WorkItem.objects.filter(editor=request.user)
        .select_related("assignment")
        .annotate(
            started=Exists(
                Tag.all_layers.filter(article=OuterRef("article"), created_by=request.user)
            ),
            adjudicated=_adjudicated(),
        )
        .defer("assignment__name")
        .order_by("done_at", "assignment_id", "position", "id")
    )
    titles = dict(
        Article.objects.filter(pk__in=[i.article_id for i in items]).values_list("pk", "title")
    )
    rows = [
        WorkRow(
            item=item,
            title=titles.get(item.article_id, ""),
            state="done" if item.done_at else ("started" if item.started else "todo"),
        )
        for item in items
    ]
    return render(request, "articles/team/my_work.html", {"rows": rows})


@require_POST
@permission_required("articles.add_tag", raise_exception=True)
def mark_done(request: HtmxHttpRequest, work_item_id: int) -> HttpResponse:
    item = _get_own_item(request, work_item_id)
    WorkItem.objects.filter(pk=item.pk, done_at__isnull=True).update(done_at=timezone.now())
    return redirect("my_work")


@require_POST
@permission_required("articles.add_tag", raise_exception=True)
def reopen_item(request: HtmxHttpRequest, work_item_id: int) -> HttpResponse:
    item = _get_own_item(request, work_item_id)
    if Adjudication.objects.filter(assignment=item.assignment, article=item.article_id).exists():
        return render(
            request, "articles/team/my_work.html", {"rows": [], "refused": True}, status=409
        )
    WorkItem.objects.filter(pk=item.pk).update(done_at=None)
    return redirect("my_work")


@require_GET
@permission_required("articles.adjudicate_tags", raise_exception=True)
def agreement_page(request: HtmxHttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _get_assignment(assignment_id)
    report = assignment_agreement(assignment)
    labels = {kind.slug: kind.label for kind in KINDS}
    rows = [(row, labels.get(row.kind, "")) for row in report.rows]
    context = {"assignment": assignment, "report": report, "rows": rows}
    return render(request, "articles/team/agreement.html", context)


AGREEMENT_COLUMNS = [
    "pair", "kind", "articles", "exact_f1", "overlap_f1", "tolerant_f1", "alpha",
    "speaker_agreement", "boundary_only_share", "guideline_versions",
]  # fmt: skip


class _Echo:
    def write(self, value: str) -> str:
        return value


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


@require_GET
@permission_required("articles.adjudicate_tags", raise_exception=True)
def agreement_csv(request: HtmxHttpRequest, assignment_id: int) -> StreamingHttpResponse:
    assignment = _get_assignment(assignment_id)
    report = assignment_agreement(assignment)
    versions = " ".join(f"{k or 'general'}:{v}" for k, v in report.guideline_versions.items())
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(AGREEMENT_COLUMNS)
        for row in report.rows:
            r = row.report
            yield writer.writerow(
                [neutralise(row.pair or "all"), row.kind or "all", row.articles]
                + [_figure(x) for x in (r.exact.f1, r.overlap.f1, r.tolerant.f1, r.alpha)]
                + [_figure(r.speaker_agreement), _figure(r.boundary_only_share), versions]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="agreement-{assignment.pk}.csv"'
    return response


LAYER_COLUMNS = ["article_id", "annotator", "kind", "start", "end", "exact", "speaker", "note"]


@require_GET
@permission_required("articles.export_tags", raise_exception=True)
def layers_csv(request: HtmxHttpRequest, assignment_id: int) -> StreamingHttpResponse:
    """Every editor's own layer on the assignment's articles, one row per tag, with the
    editor in an `annotator` column: for researchers measuring agreement themselves."""
    assignment = _get_assignment(assignment_id)
    tags = (
        Tag.all_layers.filter(
            article__work_items__assignment=assignment,
            # In one filter() call: the same work item's editor, not any editor's.
            annotator=F("article__work_items__editor"),
        )
        .values_list("article_id", "annotator__username", *LAYER_COLUMNS[2:])
        .order_by("article_id", "annotator__username", "start", "end", "id")
        .distinct()
    )
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow(LAYER_COLUMNS)
        for row in tags.iterator(chunk_size=2000):
            yield writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="layers-{assignment.pk}.csv"'
    return response


def _board_or_404(
    assignment_id: int, article_id: int
) -> tuple[Assignment, Article, adjudicating.Board]:
    """An independent assignment's article with at least two editors, as the reviewer sees
    it; 404 otherwise."""
    assignment = _get_assignment(assignment_id)
    if not assignment.independent:
        raise Http404
    article = get_object_or_404(
        Article.objects.only("id", "title", "body", "body_version"), pk=article_id
    )
    board = adjudicating.board(assignment, article)
    if board is None:
        raise Http404
    return assignment, article, board


STALE = gettext_lazy(
    "حُسم هذا المقطع أو غيّر أحد المحررين وسومه منذ فتحت الصفحة؛ لم يُكتب شيء. "
    "القائمة أدناه كما هي الآن."
)

STALE_FORM = gettext_lazy(
    "غيّر أحد المحررين وسومه في هذا المقطع منذ فتحت النموذج؛ لم يُحفظ شيء. "
    "أعد تحميل القائمة لترى وسومه الآن؛ ما كتبته باقٍ هنا لتنسخه."
)


def _adjudication_page(
    request: HtmxHttpRequest, assignment, article, board, *, status: int = 200, **extra
) -> HttpResponse:
    context = {"assignment": assignment, "article": article, "board": board, **extra}
    return render(request, "articles/team/adjudicate.html", context, status=status)


def _item_gone(request: HtmxHttpRequest, assignment, article, board) -> HttpResponse:
    """The item was decided, or redrawn by an editor's change, since the page was drawn:
    nothing is written, and the current list says so. An htmx request (the edit form) is
    sent to the page: its fragment has no place for the whole list."""
    if request.htmx:
        messages.error(request, STALE)
        return HttpResponseClientRedirect(
            reverse("adjudicate_article", args=[assignment.pk, article.pk])
        )
    return _adjudication_page(request, assignment, article, board, status=409, stale=STALE)


@require_http_methods(["GET", "POST"])
@permission_required("articles.adjudicate_tags", raise_exception=True)
def adjudicate_article(
    request: HtmxHttpRequest, assignment_id: int, article_id: int
) -> HttpResponse:
    assignment, article, board = _board_or_404(assignment_id, article_id)
    if request.method == "GET":
        return _adjudication_page(request, assignment, article, board)
    form = AdjudicationForm(request.POST)
    if not form.is_valid():
        return _adjudication_page(request, assignment, article, board, status=422, error=True)
    data = form.cleaned_data
    item = board.find(data["item"])
    if item is None or item.state != data["state"]:
        return _item_gone(request, assignment, article, board)
    try:
        decided = adjudicating.decide(
            assignment=assignment,
            article=article,
            item=item,
            choice=data["choice"],
            candidate=data["candidate"],
            user=request.user,
        )
    except ValueError:
        return _adjudication_page(request, assignment, article, board, status=422, error=True)
    except adjudicating.StaleItem:
        return _item_gone(request, assignment, article, board)
    for tag in decided.already_final:
        messages.info(
            request,
            _("«%(exact)s» (%(kind)s) في الطبقة النهائية من قبل: لم يُكتب مرتين.")
            % {"exact": tag.exact, "kind": tag.get_kind_display()},
        )
    return redirect("adjudicate_article", assignment.pk, article.pk)


def _edit_answer(
    request: HtmxHttpRequest, assignment, article, board, item, form, *, status=200, stale=False
) -> HttpResponse:
    """The edit form: alone for htmx (it replaces itself), else in the whole page."""
    start, end = (str(form[name].value() or "") for name in ("start", "end"))
    if start.isdigit() and end.isdigit() and 0 <= int(start) < int(end) <= len(article.body):
        shown = (int(start), int(end))
    else:  # unreadable bounds: the form says why; the passage shows the first candidate
        shown = (item.candidates[0].span.start, item.candidates[0].span.end)
    editing = {
        "item": item,
        "form": form,
        "stale": STALE_FORM if stale else "",
        "paragraphs": adjudicating.context(article.body, item, *shown),
        "exact": article.body[shown[0] : shown[1]],
        "speakers": speaker_suggestions(),
    }
    if request.htmx:
        context = {"assignment": assignment, "article": article, "editing": editing}
        return render(request, "articles/team/adjudicate.html#edit-form", context, status=status)
    return _adjudication_page(request, assignment, article, board, status=status, editing=editing)


def _prefilled(article: Article, item: adjudicating.Item, tag: Tag) -> AdjudicationEditForm:
    initial = {"item": item.token, "state": item.state, "kind": tag.kind, "start": tag.start}
    initial |= {"end": tag.end, "exact": tag.exact, "note": tag.note, "speaker": tag.speaker}
    return AdjudicationEditForm(article=article, initial=initial)


@require_http_methods(["GET", "POST"])
@permission_required("articles.adjudicate_tags", raise_exception=True)
def adjudication_edit(
    request: HtmxHttpRequest, assignment_id: int, article_id: int
) -> HttpResponse:
    """The reviewer writes the span themselves: a form prefilled from one candidate's tag
    (GET `item`, `candidate`), saved into the final layer (POST) as the item's decision."""
    assignment, article, board = _board_or_404(assignment_id, article_id)
    if request.method == "GET":
        start_form = AdjudicationEditStartForm(request.GET)
        if not start_form.is_valid():
            return _adjudication_page(request, assignment, article, board, status=422, error=True)
        wanted = start_form.cleaned_data["item"]
        item = board.find(wanted) if wanted else next(iter(board.items), None)
        if item is None and wanted:
            return _item_gone(request, assignment, article, board)
        if item is None:  # nothing left to decide: the page says so
            return _adjudication_page(request, assignment, article, board)
        number = min(start_form.cleaned_data["candidate"] or 1, len(item.candidates))
        form = _prefilled(article, item, item.candidates[number - 1].tag)
        return _edit_answer(request, assignment, article, board, item, form)
    form = AdjudicationEditForm(request.POST, article=article)
    item = board.find(form["item"].value() or "")
    if item is None:
        return _item_gone(request, assignment, article, board)
    if item.state != (form["state"].value() or ""):
        # An editor changed the item's tags: refused, the reviewer's form kept as typed.
        return _edit_answer(request, assignment, article, board, item, form, status=409, stale=True)
    if not form.is_valid():
        return _edit_answer(request, assignment, article, board, item, form, status=422)
    data = form.cleaned_data
    if data["adjust"]:
        start, end = tagging.adjust_span(article.body, data["start"], data["end"], data["adjust"])
        moved = {**data, "start": start, "end": end, "exact": article.body[start:end], "adjust": ""}
        form = AdjudicationEditForm(article=article, initial=moved)
        return _edit_answer(request, assignment, article, board, item, form)
    edited = adjudicating.Edited(
        Span(data["start"], data["end"], data["kind"], data["speaker"]), note=data["note"]
    )
    try:
        adjudicating.decide(
            assignment=assignment,
            article=article,
            item=item,
            choice=adjudicating.Choice.EDIT,
            edited=edited,
            user=request.user,
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _edit_answer(request, assignment, article, board, item, form, status=422)
    except adjudicating.StaleItem:
        return _item_gone(request, assignment, article, board)
    messages.success(request, _("حُفظ المقطع المحرَّر في الطبقة النهائية."))
    if request.htmx:
        return HttpResponseClientRedirect(
            reverse("adjudicate_article", args=[assignment.pk, article.pk])
        )
    return redirect("adjudicate_article", assignment.pk, article.pk)


def _guideline_kind(kind: str) -> str:
    """The URL slug to the stored kind: "general" is the page for every kind."""
    if kind == guidelines.GENERAL:
        return ""
    if kind not in {k.slug for k in KINDS}:
        raise Http404
    return kind


@require_http_methods(["GET", "POST"])
@permission_required("articles.view_article", raise_exception=True)
def guideline_page(request: HtmxHttpRequest, kind: str) -> HttpResponse:
    stored_kind = _guideline_kind(kind)
    form = GuidelineForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("articles.add_guideline"):
            raise PermissionDenied
        if form.is_valid():
            guidelines.save_version(
                kind=stored_kind, body=form.cleaned_data["body"], user=request.user
            )
            return redirect("guideline_page", kind)
        status = 422
    version_form = GuidelineVersionForm(request.GET)
    version = version_form.cleaned_data["version"] if version_form.is_valid() else None
    shown = guidelines.current(stored_kind, version)
    if shown is None and version is not None:
        raise Http404
    latest = guidelines.current(stored_kind) if version is not None else shown
    if latest is not None and not form.is_bound:
        form = GuidelineForm(initial={"body": latest.body})
    context = {
        "kind": kind,
        "kinds": [(guidelines.GENERAL, _("عام"))] + [(k.slug, k.label) for k in KINDS],
        "shown": shown,
        "html": guidelines.render(shown.body) if shown else "",
        "latest": latest,
        "form": form,
    }
    return render(request, "articles/team/guideline.html", context, status=status)
