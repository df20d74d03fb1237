"""What changed on an article's tags since a reader's page was drawn, for live updates.

The reading page polls with a cursor: the last tag event it has seen, the latest review
time and the version of the text it shows. Nothing changed is one small query and an empty
answer; a change by someone else sends the page its highlights and side list again with a
notice of who changed what. A new version of the text (a correction, even one that moves no
tag) sends every open page the new text, whoever made it: offsets taken on the old text
would point at other words.
Polling, not server-sent events: an open event stream holds a server thread per reader,
and 50 open pages would take every thread gunicorn has (16) from everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Count, Max, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.kinds import KINDS_BY_SLUG
from articles.models import Article, ArticleRevision, Tag, TagEvent

POLL_SECONDS = 3  # "within a few seconds", at ~17 requests a second for 50 open pages


@dataclass(frozen=True)
class Cursor:
    """The newest tag event and the newest review time a page has seen, and the version
    of the text it shows (0: not known, from a page drawn before versions were polled)."""

    event_id: int
    reviewed_us: int
    body_version: int = 0

    def __str__(self) -> str:
        return f"{self.event_id}-{self.reviewed_us}-{self.body_version}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        return cls(*(int(part) for part in text.split("-")))

    def text_changed_since(self, seen: Cursor) -> bool:
        return bool(seen.body_version) and seen.body_version != self.body_version


def current_cursor(article_id: int) -> Cursor | None:
    """The article's cursor now, in one query (None: no such article)."""
    last_event = TagEvent.objects.filter(article_id=article_id).order_by().values("article_id")
    last_review = Tag.objects.filter(article_id=article_id).order_by().values("article_id")
    row = (
        Article.objects.filter(pk=article_id)
        .annotate(
            last_event=Subquery(last_event.annotate(m=Max("id")).values("m")),
            last_review=Subquery(last_review.annotate(m=Max("reviewed_at")).values("m")),
        )
        .values_list("last_event", "last_review", "body_version")
        .first()
    )
    if row is None:
        return None
    event_id, reviewed_at, body_version = row
    return Cursor(event_id or 0, _us(reviewed_at), body_version)


def text_changes(article_id: int, since: Cursor) -> list[str]:
    """One line per version of the text saved since the page's, by anyone (the page that
    made a correction is not the page that shows the text)."""
    newer = ArticleRevision.objects.filter(
        article_id=article_id, number__gt=since.body_version
    ).select_related("created_by")
    return [
        _("%(user)s: %(kind)s، فصار النص النسخة %(n)s؛ تعرض الصفحة النص الجديد")
        % {
            "user": revision.created_by.get_username() if revision.created_by else "—",
            "kind": revision.get_kind_display(),
            "n": revision.number,
        }
        for revision in newer.order_by("-number")[:5]
    ]


def others_changes(article_id: int, since: Cursor, user) -> list[str]:
    """One line per change by someone other than `user` since `since`, newest first."""
    lines = []
    events = (
        TagEvent.objects.filter(article_id=article_id, id__gt=since.event_id)
        .exclude(user=user)
        .exclude(action=TagEvent.Action.REVIEWED)  # reviews are counted below, per reviewer
        .select_related("user")
        .order_by("-id")
    )
    shown = 0
    for event in events[:50]:
        snapshot = event.after or event.before or {}
        if snapshot.get("annotator") not in (None, user.pk):
            continue  # another editor's blind layer: not even that they tagged something
        if shown == 5:
            break
        shown += 1
        kind = KINDS_BY_SLUG.get(snapshot.get("kind", ""))
        lines.append(
            _("%(user)s: %(action)s وسم «%(kind)s»")
            % {
                "user": event.user.get_username(),
                "action": event.get_action_display(),
                "kind": kind.label if kind else "",
            }
        )
    reviewed = (
        Tag.objects.filter(article_id=article_id, reviewed_at__gt=_from_us(since.reviewed_us))
        .exclude(reviewed_by=user)
        .exclude(reviewed_by=None)
        .values_list("reviewed_by__username")
        .annotate(n=Count("id"))
        .order_by("reviewed_by__username")
    )
    for username, count in reviewed:
        lines.append(
            ngettext("%(user)s: راجع وسماً", "%(user)s: راجع %(count)d وسوم", count)
            % {"user": username, "count": count}
        )
    return lines


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(moment: datetime | None) -> int:
    """Whole microseconds since the epoch: exact, so a cursor never repeats a review."""
    return (moment - EPOCH) // timedelta(microseconds=1) if moment else 0


def _from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)
