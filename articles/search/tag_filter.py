"""The one tag filter: `filter_tags` over the data of `articles.forms.TagFilterForm`.

Used by the tag list, the review queue and the export page, and stored in saved sets
(`TagSet.filters`). Nothing from the request ever reaches an ORM lookup by name: each
field maps to one fixed lookup below, values are validated by the form (choices,
existing ids, dates).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import QueryDict

from articles.forms import StoredTagFilter
from articles.models import Tag
from articles.search import query
from articles.text.arabic import fold_full

FILTER_FIELDS = (
    "kind",
    "state",
    "source",
    "article",
    "editor",
    "date_on",
    "date_from",
    "date_to",
    "q",
    "speaker",
    "check_worthy",
    "verification",
    "claim_group",
)


def stored_filter_q(stored: dict[str, list[str]]) -> Q:
    form = StoredTagFilter(as_querydict(stored))
    if not form.is_valid():
        return Q(pk__in=[])  # an unreadable saved filter selects nothing, never everything
    return tag_filter_q(form.cleaned_data)


def passage_contains(text: str) -> Q:
    """The text search on the tagged passage, its note and speaker: Arabic folding, stems
    and "quoted phrases", as everywhere else (articles/search/query.py)."""
    return query.matches(query.parse_query(text))


def tag_filter_q(data: dict) -> Q:
    """The condition for cleaned filter data; a Q so several sets can be counted in one
    query (conditional aggregates), not only applied to one queryset."""
    condition = Q()
    if data.get("kind"):
        condition &= Q(kind__in=data["kind"])
    if data.get("state"):
        condition &= Q(review_state__in=data["state"])
    if data.get("source"):
        condition &= Q(article__source__in=data["source"])
    if data.get("article"):
        condition &= Q(article__in=data["article"])
    if data.get("editor"):
        condition &= Q(created_by__in=data["editor"])
    if data.get("date_on") == "tagged":
        if data.get("date_from"):
            condition &= Q(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            condition &= Q(created_at__date__lte=data["date_to"])
    else:
        if data.get("date_from"):
            condition &= Q(article__published_on__gte=data["date_from"])
        if data.get("date_to"):
            condition &= Q(article__published_on__lte=data["date_to"])
    if data.get("q"):
        condition &= passage_contains(data["q"])
    if data.get("speaker"):
        # Folded like the stored key, so "بوتين" and "بُوتين" are one speaker.
        condition &= Q(speaker_key=fold_full(data["speaker"].strip()))
    if data.get("check_worthy"):
        wanted = [value for value in data["check_worthy"] if value != "unset"]
        either = Q(kind="claim", check_worthy__in=wanted)
        if "unset" in data["check_worthy"]:
            either |= Q(kind="claim", check_worthy="")
        condition &= either
    if data.get("verification"):
        condition &= Q(kind="claim", verification__in=data["verification"])
    if data.get("claim_group"):
        condition &= Q(claim_group__in=data["claim_group"])
    return condition


def filter_tags(queryset: QuerySet[Tag], data: dict) -> QuerySet[Tag]:
    """Apply cleaned `TagFilterForm` data to a tag queryset."""
    return queryset.filter(tag_filter_q(data))


def stored_filters(querydict: QueryDict) -> dict[str, list[str]]:
    """The raw filter parameters to save in a set: allow-listed names, non-empty values."""
    stored = {}
    for name in FILTER_FIELDS:
        values = [value for value in querydict.getlist(name) if value.strip()]
        if values:
            stored[name] = values
    return stored


def as_querydict(stored: dict[str, list[str]]) -> QueryDict:
    querydict = QueryDict(mutable=True)
    for name in FILTER_FIELDS:
        for value in stored.get(name, []):
            querydict.appendlist(name, value)
    return querydict
