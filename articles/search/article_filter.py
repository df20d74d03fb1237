"""The article list: the query behind its filter form (`articles.forms.ArticleFilterForm`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Exists, OuterRef, QuerySet

from articles.kinds import KIND_SLUGS
from articles.models import Article, Tag
from articles.search.query import (
    ParsedQuery,
    TitleFirst,
    excerpt,
    highlight,
    parse_query,
    search_articles,
)

# The big generated search vectors are for the WHERE clause only, never for display.
SEARCH_COLUMNS = ("search_stem", "search_exact", "search_title")
# What the article list shows (and orders by); the body only for a search's excerpts.
LIST_COLUMNS = ("title", "published_on", "imported_at", "source", "source__name")


def for_article_list(parsed: ParsedQuery) -> QuerySet:
    """Articles with only the columns the list shows: the raw file, removed lines and
    near-duplicate sketches of a real import cost more to load than the page costs."""
    shown = LIST_COLUMNS + (("body",) if parsed else ())
    return Article.objects.select_related("source").only(*shown)


def filter_articles(data: dict, articles: QuerySet | None = None) -> TitleFirst | QuerySet:
    """Articles for the valid part of the form's data, searched and ordered; taken from
    `articles` (by default all, every column but the search vectors)."""
    if articles is None:
        articles = Article.objects.select_related("source").defer(*SEARCH_COLUMNS)
    if data.get("source"):
        articles = articles.filter(source=data["source"])
    if data.get("date_from"):
        articles = articles.filter(published_on__gte=data["date_from"])
    if data.get("date_to"):
        articles = articles.filter(published_on__lte=data["date_to"])
    if data.get("kind") in KIND_SLUGS:
        articles = articles.filter(
            Exists(Tag.objects.filter(article=OuterRef("pk"), kind=data["kind"]))
        )
    if data.get("untagged"):
        articles = articles.filter(~Exists(Tag.objects.filter(article=OuterRef("pk"))))
    if data.get("imported_by"):
        articles = articles.filter(imported_by=data["imported_by"])
    parsed = parse_query(data.get("q") or "")
    if parsed:
        return search_articles(articles, parsed)
    return articles.order_by("-imported_at", "-id")


def attach_tag_counts(articles: Sequence[Article]) -> None:
    """Set `n_tags` and `n_<kind>` on a page of articles, in one query for the page
    (counting over the whole filtered set would aggregate every tag in the database)."""
    counts = (
        Tag.objects.filter(article__in=[article.pk for article in articles])
        .values_list("article_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_article: dict[int, dict[str, int]] = {}
    for article_id, kind, n in counts:
        by_article.setdefault(article_id, {})[kind] = n
    for article in articles:
        found = by_article.get(article.pk, {})
        article.n_tags = sum(found.values())
        for slug in KIND_SLUGS:
            setattr(article, f"n_{slug}", found.get(slug, 0))


def attach_excerpts(articles: Sequence[Article], parsed: ParsedQuery) -> None:
    """Title and matching passage as (text, is_hit) pieces, for a search result page."""
    for article in articles:
        article.title_pieces = highlight(article.title, parsed)
        article.excerpt = excerpt(article.body, parsed) if parsed else []
