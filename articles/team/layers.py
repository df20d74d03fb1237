"""Which layer of an article's tags a request sees and writes.

The shared (final) layer is `annotator = NULL` and is all that `Tag.objects` returns. In an
independent assignment each editor tags blind into a layer of their own until the article
is adjudicated. An editor only ever sees their own layer or the final one; reviewers who
adjudicate may switch to any editor's layer with `?layer=<user id>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from articles.models import (
    Adjudication,
    Article,
    Assignment,
    Tag,
    TagEvent,
    TagQuerySet,
    WorkItem,
)
from articles.views.request import HtmxHttpRequest

FINAL = "final"


def open_layer_items(user, article: Article) -> QuerySet[WorkItem]:
    """This user's independent work on this article that is not adjudicated yet."""
    adjudicated = Adjudication.objects.filter(
        assignment=OuterRef("assignment"), article=OuterRef("article")
    )
    return WorkItem.objects.filter(
        article=article, editor=user, assignment__mode=Assignment.Mode.INDEPENDENT
    ).filter(~Exists(adjudicated))


def writing_layer(user, article: Article) -> int | None:
    """The layer this user's tags on this article go to: their own while they have open
    independent work on it, else the final layer (None). One query."""
    if not user.is_authenticated:
        return None
    return user.pk if open_layer_items(user, article).exists() else None


def request_layer(request: HtmxHttpRequest, article: Article) -> int | None:
    """`writing_layer` for the request's user, asked once per request and article (a write
    and the answer drawn after it both need it)."""
    cache = request.__dict__.setdefault("_writing_layers", {})
    if article.pk not in cache:
        cache[article.pk] = writing_layer(request.user, article)
    return cache[article.pk]


def tags_in_layer(article: Article, layer: int | None) -> TagQuerySet:
    return Tag.all_layers.filter(article=article, annotator_id=layer)


def can_switch_layers(user) -> bool:
    return user.has_perm("articles.adjudicate_tags")


@dataclass(frozen=True)
class LayerView:
    shown: int | None  # the layer on the page (None: final)
    own: int | None  # the layer this user writes to
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label) to switch

    @property
    def writable(self) -> bool:
        return self.shown == self.own


def layer_view(request: HtmxHttpRequest, article: Article) -> LayerView:
    """The layer to show: the user's own; a reviewer may ask for another with `?layer=`."""
    own = request_layer(request, article)
    if not can_switch_layers(request.user):
        return LayerView(shown=own, own=own)
    annotators = list(
        Tag.all_layers.filter(article=article, annotator__isnull=False)
        .values_list("annotator_id", "annotator__username")
        .distinct()
        .order_by("annotator__username")
    )
    choices = [(FINAL, "")] + [(str(pk), name) for pk, name in annotators]
    wanted = request.GET.get("layer", "")
    shown = own
    if wanted == FINAL:
        shown = None
    elif wanted in {value for value, _label in choices}:
        shown = int(wanted)
    return LayerView(shown=shown, own=own, choices=choices)


def may_see_tag(user, tag: Tag) -> bool:
    """A tag in someone's blind layer is for them and for adjudicating reviewers only."""
    return tag.annotator_id in (None, user.pk) or can_switch_layers(user)


def may_see_history(user, first_event: TagEvent) -> bool:
    """A tag's history (the tag may be deleted) is for whoever may see its layer, read
    from the snapshot its first event holds."""
    layer = (first_event.after or first_event.before or {}).get("annotator")
    return layer in (None, user.pk) or can_switch_layers(user)


def may_write_tag(request: HtmxHttpRequest, tag: Tag) -> bool:
    """A tag is changed in the layer its editor writes to: a layer tag by its own editor
    while their layer is still open, a final one by whoever is not tagging blind."""
    return tag.annotator_id == request_layer(request, tag.article)
