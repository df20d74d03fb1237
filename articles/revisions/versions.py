"""A new version of an article's text, and everything that points into it carried over.

`apply_new_body` is the one way an article's body changes (an inline correction, a
re-cleaning, a newer version of the story). In one transaction it keeps the old text as a
revision, places every tag in the new text (articles/text/reanchoring.py), records what moved
in each tag's history, re-anchors the decided quote suggestions and suggests again, and
has the claim passages indexed again by a job (the old ones dropped at once); the search
columns follow the body by themselves (generated).
A tag that cannot be placed becomes an orphan: kept with its old text and offsets (into its
`body_version`), waiting in the orphans queue for an editor to re-place or delete it.
"""

from __future__ import annotations

import json
from collections import Counter
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.importing.pipeline import CleanedFile, normalise_text
from articles.jobs import indexing
from articles.models import (
    Article,
    ArticleRevision,
    QuoteSuggestion,
    ReviewState,
    StaleTag,
    SuggestionRun,
    Tag,
    TagEvent,
    Via,
)
from articles.reviewing import pending_again
from articles.tagging import CLAIM_FIELDS, SNAPSHOT_FIELDS, check_span, clean_in_python, snapshot
from articles.text import near_duplicates
from articles.text.reanchoring import (
    CORRECTED,
    FOUND,
    KEPT,
    ORPHAN,
    REFOLDED,
    Anchor,
    Reanchorer,
    context_of,
)
from articles.webhooks.events import record_tag_event, record_tag_events

MAX_BODY_CHARS = 500_000
MAX_REASON_CHARS = 2000


class StaleBody(Exception):
    """The text was changed by someone else since this correction started from it."""

    def __init__(self, article: Article):
        super().__init__("stale body")
        self.article = article


def apply_new_body(
    article: Article,
    new_body: str,
    user,
    reason: str,
    *,
    kind: str = ArticleRevision.Kind.CORRECTION,
    from_version: int | None = None,
    file: CleanedFile | None = None,
) -> ArticleRevision:
    """Make `new_body` the article's text, carrying every tag, suggestion and passage over.

    `from_version` is the body version the editor started from: if another correction was
    saved meanwhile, nothing is written and `StaleBody` is raised. `file` is the file the
    new text was cleaned from (a newer version of the story): it becomes the article's raw
    text and provenance, and is kept on the revision. Raises ValidationError
    for an empty, unchanged or oversized text. Returns the new revision; its `outcome`
    counts what happened to the tags."""
    new_body = normalise_text(new_body).strip()
    reason = reason.strip()
    if not new_body:
        raise ValidationError(_("النص الجديد فارغ."))
    if len(new_body) > MAX_BODY_CHARS:
        raise ValidationError(_("النص الجديد أطول من المسموح."))
    if not reason:
        raise ValidationError(_("اكتب سبب التصحيح: يظهر في سجل النسخ."))
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(_("السبب أطول من المسموح."))
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if from_version is not None and locked.body_version != from_version:
            raise StaleBody(locked)
        old_body = locked.body
        if new_body == old_body:
            raise ValidationError(_("النص الجديد مطابق للنص الحالي: لا شيء لحفظه."))
        number = locked.body_version + 1
        _keep_first_version(locked)
        reanchorer = Reanchorer(old_body, new_body)
        outcome = _carry_tags(locked, reanchorer, new_body, number, user)
        _carry_suggestions(locked, reanchorer, new_body)
        provenance = {}
        if file is not None:
            provenance = {
                "raw_text": file.raw,
                "removed_lines": file.removed_lines,
                "original_filename": file.name,
                "detected_encoding": file.encoding,
            }
        Article.objects.filter(pk=locked.pk).update(
            body=new_body,
            body_version=number,
            shingle_sketch=near_duplicates.sketch(new_body),
            **provenance,
        )
        locked.body = locked._loaded_body = new_body
        locked.body_version = number
        # The old text's passages go now (search never sees text that is gone); the new
        # text's passages and suggestions come from an indexing job, as for an import,
        # so the correction answers without computing them.
        indexing.index_again_later([locked])
        revision = ArticleRevision.objects.create(
            article=locked,
            number=number,
            body=new_body,
            kind=kind,
            reason=reason,
            created_by=user,
            created_at=timezone.now(),
            outcome=outcome,
            raw_text=file.raw if file else "",
            filename=file.name if file else "",
        )
    article.body, article._loaded_body, article.body_version = new_body, new_body, number
    return revision


