"""Newsroom figures for the overview page, and the activity chart drawn as plain numbers
for a server-rendered SVG."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from articles.kinds import KINDS
from articles.models import Article, Assignment, ReviewState, Source, TagTally

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
    """Every figure from the tallies the database keeps (`TagTally`): the page reads a
    few hundred summed rows instead of recounting the tags on each request."""
    groups: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for dimension, key, label, n in TagTally.objects.totals().filter(
        ~Q(dimension="hour") | Q(key__gte=first_hour().isoformat())
    ):
        groups[dimension].append((key, label, n))
    by_kind = {key: n for key, _, n in groups["kind"]}
    review = {key: n for key, _, n in groups["review"]}
    context = {
        "n_articles": Article.objects.count(),
        "n_tags": sum(by_kind.values()),
        "by_kind": [(kind, by_kind.get(kind.slug, 0)) for kind in KINDS],
        "by_editor": top_named(groups["editor"], get_user_model().objects, "username"),
        "by_source": top_named(groups["source"], Source.objects, "name"),
        "speakers": top_speakers(groups["speaker"]),
        "review": [(label, review.get(value, 0)) for value, label in ReviewState.choices],
    }
    context["bars"] = activity_bars(weekly_activity(groups["hour"]))
    # The latest assignments' progress: items done of all, one query.
    context["assignments"] = list(Assignment.objects.with_progress()[:TOP])
    return context


def top_named(
    rows: list[tuple[str, str, int]], objects, field: str
) -> list[tuple[str | None, int]]:
    """The TOP ids by count, as (name, count), ties by name; an empty key has no name
    and comes after the named (as NULL sorts last in PostgreSQL)."""
    names = dict(objects.filter(pk__in=[key for key, _, _ in rows if key]).values_list("pk", field))
    named = [(names.get(int(key)) if key else None, n) for key, _, n in rows]
    return sorted(named, key=lambda row: (-row[1], row[0] is None, row[0] or ""))[:TOP]


def top_speakers(rows: list[tuple[str, str, int]]) -> list[tuple[str, int, str]]:
    """The TOP speakers as (key, count, first spelling), ties by key."""
    counts: dict[str, int] = defaultdict(int)
    spellings: dict[str, list[str]] = defaultdict(list)
    for key, spelling, n in rows:
        counts[key] += n
        if n > 0:
            spellings[key].append(spelling)
    ranked = sorted((key for key, n in counts.items() if n > 0), key=lambda k: (-counts[k], k))
    return [(key, counts[key], min(spellings[key])) for key in ranked[:TOP]]


def first_week(weeks: int = ACTIVITY_WEEKS) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday() + 7 * (weeks - 1))


def first_hour(weeks: int = ACTIVITY_WEEKS) -> datetime.datetime:
    """The chart's first hour, in UTC as the tallies write it."""
    start = timezone.make_aware(datetime.datetime.combine(first_week(weeks), datetime.time()))
    return start.astimezone(datetime.UTC)


def weekly_activity(
    hours: list[tuple[str, str, int]], weeks: int = ACTIVITY_WEEKS
) -> list[tuple[datetime.date, int]]:
    """Tags created per local week from the hourly tallies, empty weeks included.
    (Hours suit every time zone a whole number of hours from UTC.)"""
    first = first_week(weeks)
    counts: dict[datetime.date, int] = defaultdict(int)
    for key, _, n in hours:
        day = timezone.localtime(datetime.datetime.fromisoformat(key)).date()
        counts[day - datetime.timedelta(days=day.weekday())] += n
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
