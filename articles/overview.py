"""Newsroom figures for the overview page, and the activity chart drawn as plain numbers
for a server-rendered SVG."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Min
from django.db.models.functions import TruncWeek
from django.utils import timezone

from articles.kinds import KINDS
from articles.models import Article, Assignment, ReviewState, Tag

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ACTIVITY_WEEKS = 26
TOP = 10


@dataclass(frozen=True)
class Bar:
    week: datetime.date  # the Monday the week starts on
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 1)


def figures() -> dict:
    by_kind = Tag.objects.counts_by_kind()
    context = {
        "n_articles": Article.objects.count(),
        "n_tags": sum(by_kind.values()),
        "by_kind": [(kind, by_kind.get(kind.slug, 0)) for kind in KINDS],
        "by_editor": list(
            Tag.objects.values_list("created_by__username")
            .annotate(n=Count("id"))
            .order_by("-n", "created_by__username")[:TOP]
        ),
        "by_source": list(
            Tag.objects.values_list("article__source__name")
            .annotate(n=Count("id"))
            .order_by("-n", "article__source__name")[:TOP]
        ),
        "speakers": list(
            Tag.objects.filter(kind="quote")
            .exclude(speaker_key="")
            .values_list("speaker_key")
            .annotate(n=Count("id"), name=Min("speaker"))
            .order_by("-n", "speaker_key")[:TOP]
        ),
        "review": review_progress(),
    }
    context["bars"] = activity_bars(weekly_activity())
    # The latest assignments' progress: items done of all, one query.
    context["assignments"] = list(Assignment.objects.with_progress()[:TOP])
    return context


def review_progress() -> list[tuple[StrOrPromise, int]]:
    """Tags per review state, every state listed even when it has none."""
    counts = dict(Tag.objects.values_list("review_state").annotate(n=Count("id")).order_by())
    return [(label, counts.get(value, 0)) for value, label in ReviewState.choices]


def weekly_activity(weeks: int = ACTIVITY_WEEKS) -> list[tuple[datetime.date, int]]:
    """Tags created per week over the last `weeks` weeks, empty weeks included."""
    today = timezone.localdate()
    first = today - datetime.timedelta(days=today.weekday() + 7 * (weeks - 1))
    since = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    rows = (
        Tag.objects.filter(created_at__gte=since)
        .annotate(week=TruncWeek("created_at"))
        .values_list("week")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {week.date() if hasattr(week, "date") else week: n for week, n in rows}
    return [
        (week, counts.get(week, 0))
        for week in (first + datetime.timedelta(weeks=i) for i in range(weeks))
    ]


def activity_bars(series, *, width: int = 640, height: int = 160, gap: int = 4) -> list[Bar]:
    """Bar geometry in SVG user units (the chart's viewBox is `width` × `height` + labels)."""
    if not series:
        return []
    top = max(count for _, count in series) or 1
    step = width / len(series)
    return [
        Bar(
            week=week,
            label=week.isoformat(),
            count=count,
            x=round(i * step + gap / 2, 1),
            y=round(height - height * count / top, 1),
            width=round(step - gap, 1),
            height=round(height * count / top, 1),
        )
        for i, (week, count) in enumerate(series)
    ]