def _keep_first_version(article: Article) -> None:
    """Version 1 is written lazily, with the first correction: the text as imported, and
    the file it came from (the article's raw text may become a newer file's)."""
    if article.body_version == 1 and not article.revisions.exists():
        ArticleRevision.objects.create(
            article=article,
            number=1,
            body=article.body,
            kind=ArticleRevision.Kind.IMPORTED,
            created_by=article.imported_by,
            created_at=article.imported_at,
            raw_text=article.raw_text,
            filename=article.original_filename,
        )


def _carry_tags(article: Article, reanchorer: Reanchorer, new_body: str, number: int, user):
    # What re-anchoring and the history snapshot read; not the big search vectors.
    fields = ("id", "article_id", "prefix", "suffix", "created_by_id", "annotator_id", "created_at")
    found = (
        # Every layer: editors tagging blind keep their places in the new text too.
        Tag.all_layers.filter(article=article)
        .anchored()
        .select_for_update()
        .values(*fields, *SNAPSHOT_FIELDS, *CLAIM_FIELDS)
        .order_by("id")
    )
    # Rows, not model instances: building 500 Tags was a third of the correction's time.
    tags = [SimpleNamespace(pk=row["id"], **row) for row in found]
    outcome: Counter = Counter()
    rows, events = [], []
    for tag in tags:
        placement = reanchorer.place(Anchor(tag.start, tag.end, tag.exact, tag.prefix, tag.suffix))
        before = snapshot(tag)
        if placement.how == ORPHAN:
            outcome[ORPHAN] += 1
            tag.orphaned = True
            tag.version += 1
            rows.append({"id": tag.pk, "orphaned": True, "pending": True, "bump": True})
            events.append(_event(tag, TagEvent.Action.ORPHANED, before))
            continue
        start, end = placement.start, placement.end
        assert start is not None and end is not None  # placed, not an orphan
        prefix, suffix = context_of(new_body, start, end, Tag.CONTEXT_CHARS)
        exact = new_body[start:end]
        moved = (start, end, exact) != (tag.start, tag.end, tag.exact)
        outcome[_outcome_name(placement.how, moved)] += 1
        # Only what changed travels (most tags only shift): the texts stay NULL otherwise.
        row = {"id": tag.pk, "start": start, "end": end, "body_version": number}
        row |= {"pending": exact != tag.exact, "bump": moved, "orphaned": False}
        for name, value in (("exact", exact), ("prefix", prefix), ("suffix", suffix)):
            if value != getattr(tag, name):
                row[name] = value
        rows.append(row)
        tag.start, tag.end, tag.exact, tag.prefix, tag.suffix = start, end, exact, prefix, suffix
        tag.body_version = number
        if moved:
            tag.version += 1
            events.append(_event(tag, TagEvent.Action.MOVED, before))
    _update_tags(rows)
    # Corrections are made on the pages only; webhooks hear of every moved or orphaned tag.
    record_tag_events(article, user, Via.WEB, events)
    return dict(outcome)


def _outcome_name(how: str, moved: bool) -> str:
    if how == KEPT:
        return "shifted" if moved else "unchanged"
    return {REFOLDED: "refolded", CORRECTED: "corrected", FOUND: "found"}[how]


