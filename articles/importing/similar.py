"""An Admin's decision on a file that resembles an article of the same outlet.

The import holds such a file (status "similar", its bytes kept, `article` the one it
resembles) instead of making a second article of the same story. Two answers:

- `update_article`: the file's text becomes a new version of that article
  (`revisions.apply_new_body`, kind "update"): its tags are carried over to the new text,
  and the file becomes the article's raw text (the earlier one stays on its version);
- `import_as_new`: the file is imported as an article of its own, flagged as a near copy.

Nothing happens without one of them; held bytes left undecided are dropped after
`IMPORT_HELD_RETENTION_DAYS` (articles/jobs/tasks.py). A decision is taken once: the item's row is
locked, and a second decision (another Admin, a second tab) is refused with `Decided`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from articles import revisions
from articles.importing.pipeline import (
    APPLIED_FIELDS,
    SIMILAR,
    Importer,
    ImportResult,
    apply_result,
    normalise_text,
)
from articles.models import Article, ArticleRevision, ImportItem
from articles.text.decoding import DecodeError, decode


class Decided(Exception):
    """The file was decided already (or is not waiting for a decision)."""

    def __init__(self, item: ImportItem):
        super().__init__("already decided")
        self.item = item


def _locked(item_id: int) -> ImportItem:
    item = ImportItem.objects.select_for_update().select_related("batch").get(pk=item_id)
    if item.status != SIMILAR or item.held_data is None or item.article_id is None:
        raise Decided(item)
    return item


def _encoding(item: ImportItem, data: bytes) -> str | None:
    """The encoding to read the held file with: detected again (a BOM is dropped as on
    the first read), unless the file was read with one an Admin picked."""
    try:
        detected = decode(data).encoding
    except DecodeError:
        detected = ""
    return None if detected == item.encoding else item.encoding or None


def update_article(item_id: int, *, user, from_version: int) -> ImportItem:
    """Make the held file's text a new version of the article it resembles.

    `from_version` is the article's version the Admin compared with: if the article was
    corrected or updated since, nothing is written and `revisions.StaleBody` is raised.
    A file whose cleaned text is the article's text already is recorded as a duplicate."""
    with transaction.atomic():
        item = _locked(item_id)
        article = Article.objects.get(pk=item.article_id or 0)  # set: checked by _locked
        data = bytes(item.held_data or b"")
        file = Importer(user=user).cleaned_file(item.filename, data, _encoding(item, data))
        if isinstance(file, ImportResult):  # cannot happen for a file that was read once
            apply_result(item, file)
        elif normalise_text(file.body).strip() == article.body:
            if article.body_version != from_version:
                raise revisions.StaleBody(article)
            reason = _("النص مطابق للنص الحالي للمقال رقم %(id)s.") % {"id": article.pk}
            duplicate = ImportResult(item.filename, ImportItem.Status.DUPLICATE, article, reason)
            duplicate.encoding = item.encoding
            apply_result(item, duplicate)
        else:
            reason = _("نسخة أحدث من الخبر، من الملف %(name)s (دفعة الاستيراد #%(batch)s).") % {
                "name": item.filename,
                "batch": item.batch_id,
            }
            revision = revisions.apply_new_body(
                article,
                file.body,
                user,
                reason,
                kind=ArticleRevision.Kind.UPDATE,
                from_version=from_version,
                file=file,  # the raw page shows this file from now on
            )
            done = _("صار النسخة %(n)s من المقال رقم %(id)s.") % {
                "n": revision.number,
                "id": article.pk,
            }
            result = ImportResult(item.filename, ImportItem.Status.UPDATED, article, done)
            result.encoding = item.encoding
            apply_result(item, result)
        item.save(update_fields=APPLIED_FIELDS)
    return item


def import_as_new(item_id: int, *, user) -> ImportItem:
    """Import the held file as an article of its own (flagged as a near copy)."""
    with transaction.atomic():
        item = _locked(item_id)
        data = bytes(item.held_data or b"")
        result = Importer(user=user).import_bytes(
            item.filename, data, encoding=_encoding(item, data)
        )
        apply_result(item, result)
        item.save(update_fields=APPLIED_FIELDS)
    return item
