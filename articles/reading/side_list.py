"""How a tag is drawn: the reading page's side list, the summary above an edit conflict and
the snapshots of a tag's history, all from the part functions below, in Python.

A template partial per entry cost ~0.5 ms each (≈75 % of the page at 300 tags); this
builds the same markup with plain string joins, every user field through `escape`.
The full page and the single-entry htmx fragment both come from `render_tag_item`, so
there is one source of truth. The inline edit form stays a template partial
(`tag-item` in templates/articles/reading/read_article.html): it is one entry at a time.

Each entry is a list of parts, one small function each; to show something new in an
entry, add a part function and call it from `render_tag_item`. Every piece that is
already escaped (labels, parts, whole entries) is a `SafeString`, plain text a `str`:
Django's templates never escape a `SafeString` again, and nothing here escapes one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape  # what django.utils.html.escape calls; see below
from types import SimpleNamespace

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext

from articles.kinds import KINDS
from articles.models import CLAIM, CheckWorthy, ReviewState, Verification

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
    kind_labels: dict[str, SafeString] = field(default_factory=dict)
    review_labels: dict[str, SafeString] = field(default_factory=dict)
    verification_labels: dict[str, SafeString] = field(default_factory=dict)
    words: dict[str, SafeString] = field(default_factory=dict)
    urls: dict[str, tuple[SafeString, SafeString]] = field(default_factory=dict)

    @classmethod
    def build(cls, *, can_edit: bool) -> ItemContext:
        return cls(
            can_edit=can_edit,
            kind_labels={kind.slug: escaped(kind.label) for kind in KINDS},
            review_labels={state.value: escaped(state.label) for state in ReviewState},
            verification_labels={v.value: escaped(v.label) for v in Verification},
            words={
                "speaker": escaped(gettext("المتحدث:")),
                "edit": escaped(gettext("تعديل")),
                "history": escaped(gettext("السجل")),
                "similar": escaped(gettext("مقاطع مشابهة")),
                "group": escaped(gettext("مجموعة الادعاء #%(id)s")),
                f"check_worthy_{CheckWorthy.YES}": escaped(gettext("يستحق التحقق")),
                f"check_worthy_{CheckWorthy.NO}": escaped(gettext("لا يستحق التحقق")),
            },
            urls={
                name: url_shape(name)
                for name in ("edit_tag", "tag_history", "claim_panel", "claim_group")
            },
        )

    def url(self, name: str, object_id: int) -> SafeString:
        before, after = self.urls[name]
        return SafeString(f"{before}{int(object_id)}{after}")


def escaped(text: object) -> SafeString:
    """`text` escaped once, and marked so that nothing escapes it again."""
    return SafeString(escape(str(text)))


def url_shape(name: str) -> tuple[SafeString, SafeString]:
    """A URL taking one object id, as (before the id, after it): `reverse` is too slow to call
    three times for each of hundreds of entries."""
    before, after = escape(reverse(name, args=[_SENTINEL])).split(str(_SENTINEL))
    return SafeString(before), SafeString(after)


def render_side_list(tags: Iterable, *, can_edit: bool) -> list[tuple[SafeString, object]]:
    """The side list as (html, None) for each run of plain entries, rendered in one pass,
    and ("", tag) for a tag shown with its inline edit form (a template partial)."""
    context = ItemContext.build(can_edit=can_edit)
    chunks: list[tuple[SafeString, object]] = []
    run: list[str] = []
    for tag in tags:
        if tag.edit_form:
            if run:
                chunks.append((SafeString("".join(run)), None))
                run = []
            chunks.append((SafeString(""), tag))
        else:
            run.append(render_tag_item(tag, context))
    if run:
        chunks.append((SafeString("".join(run)), None))
    return chunks


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


def render_tag_summary(tag, context: ItemContext) -> SafeString:
    """Kind, passage, speaker and note, as the side list shows them: the current state of
    a tag above an edit that conflicted with it."""
    parts = [_kind(tag, context), _passage(tag), _speaker(tag, context), _note(tag)]
    return SafeString("\n".join(part for part in parts if part))


def render_snapshot(snapshot: dict, context: ItemContext) -> SafeString:
    """A tag as a history event stored it (a dict of its fields, claim fields optional:
    older events lack them): the summary parts, its offsets and its claim status."""
    tag = SimpleNamespace(
        **{"speaker": "", "note": "", "verification": "", "check_worthy": ""} | snapshot
    )
    parts = [
        _kind(tag, context),
        _passage(tag),
        _snapshot_offsets(tag),
        _speaker(tag, context),
        _note(tag),
        _snapshot_claim(tag, context),
    ]
    return SafeString(" ".join(part for part in parts if part))


# --- The parts of an entry, in display order. Each returns escaped HTML or "". ---------


def _kind(tag, context: ItemContext) -> SafeString:
    return SafeString(
        f'<span class="kind-label k-{escape(tag.kind)}">{context.kind_labels[tag.kind]}</span>'
    )


def _passage(tag) -> SafeString:
    exact = tag.exact
    if len(exact) > PASSAGE_CHARS:
        exact = Truncator(exact).chars(PASSAGE_CHARS)
    return SafeString(f'<q class="passage" lang="ar" dir="rtl">{escape(exact)}</q>')


def _speaker(tag, context: ItemContext) -> SafeString:
    if not tag.speaker:
        return SafeString("")
    return SafeString(
        f'<span class="speaker">{context.words["speaker"]} <bdi>{escape(tag.speaker)}</bdi></span>'
    )


def _note(tag) -> SafeString:
    if not tag.note:
        return SafeString("")
    return SafeString(f'<p class="note" dir="auto">{escape(tag.note)}</p>')


def _author(tag) -> SafeString:
    # The page's query brings the name as `author_name` (no User object per tag); an
    # entry sent after a write has its `created_by` at hand.
    name = getattr(tag, "author_name", None)
    if name is None:
        name = tag.created_by.get_username()
    return SafeString(f'<span class="by"><bdi>{escape(name)}</bdi></span>')


def _review(tag, context: ItemContext) -> SafeString:
    comment = ""
    if tag.review_comment:
        comment = f': <span dir="auto">{escape(tag.review_comment)}</span>'
    state = escape(tag.review_state)
    label = context.review_labels.get(tag.review_state, state)
    return SafeString(f'<p class="tag-review s-{state}">{label}{comment}</p>')


def _edit_link(tag, context: ItemContext) -> SafeString:
    if not context.can_edit:
        return SafeString("")
    url = context.url("edit_tag", tag.id)
    return SafeString(
        f'<a class="edit" href="{url}" hx-get="{url}" hx-target="#tag-{tag.id}"'
        f' hx-swap="outerHTML">{context.words["edit"]}</a>'
    )


def _history_link(tag, context: ItemContext) -> SafeString:
    url = context.url("tag_history", tag.id)
    return SafeString(
        f'<a class="history" href="{url}" hx-get="{url}" hx-target="#tag-history"'
        f' hx-swap="outerHTML">{context.words["history"]}</a>'
    )


def _claim(tag, context: ItemContext) -> SafeString:
    """A claim's verification status, its group and the similar-passages panel."""
    if tag.kind != CLAIM:
        return SafeString("")
    status = escape(tag.verification)
    label = context.verification_labels.get(tag.verification, status)
    group = ""
    if tag.claim_group_id:
        url = context.url("claim_group", tag.claim_group_id)
        text = context.words["group"] % {"id": int(tag.claim_group_id)}
        group = f' <a class="claim-group-link" href="{url}">{text}</a>'
    panel = context.url("claim_panel", tag.id)
    return SafeString(
        f'<span class="tag-claim"><span class="verification v-{status}">{label}</span>{group}'
        f' <a class="claims" href="{panel}" hx-get="{panel}" hx-target="#claim-panel"'
        f' hx-swap="outerHTML">{context.words["similar"]}</a></span>'
    )


