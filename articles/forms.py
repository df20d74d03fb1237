"""Every form of the site: each input of a view goes through one of these, so every
parameter is allow-listed and validated in one place."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.exporting import FORMATS, PREPARED_FORMATS
from articles.kinds import KIND_CHOICES
from articles.models import (
    Article,
    Assignment,
    CheckWorthy,
    ClaimGroup,
    ImportBatch,
    OutletRule,
    Profile,
    ReviewState,
    Source,
    Tag,
    TagSet,
    Verification,
    WebhookEndpoint,
)
from articles.roles import ADMINS, EDITORS
from articles.search.article_filter import filter_articles
from articles.search.filter_widgets import CheckBoxes, ChoicesInOneQuery, Dropdown
from articles.search.query import parse_query
from articles.tagging import ADJUSTMENTS, same_text
from articles.text.cleaning import strip_invisible
from articles.text.decoding import ENCODING_CHOICES
from articles.webhooks import addresses
from articles.webhooks import secrets as webhook_secrets

ADJUST_CHOICES = [
    ("extend_start", _("مدّ البداية بكلمة")),
    ("shrink_start", _("قصّ كلمة من البداية")),
    ("extend_end", _("مدّ النهاية بكلمة")),
    ("shrink_end", _("قصّ كلمة من النهاية")),
]
assert [slug for slug, _label in ADJUST_CHOICES] == list(ADJUSTMENTS)


class OneQueryChoiceField(forms.ModelChoiceField):
    """A model choice whose choices come in one plain query (see `ChoicesInOneQuery`)."""

    iterator = ChoicesInOneQuery


class OneQueryMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Model choices that come in one plain query (see `ChoicesInOneQuery`)."""

    iterator = ChoicesInOneQuery


