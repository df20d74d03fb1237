"""The one tag filter: a form whose every parameter is allow-listed, and `filter_tags`.

Used by the review queue and the export page, and stored in saved sets (`TagSet.filters`).
Nothing from the request ever reaches an ORM lookup by name: each field maps to one
fixed lookup below, values are validated by the form (choices, existing ids, dates).
"""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from articles.kinds import KIND_CHOICES
from articles.models import (
    Article,
    CheckWorthy,
    ClaimGroup,
    ReviewState,
    Source,
    Tag,
    Verification,
)
from articles.roles import ADMINS, EDITORS
from articles.search import query

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
    "check_worthy",
    "verification",
    "claim_group",
)

# Claim status filters: "unset" is a claim nobody has judged yet.
CHECK_WORTHY_FILTER = [*CheckWorthy.choices, ("unset", _("لم يُحدَّد"))]


class IdListInput(forms.TextInput):
    """Ids typed as "12, 15" or sent as repeated parameters (`?article=12&article=15`)."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if values is None:
            return []
        if isinstance(values, str):
            values = [values]
        return [part for value in values for part in re.split(r"[\s,،]+", str(value)) if part]

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(getattr(v, "pk", v)) for v in value)
        return super().format_value(value)


class ArticleIdsField(forms.ModelMultipleChoiceField):
    """Articles by id: there can be tens of thousands, too many for a <select>."""

    widget = IdListInput

    def __init__(self, **kwargs):
        super().__init__(queryset=Article.objects.only("id"), **kwargs)
        self.error_messages["invalid_pk_value"] = _("لا يوجد مقال برقم %(pk)s.")
        self.error_messages["invalid_choice"] = _("لا يوجد مقال برقم %(value)s.")


class ClaimGroupIdsField(forms.ModelMultipleChoiceField):
    """Claim groups by id (the number on the group page)."""

    widget = IdListInput

    def __init__(self, **kwargs):
        super().__init__(queryset=ClaimGroup.objects.only("id"), **kwargs)
        self.error_messages["invalid_pk_value"] = _("لا توجد مجموعة ادعاء برقم %(pk)s.")
        self.error_messages["invalid_choice"] = _("لا توجد مجموعة ادعاء برقم %(value)s.")


def _editor_choices() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(Q(groups__name__in=[EDITORS, ADMINS]) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


class TagFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label=_("النوع"), choices=KIND_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    state = forms.MultipleChoiceField(
        label=_("حالة المراجعة"),
        choices=ReviewState.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source = forms.ModelMultipleChoiceField(
        label=_("المصدر"), queryset=Source.objects.order_by("name"), required=False
    )
    article = ArticleIdsField(label=_("أرقام المقالات"), required=False)
    editor = forms.ModelMultipleChoiceField(
        label=_("المحرر"), queryset=get_user_model().objects.none(), required=False
    )
    date_on = forms.ChoiceField(
        label=_("التاريخ حسب"),
        choices=[("published", _("تاريخ النشر")), ("tagged", _("تاريخ الوسم"))],
        required=False,
        initial="published",
    )
    date_from = forms.DateField(
        label=_("من"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("إلى"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(
        label=_("نص المقطع يحتوي"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto", "type": "search"}),
    )
    check_worthy = forms.MultipleChoiceField(
        label=_("يستحق التحقق"),
        choices=CHECK_WORTHY_FILTER,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    verification = forms.MultipleChoiceField(
        label=_("حالة التحقق"),
        choices=Verification.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    claim_group = ClaimGroupIdsField(label=_("أرقام مجموعات الادعاء"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self.fields["editor"], forms.ModelMultipleChoiceField):
            self.fields["editor"].queryset = _editor_choices()
            self.fields["editor"].label_from_instance = lambda user: user.get_username()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("بداية المدة بعد نهايتها."))
        return data


class IdListField(forms.Field):
    """Positive integer ids, checked for form only (no query)."""

    widget = IdListInput

    def to_python(self, value):
        try:
            ids = [int(part) for part in value or []]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("أرقام غير صالحة.")) from None
        if any(pk <= 0 for pk in ids):
            raise forms.ValidationError(_("أرقام غير صالحة."))
        return ids


class StoredTagFilter(TagFilterForm):
    """A saved set's filter, read back without a query per field: the ids were checked
    when the set was saved, and an id deleted since simply matches nothing. Lets the
    list of sets count every live set in one query."""

    source = IdListField(required=False)
    article = IdListField(required=False)
    editor = IdListField(required=False)
    claim_group = IdListField(required=False)


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
