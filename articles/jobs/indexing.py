"""What an article needs after import, done out of the import transaction: its quote
suggestions, then its passages and their document frequencies (similar passages).

Idempotent: an article counts as indexed once `indexed_at` is set, in the same
transaction as its passages, so a job retried after a crash never counts a passage twice.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.functions import Now

from articles.claims import passage_index
from articles.jobs import queue
from articles.models import Article
from articles.quotes import suggestion_store


def index_articles(article_ids: list[int]) -> int:
    """Index those of `article_ids` not indexed yet; returns how many were."""
    waiting = Article.objects.filter(pk__in=article_ids, indexed_at__isnull=True)
    unneeded = ("raw_text", "removed_lines", "shingle_sketch")
    for article in waiting.select_related("suggestion_run").defer(*unneeded):
        suggestion_store.ensure_suggestions(article)
    with transaction.atomic():
        # Locked, so two jobs given the same article (a retry racing a late original)
        # cannot both add its passages: the second finds it indexed and skips it.
        articles = list(waiting.select_for_update(no_key=True).only("id", "body"))
        passage_index.index_articles(articles)
        Article.objects.filter(pk__in=[a.pk for a in articles]).update(indexed_at=Now())
    return len(articles)


def index_again_later(articles: list[Article]) -> None:
    """Articles whose text changed (cleaned again): their old passages go now, their
    suggestions and passages come back from an indexing job. Call it in the transaction
    that changes them."""
    passage_index.drop_passages(articles)
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(indexed_at=None)
    queue.defer_indexing([a.pk for a in articles])


def unindexed_count() -> int:
    return Article.objects.filter(indexed_at__isnull=True).count()
