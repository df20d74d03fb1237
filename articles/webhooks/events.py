"""The single door tag history goes through, so every write path (pages, API, review)
reports to webhooks in the same transaction as the write."""

from __future__ import annotations

from articles.models import TagEvent, WebhookEndpoint
from articles.webhooks import delivery

Event = WebhookEndpoint.Event

EVENT_OF_ACTION = {
    TagEvent.Action.CREATED: Event.TAG_CREATED,
    TagEvent.Action.RESTORED: Event.TAG_CREATED,
    TagEvent.Action.EDITED: Event.TAG_UPDATED,
    TagEvent.Action.REPLACED: Event.TAG_UPDATED,  # an orphan given a place again
    TagEvent.Action.DELETED: Event.TAG_DELETED,
    TagEvent.Action.REVIEWED: Event.TAG_REVIEWED,
}


def record_tag_event(**fields) -> TagEvent:
    """Store one entry of a tag's history and the webhook deliveries it causes, in one
    statement (no query more when no endpoint listens)."""
    event = TagEvent(**fields)
    delivery.insert_with_deliveries(
        event,
        EVENT_OF_ACTION[TagEvent.Action(event.action)],
        {
            "tag_id": event.tag_id,
            "article_id": event.article_id,
            "action": event.action,
            "via": event.via,
            "user": getattr(event.user, "username", None),
            "tag": event.after or event.before,
        },
    )
    return event
