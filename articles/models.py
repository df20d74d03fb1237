"""Sources, articles and the tags editors put on passages of them."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.kinds import KIND_CHOICES, KIND_SLUGS


def body_sha256(body: str) -> str:
    """Fingerprint of a normalised body; equal bodies are the same story."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class Source(models.Model):
    """A news outlet."""

    name = models.CharField(_("الاسم"), max_length=200, unique=True)
    site = models.CharField(_("الموقع"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("مصدر")
        verbose_name_plural = _("المصادر")

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def with_tag_counts(self) -> ArticleQuerySet:
        """Annotate tag counts per kind (`n_claim`, `n_quote`, …) in the same query."""
        counts = {f"n_{slug}": Count("tags", filter=Q(tags__kind=slug)) for slug in KIND_SLUGS}
        return self.annotate(n_tags=Count("tags"), **counts)


class Article(models.Model):
    """One imported story. The body is never edited in place: tag offsets point into it."""

    title = models.CharField(_("العنوان"), max_length=500)
    body = models.TextField(_("النص"))
    body_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    source = models.ForeignKey(
        Source, verbose_name=_("المصدر"), null=True, blank=True, on_delete=models.PROTECT
    )
    original_filename = models.CharField(_("اسم الملف"), max_length=255, blank=True)
    published_on = models.DateField(_("تاريخ النشر"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("استورده"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("وقت الاستيراد"), auto_now_add=True)

    # --- Import provenance (issue 3): what the file said, and what the clean-up did. ---
    raw_text = models.TextField(_("النص الخام للملف"), blank=True)
    removed_lines = models.JSONField(_("الأسطر المحذوفة"), default=list, blank=True)
    detected_encoding = models.CharField(_("الترميز"), max_length=20, blank=True)
    near_duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("شبيه بـ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="near_duplicates",
    )
    near_duplicate_score = models.FloatField(null=True, blank=True)
    # Bottom-k MinHash sketch of the body's word shingles (see articles/near_duplicates.py).
    shingle_sketch = models.JSONField(default=list, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("مقال")
        verbose_name_plural = _("المقالات")
        permissions = [("import_articles", _("يستورد ملفات المقالات"))]
        indexes = [
            models.Index(fields=["-imported_at", "-id"], name="article_recent_idx"),
            models.Index(fields=["published_on"], name="article_published_idx"),
            models.Index(fields=["source", "published_on"], name="article_source_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is None:
            self.body_sha256 = body_sha256(self.body)
        elif getattr(self, "_loaded_body", self.body) != self.body:
            # Tag offsets point into the body: it never changes after import.
            raise ValueError("Article.body is immutable after import.")
        super().save(*args, **kwargs)
        self._loaded_body = self.body

    def get_absolute_url(self) -> str:
        return reverse("read_article", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._loaded_body = article.__dict__.get("body")
        return article


class ReviewState(models.TextChoices):
    PENDING = "pending", _("بانتظار المراجعة")
    ACCEPTED = "accepted", _("مقبول")
    REJECTED = "rejected", _("مرفوض")


class Tag(models.Model):
    """A passage of an article tagged as a claim, a quote or background.

    `start` and `end` are Unicode code-point offsets into `article.body` (Python string
    indexes, not the browser's UTF-16 units): `article.body[start:end] == exact`.
    `prefix`/`suffix` hold up to 32 characters around it so the passage can be found
    again (W3C TextQuoteSelector). Tags may overlap freely.
    """

    CONTEXT_CHARS = 32

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(_("النوع"), max_length=20, choices=KIND_CHOICES)
    start = models.PositiveIntegerField(_("البداية"))
    end = models.PositiveIntegerField(_("النهاية"))
    exact = models.TextField(_("النص الموسوم"))
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    note = models.TextField(_("ملاحظة"), blank=True)
    speaker = models.CharField(_("المتحدث"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tags_created"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tags_updated"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking

    # --- Review (issue 5): see articles/reviewing.py for the transitions. ---
    review_state = models.CharField(
        _("حالة المراجعة"),
        max_length=10,
        choices=ReviewState.choices,
        default=ReviewState.PENDING,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("المراجع"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tags_reviewed",
    )
    reviewed_at = models.DateTimeField(_("وقت المراجعة"), null=True, blank=True)
    review_comment = models.TextField(_("تعليق المراجع"), blank=True)

    class Meta:
        ordering = ["start", "-end", "id"]
        verbose_name = _("وسم")
        verbose_name_plural = _("الوسوم")
        permissions = [
            ("review_tag", _("يراجع الوسوم")),
            ("export_tags", _("يصدّر مجموعات الوسوم")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(start__lt=models.F("end")),
                name="tag_start_before_end",
            ),
            models.CheckConstraint(condition=Q(kind__in=KIND_SLUGS), name="tag_kind_known"),
            models.CheckConstraint(
                condition=Q(review_state__in=ReviewState.values), name="tag_review_state_known"
            ),
        ]
        indexes = [
            models.Index(fields=["article", "start"], name="tag_article_idx"),
            models.Index(fields=["kind", "created_at"], name="tag_kind_idx"),
            models.Index(fields=["created_by", "created_at"], name="tag_author_idx"),
            models.Index(fields=["created_at"], name="tag_created_idx"),
            models.Index(fields=["review_state", "created_at"], name="tag_review_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.exact[:40]}"

    def clean(self) -> None:
        body = self.article.body
        if self.start is None or self.end is None:
            return
        if not 0 <= self.start < self.end <= len(body):
            raise ValidationError(_("حدود المقطع خارج نص المقال."))
        if self.exact and body[self.start : self.end] != self.exact:
            raise ValidationError(_("النص الموسوم لا يطابق نص المقال عند هذه المواضع."))

    def fill_from_body(self) -> None:
        """Take the snapshot and context from the body (never trust the client for these)."""
        body = self.article.body
        self.exact = body[self.start : self.end]
        self.prefix = body[max(0, self.start - self.CONTEXT_CHARS) : self.start]
        self.suffix = body[self.end : self.end + self.CONTEXT_CHARS]


# --- Import batches (issue 3): who imported what, when, and what became of each file. ---


class ImportBatch(models.Model):
    """One upload (or one command-line run): several files, one row each."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("المستورد"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("الوقت"), auto_now_add=True)
    via = models.CharField(max_length=10, default="web")  # "web" or "cli"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("دفعة استيراد")
        verbose_name_plural = _("دفعات الاستيراد")

    def __str__(self) -> str:
        return f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("import_batch", args=[self.pk])


class ImportItem(models.Model):
    """One file of a batch and what happened to it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("في الانتظار")
        IMPORTED = "imported", _("استُورد")
        DUPLICATE = "duplicate", _("مكرر")
        REJECTED = "rejected", _("مرفوض")
        UNSURE = "unsure", _("الترميز غير مؤكد")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    filename = models.CharField(_("اسم الملف"), max_length=255)
    status = models.CharField(_("النتيجة"), max_length=10, choices=Status.choices)
    reason = models.TextField(_("السبب"), blank=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_items"
    )
    encoding = models.CharField(_("الترميز"), max_length=20, blank=True)
    # The file's bytes, kept only while it waits (pending, or an unsure encoding to pick).
    held_data = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="importitem_position")
        ]
        indexes = [models.Index(fields=["batch", "status"], name="importitem_status_idx")]

    def __str__(self) -> str:
        return self.filename


# --- Tagged sets (issue 5): a saved filter, optionally frozen into a fixed list. ---


class TagSet(models.Model):
    """A named selection of tags for export.

    A live set keeps only its filter (`filters`, the allow-listed form data of
    articles/filters.py) and gives the current rows at every export; a frozen set keeps
    the exact list of tags it held when it was frozen, for a published dataset.
    """

    name = models.CharField(_("الاسم"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("المالك"),
        on_delete=models.PROTECT,
        related_name="tag_sets",
    )
    filters = models.JSONField(_("المرشّح"), default=dict, blank=True)
    frozen = models.BooleanField(_("مجمّدة"), default=False)
    frozen_at = models.DateTimeField(_("وقت التجميد"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_exported_at = models.DateTimeField(_("آخر تصدير"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("مجموعة وسوم")
        verbose_name_plural = _("مجموعات الوسوم")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="tagset_name_unique_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name


# --- Tagging history (issue 4) ---------------------------------------------------------


class TagEvent(models.Model):
    """One create / edit / delete / restore of a tag, with snapshots before and after.

    `tag_id` is a plain integer, not a foreign key: the history outlives a deleted tag,
    and a restore brings the tag back under the same id from the last `before` snapshot.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("أُنشئ")
        EDITED = "edited", _("عُدّل")
        DELETED = "deleted", _("حُذف")
        RESTORED = "restored", _("استُعيد")

    tag_id = models.PositiveIntegerField()
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="tag_events")
    action = models.CharField(_("الإجراء"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tag_events"
    )
    at = models.DateTimeField(_("الوقت"), auto_now_add=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("حدث وسم")
        verbose_name_plural = _("سجل الوسوم")
        indexes = [
            models.Index(fields=["tag_id", "-at"], name="tagevent_tag_idx"),
            models.Index(fields=["article", "action", "-at"], name="tagevent_article_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.tag_id} {self.action}"
