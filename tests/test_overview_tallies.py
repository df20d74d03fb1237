"""The overview's tallies, kept by database triggers, always equal a fresh recount."""

from __future__ import annotations

import random

from django.db import connection
from django.db.models import Count, Min
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import reviewing
from articles.models import Tag, TagTally
from articles.overview import figures
from tests.conftest import (
    SAMPLE_FILES,
    import_and_index,
    make_article,
    make_source,
    make_tag,
    make_user,
)

SPEAKERS = ["", "بوتين", "بُوتين", "ماكرون"]


def recount() -> dict:
    """The figures counted from the tags themselves, as the page once did per request."""
    tags = Tag.objects.all()
    return {
        "by_kind": dict(tags.values_list("kind").annotate(n=Count("id")).order_by()),
        "review": dict(tags.values_list("review_state").annotate(n=Count("id")).order_by()),
        "by_editor": list(
            tags.values_list("created_by__username")
            .annotate(n=Count("id"))
            .order_by("-n", "created_by__username")[:10]
        ),
        "by_source": list(
            tags.values_list("article__source__name")
            .annotate(n=Count("id"))
            .order_by("-n", "article__source__name")[:10]
        ),
        "speakers": list(
            tags.filter(kind="quote")
            .exclude(speaker_key="")
            .values_list("speaker_key")
            .annotate(n=Count("id"), name=Min("speaker"))
            .order_by("-n", "speaker_key")[:10]
        ),
        "n_tags": tags.count(),
    }


def shown() -> dict:
    context = figures()
    return {
        "by_kind": {kind.slug: n for kind, n in context["by_kind"] if n},
        "review": {
            state: n
            for state, (_, n) in zip(
                ["pending", "accepted", "rejected"], context["review"], strict=True
            )
            if n
        },
        "by_editor": context["by_editor"],
        "by_source": context["by_source"],
        "speakers": context["speakers"],
        "n_tags": context["n_tags"],
    }


def test_tallies_equal_a_recount_after_any_sequence_of_writes(db):
    rng = random.Random(7)
    editors = [make_user(f"editor{i}") for i in range(3)]
    sources = [make_source(f"مصدر {i}") for i in range(3)]
    articles = [
        make_article(f"أكد الوزير {i} أن الاتفاق قريب جدا.", source=rng.choice(sources))
        for i in range(4)
    ]
    articles.append(make_article("مقال بلا مصدر فيه كلام."))
    for step in range(120):
        action = rng.choice(["create", "create", "edit", "delete", "review", "move", "bulk"])
        tags = list(Tag.objects.order_by("pk"))
        if action == "create" or not tags:
            kind = rng.choice(["claim", "quote", "background"])
            speaker = rng.choice(SPEAKERS) if kind == "quote" else ""
            make_tag(
                rng.choice(articles),
                0,
                rng.randint(1, 9),
                user=rng.choice(editors),
                kind=kind,
                speaker=speaker,
            )
        elif action == "edit":  # claims keep their kind: their claim fields would not fit
            tag = rng.choice([t for t in tags if t.kind != "claim"] or tags)
            if tag.kind == "claim":
                continue
            tag.kind = rng.choice(["quote", "background"])
            tag.speaker = rng.choice(SPEAKERS) if tag.kind == "quote" else ""
            tag.note = f"خطوة {step}"
            tag.save()
        elif action == "delete":
            rng.choice(tags).delete()
        elif action == "review":
            tag = rng.choice(tags)
            decide = rng.choice([reviewing.accept, reviewing.reject])
            decide(tag_id=tag.pk, version=tag.version, reviewer=editors[0])
        elif action == "move":
            article = rng.choice(articles)
            article.source = rng.choice([*sources, None])
            article.save(update_fields=["source"])
        else:
            Tag.objects.filter(pk__in=[t.pk for t in tags[:3]]).update(review_state="pending")
        if step % 40 == 39:
            TagTally.objects.compact()
        assert shown() == recount(), f"after step {step} ({action})"


def test_imported_tags_and_layer_tags(db):
    editor = make_user("editor1")
    (article,) = import_and_index(SAMPLE_FILES[:1])
    make_tag(article, 0, 3, user=editor, kind="quote", speaker="بوتين")
    make_tag(article, 0, 4, user=editor, annotator=editor)  # a blind layer: never counted
    assert shown() == recount() and recount()["n_tags"] == 1


def test_compacting_keeps_the_figures_and_leaves_one_row_per_group(db):
    editor = make_user("editor1")
    article = make_article(source=make_source())
    tags = [make_tag(article, 0, 3, user=editor) for _ in range(5)]
    tags[0].delete()
    before = shown()
    remaining = TagTally.objects.compact()
    assert shown() == before
    groups = TagTally.objects.values_list("dimension", "key", "label").distinct().count()
    assert remaining == groups == TagTally.objects.count()


def test_the_overview_query_count_does_not_grow_with_tags(
    editor_client, django_assert_num_queries, db
):
    editor = make_user("editor9")
    article = make_article(source=make_source())
    make_tag(article, 0, 3, user=editor)
    with CaptureQueriesContext(connection) as few:
        editor_client.get(reverse("overview"))
    for i in range(30):
        make_tag(
            make_article(f"مقال رقم {i} فيه كلام.", source=make_source(f"م{i}")),
            0,
            3,
            user=make_user(f"e{i}"),
            kind="quote",
            speaker=f"متحدث {i}",
        )
    with django_assert_num_queries(len(few.captured_queries)):
        editor_client.get(reverse("overview"))
