"""Agreement between two editors who tagged the same text independently.

Pure functions, no Django: spans in, figures out, so the arithmetic can be checked by hand.

Three ways two spans can be "the same":
- exact: same kind, same start and end;
- overlapping: same kind, and the shared characters are at least half of each span;
- Arabic-tolerant: same kind, and the spans are equal once each is trimmed to its core:
  surrounding white space, punctuation and quotation marks dropped, and a proclitic
  (و ف ب ك ل) or the article ال at the start of the first word dropped. In Arabic these
  attach to the word, so one editor's «والحكومة» and another's «الحكومة» or «حكومة» is
  a choice of boundary, not a different reading; every other tool counts it as a miss.

Krippendorff's α comes from the maintained `krippendorff` package, at the character level
with nominal values: each character of the text gets, per editor, the set of kinds that
cover it ("" for none). That is the "character level nominal" variant: the unitized u-α
would weigh partial overlaps more finely, but no maintained implementation exists for it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np

from articles.text.arabic import fold_full


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    speaker: str = ""

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class SpanAgreement:
    """How far two editors' spans agree under one way of matching them."""

    matched: int
    only_a: int
    only_b: int

    @property
    def f1(self) -> float:
        total = 2 * self.matched + self.only_a + self.only_b
        return 2 * self.matched / total if total else 1.0


PROCLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ك", "ل")
# A proclitic is only split off when a word of at least this many letters remains, so a
# short word such as «لم» or «ولد» does not lose a letter of its own.
_MIN_STEM = 3


def _is_edge_char(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in "PSZ"


def core_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The span trimmed to its core: no edge punctuation, quotation marks or spaces, and no
    proclitic or article on its first word."""
    while start < end and _is_edge_char(text[start]):
        start += 1
    while end > start and _is_edge_char(text[end - 1]):
        end -= 1
    first_word_end = start
    while first_word_end < end and not text[first_word_end].isspace():
        first_word_end += 1
    word = text[start:first_word_end]
    for prefix in PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            start += len(prefix)
            break
    return start, end


def overlaps_half(a: Span, b: Span) -> bool:
    shared = min(a.end, b.end) - max(a.start, b.start)
    return shared > 0 and 2 * shared >= a.length and 2 * shared >= b.length


def match_spans(
    spans_a: Sequence[Span], spans_b: Sequence[Span], same: Callable[[Span, Span], bool]
) -> list[tuple[Span, Span]]:
    """One-to-one pairs, each span used once, taken in text order (greedy is exact here:
    editors' spans of one kind rarely overlap each other)."""
    used: set[int] = set()
    pairs = []
    for a in sorted(spans_a, key=lambda s: (s.start, s.end)):
        for index, b in enumerate(spans_b):
            if index not in used and a.kind == b.kind and same(a, b):
                used.add(index)
                pairs.append((a, b))
                break
    return pairs


def _agreement(spans_a, spans_b, same) -> tuple[SpanAgreement, list[tuple[Span, Span]]]:
    pairs = match_spans(spans_a, spans_b, same)
    figures = SpanAgreement(
        matched=len(pairs), only_a=len(spans_a) - len(pairs), only_b=len(spans_b) - len(pairs)
    )
    return figures, pairs


@dataclass(frozen=True)
class PairReport:
    exact: SpanAgreement
    overlap: SpanAgreement
    tolerant: SpanAgreement
    alpha: float
    speaker_agreement: float | None  # over quotes matched Arabic-tolerantly; None if none
    boundary_only_share: float | None  # of the spans without an exact partner; None if none


def compare(text: str, spans_a: Sequence[Span], spans_b: Sequence[Span]) -> PairReport:
    """Every agreement figure for two editors on one text."""
    exact, _ = _agreement(spans_a, spans_b, lambda a, b: (a.start, a.end) == (b.start, b.end))
    overlap, _ = _agreement(spans_a, spans_b, overlaps_half)

    def tolerant_same(a: Span, b: Span) -> bool:
        return core_bounds(text, a.start, a.end) == core_bounds(text, b.start, b.end)

    tolerant, tolerant_pairs = _agreement(spans_a, spans_b, tolerant_same)
    quotes = [(a, b) for a, b in tolerant_pairs if a.kind == "quote"]
    speaker_agreement = (
        sum(fold_full(a.speaker).strip() == fold_full(b.speaker).strip() for a, b in quotes)
        / len(quotes)
        if quotes
        else None
    )
    # A disagreement is boundary-only when the span has a partner of the same kind that
    # overlaps it by half: the editors saw the same thing and cut it differently.
    disagreements = exact.only_a + exact.only_b
    boundary_only = 2 * (overlap.matched - exact.matched)
    return PairReport(
        exact=exact,
        overlap=overlap,
        tolerant=tolerant,
        alpha=character_alpha(len(text), [spans_a, spans_b]),
        speaker_agreement=speaker_agreement,
        boundary_only_share=boundary_only / disagreements if disagreements else None,
    )


def character_values(length: int, spans: Sequence[Span], kinds: Sequence[str]) -> list[int]:
    """Per character, a number for the set of kinds covering it (0: none)."""
    bit = {kind: 1 << index for index, kind in enumerate(kinds)}
    values = [0] * length
    for span in spans:
        for position in range(max(span.start, 0), min(span.end, length)):
            values[position] |= bit[span.kind]
    return values


def character_alpha(length: int, editors: Sequence[Sequence[Span]]) -> float:
    """Krippendorff's α, nominal, over the characters of one text (or of several texts
    laid end to end by the caller). 1.0 when every editor left every character alike."""
    kinds = sorted({span.kind for spans in editors for span in spans})
    rows = [character_values(length, spans, kinds) for spans in editors]
    if length == 0 or all(row == rows[0] for row in rows) and len(set(rows[0])) <= 1:
        return 1.0  # nothing to disagree on: α is undefined, agreement is total
    data = np.array(rows, dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
