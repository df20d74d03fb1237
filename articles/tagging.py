"""Creating, editing, deleting and restoring tags, each with its history in one transaction.

Edits and deletes use optimistic locking: the caller passes the `version` it started from
and the write is a conditional `UPDATE … WHERE version = v`; if another editor saved
first, nothing is written and `StaleTag` carries the current state (or None if deleted).
`update_tag` is the one place a tag is ever edited.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import CLAIM, Article, ClaimGroup, StaleTag, Tag, TagEvent, Via
from articles.reviewing import pending_again
from articles.text.arabic import is_grapheme_boundary
from articles.webhooks.events import record_tag_event

# What a snapshot keeps: enough to show a diff and to bring a deleted tag back.
SNAPSHOT_FIELDS = ("kind", "start", "end", "exact", "note", "speaker", "version", "body_version")
# Claim status and group, in snapshots too; `.get` them: older events lack them.
CLAIM_FIELDS = ("check_worthy", "verification", "evidence", "claim_group_id")

# Extend/shrink a tag's boundary by one word; the word is a run of non-space characters,
# so harakat and attached punctuation stay with their word.
ADJUSTMENTS = ("extend_start", "shrink_start", "extend_end", "shrink_end")
_WORD = re.compile(r"\S+")


# Validate fields and `Tag.clean` (offsets, snapshot) in Python; the foreign keys are
# objects we just loaded, and the check constraints are enforced by PostgreSQL anyway,
# so skip the extra round trips `full_clean` would make for them.
def clean_in_python(tag: Tag) -> None:
    tag.full_clean(
        exclude=["article", "created_by", "updated_by", "annotator"],
        validate_unique=False,
        validate_constraints=False,
    )


class TagGone(Exception):
    """Restore asked for a tag that was never deleted, or that exists again."""


def snapshot(tag: Tag | SimpleNamespace) -> dict:
    """What a tag's history keeps of it; `tag` may be a row read with `.values()` (a
    correction reads every tag of an article, where model instances cost too much)."""
    data = {name: getattr(tag, name) for name in SNAPSHOT_FIELDS + CLAIM_FIELDS}
    data["created_by"] = tag.created_by_id
    data["annotator"] = tag.annotator_id  # the layer it belongs to (None: the final one)
    data["created_at"] = tag.created_at.isoformat() if tag.created_at else None
    return data


def same_text(stored: str, submitted: str) -> bool:
    """The submitted selection equals the body slice. Whitespace runs compare equal to
    each other because the page does not carry the blank lines between paragraphs."""
    return re.sub(r"\s+", " ", stored) == re.sub(r"\s+", " ", submitted)


def _has_letter(text: str) -> bool:
    return any(char.isalnum() for char in text)


def adjust_span(body: str, start: int, end: int, adjustment: str) -> tuple[int, int]:
    """Move one boundary by a word; a span never shrinks below one word."""
    # A run of punctuation (a lone comma, a dash) is not a word to move by.
    words = [(m.start(), m.end()) for m in _WORD.finditer(body) if _has_letter(m.group())]
    inside = [(s, e) for s, e in words if s < end and e > start]
    if adjustment == "extend_start":
        before = [s for s, e in words if e <= start]
        # Also take the rest of a word the span starts inside, if letters are left of it.
        cut = [s for s, e in inside if s < start and _has_letter(body[s:start])]
        start = cut[0] if cut else (before[-1] if before else start)
    elif adjustment == "shrink_start" and len(inside) > 1:
        start = inside[1][0]
    elif adjustment == "extend_end":
        after = [e for s, e in words if s >= end]
        cut = [e for s, e in inside if e > end and _has_letter(body[end:e])]
        end = cut[-1] if cut else (after[0] if after else end)
    elif adjustment == "shrink_end" and len(inside) > 1:
        end = inside[-2][1]
    return start, end


def check_span(article: Article, start: int, end: int) -> None:
    if not 0 <= start < end <= len(article.body):
        raise ValidationError(_("حدود المقطع خارج نص المقال."))
    if not article.body[start:end].strip():
        raise ValidationError(_("المقطع المحدد فارغ."))
    if not (is_grapheme_boundary(article.body, start) and is_grapheme_boundary(article.body, end)):
        raise ValidationError(_("حدود المقطع تفصل حرفاً عن حركته: حدّد الحرف كاملاً."))


def create_tag(
    *,
    article: Article,
    user,
    kind: str,
    start: int,
    end: int,
    note: str = "",
    speaker: str = "",
    claim_group=None,
    annotator_id: int | None = None,
    via: str = Via.WEB,
) -> Tag:
    """`annotator_id`: the editor whose blind layer the tag goes to (None: the final one)."""
    check_span(article, start, end)
    tag = Tag(
        article=article,
        kind=kind,
        start=start,
        end=end,
        note=note,
        speaker=speaker,
        claim_group=claim_group,
        annotator_id=annotator_id,
        created_by=user,
        updated_by=user,
    )
    tag.body_version = article.body_version
    tag.fill_from_body()
    clean_in_python(tag)
    with transaction.atomic():
        # Two tabs tagging one passage at once: the lock on the article makes the second
        # see the first one's tag and be refused, instead of storing it twice.
        list(Article.objects.select_for_update().filter(pk=article.pk).values_list("pk"))
        # Per layer: two editors tagging blind may well mark the same passage.
        same_passage = Tag.all_layers.filter(
            article=article, annotator_id=annotator_id, kind=kind, start=start, end=end
        )
        if same_passage.exists():
            raise ValidationError(_("هذا المقطع موسوم بهذا النوع من قبل."))
        tag.save()
        _text_unchanged_since(article)
        record_tag_event(
            tag_id=tag.pk,
            article=article,
            action=TagEvent.Action.CREATED,
            user=user,
            via=via,
            after=snapshot(tag),
        )
    return tag


def _text_unchanged_since(article: Article) -> None:
    """Inside a write's transaction: the offsets were taken from `article.body` as this
    request read it; if a new version of the text was saved meanwhile, they may point at
    other words, so nothing is written. (The insert above waits for a correction in
    progress: the correction locks the article, the tag's foreign key needs a share lock.)"""
    current = Article.objects.filter(pk=article.pk).values_list("body_version", flat=True)
    if current.first() != article.body_version:
        raise ValidationError(
            _("صُحّح نص المقال بعد أن فتحته؛ لم يُحفظ شيء. أعد تحميل الصفحة ثم أعد التحديد.")
        )


def update_tag(
    *,
    tag: Tag,
    version: int,
    user,
    kind: str,
    note: str,
    speaker: str,
    start: int | None = None,
    end: int | None = None,
    claim: dict | None = None,
    via: str = Via.WEB,
) -> Tag:
    """Save an edit made from `version`; raise `StaleTag` if that is no longer current.

    `tag` is the row as this request read it; the write itself is conditional, so a
    concurrent save between that read and this update is still caught. `claim` holds new
    values for `check_worthy`, `verification`, `evidence` (missing keys keep theirs);
    a tag that stops being a claim drops them and its group (the history keeps them)."""
    if tag.orphaned:
        # Its offsets count in an older version of the text: re-placing comes first.
        raise ValidationError(_("لم يُعثر على نص هذا الوسم بعد تصحيح المقال: أعد وضعه أولاً."))
    start = tag.start if start is None else start
    end = tag.end if end is None else end
    article = tag.article
    check_span(article, start, end)
    status = {name: getattr(tag, name) for name in CLAIM_FIELDS}
    status.update({k: v for k, v in (claim or {}).items() if k in CLAIM_FIELDS[:3]})
    if kind != CLAIM:
        status = {"check_worthy": "", "verification": "", "evidence": "", "claim_group_id": None}
    edited = Tag(
        pk=tag.pk,
        article=article,
        kind=kind,
        start=start,
        end=end,
        note=note,
        speaker=speaker,
        created_by_id=tag.created_by_id,
        annotator_id=tag.annotator_id,
        updated_by=user,
        version=version + 1,
        **status,
    )
    edited.fill_from_body()
    clean_in_python(edited)
    values = {name: getattr(edited, name) for name in ("kind", "start", "end", "exact")}
    values.update(prefix=edited.prefix, suffix=edited.suffix, note=note, speaker=speaker)
    values.update({name: getattr(edited, name) for name in CLAIM_FIELDS})
    with transaction.atomic():
        if tag.version != version:
            raise StaleTag(Tag.all_layers.filter(pk=tag.pk).first())
        updated = Tag.all_layers.filter(pk=tag.pk, version=version).update(
            **values,
            updated_by=user,
            updated_at=timezone.now(),
            version=F("version") + 1,
            **pending_again(),  # an edited tag goes back to the review queue
        )
        if not updated:
            raise StaleTag(Tag.all_layers.filter(pk=tag.pk).first())
        _text_unchanged_since(article)
        # The update matched `version`, so `tag` as read is exactly the state it replaced.
        after = Tag.all_layers.select_related("article").get(pk=tag.pk)
        record_tag_event(
            tag_id=tag.pk,
            article=article,
            action=TagEvent.Action.EDITED,
            user=user,
            via=via,
            before=snapshot(tag),
            after=snapshot(after),
        )
    return after


def delete_tag(*, tag: Tag, version: int, user, via: str = Via.WEB) -> TagEvent:
    with transaction.atomic():
        if tag.version != version:
            raise StaleTag(Tag.all_layers.filter(pk=tag.pk).first())
        # Lock the row at this version first: Django deletes a tag that other rows point to
        # (tag sets) by id after collecting it, so the version filter alone would not stop
        # an edit committed in between from being deleted.
        locked = Tag.all_layers.select_for_update().filter(pk=tag.pk, version=version).first()
        if locked is None:
            raise StaleTag(Tag.all_layers.filter(pk=tag.pk).first())
        locked.delete()
        return record_tag_event(
            tag_id=tag.pk,
            article=tag.article,
            action=TagEvent.Action.DELETED,
            user=user,
            via=via,
            before=snapshot(tag),
        )


def last_deletion(tag_id: int) -> TagEvent | None:
    return (
        TagEvent.objects.filter(tag_id=tag_id, action=TagEvent.Action.DELETED)
        .select_related("article")
        .order_by("-at", "-id")
        .first()
    )


def state_at(tag_id: int, version: int) -> dict | None:
    """The tag as it was at `version`: the "before" of the edit that replaced it."""
    return (
        TagEvent.objects.filter(tag_id=tag_id, before__version=version)
        .order_by("at", "id")
        .values_list("before", flat=True)
        .first()
    )


def merge_edit(
    *, base: dict, theirs: dict, mine: dict, fields: tuple[str, ...]
) -> tuple[dict, list[str]]:
    """Three-way merge of an edit that lost a race. A field only this editor changed takes
    their value, one only the other editor changed keeps theirs; a field both changed
    differently keeps this editor's value and is named in the second result."""
    merged, both_changed = {}, []
    for name in fields:
        if mine[name] == base[name]:
            merged[name] = theirs[name]
        else:
            merged[name] = mine[name]
            if theirs[name] != base[name] and theirs[name] != mine[name]:
                both_changed.append(name)
    return merged, both_changed


def restore_tag(*, tag_id: int, user) -> Tag:
    """Bring a deleted tag back under its old id, as it was just before the deletion."""
    with transaction.atomic():
        event = last_deletion(tag_id)
        if event is None or Tag.all_layers.filter(pk=tag_id).exists():
            raise TagGone(tag_id)
        old = event.before
        if not old:
            raise TagGone(tag_id)
        tag = Tag(
            pk=tag_id,
            article=event.article,
            kind=old["kind"],
            start=old["start"],
            end=old["end"],
            note=old["note"],
            speaker=old["speaker"],
            created_by_id=old["created_by"],
            annotator_id=old.get("annotator"),
            updated_by=user,
            version=old["version"] + 1,
            check_worthy=old.get("check_worthy", ""),
            verification=old.get("verification", ""),
            evidence=old.get("evidence", ""),
            # The group may have been deleted meanwhile.
            claim_group=ClaimGroup.objects.filter(pk=old.get("claim_group_id") or 0).first(),
        )
        deleted_in = old.get("body_version", 1)
        if deleted_in == event.article.body_version:
            tag.body_version = deleted_in
            tag.fill_from_body()
        else:
            # Deleted before the text got a newer version: its offsets count in that older
            # version, so it comes back as an orphan, to be re-placed in the current text.
            tag.body_version, tag.orphaned, tag.exact = deleted_in, True, old["exact"]
        clean_in_python(tag)
        tag.save(force_insert=True)
        if old.get("created_at"):
            # auto_now_add stamped "now"; the tag keeps its original creation time.
            Tag.all_layers.filter(pk=tag_id).update(created_at=old["created_at"])
        record_tag_event(
            tag_id=tag_id,
            article=event.article,
            action=TagEvent.Action.RESTORED,
            user=user,
            before=None,
            after=snapshot(tag),
        )
    return tag


def set_claim_group(*, tag: Tag, group: ClaimGroup | None, user) -> Tag:
    """Put a claim into a group (or take it out). Not a change of the passage or its status,
    so the version and the review state stay; the history records it."""
    if tag.kind != CLAIM:
        raise ValidationError(_("حالة التحقق والأدلة ومجموعة الادعاء للادعاءات فقط."))
    with transaction.atomic():
        locked = Tag.all_layers.select_for_update().select_related("article").get(pk=tag.pk)
        if locked.claim_group_id == (group.pk if group else None):
            return locked
        before = snapshot(locked)
        locked.claim_group = group
        Tag.all_layers.filter(pk=tag.pk).update(claim_group=group, updated_at=timezone.now())
        record_tag_event(
            tag_id=tag.pk,
            article=locked.article,
            action=TagEvent.Action.EDITED,
            user=user,
            before=before,
            after=snapshot(locked),
        )
    return locked
