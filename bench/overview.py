"""Overview benchmark: server time of the overview page, read from the tallies the
database keeps, against recounting the tags per request (as the page did before), with
a floor: a page of the same stack that counts nothing (the profile page).

    .venv/bin/python bench/overview.py [--articles 10000] [--tags 1000000] [--runs 20]

Uses the benchmark database (bench/common.py, kept between runs; filled by bench/data.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import grown_bench_database, sized_arguments, summary, timings_ms


def recount_as_before() -> None:
    """The overview's grouped counts over every tag, the queries it ran per request."""
    from django.db.models import Count, Min
    from django.db.models.functions import TruncWeek

    from articles.models import Tag

    tags = Tag.objects.all()
    list(tags.values_list("kind").annotate(n=Count("id")).order_by())
    list(tags.values_list("review_state").annotate(n=Count("id")).order_by())
    list(tags.values_list("created_by__username").annotate(n=Count("id")).order_by("-n")[:10])
    list(tags.values_list("article__source__name").annotate(n=Count("id")).order_by("-n")[:10])
    list(
        tags.filter(kind="quote")
        .exclude(speaker_key="")
        .values_list("speaker_key")
        .annotate(n=Count("id"), name=Min("speaker"))
        .order_by("-n")[:10]
    )
    list(
        tags.annotate(week=TruncWeek("created_at"))
        .values_list("week")
        .annotate(n=Count("id"))
        .order_by()
    )


def measure(runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from articles.models import Tag, TagTally

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-editor-0"))
    overview, profile = reverse("overview"), reverse("edit_profile")
    client.get(overview), client.get(profile)  # warm-up
    TagTally.objects.compact()
    floor = summary(timings_ms(lambda: client.get(profile), runs))
    page = summary(timings_ms(lambda: client.get(overview), runs))
    before = summary(timings_ms(recount_as_before, max(3, runs // 5)))
    return {
        "tags": Tag.objects.count(),
        "tally_rows": TagTally.objects.count(),
        "floor_profile_page": floor,
        "overview_from_tallies": page,
        "recount_queries_before": before,
        "overview_x_floor": round(page["median_ms"] / floor["median_ms"], 1),
        "recount_x_floor": round(before["median_ms"] / floor["median_ms"], 1),
    }


def main() -> None:
    parser = sized_arguments(__doc__.splitlines()[0], articles=10_000, tags=1_000_000)
    args = parser.parse_args()
    with grown_bench_database(args.articles, args.tags):
        result = measure(args.runs)
    for name, value in result.items():
        print(f"{name:<26} {value}")


if __name__ == "__main__":
    main()
