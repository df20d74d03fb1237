"""The API's routes. Each one validates its input with the page's form, looks its object
up with the page's access helper, calls the same function the page calls, and checks the
same permission (articles/roles.py)."""

# No `from __future__ import annotations`: django-ninja reads the parameter annotations
# at import time to build the request schemas.
from collections.abc import Iterable
from typing import cast

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Status
from ninja.files import UploadedFile

from articles import reviewing, tagging
from articles.api import schemas
from articles.api.main import ApiRequest, InvalidInput, api, form_errors, role
from articles.claims import claimreview, linking
from articles.exporting import FORMATS
from articles.forms import (
    ArticleFilterForm,
    ClaimReviewFilterForm,
    ReviewForm,
    SaveSetForm,
    TagCreateForm,
    TagEditForm,
    TagFilterForm,
    TagVersionForm,
)
from articles.importing.pipeline import process_pending
from articles.importing.uploads import Incoming, iter_uploads, store_batch
from articles.models import (
    ClaimGroup,
    ImportItem,
    StaleTag,
    Tag,
    TagEvent,
    TagSet,
    Via,
)
from articles.quotes import speakers
from articles.search.article_filter import filter_articles
from articles.search.tag_filter import as_querydict, filter_tags, stored_filters
from articles.team import layers
from articles.views.claims import get_claim_group
from articles.views.exports import download_set_response, get_tagset_for_user, sets_with_sizes
from articles.views.reading import get_article_for_user
from articles.views.review import get_tag_for_reviewer

MAX_PAGE_SIZE = 200


class PageForm(forms.Form):
    page = forms.IntegerField(min_value=1, required=False)
    page_size = forms.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False)


def _query_parameters(*form_classes) -> dict:
    """OpenAPI parameters from the forms that validate the query string, so the docs list
    exactly what the filters accept."""
    parameters = []
    for form_class in form_classes:
        for name, field in form_class.base_fields.items():
            schema: dict = {"type": "string"}
            if isinstance(field, forms.ModelChoiceField | forms.IntegerField):
                schema = {"type": "integer"}
            elif isinstance(field, forms.ChoiceField):
                choices = cast(Iterable[tuple[str, str]], field.choices)
                schema["enum"] = [value for value, _label in choices if value]
            elif isinstance(field, forms.DateField):
                schema["format"] = "date"
            elif isinstance(field, forms.BooleanField):
                schema = {"type": "boolean"}
            many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
            if many or "Ids" in type(field).__name__:
                schema = {"type": "array", "items": schema}
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "schema": schema,
                    "description": str(field.label or ""),
                }
            )
    return {"parameters": parameters}


def _valid(form, *, status: int = 422) -> dict:
    if not form.is_valid():
        raise InvalidInput(form_errors(form), status=status)
    return form.cleaned_data


def _valid_query(form) -> dict:
    return _valid(form, status=400)


def _paginate(request: ApiRequest, items, default_size: int = 50):
    paging = _valid_query(PageForm(request.GET))
    return Paginator(items, paging["page_size"] or default_size).get_page(paging["page"] or 1)


def _tags():
    return Tag.objects.for_tag_table()


def _tag_in_any_layer(tag_id: int) -> Tag:
    return get_object_or_404(Tag.all_layers.for_tag_table(), pk=tag_id)


def _visible_tag(request: ApiRequest, tag_id: int) -> Tag:
    """A tag of the final layer or of the caller's own blind layer: another editor's layer
    is a 404, as on the pages (adjudicating reviewers excepted)."""
    tag = _tag_in_any_layer(tag_id)
    if not layers.may_see_tag(request.user, tag):
        raise Http404
    return tag


def _writable_tag(request: ApiRequest, tag_id: int) -> Tag:
    """A tag the caller may change: in the layer they write to on its article (their own
    while they tag it blind, else the final one), as on the pages."""
    tag = _visible_tag(request, tag_id)
    if tag.annotator_id != layers.writing_layer(request.user, tag.article):
        raise PermissionDenied
    return Tag.all_layers.select_related("article").get(pk=tag.pk)


