"""`{% tag_item tag %}`: one side-list entry from articles/reading/side_list.py, for the partials
that send a single entry (an htmx write, cancelling an edit); `{% suggestion_items %}`:
the quote-suggestion list from articles/reading/suggestion_list.py."""

from django import template

from articles.reading.side_list import ItemContext, render_tag_item
from articles.reading.suggestion_list import render_suggestion_items

register = template.Library()


@register.simple_tag(takes_context=True)
def tag_item(context, tag):
    item_context = ItemContext.build(can_edit=bool(context.get("can_edit")))
    return render_tag_item(tag, item_context, oob=bool(context.get("item_oob")))


@register.simple_tag(takes_context=True)
def suggestion_items(context, suggestions):
    return render_suggestion_items(
        suggestions,
        can_tag=bool(context.get("can_tag")),
        csrf_token=str(context.get("csrf_token", "")),
    )
