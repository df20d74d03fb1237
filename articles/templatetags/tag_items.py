"""The Python renderers of articles/reading/ for templates: `{% tag_item tag %}` (one side-list
entry, for the partials that send a single entry: an htmx write, cancelling an edit),
`{% tag_summary tag %}` (a tag's current state above a conflicting edit), `{% tag_snapshot
snapshot %}` (a tag in its history) and `{% suggestion_items %}` (the quote suggestions)."""

from django import template
from django.utils.safestring import SafeString

from articles.reading.side_list import (
    ItemContext,
    render_snapshot,
    render_tag_item,
    render_tag_summary,
)
from articles.reading.suggestion_list import render_suggestion_items

register = template.Library()


@register.simple_tag(takes_context=True)
def tag_item(context, tag) -> SafeString:
    item_context = ItemContext.build(can_edit=bool(context.get("can_edit")))
    return render_tag_item(tag, item_context, oob=bool(context.get("oob")))


@register.simple_tag
def tag_summary(tag) -> SafeString:
    return render_tag_summary(tag, ItemContext.build(can_edit=False))


@register.simple_tag
def tag_snapshot(snapshot: dict) -> SafeString:
    return render_snapshot(snapshot, ItemContext.build(can_edit=False))


@register.simple_tag(takes_context=True)
def suggestion_items(context, suggestions) -> SafeString:
    return render_suggestion_items(
        suggestions,
        can_tag=bool(context.get("can_tag")),
        csrf_token=str(context.get("csrf_token", "")),
    )
