"""Pages for reading articles: the list, the reading page, and the kinds stylesheet."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from articles.forms import ArticleFilterForm
from articles.kinds import KINDS
from articles.models import QUOTE, Article, TagEvent
from articles.quotes import suggestion_store
from articles.reading import body_cache
from articles.reading.highlights import kind_combo, split_headline
from articles.reading.live import POLL_SECONDS, Cursor, current_cursor
from articles.reading.side_list import render_side_list
from articles.search.article_filter import (
    attach_excerpts,
    attach_tag_counts,
    filter_articles,
    for_article_list,
)
from articles.search.query import parse_query
from articles.search.result_rows import render_article_rows
from articles.team import layers
from articles.views.request import HtmxHttpRequest

ARTICLES_PER_PAGE = 25


def get_article_for_user(request: HttpRequest, article_id: int) -> Article:
    """Every role may read every article; the permission decorator (or the API's auth)
    checks the role."""
    articles = Article.objects.select_related("source", "suggestion_run")
    return get_object_or_404(articles, pk=article_id)


@require_GET
@permission_required("articles.view_article", raise_exception=True)
def article_list(request: HtmxHttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET)
    form.is_valid()  # invalid fields are reported and left out; the valid ones still apply
    # A search result (TitleFirst) is only ever sliced, and Paginator counts it with its
    # own count(): it need not be a full sequence.
    query = parse_query(form.cleaned_data.get("q") or "")
    articles = filter_articles(form.cleaned_data, for_article_list(query))
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(  # type: ignore[arg-type]
        request.GET.get("page")
    )
    rows = list(page.object_list)  # the page's own rows: annotated in place below
    attach_tag_counts(rows)
    attach_excerpts(rows, query)
    context = {
        "page": page,
        "form": form,
        "kinds": KINDS,
        "query": query,
        "article_rows": render_article_rows(rows),
    }
    template = "articles/reading/article_list.html"
    return render(request, template + "#results" if request.htmx else template, context)


@require_GET
@permission_required("articles.view_article", raise_exception=True)
def read_article(request: HtmxHttpRequest, article_id: int) -> HttpResponse:
    article = get_article_for_user(request, article_id)
    if article.indexed_at:  # until then a job is computing them: the page says so
        suggestion_store.ensure_suggestions(article)  # again only if the rules changed
    context = reading_context(request, article, cursor=current_cursor(article.pk))
    return render(request, "articles/reading/read_article.html", context)


def reading_context(
    request: HtmxHttpRequest,
    article: Article,
    *,
    editing: dict | None = None,
    notice: object = None,
    speakers: list[str] | None = None,
    oob: bool = False,
    cursor: Cursor | None = None,
    live_update: bool = False,
) -> dict:
    """What the reading page and its fragments (article body, tag panel) are drawn from.

    `editing` maps a tag id to the inline form to show in its place, `speakers` are the
    suggestions of that form, `notice` the status line (a `responses.Notice`) and `oob`
    whether the body and the panel are sent out of band (an htmx answer). `cursor` starts
    the page's poll for others' changes; `live_update` marks an answer to that poll."""
    layer = layers.layer_view(request, article)
    tags = list(layers.tags_in_layer(article, layer.shown).anchored().for_side_list())
    editing = editing or {}
    for tag in tags:
        tag.edit_form = editing.get(tag.pk)
    counts = Counter(tag.kind for tag in tags)
    present = {tag.pk for tag in tags}
    deleted: dict[int, TagEvent] = {}
    for event in article.tag_events.filter(action="deleted").select_related("user")[:20]:
        in_layer = (event.before or {}).get("annotator") == layer.shown
        if event.tag_id not in present and in_layer:
            deleted.setdefault(event.tag_id, event)
    suggestions, suggestion_tally = suggestion_store.for_page(
        article, [(tag.start, tag.end) for tag in tags if tag.kind == QUOTE]
    )
    if layer.own is not None or layer.shown is not None:
        # Suggestions are shared by everyone: not on a blind layer (see suggestions.py).
        suggestions, suggestion_tally = [], {}
    can_edit = request.user.has_perm("articles.change_tag") and layer.writable
    headline, paragraphs = split_headline(
        body_cache.paragraphs(article.body, tags, suggestions), article.body, article.title
    )
    return {
        "article": article,
        "article_id": article.pk,
        "headline": headline,
        "paragraphs": paragraphs,
        "suggestions": suggestions,
        "suggestion_tally": suggestion_tally,
        "still_indexing": article.indexed_at is None,
        "tags": tags,
        "tag_items": render_side_list(tags, can_edit=can_edit),
        "deleted": list(deleted.values())[:10],
        "legend": [(kind, counts[kind.slug]) for kind in KINDS],
        "can_tag": request.user.has_perm("articles.add_tag") and layer.writable,
        "can_edit": can_edit,
        "can_delete": request.user.has_perm("articles.delete_tag") and layer.writable,
        "notice": notice,
        "speakers": speakers or [],
        "oob": oob,
        "cursor": cursor,
        "live_update": live_update,
        "poll_seconds": POLL_SECONDS,
        "layer": layer,
        "can_correct": request.user.has_perm("articles.correct_article"),
        # Tags a new version of the text left without a place (articles/revisions/).
        "orphan_count": article.tags.orphans().count() if article.body_version > 1 else 0,
    }


@login_not_required
@require_GET
@cache_control(max_age=3600)
def kinds_css(request: HtmxHttpRequest) -> HttpResponse:
    """Highlight colours for every combination of kinds, from the one table in kinds.py."""
    rules = []
    for mask in range(1, 2 ** len(KINDS)):
        combo = [kind for bit, kind in enumerate(KINDS) if mask & (1 << bit)]
        cls = kind_combo(kind.slug for kind in combo)
        # A nested kind is a darker shade on light pages and a lighter one on dark pages.
        rules.append((cls, _background(combo, 1.0, 1.0), _background(combo, 0.82, 1.25)))
    labels = [(kind.slug, _light_dark(kind, 1.0, 1.0)) for kind in KINDS]
    return render(
        request,
        "articles/reading/kinds.css",
        {"rules": rules, "labels": labels},
        content_type="text/css; charset=utf-8",
    )


def _light_dark(kind, light_shade: float, dark_shade: float) -> str:
    """The kind's colour for the light and the dark scheme (CSS `light-dark()`, which
    follows the page's color-scheme: the system setting or the theme toggle)."""
    light = _shade(kind.colour, light_shade)
    return f"light-dark({light}, {_shade(kind.dark_colour, dark_shade)})"


def _background(kinds: list, light_shade: float, dark_shade: float) -> str:
    colours = [_light_dark(kind, light_shade, dark_shade) for kind in kinds]
    if len(colours) == 1:
        return colours[0]
    # Overlapping kinds: horizontal bands, one per kind, so each stays visible.
    step = 100 / len(colours)
    stops = ", ".join(
        f"{colour} {i * step:.0f}% {(i + 1) * step:.0f}%" for i, colour in enumerate(colours)
    )
    return f"linear-gradient(to bottom, {stops})"


def _shade(hex_colour: str, factor: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(min(255, round(c * factor)) for c in (r, g, b)))