def _update_tags(rows: list[dict]) -> None:
    """One UPDATE for every tag of the article, its rows sent as one JSON document (a
    bulk_update would send 500 CASE arms; arrays of text are slow to adapt)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE articles_tag AS t SET
                start = COALESCE(u.start, t.start),
                "end" = COALESCE(u."end", t."end"),
                exact = COALESCE(u.exact, t.exact),
                prefix = COALESCE(u.prefix, t.prefix),
                suffix = COALESCE(u.suffix, t.suffix),
                body_version = COALESCE(u.body_version, t.body_version),
                orphaned = u.orphaned,
                version = t.version + u.bump::int,
                updated_at = CASE WHEN u.bump THEN now() ELSE t.updated_at END,
                review_state = CASE WHEN u.pending THEN %s ELSE t.review_state END,
                reviewed_by_id = CASE WHEN u.pending THEN NULL ELSE t.reviewed_by_id END,
                reviewed_at = CASE WHEN u.pending THEN NULL ELSE t.reviewed_at END
            FROM jsonb_to_recordset(%s::jsonb) AS u(
                id int, start int, "end" int, exact text, prefix text, suffix text,
                body_version int, orphaned bool, pending bool, bump bool)
            WHERE t.id = u.id
            """,
            [ReviewState.PENDING, json.dumps(rows, ensure_ascii=False)],
        )


def _event(tag: SimpleNamespace, action: str, before: dict) -> dict:
    return {"tag_id": tag.pk, "action": action, "before": before, "after": snapshot(tag)}


def _carry_suggestions(article: Article, reanchorer: Reanchorer, new_body: str) -> None:
    """Decided suggestions follow their text (a dismissed passage stays dismissed); open
    ones are dropped, and the rules suggest again over the new text at the next reading
    (`suggestion_store.ensure_suggestions`, as for a new article)."""
    decided = list(article.suggestions.exclude(state=QuoteSuggestion.State.OPEN))
    article.suggestions.all().delete()
    kept, seen = [], set()
    for row in decided:
        prefix, suffix = context_of(reanchorer.old, row.start, row.end, Tag.CONTEXT_CHARS)
        placement = reanchorer.place(Anchor(row.start, row.end, row.exact, prefix, suffix))
        if not placement.placed or (placement.start, placement.end) in seen:
            continue  # its text is gone: nothing left to decide about
        assert placement.start is not None and placement.end is not None
        seen.add((placement.start, placement.end))
        row.start, row.end = placement.start, placement.end
        row.exact = new_body[row.start : row.end]
        kept.append(row)
    QuoteSuggestion.objects.bulk_create(kept)
    SuggestionRun.objects.filter(article=article).delete()


def replace_orphan(*, tag: Tag, version: int, user, start: int, end: int) -> Tag:
    """An editor's new place for an orphan (or for any tag) in the current text."""
    article = tag.article
    check_span(article, start, end)
    placed = Tag(pk=tag.pk, article=article, start=start, end=end)
    placed.fill_from_body()
    with transaction.atomic():
        locked = Tag.all_layers.select_for_update().filter(pk=tag.pk, version=version).first()
        if locked is None:
            raise StaleTag(Tag.all_layers.filter(pk=tag.pk).first())
        before = snapshot(locked)
        Tag.all_layers.filter(pk=tag.pk).update(
            start=start,
            end=end,
            exact=placed.exact,
            prefix=placed.prefix,
            suffix=placed.suffix,
            orphaned=False,
            body_version=article.body_version,
            version=F("version") + 1,
            updated_by=user,
            updated_at=timezone.now(),
            **pending_again(),  # a re-placed tag goes back to the review queue
        )
        after = Tag.all_layers.select_related("article").get(pk=tag.pk)
        clean_in_python(after)
        record_tag_event(
            tag_id=tag.pk,
            article=article,
            action=TagEvent.Action.REPLACED,
            user=user,
            before=before,
            after=snapshot(after),
        )
    return after
