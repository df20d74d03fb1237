"""Claim groups: linking a claim to a similar passage in another article, in one action.

`link_passage` is the editor's "link" button next to a similar passage. In one transaction
it makes sure the passage is a claim tag (creating it through `tagging.create_tag`, so the
history is right), that the claim has a group (creating one, labelled), and that both
claims are in it. A passage already in another group brings that group's claims along:
the two groups were the same claim all along.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from articles import tagging
from articles.claims import passage_index
from articles.models import CLAIM, ClaimGroup, Passage, Tag

LABEL_CHARS = ClaimGroup._meta.get_field("label").max_length


def default_label(text: str) -> str:
    """A group label from a passage: its first words, on one line."""
    words = " ".join(text.split())
    if len(words) <= 80:
        return words
    return words[:80].rsplit(" ", 1)[0] + "…"


def clean_label(label: str) -> str:
    label = " ".join(label.split())[:LABEL_CHARS]
    if not label:
        raise ValidationError(_("اكتب عنواناً قصيراً للمجموعة."))
    return label


def link_passage(*, claim: Tag, passage: Passage, user, label: str = "") -> Tag:
    """Link `passage` (of another article) to `claim`'s group; returns the other claim."""
    if claim.kind != CLAIM:
        raise ValidationError(_("الربط للادعاءات فقط."))
    if passage.article_id == claim.article_id:
        raise ValidationError(_("المقطع من المقال نفسه."))
    with transaction.atomic():
        # Lock the claim and the passage: two editors linking at once end up with one group
        # and one claim tag on the passage, not two.
        claim = Tag.objects.select_for_update().select_related("article").get(pk=claim.pk)
        Passage.objects.select_for_update().filter(pk=passage.pk).exists()
        article = passage.article
        others = list(article.tags.filter(kind=CLAIM).select_for_update())
        other = passage_index.claim_over(others, passage.start, passage.end)
        group = claim.claim_group
        if group is None and other is not None and other.claim_group_id:
            group = other.claim_group
        if group is None:
            group = ClaimGroup.objects.create(
                label=clean_label(label or default_label(claim.exact)), created_by=user
            )
        if other is None:
            other = tagging.create_tag(
                article=article,
                user=user,
                kind=CLAIM,
                start=passage.start,
                end=passage.end,
                claim_group=group,
            )
        elif other.claim_group is not None and other.claim_group_id != group.pk:
            merge_groups(keep=group, gone=other.claim_group, user=user)
        tagging.set_claim_group(tag=claim, group=group, user=user)
        other = tagging.set_claim_group(tag=other, group=group, user=user)
    return other


def merge_groups(*, keep: ClaimGroup, gone: ClaimGroup, user) -> None:
    for tag in gone.claims.all():
        tagging.set_claim_group(tag=tag, group=keep, user=user)
    gone.delete()


def rename_group(*, group: ClaimGroup, label: str) -> ClaimGroup:
    group.label = clean_label(label)
    group.save(update_fields=["label", "updated_at"])
    return group


def unlink(*, claim: Tag, user) -> None:
    """Take a claim out of its group; a group left empty is removed."""
    group = claim.claim_group
    if group is None:
        return
    with transaction.atomic():
        tagging.set_claim_group(tag=claim, group=None, user=user)
        if not group.claims.exists():
            group.delete()


def members(group: ClaimGroup) -> list[Tag]:
    """The group's claims by outlet, then date, then article."""
    return list(
        group.claims.select_related("article__source")
        .defer("article__body", "article__raw_text")
        .order_by("article__source__name", "article__published_on", "article_id", "start", "id")
    )