def _conflict(current: Tag | None) -> Status:
    if current is None:
        return Status(409, {"detail": _("حذف محرر آخر هذا الوسم."), "current": None})
    current = _tag_in_any_layer(current.pk)
    detail = _("حفظ محرر آخر هذا الوسم قبلك؛ لم يُحفظ شيء. هذه حالته الآن.")
    return Status(409, {"detail": detail, "current": schemas.tag_data(current)})


# --- Articles ---------------------------------------------------------------------------


@api.get(
    "/v1/articles",
    url_name="article_list",
    auth=role("articles.view_article"),
    response=schemas.ArticlePage,
    openapi_extra=_query_parameters(ArticleFilterForm, PageForm),
    tags=["articles"],
)
def list_articles(request: ApiRequest):
    """Articles with the list page's filters and Arabic search (title matches first)."""
    data = _valid_query(ArticleFilterForm(request.GET))
    page = _paginate(request, filter_articles(data))
    return schemas.page_of(page, [schemas.article_data(article) for article in page])


@api.get(
    "/v1/articles/{int:article_id}",
    url_name="article_detail",
    auth=role("articles.view_article"),
    response=schemas.ArticleDetail,
    tags=["articles"],
)
def get_article(request: ApiRequest, article_id: int):
    """One article with its body and every tag on it, in reading order."""
    article = get_article_for_user(request, article_id)
    # The layer the caller tags on this article: their own blind one, else the final one.
    layer = layers.writing_layer(request.user, article)
    tags = layers.tags_in_layer(article, layer).select_related("created_by")
    tags = tags.order_by("start", "-end", "id")
    return {
        **schemas.article_data(article),
        "body": article.body,
        "tags": map(schemas.tag_data, tags),
    }


def _import(request: ApiRequest, incoming: Iterable[Incoming]) -> dict:
    """The page's import: one batch, every file through the same pipeline, same verdicts."""
    # Imported here, not by a worker: the response reports each file's verdict.
    batch, _n_files = store_batch(incoming, user=request.user, via=Via.API, queue_import=False)
    # One file per step: a request never holds more than one file's import.
    while process_pending(batch, limit=1, user=request.user):
        pass
    items = batch.items.select_related("article").order_by("position")
    files = [
        {
            "name": item.filename,
            "status": item.status,
            "reason": item.reason,
            "encoding": item.encoding,
            "article": item.article_id,
            "near_duplicate_of": item.article.near_duplicate_of_id if item.article else None,
        }
        for item in items
    ]
    counts = dict.fromkeys(ImportItem.Status.values, 0)
    for item in items:
        counts[item.status] += 1
    return {"batch": batch.pk, "counts": counts, "files": files}


@api.post(
    "/v1/articles/import",
    url_name="import_files",
    auth=role("articles.import_articles"),
    response={200: schemas.ImportOut, 422: schemas.Error},
    tags=["articles"],
)
def import_files(request: ApiRequest, files: File[list[UploadedFile]]):
    """Upload .txt files or .zip archives (multipart, field `files`, repeat it for many):
    one result per file, as on the import page: imported, duplicate, rejected (with the
    reason), unsure (the encoding needs a person: pick it on the batch page) or similar
    (a near copy of `article`, from the same outlet: update it or import the file as a new
    article on the batch page)."""
    return _import(request, iter_uploads(files))


@api.post(
    "/v1/articles/import/texts",
    url_name="import_texts",
    auth=role("articles.import_articles"),
    response={200: schemas.ImportOut, 422: schemas.Error},
    tags=["articles"],
)
def import_texts(request: ApiRequest, payload: schemas.TextsIn):
    """Texts in a JSON body (`{"texts": [{"name": "a.txt", "text": "…"}]}`): each one is
    imported as a UTF-8 file of that name would be."""
    incoming = [Incoming(item.name, item.text.encode("utf-8")) for item in payload.texts]
    return _import(request, incoming)


# --- Tags -------------------------------------------------------------------------------


