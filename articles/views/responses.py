"""How the reading page answers a request that changed something on it.

Every write there is a POST that works as a plain form and through htmx. Two answers:

* `page_or_fragment`: the whole reading page (a plain form, or an error to show with it), or
  for htmx the article body and the tag panel swapped out of band. Errors keep their status
  code (422 bad input, 409 a stale edit); base.html tells htmx to swap those too.
* `after_write`: after a successful write, htmx gets only what changed (`TagChange`): the
  paragraphs the change touches, the counts, the notice and the one list entry. A plain
  form is redirected back to the page, the notice as a Django message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.contrib import messages
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render

from articles.forms import TagEditForm
from articles.kinds import KINDS
from articles.models import Article, Tag
from articles.quotes import suggestion_store
from articles.reading.highlights import paragraph_spans, render_paragraphs, split_headline
from articles.team import layers
from articles.views.reading import reading_context
from articles.views.request import HtmxHttpRequest

PAGE = "articles/reading/read_article.html"
SPEAKER_SUGGESTIONS = 200

# A write and the answer built after it are one transaction: if the database goes away
# between them, the write is rolled back, so the 503 page's "nothing was saved" is true and
# the user's retry cannot duplicate what was written (found by the load test's PostgreSQL restart).
write_with_its_answer = transaction.atomic


@dataclass(frozen=True)
class Notice:
    """The one-line message after an action, shown in the panel's status line."""

    message: str
    level: Literal["ok", "error", "live"] = "ok"  # "live": a colleague's change
    focus: int | None = None  # a tag the page moves the keyboard focus to
    undo: int | None = None  # a deleted tag the notice offers to restore

    @classmethod
    def error(cls, message: str) -> Notice:
        return cls(message, level="error")


@dataclass(frozen=True)
class TagChange:
    """What a successful write changed on the reading page."""

    spans: list[tuple[int, int]]  # the text before and after: their paragraphs are redrawn
    item: Tag | None = None  # the tag whose list entry to send (new, restored or edited)
    replaces: bool = False  # `item` replaces its own entry (an edit) rather than being added
    removed: int | None = None  # the id of a tag whose list entry goes
    anchor: str = ""  # where a plain form's redirect lands on the page
    quotes_changed: bool = True  # a quote tag came, went or moved: resend the suggestions


def speaker_suggestions() -> list[str]:
    """Speakers already used in the newsroom, for the inline edit form's suggestions."""
    return list(Tag.objects.speakers_used()[:SPEAKER_SUGGESTIONS])


def page_or_fragment(
    request: HtmxHttpRequest,
    article: Article,
    *,
    status: int = 200,
    anchor: str = "",
    notice: Notice | None = None,
    editing: dict[int, TagEditForm] | None = None,
) -> HttpResponse:
    """htmx: the body and the panel, out of band. Plain form: a redirect on success, or the
    whole page with the error when there is something to show. `editing` maps a tag id to
    the inline form shown in its place (a bad edit, a conflict)."""
    if not request.htmx and status < 400:
        if notice:
            messages.success(request, notice.message)
        return redirect(article.get_absolute_url() + anchor)
    context = reading_context(
        request,
        article,
        editing=editing or {},
        notice=notice,
        speakers=speaker_suggestions() if editing else None,
        oob=bool(request.htmx),
    )
    template = f"{PAGE}#tagging-update" if request.htmx else PAGE
    return render(request, template, context, status=status)


