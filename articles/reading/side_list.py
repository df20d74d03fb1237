"""The entries of the reading page's side list, rendered in Python in one pass.

A template partial per entry cost ~0.5 ms each (≈75 % of the page at 300 tags); this
builds the same markup with plain string joins, every user field through `escape`.
The full page and the single-entry htmx fragment both come from `render_tag_item`, so
there is one source of truth. The inline edit form stays a template partial
(`tag-item` in templates/articles/read_article.html): it is one entry at a time.

Each entry is a list of parts, one small function each; to show something new in an
entry, add a part function and call it from `render_tag_item`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape  # what django.utils.html.escape calls; see below

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext

from articles.kinds import KINDS
from articles.models import CLAIM, ReviewState, Verification

# Every user field goes through `html.escape` (quote=True): the same output as Django's
# `escape`, which wraps it with lazy-string handling that costs more than the escaping
# itself when called thousands of times per page. tests/test_tag_items.py checks both agree.
PASSAGE_CHARS = 140  # the passage is cut here, like the template's truncatechars:140
_SENTINEL = 987654321  # an id no URL contains otherwise, cut out of a reversed URL


@dataclass
class ItemContext:
    """What every entry shares: who is looking, and the translated labels and URL shapes,
    looked up once per list instead of once per entry."""

    can_edit: bool
    kind_labels: dict[str, str] = field(default_factory=dict)
    review_labels: dict[str, str] = field(default_factory=dict)
    verification_labels: dict[str, str] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    urls: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def build(cls, *, can_edit: bool) -> ItemContext:
        return cls(
            can_edit=can_edit,
            kind_labels={kind.slug: escape(kind.label) for kind in KINDS},
            review_labels={state.value: escape(state.label) for state in ReviewState},
            verification_labels={v.value: escape(v.label) for v in Verification},
            words={
                "speaker": escape(gettext("المتحدث:")),
                "edit": escape(gettext("تعديل")),
                "history": escape(gettext("السجل")),
                "similar": escape(gettext("مقاطع مشابهة")),
                "group": escape(gettext("مجموعة الادعاء #%(id)s")),
            },
            urls={
                name: url_shape(name)
                for name in ("edit_tag", "tag_history", "claim_panel", "claim_group")
            },
        )

    def url(self, name: str, object_id: int) -> str:
        before, after = self.urls[name]
        return f"{before}{int(object_id)}{after}"


def url_shape(name: str) -> tuple[str, str]:
    """A URL taking one object id, as (before the id, after it): `reverse` is too slow to call
    three times for each of hundreds of entries."""
    before, after = escape(reverse(name, args=[_SENTINEL])).split(str(_SENTINEL))
    return before, after


def render_tag_item(tag, context: ItemContext, *, oob: bool = False) -> SafeString:
    """One `<li class="tag-item">`; `oob` marks it for an htmx out-of-band swap.

    `tag` needs id, kind, start, end, exact, speaker, note, review_state, review_comment
    and either `author_name` or `created_by` (fetch either with the tags: one query)."""
    attributes = (
        f'class="tag-item" id="tag-{tag.id}" data-tag="{tag.id}"'
        f' data-start="{tag.start}" data-end="{tag.end}"'
    )
    if context.can_edit:
        attributes += ' tabindex="0"'
    if oob:
        attributes += ' hx-swap-oob="true"'
    parts = [
        _kind(tag, context),
        _passage(tag),
        _speaker(tag, context),
        _note(tag),
        _author(tag),
        _review(tag, context),
        _edit_link(tag, context),
        _history_link(tag, context),
        _claim(tag, context),
    ]
    inner = "\n  ".join(part for part in parts if part)
    return SafeString(f"\n<li {attributes}>\n  {inner}\n</li>\n")


# --- The parts of an entry, in display order. Each returns escaped HTML or "". ---------


def _kind(tag, context: ItemContext) -> str:
    return f'<span class="kind-label k-{escape(tag.kind)}">{context.kind_labels[tag.kind]}</span>'


def _passage(tag) -> str:
    exact = tag.exact
    if len(exact) > PASSAGE_CHARS:
        exact = Truncator(exact).chars(PASSAGE_CHARS)
    return f'<q class="passage">{escape(exact)}</q>'


def _speaker(tag, context: ItemContext) -> str:
    if not tag.speaker:
        return ""
    return (
        f'<span class="speaker">{context.words["speaker"]} <bdi>{escape(tag.speaker)}</bdi></span>'
    )


def _note(tag) -> str:
    return f'<p class="note" dir="auto">{escape(tag.note)}</p>' if tag.note else ""


def _author(tag) -> str:
    # The page's query brings the name as `author_name` (no User object per tag); an
    # entry sent after a write has its `created_by` at hand.
    name = getattr(tag, "author_name", None)
    if name is None:
        name = tag.created_by.get_username()
    return f'<span class="by"><bdi>{escape(name)}</bdi></span>'


def _review(tag, context: ItemContext) -> str:
    comment = ""
    if tag.review_comment:
        comment = f': <span dir="auto">{escape(tag.review_comment)}</span>'
    state = escape(tag.review_state)
    label = context.review_labels.get(tag.review_state, state)
    return f'<p class="tag-review s-{state}">{label}{comment}</p>'


def _edit_link(tag, context: ItemContext) -> str:
    if not context.can_edit:
        return ""
    url = context.url("edit_tag", tag.id)
    return (
        f'<a class="edit" href="{url}" hx-get="{url}" hx-target="#tag-{tag.id}"'
        f' hx-swap="outerHTML">{context.words["edit"]}</a>'
    )


def _history_link(tag, context: ItemContext) -> str:
    url = context.url("tag_history", tag.id)
    return (
        f'<a class="history" href="{url}" hx-get="{url}" hx-target="#tag-history"'
        f' hx-swap="outerHTML">{context.words["history"]}</a>'
    )


def _claim(tag, context: ItemContext) -> str:
    """A claim's verification status, its group and the similar-passages panel."""
    if tag.kind != CLAIM:
        return ""
    status = escape(tag.verification)
    label = context.verification_labels.get(tag.verification, status)
    group = ""
    if tag.claim_group_id:
        url = context.url("claim_group", tag.claim_group_id)
        text = context.words["group"] % {"id": int(tag.claim_group_id)}
        group = f' <a class="claim-group-link" href="{url}">{text}</a>'
    panel = context.url("claim_panel", tag.id)
    return (
        f'<span class="tag-claim"><span class="verification v-{status}">{label}</span>{group}'
        f' <a class="claims" href="{panel}" hx-get="{panel}" hx-target="#claim-panel"'
        f' hx-swap="outerHTML">{context.words["similar"]}</a></span>'
    )