@api.get(
    "/v1/tags",
    url_name="tag_list",
    auth=role("articles.view_tag"),
    response=schemas.TagPage,
    openapi_extra=_query_parameters(TagFilterForm, PageForm),
    tags=["tags"],
)
def list_tags(request: ApiRequest):
    """Tags with the tag list's filters (repeat a parameter for several values)."""
    data = _valid_query(TagFilterForm(request.GET))
    page = _paginate(request, filter_tags(_tags(), data).order_by("id"))
    return schemas.page_of(page, [schemas.tag_data(tag) for tag in page])


@api.post(
    "/v1/tags",
    url_name="tag_create",
    auth=role("articles.add_tag"),
    response={201: schemas.TagOut, 404: schemas.Error, 422: schemas.Error},
    tags=["tags"],
)
@transaction.atomic
def create_tag(request: ApiRequest, payload: schemas.TagIn):
    """Tag a passage: code-point offsets and the exact text there, checked as in the
    browser (a mismatch is refused, nothing stored)."""
    article = get_article_for_user(request, payload.article)
    data = _valid(TagCreateForm(payload.dict(), article=article))
    try:
        tag = tagging.create_tag(
            article=article,
            user=request.user,
            kind=data["kind"],
            start=data["start"],
            end=data["end"],
            note=payload.note,
            speaker=payload.speaker,
            annotator_id=layers.writing_layer(request.user, article),
            via=Via.API,
        )
    except ValidationError as error:
        raise InvalidInput({"__all__": error.messages}) from None
    return Status(201, schemas.tag_data(_tag_in_any_layer(tag.pk)))


@api.get(
    "/v1/tags/{int:tag_id}",
    url_name="tag_detail",
    auth=role("articles.view_tag"),
    response=schemas.TagOut,
    tags=["tags"],
)
def get_tag(request: ApiRequest, tag_id: int):
    return schemas.tag_data(_visible_tag(request, tag_id))


@api.patch(
    "/v1/tags/{int:tag_id}",
    url_name="tag_update",
    auth=role("articles.change_tag"),
    response={200: schemas.TagOut, 409: schemas.Conflict, 422: schemas.Error},
    tags=["tags"],
)
@transaction.atomic
def update_tag(request: ApiRequest, tag_id: int, payload: schemas.TagUpdate):
    """Edit from `version`. If someone saved since, nothing is written: 409 with the tag
    as it is now (re-apply your change on its version)."""
    tag = _writable_tag(request, tag_id)
    change = payload.dict(exclude_none=True)
    values = {"kind": tag.kind, "note": tag.note, "speaker": tag.speaker, **change}
    data = _valid(TagEditForm(values, tag=tag))
    start, end = tag.start, tag.end
    if "start" in change or "end" in change:
        span = {"kind": data["kind"], "start": tag.start, "end": tag.end, **change}
        checked = _valid(TagCreateForm(span, article=tag.article))
        start, end = checked["start"], checked["end"]
    try:
        tagging.update_tag(
            tag=tag,
            version=data["version"],
            user=request.user,
            kind=data["kind"],
            note=data["note"],
            speaker=data["speaker"],
            start=start,
            end=end,
            via=Via.API,
        )
    except StaleTag as stale:
        return _conflict(stale.current)
    except ValidationError as error:
        raise InvalidInput({"__all__": error.messages}) from None
    return Status(200, schemas.tag_data(_tag_in_any_layer(tag.pk)))


@api.delete(
    "/v1/tags/{int:tag_id}",
    url_name="tag_delete",
    auth=role("articles.delete_tag"),
    response={204: None, 400: schemas.Error, 409: schemas.Conflict},
    openapi_extra={
        "parameters": [
            {"name": "version", "in": "query", "required": True, "schema": {"type": "integer"}}
        ]
    },
    tags=["tags"],
)
@transaction.atomic
def delete_tag(request: ApiRequest, tag_id: int):
    """Delete the tag as of `version` (a query parameter); it can be restored on the page."""
    tag = _writable_tag(request, tag_id)
    data = _valid_query(TagVersionForm(request.GET))
    try:
        tagging.delete_tag(tag=tag, version=data["version"], user=request.user, via=Via.API)
    except StaleTag as stale:
        return _conflict(stale.current)
    return Status(204, None)


