"""The single door tag history goes through, so every write path (pages, API, review,
a new version of the text) reports to webhooks in the same transaction as the write."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder

from articles.models import Article, TagEvent, WebhookEndpoint
from articles.webhooks import delivery

Event = WebhookEndpoint.Event

EVENT_OF_ACTION = {
    TagEvent.Action.CREATED: Event.TAG_CREATED,
    TagEvent.Action.RESTORED: Event.TAG_CREATED,
    TagEvent.Action.EDITED: Event.TAG_UPDATED,
    TagEvent.Action.REPLACED: Event.TAG_UPDATED,  # an orphan given a place again
    # A new version of the text: the tag's new offsets, or no place in it (an orphan).
    TagEvent.Action.MOVED: Event.TAG_UPDATED,
    TagEvent.Action.ORPHANED: Event.TAG_UPDATED,
    TagEvent.Action.DELETED: Event.TAG_DELETED,
    TagEvent.Action.REVIEWED: Event.TAG_REVIEWED,
}


def _payload(
    *, tag_id: int, article_id: int, action: str, via: str, username: str | None, tag: dict | None
) -> tuple[str, dict]:
    """The webhook event of one history entry, and its `data`."""
    if tag is not None and action == TagEvent.Action.ORPHANED:
        # Its offsets still point into the old version (`body_version`): say so plainly.
        tag = {**tag, "orphaned": True}
    data = {
        "tag_id": tag_id,
        "article_id": article_id,
        "action": action,
        "via": via,
        "user": username,
        "tag": tag,
    }
    return EVENT_OF_ACTION[TagEvent.Action(action)], data


def record_tag_event(**fields) -> TagEvent:
    """Store one entry of a tag's history and the webhook deliveries it causes, in one
    statement (no query more when no endpoint listens)."""
    event = TagEvent(**fields)
    name, data = _payload(
        tag_id=event.tag_id,
        article_id=event.article_id,
        action=event.action,
        via=event.via,
        username=getattr(event.user, "username", None),
        tag=event.after or event.before,
    )
    delivery.insert_with_deliveries(event, name, data)
    return event


def record_tag_events(article: Article, user, via: str, events: list[dict]) -> None:
    """Store many entries of tag history at once (every tag a new version of the text
    moved or orphaned; each a dict of tag_id, action, before, after) and their webhook
    deliveries, in one statement whatever their number."""
    if not events:
        return
    insert = f"""
        INSERT INTO {TagEvent._meta.db_table}
            (tag_id, article_id, action, user_id, via, at, before, after)
        SELECT e.tag_id, %s, e.action, %s, %s, now(), e.before, e.after
        FROM jsonb_to_recordset(%s::jsonb)
            AS e(tag_id int, action text, before jsonb, after jsonb)
        """
    params = [
        article.pk,
        user.pk,
        via,
        json.dumps(events, ensure_ascii=False, cls=DjangoJSONEncoder),
    ]
    payloads = [
        _payload(
            tag_id=event["tag_id"],
            article_id=article.pk,
            action=event["action"],
            via=via,
            username=user.get_username(),
            tag=event["after"],
        )
        for event in events
    ]
    delivery.write_with_deliveries(insert, params, payloads)
