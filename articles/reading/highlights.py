"""Turn an article body and its tags into paragraphs of highlighted HTML, in one pass.

Overlapping tags are handled by cutting the text at every tag boundary: each piece
("segment") knows every tag that covers it, so nested and crossing tags all stay
visible. The DOM text of each paragraph is exactly its slice of the body, so the
browser can map a selection back to offsets by adding `data-start`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString
from django.utils.translation import get_language

from articles.kinds import KIND_SLUGS, KINDS_BY_SLUG


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    html: SafeString


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line; the line breaks between them are not shown."""
    spans = []
    position = 0
    for line in body.split("\n"):
        if line.strip():
            spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans


def headline_start(body: str, title: str) -> int | None:
    """Where the headline starts when the body's first paragraph is the title itself.

    The importer keeps the headline in the body so that it can be tagged; the reading
    page then draws that paragraph as the page heading instead of showing the title twice.
    Spaces are compared loosely: the stored title has its runs of spaces folded."""
    spans = paragraph_spans(body)
    if not spans or not title.strip():
        return None
    start, end = spans[0]
    return start if body[start:end].split() == title.split() else None


def split_headline(
    paragraphs: list[Paragraph], body: str, title: str
) -> tuple[Paragraph | None, list[Paragraph]]:
    """The headline's paragraph (see `headline_start`), if it is among `paragraphs`, apart
    from the others."""
    start = headline_start(body, title)
    if start is not None and paragraphs and paragraphs[0].start == start:
        return paragraphs[0], paragraphs[1:]
    return None, paragraphs


def kind_combo(kinds: Iterable[str]) -> str:
    """Stable CSS class for a set of kinds, e.g. `kc-claim-quote`."""
    present = set(kinds)
    return "kc-" + "-".join(slug for slug in KIND_SLUGS if slug in present)


def render_paragraphs(body: str, tags: Sequence, suggestions: Sequence = ()) -> list[Paragraph]:
    """Paragraphs of `body` with each tagged stretch wrapped in a `<mark>`.

    `tags` need `id`, `kind`, `start`, `end`; `suggestions` (quote suggestions, drawn as
    `<span class="sg">` inside any mark) need `id`, `start`, `end`, `explanation`.
    Runs in O((text + tags) log tags)."""
    paragraphs = paragraph_spans(body)
    labels = _labels()
    starts_at: dict[int, list] = {}
    ends_at: dict[int, list] = {}
    s_starts_at: dict[int, list] = {}
    s_ends_at: dict[int, list] = {}
    cuts: set[int] = set()
    for tag in tags:
        starts_at.setdefault(tag.start, []).append(tag)
        ends_at.setdefault(tag.end, []).append(tag)
        cuts.update((tag.start, tag.end))
    for suggestion in suggestions:
        s_starts_at.setdefault(suggestion.start, []).append(suggestion)
        s_ends_at.setdefault(suggestion.end, []).append(suggestion)
        cuts.update((suggestion.start, suggestion.end))
    for start, end in paragraphs:
        cuts.update((start, end))
    points = sorted(cuts)

    active: dict[int, object] = {}  # tag id -> tag, in insertion order
    suggested: dict[int, object] = {}  # the same for suggestions
    result = []
    index = 0
    for p_start, p_end in paragraphs:
        pieces: list[str] = []
        # Advance the sweep to the paragraph start (tags may begin in a gap or earlier).
        stop = bisect.bisect_right(points, p_start)
        while index < stop:
            _apply(points[index], starts_at, ends_at, active)
            _apply(points[index], s_starts_at, s_ends_at, suggested)
            index += 1
        position = p_start
        while index < len(points) and points[index] <= p_end:
            point = points[index]
            if point > position:
                pieces.append(_segment(body[position:point], active.values(), suggested, labels))
                position = point
            _apply(point, starts_at, ends_at, active)
            _apply(point, s_starts_at, s_ends_at, suggested)
            index += 1
        result.append(Paragraph(p_start, p_end, SafeString("".join(pieces))))
    return result


def _apply(point: int, starts_at: dict, ends_at: dict, active: dict) -> None:
    for tag in ends_at.get(point, ()):
        active.pop(tag.id, None)
    for tag in starts_at.get(point, ()):
        if tag.end > point:
            active[tag.id] = tag


def _segment(text: str, covering: Iterable, suggested: dict | None, labels: dict) -> str:
    # Plain string building with explicit escapes: format_html per segment was a third of
    # the page at hundreds of tags. Ids are ints and classes come from the kinds table;
    # everything else (text, titles) goes through `html.escape` (what Django's escape
    # calls, without its lazy-string wrapper, which cost more than the escaping).
    covering = list(covering)
    inner = escape(text)
    if suggested:
        # Only a wrapper: the paragraph's DOM text stays the exact body slice.
        ids = " ".join(str(s.id) for s in suggested.values())
        title = " · ".join(s.explanation for s in suggested.values())
        if covering:
            title = _tags_title(covering, labels) + " · " + title
        inner = f'<span class="sg" data-sg="{ids}" title="{escape(title)}">{inner}</span>'
    if not covering:
        return inner
    kinds = {tag.kind for tag in covering}
    classes = f"hl {kind_combo(kinds)}"
    if len(covering) > len(kinds):
        classes += " deep"  # the same kind nested in itself: a darker shade
    ids = " ".join(str(int(tag.id)) for tag in covering)
    title = escape(_tags_title(covering, labels))
    return f'<mark class="{classes}" data-tags="{ids}" title="{title}">{inner}</mark>'


def _tags_title(covering: list, labels: dict) -> str:
    return " · ".join(f"{labels[tag.kind]} #{tag.id}" for tag in covering)


_labels_by_language: dict[str | None, dict[str, str]] = {}


def _labels() -> dict[str, str]:
    """Each kind's label in the active language, translated once per language: the lazy
    label would run gettext again for every highlighted segment (a third of the time)."""
    language = get_language()
    labels = _labels_by_language.get(language)
    if labels is None:
        labels = {slug: str(kind.label) for slug, kind in KINDS_BY_SLUG.items()}
        _labels_by_language[language] = labels
    return labels
