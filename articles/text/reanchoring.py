"""Carry passages (tags, suggestions) from one version of an article's text to the next.

Pure functions, no Django. Four steps, in order, for each passage:

0. **With its line**: a passage inside a line that both versions hold exactly once,
   unchanged, goes where that line now stands ("kept"), however far the paragraph moved.
1. **Through the diff** (`diff-match-patch`): a character in unchanged text has an exact
   new position. If the passage's first and last characters are both unchanged, the
   passage keeps them as its boundaries, provided enough of its context still surrounds
   them (on both sides for a short passage). Its text is then either the same ("kept"),
   the same after Arabic folding (diacritics added or removed: "refolded"), or changed by
   a small correction inside it, such as a fixed typo, with unchanged text around it on
   both sides ("corrected"). A pairing the diff may have made between two copies of the
   same words (a headline printed twice, one copy moved) is not trusted: an orphan.
2. **By its text and context**: when a boundary was touched (or the inside changed too much
   to be a correction), the passage's exact text is looked for in the Arabic-folded new text
   (`fold_full`: diacritics, hamza forms, tatweel). A place is taken only if the folded
   context (32 characters either side) agrees on at least one side, or, for a long passage
   found exactly once, without it; among those, the best context wins, then the place
   nearest the old one ("found").
3. Otherwise the passage is an **orphan**: no place.

A passage is never placed on text whose fold differs from the fold of its text, except in
step 1, where both boundaries are the very same characters as before and the edit between
them is small.
"""

from __future__ import annotations

import bisect
import itertools
import unicodedata
from collections import Counter
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from articles.text.arabic import fold_full, folded_with_offsets

KEPT = "kept"  # same text, same or shifted offsets
REFOLDED = "refolded"  # same text after folding (diacritics or hamza changed), same boundaries
CORRECTED = "corrected"  # same boundaries, a small correction inside
FOUND = "found"  # found again by its text and context elsewhere
ORPHAN = "orphan"

# How much a correction inside a passage may change, in edit distance (characters).
CORRECTION_MIN = 2
CORRECTION_SHARE = 0.34
# Context characters that must agree on one side for a passage found by its text.
CONTEXT_NEEDED = 8
# A passage this long (folded) found exactly once is taken with part of its context on one
# side only (a passage moved with part of its paragraph).
UNIQUE_LONG_ENOUGH = 40
# Shorter than this (folded), a passage found by its text needs its context on both sides.
SHORT_PASSAGE = 12


@dataclass(frozen=True)
class Anchor:
    """What a passage knows about its place in the old text."""

    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Placement:
    """Where a passage is in the new text, and how it was found; start/end None for orphans."""

    start: int | None
    end: int | None
    how: str

    @property
    def placed(self) -> bool:
        return self.how != ORPHAN


def _is_mark(char: str) -> bool:
    return unicodedata.combining(char) != 0 or char == "\u0640"