@api.get(
    "/v1/tags/{int:tag_id}/history",
    url_name="tag_history",
    auth=role("articles.view_tag"),
    response=list[schemas.TagEventOut],
    tags=["tags"],
)
def tag_history(request: ApiRequest, tag_id: int):
    """Every create, edit, delete and restore, oldest first; `via` says page or API."""
    events = TagEvent.objects.filter(tag_id=tag_id).select_related("user").order_by("at", "id")
    found = [schemas.event_data(event) for event in events]
    if not found or not layers.may_see_history(request.user, events[0]):
        raise Http404
    return found


@api.post(
    "/v1/tags/{int:tag_id}/review",
    url_name="tag_review",
    auth=role("articles.review_tag"),
    response={200: schemas.TagOut, 409: schemas.Conflict, 422: schemas.Error},
    tags=["review"],
)
@transaction.atomic
def review_tag(request: ApiRequest, tag_id: int, payload: schemas.ReviewIn):
    """Accept or reject (or send back to pending) the tag as of `version`, with a comment."""
    tag = get_tag_for_reviewer(request, tag_id)
    values = {"state": payload.decision, "version": payload.version, "comment": payload.comment}
    data = _valid(ReviewForm(values))
    try:
        reviewing.review(
            tag_id=tag.pk,
            version=data["version"],
            state=data["state"],
            reviewer=request.user,
            comment=data["comment"],
            via=Via.API,
        )
    except StaleTag as stale:
        return _conflict(stale.current)
    return Status(200, schemas.tag_data(_tags().get(pk=tag.pk)))


# --- Sets -------------------------------------------------------------------------------


def _set_data(tagset: TagSet) -> dict:
    return {
        "id": tagset.pk,
        "name": tagset.name,
        "owner": tagset.owner.get_username(),
        "filters": tagset.filters,
        "frozen": tagset.frozen,
        "size": getattr(tagset, "size", None),
        "created_at": tagset.created_at,
    }


@api.get(
    "/v1/sets",
    url_name="set_list",
    auth=role("articles.export_tags"),
    response=list[schemas.TagSetOut],
    tags=["sets"],
)
def list_sets(request: ApiRequest):
    """Every saved set with its current size (the team's datasets)."""
    return [_set_data(tagset) for tagset in sets_with_sizes()]


@api.post(
    "/v1/sets",
    url_name="set_create",
    auth=role("articles.export_tags"),
    response={201: schemas.TagSetOut, 409: schemas.Error, 422: schemas.Error},
    tags=["sets"],
)
@transaction.atomic
def create_set(request: ApiRequest, payload: schemas.TagSetIn):
    """Save a live set from the tag filters (the same names as `GET /v1/tags`)."""
    name = _valid(SaveSetForm({"name": payload.name}))["name"]
    raw = {
        key: value if isinstance(value, list) else [value] for key, value in payload.filters.items()
    }
    querydict = as_querydict(raw)
    unknown = sorted(set(raw) - set(querydict))
    if unknown:
        raise InvalidInput({name: [_("مرشّح غير معروف.")] for name in unknown})
    _valid(TagFilterForm(querydict))
    try:
        with transaction.atomic():
            tagset = TagSet.objects.create(
                name=name, owner=request.user, filters=stored_filters(querydict)
            )
    except IntegrityError:
        return Status(409, {"detail": _("لديك مجموعة بهذا الاسم.")})
    tagset.size = tagset.current_tags().count()
    return Status(201, _set_data(tagset))


@api.get(
    "/v1/sets/{int:set_id}/export",
    url_name="set_export",
    auth=role("articles.export_tags"),
    openapi_extra={
        "parameters": [
            {
                "name": "format",
                "in": "query",
                "schema": {
                    "type": "string",
                    "enum": list(FORMATS),
                },
            }
        ]
    },
    tags=["sets"],
)
def export_set(request: ApiRequest, set_id: int) -> HttpResponseBase:
    """The set's tags as a file, streamed: csv (default), csv-plain, xlsx, jsonl, jsonld."""
    return download_set_response(request, get_tagset_for_user(request, set_id))


# --- Claims and speakers ----------------------------------------------------------------


