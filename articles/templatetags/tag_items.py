"""`{% tag_item tag %}`: one side-list entry from articles/tag_items.py, for the partials
that send a single entry (an htmx write, cancelling an edit)."""

from django import template

from articles.tag_items import ItemContext, render_tag_item

register = template.Library()


@register.simple_tag(takes_context=True)
def tag_item(context, tag):
    item_context = ItemContext.build(can_edit=bool(context.get("can_edit")))
    return render_tag_item(tag, item_context, oob=bool(context.get("item_oob")))