def after_write(
    request: HtmxHttpRequest, article: Article, change: TagChange, notice: Notice
) -> HttpResponse:
    """After a successful write, send htmx only what changed: the paragraphs that the
    changed spans touch (re-rendered with every tag over them), the counts, the notice,
    and the one list entry. This keeps a write fast on an article with hundreds of tags."""
    if not request.htmx:
        messages.success(request, notice.message)
        return redirect(article.get_absolute_url() + change.anchor)
    # A write lands in the writer's own layer; the answer draws that layer (orphans wait in
    # their queue).
    own_layer = layers.request_layer(request, article)
    layer_tags = layers.tags_in_layer(article, own_layer).anchored()
    counts = layer_tags.counts_by_kind()
    inserting = change.item is not None and not change.replaces
    if inserting and sum(counts.values()) == 1:
        # The first tag: the panel has no list to insert into yet, so send it whole.
        return page_or_fragment(request, article, anchor=change.anchor, notice=notice)
    added = change.item.pk if inserting and change.item is not None else None
    if _page_is_behind(request, layer_tags, added=added, removed=change.removed):
        # Another tab or editor changed the list since this page loaded: only-what-changed
        # would point at entries the page does not have, so send the body and panel whole.
        return page_or_fragment(request, article, anchor=change.anchor, notice=notice)
    # Quote suggestions: a new quote tag hides those it covers, a deleted one shows them
    # again; their list goes out of band with the rest.
    suggestions, suggestion_tally = suggestion_store.for_page(
        article, suggestion_store.quote_spans(article)
    )
    if own_layer is not None:
        suggestions, suggestion_tally = [], {}  # not on a blind layer, as on the page
    headline, paragraphs = split_headline(
        _touched_paragraphs(layer_tags, article, change.spans, suggestions),
        article.body,
        article.title,
    )
    context: dict[str, object] = {
        "article": article,
        "headline": headline,
        "paragraphs": paragraphs,
        "legend": [(kind, counts.get(kind.slug, 0)) for kind in KINDS],
        "notice": notice,
        "removed": change.removed,
        "can_tag": request.user.has_perm("articles.add_tag"),
        "can_edit": request.user.has_perm("articles.change_tag"),
        "can_delete": request.user.has_perm("articles.delete_tag"),
        "suggestions": suggestions,
        "suggestion_tally": suggestion_tally,
        "send_suggestions": change.quotes_changed,
    }
    if change.item is not None:
        context["item"] = change.item
        if getattr(change.item, "edit_form", None):
            context["speakers"] = speaker_suggestions()
        if inserting:
            context["item_before"] = _insertion_point(layer_tags, change.item)
    return render(request, f"{PAGE}#tag-write", context)


def _page_is_behind(
    request: HtmxHttpRequest, layer_tags: QuerySet[Tag], *, added: int | None, removed: int | None
) -> bool:
    """Whether the side list the page sent (`listed`, by tagging.js) differs from the
    tags of the layer it shows once this write is counted. A request without it is taken
    as current."""
    listed = request.POST.get("listed")
    if listed is None:
        return False
    try:
        page_ids = {int(tag_id) for tag_id in listed.split()}
    except ValueError:
        return True
    if added is not None:
        page_ids.add(added)
    page_ids.discard(removed or 0)
    return page_ids != set(layer_tags.values_list("id", flat=True))


def _touched_paragraphs(
    layer_tags: QuerySet[Tag], article: Article, spans: list[tuple[int, int]], suggestions: list
):
    body = article.body
    touched = [
        (p_start, p_end)
        for p_start, p_end in paragraph_spans(body)
        if any(start <= p_end and end >= p_start for start, end in spans)
    ]
    if not touched:
        return []
    low, high = touched[0][0], touched[-1][1]
    # Plain rows, not model instances: this is on every write's hot path.
    tags = layer_tags.filter(start__lt=high, end__gt=low).values_list(
        "id", "kind", "start", "end", named=True
    )
    wanted = {p_start for p_start, _p_end in touched}
    return [
        p
        for p in render_paragraphs(
            body, list(tags), [s for s in suggestions if s.start < high and s.end > low]
        )
        if p.start in wanted
    ]


def _insertion_point(layer_tags: QuerySet[Tag], item: Tag) -> str:
    """Where a new entry goes in the side list, which is in reading order."""
    following = (
        layer_tags.filter(
            Q(start__gt=item.start)
            | Q(start=item.start, end__lt=item.end)
            | Q(start=item.start, end=item.end, id__gt=item.pk)
        )
        .order_by("start", "-end", "id")
        .values_list("id", flat=True)
        .first()
    )
    return f"beforebegin:#tag-{following}" if following else "beforeend:#tag-list"