class Reanchorer:
    """The diff between two versions of a text, and the folded new text, computed once
    and used for every passage of the article."""

    def __init__(self, old: str, new: str, timeout: float = 1.0):
        self.old = old
        self.new = new
        matcher = diff_match_patch()
        matcher.Diff_Timeout = timeout
        diffs = matcher.diff_main(old, new)  # line mode first for long texts
        # Semantic clean-up drops chance equalities (a common letter or word inside rewritten
        # text), so "unchanged" means unchanged for a reader, not a coincidence.
        matcher.diff_cleanupSemantic(diffs)
        self._diffs = diffs
        self._matcher = matcher
        # Unchanged runs: (old start, old end, new start), in order.
        runs: list[tuple[int, int, int]] = []
        at_old = at_new = 0
        for op, text in self._diffs:
            if op == 0:
                runs.append((at_old, at_old + len(text), at_new))
                at_old += len(text)
                at_new += len(text)
            elif op == -1:
                at_old += len(text)
            else:
                at_new += len(text)
        self._runs = runs
        self._run_starts = [run[0] for run in runs]
        self._new_run_starts = [run[2] for run in runs]
        self._folded: tuple[str, list[int]] | None = None
        self._folded_old: tuple[str, list[int]] | None = None
        self._old_lines: _Lines | None = None
        self._new_lines: _Lines | None = None

    @property
    def diffs(self) -> list[tuple[int, str]]:
        return self._diffs

    def new_position(self, old_index: int) -> int | None:
        """The new index of the old character `old_index`, if it is in unchanged text."""
        i = bisect.bisect_right(self._run_starts, old_index) - 1
        if i < 0:
            return None
        start, end, new_start = self._runs[i]
        return new_start + old_index - start if old_index < end else None

    def old_position(self, new_index: int) -> int | None:
        """The old index of the new character `new_index`, if it is in unchanged text."""
        i = bisect.bisect_right(self._new_run_starts, new_index) - 1
        if i < 0:
            return None
        start, end, new_start = self._runs[i]
        return start + new_index - new_start if new_index < new_start + end - start else None

    def nearest_position(self, old_index: int) -> int:
        """Where `old_index` would be in the new text (diff-match-patch's xIndex)."""
        return self._matcher.diff_xIndex(self._diffs, old_index)

    def place(self, anchor: Anchor) -> Placement:
        on_its_line = self._on_unique_line(anchor)
        if on_its_line is not None:
            return on_its_line
        found = self._through_diff(anchor)
        if found is None:
            return self._by_text(anchor)
        placement, (left, right, whole) = found
        assert placement.start is not None  # the diff gave it a place
        if self._copy_in_doubt(anchor, placement.start, whole):
            return self._on_copy_between_same_neighbours(anchor)
        if not whole and self._repeated_in_old(anchor, left, right):
            # Its surroundings changed, and what still agrees (its text and that much
            # context) is at more than one place of the old text (a repeated line): the
            # diff paired one copy with another, and nothing tells which this passage was.
            return Placement(None, None, ORPHAN)
        if placement.how != CORRECTED and not whole:
            # Its surroundings changed: the same text elsewhere with context at least as
            # good (two paragraphs that end alike, one moved) makes the diff's pick a guess.
            # A rival the diff holds for another old place's text (a copy of the same words)
            # counts too, when its context is better: the diff's pairing is what is in doubt.
            for score, _distance, start, end in self._candidates(anchor, strict=False):
                if start == placement.start or score < left + right:
                    continue
                if score > left + right or not self._other_passage(anchor, start, end):
                    return Placement(None, None, ORPHAN)
        return placement

    def _lines(self) -> tuple[_Lines, _Lines]:
        if self._old_lines is None or self._new_lines is None:
            self._old_lines, self._new_lines = _Lines(self.old), _Lines(self.new)
        return self._old_lines, self._new_lines

    def _on_unique_line(self, anchor: Anchor) -> Placement | None:
        """A passage inside a line that is, unchanged, the only one of its text in both
        versions goes with that line wherever it now stands: a paragraph moved up or down
        is still itself, even when everything around it changed (which a character diff
        reads as deleted here and written anew there)."""
        old_lines, new_lines = self._lines()
        index = old_lines.own_line(anchor)
        if index is None:
            return None  # a passage over several paragraphs goes through the diff
        line = old_lines.lines[index]
        if old_lines.count[line] != 1 or new_lines.count[line] != 1 or not line.strip():
            return None
        offset = new_lines.start_of_unique(line) - old_lines.starts[index]
        return Placement(anchor.start + offset, anchor.end + offset, KEPT)

    def _copy_in_doubt(self, anchor: Anchor, place: int, whole: bool = False) -> bool:
        """Whether the passage's line is one of several copies and the place found may be
        on another copy than its own: its line is still whole elsewhere while the place
        is on a different line (the same words after a breadcrumb, say), or fewer copies
        of its line are left as they were (one removed or changed: which one is a guess)."""
        old_lines, new_lines = self._lines()
        line = old_lines.lines[old_lines.index_of(anchor.start)]
        place_line = new_lines.lines[new_lines.index_of(place)]
        # Folding only when the lines differ: most passages stay on an unchanged line.
        if place_line != line:
            folded, folded_place = fold_full(line), fold_full(place_line)
            if folded != folded_place and (
                folded in new_lines.folded() or folded_place in old_lines.folded()
            ):
                return True
        if whole:
            return False
        return old_lines.count[line] > max(1, new_lines.count[line])

    def _on_copy_between_same_neighbours(self, anchor: Anchor) -> Placement:
        """The one copy of the passage's line, unchanged, that has the same lines above and
        below as the passage's own copy had; if there is not exactly one, an orphan."""
        old_lines, new_lines = self._lines()
        index = old_lines.own_line(anchor)
        if index is None:
            return Placement(None, None, ORPHAN)
        line = old_lines.lines[index]
        neighbours = old_lines.neighbours(index)
        if line in neighbours:
            return Placement(None, None, ORPHAN)  # next to another copy: no telling them apart
        copies = [
            new_lines.starts[i]
            for i, candidate in enumerate(new_lines.lines)
            if candidate == line and new_lines.neighbours(i) == neighbours
        ]
        if len(copies) != 1:
            return Placement(None, None, ORPHAN)
        offset = copies[0] - old_lines.starts[index]
        return Placement(anchor.start + offset, anchor.end + offset, KEPT)

    def _repeated_in_old(self, anchor: Anchor, left: int, right: int) -> bool:
        """Whether the passage's folded text, with the `left` and `right` characters of
        context that still agree, is also at another place of the old text that the diff
        did not keep: a copy removed or rewritten, which the diff could as well have
        paired with this place instead of this passage's own."""
        return any(
            first != anchor.start
            and (self.new_position(first) is None or self.new_position(last) is None)
            for first, last in self._old_places(anchor, left, right)
        )

    def _old_copies(self, anchor: Anchor, left: int, right: int) -> int:
        return len(self._old_places(anchor, left, right))

    def _old_places(self, anchor: Anchor, left: int, right: int) -> list[tuple[int, int]]:
        """The old places (first and last character) of the passage's folded text with
        `left` characters of its context before and `right` after."""
        prefix, suffix = fold_full(anchor.prefix), fold_full(anchor.suffix)
        key = fold_full(anchor.exact)
        before, after = prefix[len(prefix) - left :], suffix[:right]
        # A line break that agrees says only "at the start (or end) of a line", which the
        # first (or last) line of the text is as well.
        line_start, line_end = before.startswith("\n"), after.endswith("\n")
        before, after = before.removeprefix("\n"), after.removesuffix("\n")
        evidence = before + key + after
        if self._folded_old is None:
            self._folded_old = folded_with_offsets(self.old)
        folded, offsets = self._folded_old
        places = []
        at = folded.find(evidence)
        while at != -1:
            past = at + len(evidence)
            if (not line_start or at == 0 or folded[at - 1] == "\n") and (
                not line_end or past == len(folded) or folded[past] == "\n"
            ):
                first = at + len(before)
                places.append((offsets[first], offsets[first + len(key)] - 1))
            at = folded.find(evidence, at + 1)
        return places

    def _through_diff(self, anchor: Anchor) -> tuple[Placement, tuple[int, int, bool]] | None:
        start = self.new_position(anchor.start)
        last = self.new_position(anchor.end - 1)
        if start is None or last is None or last < start:
            return None
        end = last + 1
        # Marks added after the last letter belong to it (a passage never splits a letter
        # from its diacritics), unless the old passage already stopped before a mark.
        old_next = self.old[anchor.end : anchor.end + 1]
        if not (old_next and _is_mark(old_next)):
            while end < len(self.new) and _is_mark(self.new[end]):
                end += 1
        context = self._context(anchor, start, end)
        left_agrees, right_agrees = self._sides_agreeing(anchor, start, end, context)
        short = len(fold_full(anchor.exact)) < SHORT_PASSAGE
        if not (left_agrees and right_agrees if short else left_agrees or right_agrees):
            # Unchanged characters in changed surroundings: a chance match of a short word
            # inside moved or rewritten text, not necessarily this passage.
            return None
        text = self.new[start:end]
        if text == anchor.exact:
            return Placement(start, end, KEPT), context
        if fold_full(text) == fold_full(anchor.exact):
            return Placement(start, end, REFOLDED), context
        # A correction sits between boundaries that are held in place by the unchanged
        # text around them; a boundary letter alone in rewritten text is a chance match.
        held_left = anchor.start == 0 or self.new_position(anchor.start - 1) == start - 1
        held_right = anchor.end == len(self.old) or self.new_position(anchor.end) == last + 1
        if (
            held_left
            and held_right
            and left_agrees
            and right_agrees
            and self._small_correction(anchor, start, end)
        ):
            return Placement(start, end, CORRECTED), context
        return None

    def _small_correction(self, anchor: Anchor, start: int, end: int) -> bool:
        """Between the same two boundary characters, the same characters but a few: most of
        the old ones are still there, in place, and the edit distance is small."""
        after = self.new[start:end]
        if after.count("\n") != anchor.exact.count("\n"):
            return False  # a paragraph added or removed inside is not a correction
        allowed = max(CORRECTION_MIN, int(len(anchor.exact) * CORRECTION_SHARE))
        stayed = sum(
            1
            for i in range(anchor.start, anchor.end)
            if (moved := self.new_position(i)) is not None and start <= moved < end
        )
        if anchor.end - anchor.start - stayed > allowed:
            return False
        distance = self._matcher.diff_levenshtein(
            self._matcher.diff_main(anchor.exact, after, False)
        )
        return distance <= allowed

    def _context(self, anchor: Anchor, start: int, end: int) -> tuple[int, int, bool]:
        """How many characters of the stored prefix and suffix (folded) still surround
        `[start, end)` in the new text, and whether both are there whole."""
        prefix, suffix = anchor.prefix, anchor.suffix
        if (
            self.new[max(0, start - len(prefix)) : start] == prefix
            and self.new[end : end + len(suffix)] == suffix
            and (prefix or start == 0)
            and (suffix or end == len(self.new))
        ):
            return len(fold_full(prefix)), len(fold_full(suffix)), True  # the common case
        before = fold_full(self.new[max(0, start - 2 * len(prefix)) : start])
        after = fold_full(self.new[end : end + 2 * len(suffix)])
        folded_prefix, folded_suffix = fold_full(prefix), fold_full(suffix)
        left = _common_suffix(folded_prefix, before)
        right = _common_prefix(folded_suffix, after)
        whole = left == len(folded_prefix) and right == len(folded_suffix)
        edges = bool(prefix or start == 0) and bool(suffix or end == len(self.new))
        return left, right, whole and edges

    def _sides_agreeing(
        self, anchor: Anchor, start: int, end: int, context: tuple[int, int, bool]
    ) -> tuple[bool, bool]:
        """Whether enough of the stored prefix, and of the suffix, still surrounds the place:
        some characters, or the rest of the passage's own line (what lies beyond the line
        break belongs to another paragraph, which may have changed)."""
        left, right, whole = context
        if whole:
            return True, True
        prefix, suffix = fold_full(anchor.prefix), fold_full(anchor.suffix)
        agreed_before, agreed_after = prefix[len(prefix) - left :], suffix[:right]
        return (
            left >= min(CONTEXT_NEEDED, len(prefix)) or "\n" in agreed_before
            if prefix
            else start == 0,
            right >= min(CONTEXT_NEEDED, len(suffix)) or "\n" in agreed_after
            if suffix
            else end == len(self.new),
        )

    def _other_passage(self, anchor: Anchor, start: int, end: int) -> bool:
        """The place holds unchanged old text from elsewhere: the same words at another
        place of the old version (a repeated line), not where this passage went."""
        last_letter = end - 1
        while last_letter > start and _is_mark(self.new[last_letter]):
            last_letter -= 1
        first, last = self.old_position(start), self.old_position(last_letter)
        if first is None or last is None:
            return False
        return not (anchor.start <= first and last < anchor.end)

    def _folded_new(self) -> tuple[str, list[int]]:
        if self._folded is None:
            self._folded = folded_with_offsets(self.new)
        return self._folded

    def _candidates(self, anchor: Anchor, strict: bool = True) -> list[tuple[int, int, int, int]]:
        """Places of the passage's folded text (whose context agrees enough, if `strict`), as
        (context score, -distance from the old place, start, end), best first."""
        key = fold_full(anchor.exact)
        if not key.strip():
            return []
        folded, offsets = self._folded_new()
        hits = []
        at = folded.find(key)
        while at != -1:
            hits.append(at)
            at = folded.find(key, at + 1)
        prefix, suffix = fold_full(anchor.prefix), fold_full(anchor.suffix)
        near = self.nearest_position(anchor.start)
        # A short passage (a word or two) is common: it needs its context on both sides.
        both_sides = len(key) < SHORT_PASSAGE
        candidates = []
        for hit in hits:
            left = _common_suffix(prefix, folded[max(0, hit - len(prefix)) : hit])
            right = _common_prefix(suffix, folded[hit + len(key) : hit + len(key) + len(suffix)])
            left_whole = left == len(prefix) and (bool(prefix) or hit == 0)
            right_whole = right == len(suffix) and (bool(suffix) or hit + len(key) == len(folded))
            # One side's whole context unchanged; for a short passage, some of the other too.
            agrees = (
                left_whole and (not both_sides or right >= min(CONTEXT_NEEDED, len(suffix)))
            ) or (right_whole and (not both_sides or left >= min(CONTEXT_NEEDED, len(prefix))))
            long_and_unique = (
                len(hits) == 1
                and len(key) >= UNIQUE_LONG_ENOUGH
                and max(left, right) >= CONTEXT_NEEDED
            )
            if strict and not agrees and not long_and_unique:
                continue
            start, end = offsets[hit], offsets[hit + len(key)]
            # Never end on an invisible character or a space the fold skipped.
            while end > start and not self.new[end - 1].strip():
                end -= 1
            if strict and self._other_passage(anchor, start, end):
                continue
            candidates.append((left + right, -abs(start - near), start, end))
        candidates.sort(reverse=True)
        return candidates

    def _by_text(self, anchor: Anchor) -> Placement:
        candidates = self._candidates(anchor)
        if not candidates:
            return Placement(None, None, ORPHAN)
        score, _distance, start, end = candidates[0]
        if len(candidates) > 1 and candidates[1][0] == score:
            # Two places with the same text and equally good context (a repeated line):
            # nothing tells which one this passage went to, so an editor decides.
            return Placement(None, None, ORPHAN)
        if fold_full(self.new[start:end]) != fold_full(anchor.exact):
            return Placement(None, None, ORPHAN)
        left, right, whole = self._context(anchor, start, end)
        if not whole and self._copy_in_doubt(anchor, start):
            return self._on_copy_between_same_neighbours(anchor)
        if self._old_copies(anchor, left, right) > 1:
            # Its text with the context found around it was at two places of the old text
            # (a repeated sentence or line): the place found may be the other one's.
            return Placement(None, None, ORPHAN)
        return Placement(start, end, FOUND)