def _snapshot_offsets(tag) -> SafeString:
    """Where the tag was, and in which version of the text (events before versions: none)."""
    version = getattr(tag, "body_version", None)
    within = escaped(gettext("، النسخة %(n)s") % {"n": int(version)}) if version else ""
    return SafeString(f'<span class="offsets">[{int(tag.start)}–{int(tag.end)}{within}]</span>')


def _snapshot_claim(tag, context: ItemContext) -> SafeString:
    """A claim's status as a history event stored it: plain text, no links (the group
    may be gone since)."""
    parts = []
    if tag.verification:
        label = context.verification_labels.get(tag.verification, escape(tag.verification))
        parts.append(f'<span class="verification v-{escape(tag.verification)}">{label}</span>')
    worthy = context.words.get(f"check_worthy_{tag.check_worthy}")
    if tag.check_worthy and worthy:
        parts.append(f'<span class="hint">{worthy}</span>')
    evidence = getattr(tag, "evidence", "")
    if evidence:
        if len(evidence) > PASSAGE_CHARS:
            evidence = Truncator(evidence).chars(PASSAGE_CHARS)
        parts.append(f'<span class="evidence" dir="auto">{escape(evidence)}</span>')
    group_id = getattr(tag, "claim_group_id", None)
    if group_id:
        text = context.words["group"] % {"id": int(group_id)}
        parts.append(f'<span class="claim-group">{text}</span>')
    return SafeString(" ".join(parts))
