"""Review transitions of a tag: accept, reject, back to pending (and after an edit)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from articles.models import ReviewState, StaleTag, Tag, TagEvent, Via
from articles.webhooks.events import record_tag_event


def review(
    *, tag_id: int, version: int, state: str, reviewer, comment: str = "", via: str = Via.WEB
) -> Tag:
    """Set the review state of the tag the reviewer saw.

    The update is conditional on `version`, so a reviewer never accepts a passage an
    editor changed in the meantime (the edit sends it back to pending; the reviewer gets
    the fresh text instead). Reviewing does not bump `version`: it is not an edit, and
    an editor's open edit form stays valid.
    """
    if state not in ReviewState.values:
        raise ValueError(f"unknown review state {state!r}")
    from articles.tagging import snapshot  # tagging imports this module

    pending = state == ReviewState.PENDING
    with transaction.atomic():
        updated = Tag.objects.filter(pk=tag_id, version=version).update(
            review_state=state,
            reviewed_by=None if pending else reviewer,
            reviewed_at=None if pending else timezone.now(),
            review_comment=comment,
        )
        if not updated:
            raise StaleTag(Tag.objects.filter(pk=tag_id).first())
        tag = Tag.objects.select_related("article__source", "created_by", "reviewed_by").get(
            pk=tag_id
        )
        # In the tag's history too, with who decided and where from.
        record_tag_event(
            tag_id=tag_id,
            article_id=tag.article_id,
            action=TagEvent.Action.REVIEWED,
            user=reviewer,
            via=via,
            after={**snapshot(tag), "review_state": state, "review_comment": comment},
        )
    return tag


def accept(*, tag_id: int, version: int, reviewer, comment: str = "") -> Tag:
    return review(
        tag_id=tag_id,
        version=version,
        state=ReviewState.ACCEPTED,
        reviewer=reviewer,
        comment=comment,
    )


def reject(*, tag_id: int, version: int, reviewer, comment: str = "") -> Tag:
    return review(
        tag_id=tag_id,
        version=version,
        state=ReviewState.REJECTED,
        reviewer=reviewer,
        comment=comment,
    )


def pending_again() -> dict:
    """Field values for an edit of a tag's passage, kind, speaker or note: the edit
    sends the tag back to the review queue. Use in the tagging code's conditional update:
    `Tag.objects.filter(pk=…, version=v).update(…, version=F("version") + 1, **pending_again())`.
    The reviewer's comment stays, so the editor can still read why it was rejected.
    """
    return {"review_state": ReviewState.PENDING, "reviewed_by": None, "reviewed_at": None}