class UsernameChoiceField(OneQueryMultipleChoiceField):
    """Users listed by their user name (the default label is their full name, often empty)."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.get_username()


class TypedTextField(forms.CharField):
    """Text a user types for others to read (notes, speakers, evidence, labels, comments,
    set names): bidi controls and stray invisible characters are removed, as imports remove
    them from articles, so nothing typed can reorder what others see."""

    def to_python(self, value: Any) -> str:
        text = strip_invisible(super().to_python(value) or "")
        return text.strip() if self.strip else text


class SelectionForm(forms.Form):
    """A selection from the page: code-point offsets plus the text the browser saw there.

    The text is only a check: the stored snapshot and context always come from the body."""

    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)
    exact = forms.CharField(strip=False, max_length=100_000)

    def __init__(self, *args, article: Article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end, exact = data.get("start"), data.get("end"), data.get("exact")
        if start is None or end is None or exact is None:
            return data
        body = self.article.body
        if not start < end <= len(body):
            raise forms.ValidationError(_("حدود المقطع خارج نص المقال."), code="range")
        if not same_text(body[start:end], exact):
            raise forms.ValidationError(
                _("النص المحدد لا يطابق نص المقال عند هذه المواضع؛ لم يُحفظ شيء. أعد التحديد."),
                code="mismatch",
            )
        if not body[start:end].strip():
            raise forms.ValidationError(_("المقطع المحدد فارغ."), code="empty")
        return data


class TagCreateForm(SelectionForm):
    kind = forms.ChoiceField(choices=KIND_CHOICES)


class TagReplaceForm(SelectionForm):
    """A new place for an orphaned tag: the selection, and the tag version it was shown at."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class CorrectionForm(forms.Form):
    """An inline correction of an article's text, from the body version it started from."""

    # Typed text: bidi controls and stray invisibles go, as imports remove them from bodies.
    body = TypedTextField(
        label=_("النص"),
        strip=False,
        max_length=500_000,
        widget=forms.Textarea(attrs={"rows": 24, "dir": "rtl", "lang": "ar"}),
    )
    reason = TypedTextField(
        label=_("سبب التصحيح"),
        max_length=2000,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class RevisionPairForm(forms.Form):
    """Which two versions of an article's text to compare (both optional: last change)."""

    old = forms.IntegerField(label=_("من النسخة"), min_value=1, required=False)
    new = forms.IntegerField(label=_("إلى النسخة"), min_value=1, required=False)


class TagEditForm(forms.Form):
    """The inline form: kind, note, speaker, boundaries by a word, and the version it
    started from (optimistic locking). A plain form, so validating it never touches the
    tag as read from the database (the history's "before")."""

    conflict = False  # shown after another editor saved first: "re-apply my change"
    # In a conflict, the fields both editors changed: label, their value, this editor's.
    both_changed: list[dict[str, str]] = []

    kind = forms.ChoiceField(label=_("النوع"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    speaker = TypedTextField(
        label=_("المتحدث"),
        max_length=Tag._meta.get_field("speaker").max_length,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto", "list": "speakers", "autocomplete": "off"}),
    )
    note = TypedTextField(
        label=_("ملاحظة"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    adjust = forms.ChoiceField(choices=ADJUST_CHOICES, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, tag: Tag, **kwargs):
        kwargs.setdefault(
            "initial",
            {"kind": tag.kind, "speaker": tag.speaker, "note": tag.note, "version": tag.version},
        )
        # Per-tag ids: two forms for one tag can be on the page (a conflict).
        kwargs.setdefault("auto_id", f"tag{tag.pk}-%s")
        super().__init__(*args, **kwargs)
        self.tag = tag


class TagVersionForm(forms.Form):
    """Delete carries only the version it was decided on."""

    version = forms.IntegerField(min_value=1)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}


class LiveCursorForm(forms.Form):
    """The cursor a reading page polls with (articles/reading/live.py):
    `event-reviewtime-textversion` (pages drawn before the text version was polled send
    the first two only)."""

    since = forms.RegexField(
        regex=r"^\d{1,18}-\d{1,18}(-\d{1,9})?$",
        max_length=40,
        error_messages={"invalid": _("مؤشر التحديث غير صالح؛ أعد تحميل الصفحة.")},
    )


# --- Claims across outlets ---


class ClaimStatusForm(forms.Form):
    """Check-worthiness, verification status and evidence of a claim, with the version the
    editor started from (the same optimistic locking as the inline edit)."""

    check_worthy = forms.ChoiceField(
        label=_("يستحق التحقق؟"),
        choices=[("", _("لم يُحدَّد"))] + CheckWorthy.choices,
        required=False,
    )
    verification = forms.ChoiceField(label=_("حالة التحقق"), choices=Verification.choices)
    evidence = TypedTextField(
        label=_("الأدلة والمراجع"),
        help_text=_("نص وروابط تُحفظ نصاً ولا تُفتح."),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, tag: Tag, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "check_worthy": tag.check_worthy,
                "verification": tag.verification or Verification.UNVERIFIED,
                "evidence": tag.evidence,
                "version": tag.version,
            },
        )
        kwargs.setdefault("auto_id", f"claim{tag.pk}-%s")
        super().__init__(*args, **kwargs)


class LinkPassageForm(forms.Form):
    """The "link" button of a similar passage: its id, and the label for a new group."""

    passage = forms.IntegerField(min_value=1)
    label = TypedTextField(label=_("عنوان المجموعة"), required=False, max_length=200)


class GroupLabelForm(forms.Form):
    label = TypedTextField(
        label=_("عنوان المجموعة"),
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )


# --- The one tag filter: review queue, export page, tag list and saved sets ---


# Claim status filters: "unset" is a claim nobody has judged yet.
CHECK_WORTHY_FILTER = [*CheckWorthy.choices, ("unset", _("لم يُحدَّد"))]


class IdListInput(forms.TextInput):
    """Ids typed as "12, 15" or sent as repeated parameters (`?article=12&article=15`)."""

    def value_from_datadict(self, data, files, name):  # noqa: ARG002 (Django's signature)
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
        label=_("النوع"), choices=KIND_CHOICES, required=False, widget=CheckBoxes
    )
    state = forms.MultipleChoiceField(
        label=_("حالة المراجعة"),
        choices=ReviewState.choices,
        required=False,
        widget=CheckBoxes,
    )
    # Check boxes, not a multiple <select>: that one needs Ctrl-click to pick two.
    source = OneQueryMultipleChoiceField(
        label=_("المصدر"),
        queryset=Source.objects.order_by("name"),
        required=False,
        widget=CheckBoxes,
    )
    article = ArticleIdsField(label=_("أرقام المقالات"), required=False)
    editor = UsernameChoiceField(
        label=_("المحرر"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=CheckBoxes,
    )
    date_on = forms.ChoiceField(
        label=_("التاريخ حسب"),
        choices=[("published", _("تاريخ النشر")), ("tagged", _("تاريخ الوسم"))],
        required=False,
        initial="published",
        widget=Dropdown,
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
    speaker = forms.CharField(
        label=_("المتحدث"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    check_worthy = forms.MultipleChoiceField(
        label=_("يستحق التحقق"),
        choices=CHECK_WORTHY_FILTER,
        required=False,
        widget=CheckBoxes,
    )
    verification = forms.MultipleChoiceField(
        label=_("حالة التحقق"),
        choices=Verification.choices,
        required=False,
        widget=CheckBoxes,
    )
    claim_group = ClaimGroupIdsField(label=_("أرقام مجموعات الادعاء"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self.fields["editor"], forms.ModelMultipleChoiceField):
            self.fields["editor"].queryset = _editor_choices()

    def clean(self):
        super().clean()
        data = self.cleaned_data
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

    # Narrower fields than the base form's on purpose (see the docstring).
    source = IdListField(required=False)  # type: ignore[assignment]
    article = IdListField(required=False)  # type: ignore[assignment]
    editor = IdListField(required=False)  # type: ignore[assignment]
    claim_group = IdListField(required=False)  # type: ignore[assignment]


# --- The article list's filter ---


def importers() -> QuerySet:
    """Users who may import: the choices of the "imported by" filter."""
    can_import = Permission.objects.filter(
        codename="import_articles", content_type__app_label="articles"
    )
    return (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=can_import)
            | Q(user_permissions__in=can_import)
        )
        .distinct()
        .order_by("username")
    )


class ArticleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("بحث"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(
            attrs={
                "dir": "auto",
                "placeholder": _('كلمات، أو "عبارة بعينها"'),
                "autocomplete": "off",
            }
        ),
    )
    source = OneQueryChoiceField(
        label=_("المصدر"),
        queryset=Source.objects.all(),
        required=False,
        empty_label=_("الكل"),
        widget=Dropdown,
    )
    date_from = forms.DateField(
        label=_("من تاريخ"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("إلى تاريخ"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label=_("فيه وسوم من نوع"),
        choices=[("", _("أي نوع")), *KIND_CHOICES],
        required=False,
        widget=Dropdown,
    )
    untagged = forms.BooleanField(label=_("بلا وسوم"), required=False)
    imported_by = OneQueryChoiceField(
        label=_("استورده"),
        queryset=importers(),
        required=False,
        empty_label=_("أي أحد"),
        widget=Dropdown,
    )

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        if text.strip() and not parse_query(text):
            # Without a word to look for the filter would match everything: say so.
            raise forms.ValidationError(
                _("لم يُبحث عن «%(text)s»: لا كلمة فيه يمكن البحث بها."), params={"text": text}
            )
        return text

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("تاريخ النهاية قبل تاريخ البداية."))
        return data


# --- Export ---


class FormatForm(forms.Form):
    format = forms.ChoiceField(
        choices=[(name, label) for name, (label, _ext, _type) in FORMATS.items()],
        required=False,
    )


class PrepareExportForm(forms.Form):
    """A file for a worker to build: a saved set's, or (no set) the filter's next to it."""

    format = forms.ChoiceField(choices=[(name, FORMATS[name][0]) for name in PREPARED_FORMATS])
    tagset = forms.ModelChoiceField(queryset=TagSet.objects.all(), required=False)


class SaveSetForm(forms.Form):
    name = TypedTextField(
        label=_("اسم المجموعة"),
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )


# --- Import ---


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.zip,text/plain"}))
        # An empty file is one file's verdict (rejected, named in its row), not the form's.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    # The metaclass moves declared fields off the class, so `form.files` (the request's
    # files) is untouched; the type checker sees a clash with that attribute.
    files = MultipleFileField(label=_("ملفات نصية ‎.txt أو أرشيف ‎.zip"))  # type: ignore[assignment]


class EncodingForm(forms.Form):
    encoding = forms.ChoiceField(label=_("الترميز"), choices=ENCODING_CHOICES)


class SimilarFileForm(forms.Form):
    """An Admin's answer for a file like an article of the same outlet: update that
    article with it, or import it as a new one. `version` is the article's text version
    the Admin saw, so a decision taken on a text changed since is refused."""

    UPDATE, NEW = "update", "new"
    choice = forms.ChoiceField(
        choices=[(UPDATE, _("حدّث ذلك المقال")), (NEW, _("استورده مقالاً جديداً"))]
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


# --- Review ---


class ReviewForm(forms.Form):
    state = forms.ChoiceField(choices=ReviewState.choices)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    comment = TypedTextField(
        label=_("تعليق"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"dir": "auto", "placeholder": _("تعليق (اختياري)")}),
    )


# --- Speakers ---


class MergeForm(forms.Form):
    source = forms.CharField(max_length=200)
    target = forms.CharField(max_length=200)


class UnmergeForm(forms.Form):
    key = forms.CharField(max_length=200)


class LineCorrectionForm(forms.Form):
    """An Admin's correction of one raw line for its outlet: furniture or story."""

    kind = forms.ChoiceField(choices=OutletRule.Kind.choices)


# --- Working as a team ---


class AssignmentForm(forms.Form):
    """A new assignment: its articles (an import batch, the article list's filters, ids
    typed by hand), its editors, how many of them tag each article, and optionally the
    distribution by hand (one line per article: `12: amal, basim`)."""

    MAX_ARTICLES = 5000

    name = forms.CharField(label=_("الاسم"), max_length=200)
    mode = forms.ChoiceField(label=_("الطريقة"), choices=Assignment.Mode.choices)
    editors_per_article = forms.IntegerField(
        label=_("محررون لكل مقال"), min_value=1, max_value=10, initial=2
    )
    accept_adjudicated = forms.BooleanField(
        label=_("الحسم يقبل الوسوم مباشرة (دون طابور المراجعة)"), required=False
    )
    batch = forms.ModelChoiceField(
        label=_("دفعة استيراد"), queryset=ImportBatch.objects.order_by("-id"), required=False
    )
    article_filter = forms.CharField(
        label=_("مرشّح قائمة المقالات (عنوان الصفحة بعد التصفية)"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    articles = ArticleIdsField(label=_("أرقام المقالات"), required=False)
    editors = forms.ModelMultipleChoiceField(
        label=_("المحررون"), queryset=_editor_choices(), widget=forms.CheckboxSelectMultiple
    )
    plan = forms.CharField(
        label=_("التوزيع باليد (اختياري): سطر لكل مقال، «رقم: محرر، محرر»"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"dir": "ltr", "rows": 4}),
    )

    def clean_article_filter(self) -> list[int]:
        """The articles the article list shows for these filters (its address or query)."""
        value = self.cleaned_data.get("article_filter", "").strip()
        if not value:
            return []
        query = urlsplit(value).query if "?" in value or "/" in value else value
        filters = ArticleFilterForm(QueryDict(query))
        if not filters.is_valid():
            raise forms.ValidationError(_("مرشّح غير صالح."))
        return [
            article.pk for article in filter_articles(filters.cleaned_data)[: self.MAX_ARTICLES]
        ]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        chosen = {article.pk for article in data.get("articles") or []}
        chosen |= set(data.get("article_filter") or [])
        if data.get("batch"):
            chosen |= set(
                Article.objects.filter(import_items__batch=data["batch"]).values_list(
                    "pk", flat=True
                )
            )
        editors = list(data.get("editors") or [])
        data["hand_plan"] = self._hand_plan(data.get("plan", ""), editors)
        chosen |= set(data["hand_plan"])
        if not chosen:
            raise forms.ValidationError(_("اختر مقالاً واحداً على الأقل: دفعة أو مرشّحاً أو أرقاماً."))
        if len(chosen) > self.MAX_ARTICLES:
            raise forms.ValidationError(
                _("التكليف الواحد حتى %(n)s مقال.") % {"n": self.MAX_ARTICLES}
            )
        data["article_ids"] = sorted(chosen)
        per_article = data.get("editors_per_article") or 1
        if data.get("mode") == Assignment.Mode.INDEPENDENT and per_article < 2:
            self.add_error("editors_per_article", _("الوسم المستقل يحتاج محررَين لكل مقال."))
        if editors and per_article > len(editors):
            self.add_error(
                "editors_per_article", _("عدد المحررين لكل مقال أكبر من عدد المحررين المختارين.")
            )
        return data

    def _hand_plan(self, text: str, editors: list) -> dict[int, tuple[int, ...]]:
        """`12: amal, basim` lines → {12: (amal's id, basim's id)}; names must be among the
        chosen editors and article numbers must exist."""
        by_name = {editor.get_username(): editor.pk for editor in editors}
        plan: dict[int, tuple[int, ...]] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            article, _sep, names = line.partition(":")
            wanted = [name.strip() for name in re.split(r"[,،]", names) if name.strip()]
            unknown = [name for name in wanted if name not in by_name]
            if not article.strip().isdigit() or not wanted or unknown:
                self.add_error(
                    "plan",
                    _("السطر %(n)s: اكتب «رقم المقال: محرر، محرر» بأسماء من المحررين المختارين.")
                    % {"n": number},
                )
                continue
            plan[int(article)] = tuple(by_name[name] for name in wanted)
        missing = set(plan) - set(Article.objects.filter(pk__in=plan).values_list("pk", flat=True))
        if missing:
            self.add_error("plan", _("لا يوجد مقال برقم %(pk)s.") % {"pk": min(missing)})
        return plan


class AdjudicationItemField(forms.RegexField):
    """An item of the adjudication page by the span it is known by: `kind:start:end`."""

    def __init__(self, **kwargs):
        super().__init__(r"^[a-z]{1,20}:\d{1,9}:\d{1,9}$", max_length=40, **kwargs)


class AdjudicationForm(forms.Form):
    """One decision on one item: take candidate N (from 1), all, or neither. `state` is what
    the item held when the page was drawn."""

    item = AdjudicationItemField()
    state = forms.CharField(max_length=4000, required=False)
    choice = forms.RegexField(r"^(all|neither|[1-9][0-9]?)$", max_length=7)

    def clean(self):
        data = super().clean() or {}
        choice = data.get("choice")
        if choice and choice.isdigit():
            data["candidate"], data["choice"] = int(choice), "take"
        else:
            data["candidate"] = None
        return data


class AdjudicationEditStartForm(forms.Form):
    """Which item to edit (the first still open when none is named), starting from which
    candidate's tag."""

    item = AdjudicationItemField(required=False)
    candidate = forms.IntegerField(min_value=1, max_value=99, required=False)


class AdjudicationEditForm(TagCreateForm):
    """The reviewer's own span for an item: the selection checked against the body as when
    tagging, with the kind, note and speaker of the inline tag form, and a boundary moved
    by a word (`adjust`) without saving."""

    item = AdjudicationItemField(widget=forms.HiddenInput)
    state = forms.CharField(max_length=4000, required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("النوع"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    exact = forms.CharField(strip=False, max_length=100_000, widget=forms.HiddenInput)
    speaker = TagEditForm.base_fields["speaker"]
    note = TagEditForm.base_fields["note"]
    adjust = forms.ChoiceField(choices=ADJUST_CHOICES, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "adjudication-%s")
        super().__init__(*args, **kwargs)


GUIDELINE_KINDS = [("", _("عام")), *KIND_CHOICES]


class GuidelineForm(forms.Form):
    body = forms.CharField(
        label=_("النص (Markdown)"), widget=forms.Textarea(attrs={"dir": "auto"}), max_length=50_000
    )


class GuidelineVersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=1_000_000)


# --- API tokens and ClaimReview downloads ---


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("اسم المفتاح"),
        max_length=100,
        help_text=_("لتعرف لاحقاً أين يُستخدم، مثلاً: «أداة الجمع الليلية»."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    expires_on = forms.DateField(
        label=_("ينتهي في (اختياري)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_expires_on(self):
        expires_on = self.cleaned_data.get("expires_on")
        if expires_on and expires_on <= timezone.localdate():
            raise forms.ValidationError(_("تاريخ الانتهاء يجب أن يكون بعد اليوم."))
        return expires_on


class RevokeTokenForm(forms.Form):
    token = forms.IntegerField(min_value=1)


class ClaimReviewFilterForm(forms.Form):
    """Which claim groups to download as ClaimReview: by verdict, outlet or id."""

    verification = forms.MultipleChoiceField(
        label=_("الحكم"),
        choices=[choice for choice in Verification.choices if choice[0] != "unverified"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source = forms.ModelMultipleChoiceField(
        label=_("المصدر"), queryset=Source.objects.order_by("name"), required=False
    )
    claim_group = ClaimGroupIdsField(label=_("أرقام مجموعات الادعاء"), required=False)


class WebhookEndpointForm(forms.ModelForm):
    # https is the scheme a receiver's address is given without one (Django 6's default).
    url = forms.URLField(
        label=_("العنوان"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
    # Never put back into the page: after a refused form it is typed again.
    secret = forms.CharField(
        label=_("السر المشترك"),
        required=False,
        max_length=200,
        help_text=_(
            "يوقّع كل إرسال بـ HMAC-SHA256. اتركه فارغاً ليُصنع سرّ قوي؛ "
            "يظهر مرة واحدة بعد التسجيل، فاحفظه عند المستقبِل."
        ),
        widget=forms.PasswordInput(attrs={"dir": "ltr", "autocomplete": "new-password"}),
    )
    events = forms.MultipleChoiceField(
        label=_("الأحداث"),
        choices=WebhookEndpoint.Event.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["url", "secret", "events", "allow_private_address"]

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "allow_private_address"]
        labels = {"allow_private_address": _("السماح بعنوان داخلي")}
        help_texts = {
            "allow_private_address": _(
                "للمستقبِلات داخل الشبكة فقط: بدونه يُرفض كل عنوان خاص أو محلي."
            ),
        }

    def save_with_secret(self) -> tuple[WebhookEndpoint, str]:
        """The new endpoint, its secret stored encrypted, and that secret in clear (the
        one time it is shown): the one typed, or a new random one."""
        endpoint = self.save(commit=False)
        secret = self.cleaned_data["secret"] or webhook_secrets.generate()
        endpoint.set_secret(secret)
        endpoint.save()
        return endpoint, secret

    def clean(self):
        cleaned = super().clean() or {}
        url = cleaned.get("url")
        if url:
            try:
                addresses.checked_address(
                    url, allow_private=cleaned.get("allow_private_address", False)
                )
            except forms.ValidationError as error:
                self.add_error("url", error)
        return cleaned
