"""Forms for tagging: every input of the tagging views goes through one of these."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from articles.kinds import KIND_CHOICES
from articles.models import Article, CheckWorthy, Tag, Verification
from articles.tagging import ADJUSTMENTS, same_text

ADJUST_CHOICES = [
    ("extend_start", _("مدّ البداية بكلمة")),
    ("shrink_start", _("قصّ كلمة من البداية")),
    ("extend_end", _("مدّ النهاية بكلمة")),
    ("shrink_end", _("قصّ كلمة من النهاية")),
]
assert [slug for slug, _label in ADJUST_CHOICES] == list(ADJUSTMENTS)


class TagCreateForm(forms.Form):
    """A selection from the page: code-point offsets plus the text the browser saw there.

    The text is only a check: the stored snapshot and context always come from the body."""

    kind = forms.ChoiceField(choices=KIND_CHOICES)
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)
    exact = forms.CharField(strip=False, max_length=100_000)

    def __init__(self, *args, article: Article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article

    def clean(self):
        data = super().clean()
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


class TagEditForm(forms.Form):
    """The inline form: kind, note, speaker, boundaries by a word, and the version it
    started from (optimistic locking). A plain form, so validating it never touches the
    tag as read from the database (the history's "before")."""

    kind = forms.ChoiceField(label=_("النوع"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    speaker = forms.CharField(
        label=_("المتحدث"),
        max_length=Tag._meta.get_field("speaker").max_length,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto", "list": "speakers", "autocomplete": "off"}),
    )
    note = forms.CharField(
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
    evidence = forms.CharField(
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
    label = forms.CharField(label=_("عنوان المجموعة"), required=False, max_length=200)


class GroupLabelForm(forms.Form):
    label = forms.CharField(
        label=_("عنوان المجموعة"),
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