class _Lines:
    """A text's lines with their starts and how often each (exact) line occurs."""

    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.starts = list(
            itertools.accumulate((len(line) + 1 for line in self.lines[:-1]), initial=0)
        )
        self.count = Counter(self.lines)
        self._folded: set[str] | None = None
        self._unique_starts: dict[str, int] | None = None

    def index_of(self, at: int) -> int:
        """The line holding the character `at`."""
        return bisect.bisect_right(self.starts, at) - 1

    def own_line(self, anchor: Anchor) -> int | None:
        """The line holding the whole passage, None if it runs over several."""
        index = self.index_of(anchor.start)
        return index if anchor.end <= self.starts[index] + len(self.lines[index]) else None

    def start_of_unique(self, line: str) -> int:
        """Where a line that occurs once starts."""
        if self._unique_starts is None:
            self._unique_starts = {
                text: start
                for text, start in zip(self.lines, self.starts, strict=True)
                if self.count[text] == 1
            }
        return self._unique_starts[line]

    def folded(self) -> set[str]:
        if self._folded is None:
            self._folded = {fold_full(line) for line in self.lines}
        return self._folded

    def neighbours(self, index: int) -> tuple[str | None, str | None]:
        """The nearest lines above and below that are not blank."""
        above = next((x for x in reversed(self.lines[:index]) if x.strip()), None)
        below = next((x for x in self.lines[index + 1 :] if x.strip()), None)
        return above, below


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def reanchor(old: str, new: str, anchors: list[Anchor]) -> list[Placement]:
    """Each anchor's placement in `new`, in the same order."""
    reanchorer = Reanchorer(old, new)
    return [reanchorer.place(anchor) for anchor in anchors]


def context_of(text: str, start: int, end: int, chars: int = 32) -> tuple[str, str]:
    """The prefix and suffix stored with a passage (W3C TextQuoteSelector)."""
    return text[max(0, start - chars) : start], text[end : end + chars]
