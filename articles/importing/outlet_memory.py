"""What the clean-up learns per outlet: site memory and an Admin's corrections.

- Site memory: the short lines of every import are remembered per outlet (`SeenLine`); a
  later page of the same outlet that prints one again loses it as furniture ("seen").
- Corrections: on an article's raw page an Admin marks a kept line as furniture or a removed
  line as story; that is an `OutletRule` for the outlet, applied to every later import.
- After a correction, the outlet's earlier articles that have no tags (and no tag history)
  are cleaned again; tagged ones keep their text, because tag offsets point into it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from articles.models import (
    Article,
    OutletRule,
    QuoteSuggestion,
    SeenLine,
    Source,
    SuggestionRun,
    Tag,
    TagEvent,
    body_sha256,
)
from articles.text import cleaning, near_duplicates


def memory_for(source: Source | None, *, exclude_article: int | None = None):
    """The outlet's memory (two queries). With `exclude_article`, lines that only that
    article printed are not "seen", so re-cleaning it does not erase its own lines."""
    if source is None:
        return cleaning.NO_MEMORY
    furniture: set[str] = set()
    story: set[str] = set()
    for kind, key in OutletRule.objects.filter(source=source).values_list("kind", "key"):
        (story if kind == OutletRule.Kind.STORY else furniture).add(key)
    seen = SeenLine.objects.filter(source=source)
    if exclude_article is not None:
        seen = seen.exclude(pages=1, first_article_id=exclude_article)
    return cleaning.OutletMemory(
        furniture=frozenset(furniture),
        story=frozenset(story),
        seen=frozenset(seen.values_list("key", flat=True)),
    )


def remember(pages: Iterable[tuple[Article, set[str]]]) -> None:
    """Add the short lines of newly saved articles to their outlets' memory (one query)."""
    rows: dict[tuple[int, str], tuple[int, int]] = {}
    for article, keys in pages:
        if article.source_id is None or article.pk is None:
            continue
        for key in keys:
            pages_seen, first = rows.get((article.source_id, key), (0, article.pk))
            rows[(article.source_id, key)] = (pages_seen + 1, first)
    if not rows:
        return
    items = sorted(rows.items())  # one lock order for concurrent imports
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO articles_seenline (source_id, key, pages, first_article_id) "
            "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::int[], %s::bigint[]) "
            "ON CONFLICT (source_id, key) DO UPDATE "
            "SET pages = articles_seenline.pages + EXCLUDED.pages",
            [
                [source for (source, _key), _v in items],
                [key for (_source, key), _v in items],
                [count for _k, (count, _first) in items],
                [first for _k, (_count, first) in items],
            ],
        )


@dataclass
class Recleaned:
    recleaned: int  # articles whose text changed
    waiting: int  # articles with tags, left as they are


def untagged(articles):
    """Articles with no tag and no tag history (a deleted tag can be restored)."""
    return articles.filter(
        ~Exists(Tag.objects.filter(article=OuterRef("pk"))),
        ~Exists(TagEvent.objects.filter(article=OuterRef("pk"))),
    )


def reclean_outlet(source: Source) -> Recleaned:
    """Clean the outlet's untagged articles again with what it has learned, atomically.
    An article whose new text would equal another article's keeps its old text, and so
    does one whose text has had versions (articles/revisions/)."""
    # Here, not at the top: the indexing job brings in the quote rules (compiled patterns,
    # a tenth of a second), which an import, this module's other user, never needs.
    from articles.jobs import indexing

    articles = Article.objects.filter(source=source)
    free = list(untagged(articles).order_by("pk"))
    waiting = articles.count() - len(free)
    # An article with versions is left alone: its text may be a correction typed on the
    # page, which cleaning its file again would undo without a trace in its versions.
    free = [article for article in free if article.body_version == 1]
    changed: list[Article] = []
    with transaction.atomic():
        for article in free:
            memory = memory_for(source, exclude_article=article.pk)
            cleaned = cleaning.clean(article.raw_text, memory)
            if not cleaned.body or cleaned.body == article.body:
                continue
            digest = body_sha256(cleaned.body)
            if Article.objects.filter(body_sha256=digest).exclude(pk=article.pk).exists():
                continue
            Article.objects.filter(pk=article.pk).update(
                body=cleaned.body,
                body_sha256=digest,
                title=" ".join(cleaned.title.split())[:500],
                removed_lines=cleaned.removed_json,
                published_on=cleaned.published_on or article.published_on,
                shingle_sketch=near_duplicates.sketch(cleaned.body),
            )
            article.body = article._loaded_body = cleaned.body
            changed.append(article)
        if changed:
            # Suggestions and similar-passage entries point into the old text.
            QuoteSuggestion.objects.filter(article__in=changed).delete()
            SuggestionRun.objects.filter(article__in=changed).delete()
            indexing.index_again_later(changed)
    return Recleaned(recleaned=len(changed), waiting=waiting)