def _groups():
    """Claim groups as the API shows them: plain rows with their counts."""
    return ClaimGroup.objects.annotate(
        claim_count=Count("claims"),
        outlet_count=Count("claims__article__source", distinct=True),
    ).values("id", "label", "created_at", "claim_count", "outlet_count")


def _group_data(group: dict) -> dict:
    return {
        "id": group["id"],
        "label": group["label"],
        "created_at": group["created_at"],
        "claims": group["claim_count"],
        "outlets": group["outlet_count"],
    }


@api.get(
    "/v1/claims",
    url_name="claim_list",
    auth=role("articles.view_tag"),
    response=schemas.ClaimGroupPage,
    openapi_extra=_query_parameters(PageForm),
    tags=["claims"],
)
def list_claims(request: ApiRequest):
    """Claim groups, newest first: the same claim as carried by several outlets."""
    page = _paginate(request, _groups().order_by("-created_at", "-id"))
    return schemas.page_of(page, [_group_data(group) for group in page])


@api.get(
    "/v1/claims/claimreview",
    url_name="claim_reviews",
    auth=role("articles.view_tag"),
    response=list[dict],
    openapi_extra=_query_parameters(ClaimReviewFilterForm),
    tags=["claims"],
)
def claim_reviews(request: ApiRequest):
    """schema.org ClaimReview (JSON-LD) for every group with a verdict, filtered."""
    return claimreview.filtered_reviews(
        _valid_query(ClaimReviewFilterForm(request.GET)), request.build_absolute_uri
    )


@api.get(
    "/v1/claims/{int:group_id}",
    url_name="claim_detail",
    auth=role("articles.view_tag"),
    response=schemas.ClaimGroupDetail,
    tags=["claims"],
)
def get_claim(request: ApiRequest, group_id: int):
    group = get_claim_group(group_id)
    order = {tag.pk: n for n, tag in enumerate(linking.members(group))}  # by outlet, then date
    members = sorted(_tags().filter(pk__in=order), key=lambda tag: order[tag.pk])
    return {
        **_group_data(_groups().get(pk=group_id)),
        "members": [schemas.tag_data(tag) for tag in members],
    }


@api.get(
    "/v1/claims/{int:group_id}/claimreview",
    url_name="claim_review",
    auth=role("articles.view_tag"),
    response={200: dict, 404: schemas.Error},
    tags=["claims"],
)
def claim_review(request: ApiRequest, group_id: int):
    """The group's ClaimReview (JSON-LD); 404 while none of its claims has a verdict."""
    found = claimreview.claim_reviews(
        ClaimGroup.objects.filter(pk=group_id), request.build_absolute_uri
    )
    if not found:
        raise Http404
    return found[0]


def _speaker_data(group: speakers.Speaker) -> dict:
    return {
        "key": group.key,
        "name": group.name,
        "spellings": [spelling for spelling, _n in group.spelling_counts],
        "quotes": group.quotes,
        "articles": group.articles,
    }


@api.get(
    "/v1/speakers",
    url_name="speaker_list",
    auth=role("articles.view_tag"),
    response=list[schemas.SpeakerOut],
    tags=["speakers"],
)
def list_speakers(request: ApiRequest):
    """Every speaker of a quote tag, spellings folded together (merges applied)."""
    return [_speaker_data(group) for group in speakers.speaker_groups().values()]


@api.get(
    "/v1/speakers/{path:key}/quotes",
    url_name="speaker_quotes",
    auth=role("articles.view_tag"),
    response=schemas.TagPage,
    tags=["speakers"],
)
def speaker_quotes(request: ApiRequest, key: str):
    """The quote tags of one speaker (`key` as listed by `GET /v1/speakers`)."""
    groups = speakers.speaker_groups()
    group = groups.get(speakers.aliases().get(key, key))
    if group is None:
        raise Http404
    quotes = Tag.objects.filter(pk__in=speakers.quotes_of(group).values("pk"))
    page = _paginate(request, quotes.select_related("created_by").order_by("id"))
    return schemas.page_of(page, [schemas.tag_data(tag) for tag in page])
