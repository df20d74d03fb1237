"""Re-anchoring on a generated corpus of realistic corrections, with the truth for every tag.

    .venv/bin/python bench/revision_corpus.py [--variants 60] [--dir tests/data/samples] [--seed 7]

Each variant of a text applies one to three edits of the kinds a newsroom makes: a typo
fixed inside a tagged word, a paragraph inserted, deleted or moved, a sentence rewritten,
diacritics added, a furniture line removed. Every character carries its origin through
the edits, so the truth for each tag is known: where its first and last characters went,
and whether its text (after Arabic folding) survived. Then `articles/text/reanchoring`
places every tag and the figures are counted:

- survived: tags whose folded text is still there, between the same characters;
  `exact` of them were placed exactly there (target ≥ 98 %);
- wrong: tags placed anywhere else than the truth, or placed where the truth has no place
  (target 0);
- orphaned: the rest, none lost (every tag has exactly one outcome).

Where the text cannot tell two places apart, neither can a reader, so a placement there is
not counted wrong: the tag's exact words with its whole stored context on both sides (the
text quote selector the tag carries), or the same words of an identical copy of the line
the tag's text is on. Those are counted apart. Two copies of one line are never swapped by
a "move" edit: that gives the text an edit of the other copy gives, so it has no truth.

Pure Python, no database: the text logic is what is measured.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.text.arabic import fold_full
from articles.text.reanchoring import ORPHAN, Anchor, Reanchorer, context_of

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "samples"
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
HARAKAT = "\u064e\u064f\u0650\u0651\u0652"
EDITS = ("typo", "insert", "delete", "move", "rewrite", "diacritics", "furniture")

Chars = list[tuple[str, int | None]]  # (character, index in the old text or None if new)


@dataclass
class Figures:
    tags: int = 0
    survived: int = 0
    exact: int = 0
    wrong: int = 0
    orphaned: int = 0
    corrected_in_place: int = 0
    on_line_copy: int = 0
    on_copy_of_gone: int = 0
    lost: int = 0
    by_edit: Counter = field(default_factory=Counter)
    wrong_examples: list = field(default_factory=list)

    @property
    def exact_share(self) -> float:
        return self.exact / self.survived if self.survived else 1.0

    def lines(self) -> list[str]:
        return [
            f"tags checked: {self.tags}",
            f"text survived: {self.survived}, placed exactly: {self.exact}"
            f" ({100 * self.exact_share:.2f} %)",
            f"placed on an identical copy (same words of the same line, or same context):"
            f" {self.on_line_copy}, of which {self.on_copy_of_gone} for a tag whose own copy"
            " is gone",
            f"text changed, kept in place as a correction: {self.corrected_in_place}",
            f"orphaned: {self.orphaned}",
            f"placed wrong: {self.wrong}",
            f"lost: {self.lost}",
            "variants by edit: " + ", ".join(f"{k} {v}" for k, v in sorted(self.by_edit.items())),
        ]


def _paragraphs(chars: Chars) -> list[tuple[int, int]]:
    text = "".join(c for c, _o in chars)
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def _tagged_spans(text: str, rng: random.Random, count: int) -> list[tuple[int, int]]:
    """Word-aligned spans of 1 to 25 words, inside one paragraph, as editors tag them."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        words = [
            (w.start() + m.start(), w.end() + m.start()) for w in re.finditer(r"\S+", m.group())
        ]
        if len(words) < 4:
            continue
        for _ in range(max(1, len(words) // 15)):
            a = rng.randrange(len(words))
            b = min(len(words) - 1, a + rng.choice((0, 1, 2, 4, 8, 12, 24)))
            spans.append((words[a][0], words[b][1]))
    rng.shuffle(spans)
    return sorted(set(spans[:count]))


def _delete_line(chars: Chars, text: str, paragraphs: list, i: int) -> Chars:
    # Deleting one of several identical lines in a row gives the same text whichever is
    # deleted: no one can tell, so the truth takes the first of the run, as the diff does.
    while i > 0 and _line(text, paragraphs[i - 1]) == _line(text, paragraphs[i]):
        i -= 1
    start, end = paragraphs[i]
    return chars[:start] + chars[end + 1 :]


def _line(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def _source_line(old: str, line: Chars) -> str | None:
    """The old line the first original character of `line` comes from."""
    origin = next((o for _c, o in line if o is not None), None)
    if origin is None:
        return None
    start = old.rfind("\n", 0, origin) + 1
    end = old.find("\n", origin)
    return old[start : len(old) if end == -1 else end]


def _edit(
    old: str, chars: Chars, kind: str, rng: random.Random, tags: list[tuple[int, int]]
) -> Chars:
    paragraphs = _paragraphs(chars)
    text = "".join(c for c, _o in chars)
    if kind == "typo" and tags:
        start, end = rng.choice(tags)
        # Positions in `chars` of the tag's letters (still present).
        where = [i for i, (c, o) in enumerate(chars) if o is not None and start <= o < end]
        letters = [i for i in where if chars[i][0] in ARABIC_LETTERS]
        if letters:
            i = rng.choice(letters)
            wrong = rng.choice([c for c in ARABIC_LETTERS if c != chars[i][0]])
            return chars[:i] + [(wrong, None)] + chars[i + 1 :]
    if kind == "insert" and paragraphs:
        at = rng.choice(paragraphs)[0]
        words = re.findall(r"\S+", text)
        added = " ".join(rng.choice(words) for _ in range(rng.randint(6, 30))) + "\n"
        return chars[:at] + [(c, None) for c in added] + chars[at:]
    if kind == "delete" and len(paragraphs) > 2:
        return _delete_line(chars, text, paragraphs, rng.randrange(len(paragraphs)))
    if kind == "move" and len(paragraphs) > 3:
        a, b = sorted(rng.sample(range(len(paragraphs)), 2))
        (s1, e1), (s2, e2) = paragraphs[a], paragraphs[b]
        source = _source_line(old, chars[s1:e1])
        if source is not None and source == _source_line(old, chars[s2:e2]):
            # Two copies of one line (a headline printed twice), one perhaps edited: swapping
            # them gives the text that editing the other copy gives, so no one can tell
            # which copy is which. Such a variant has no truth to measure against.
            return chars
        return chars[:s1] + chars[s2:e2] + chars[e1:s2] + chars[s1:e1] + chars[e2:]
    if kind == "rewrite":
        sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.؟!\n]{20,}[.؟!]?", text)]
        if sentences:
            start, end = rng.choice(sentences)
            # The same words (each keeps its origin) in another order, and one word added.
            words = [
                chars[m.start() + start : m.end() + start]
                for m in re.finditer(r"\S+", text[start:end])
            ]
            rng.shuffle(words)
            words.insert(rng.randrange(len(words) + 1), [(c, None) for c in "وأضاف"])
            rewritten: Chars = []
            for word in words:
                rewritten += word + [(" ", None)]
            return chars[:start] + rewritten[:-1] + chars[end:]
    if kind == "diacritics" and paragraphs:
        start, end = rng.choice(paragraphs)
        out = chars[:start]
        for c, o in chars[start:end]:
            out.append((c, o))
            if c in ARABIC_LETTERS and rng.random() < 0.3:
                out.append((rng.choice(HARAKAT), None))
        return out + chars[end:]
    if kind == "furniture":
        short = [i for i, (s, e) in enumerate(paragraphs) if len(text[s:e].split()) <= 6]
        if short:
            return _delete_line(chars, text, paragraphs, rng.choice(short))
    return chars


def truth(old: str, chars: Chars, start: int, end: int) -> tuple[tuple[int, int] | None, bool]:
    """Where the tag's first and last characters went, and whether its folded text survived
    between them."""
    position = {o: i for i, (_c, o) in enumerate(chars) if o is not None}
    if start not in position or end - 1 not in position:
        return None, False
    new_start, last = position[start], position[end - 1]
    if last < new_start:
        return None, False
    new_end = last + 1
    while new_end < len(chars) and chars[new_end][0] in HARAKAT and chars[new_end][1] is None:
        new_end += 1
    new_text = "".join(c for c, _o in chars[new_start:new_end])
    # Every character in between comes from inside the tag, in order: nothing moved in.
    inside = [o for _c, o in chars[new_start:new_end] if o is not None]
    contiguous = all(start <= o < end for o in inside) and inside == sorted(inside)
    survived = contiguous and fold_full(new_text) == fold_full(old[start:end])
    return (new_start, new_end), survived


def run(texts: list[str], variants: int, seed: int = 7) -> Figures:
    figures = Figures()
    rng = random.Random(seed)
    for text in texts:
        tags = _tagged_spans(text, rng, 40)
        for _ in range(variants):
            chars: Chars = [(c, i) for i, c in enumerate(text)]
            kinds = rng.sample(EDITS, rng.randint(1, 3))
            for kind in kinds:
                chars = _edit(text, chars, kind, rng, tags)
                figures.by_edit[kind] += 1
            new = "".join(c for c, _o in chars)
            reanchorer = Reanchorer(text, new)
            for start, end in tags:
                figures.tags += 1
                prefix, suffix = context_of(text, start, end)
                placement = reanchorer.place(Anchor(start, end, text[start:end], prefix, suffix))
                expected, survived = truth(text, chars, start, end)
                _count(figures, text, new, (start, end), placement, expected, survived, kinds)
    return figures


def _indistinguishable(old: str, new: str, tag: tuple[int, int], expected, placement) -> bool:
    """The placement is on text no reader can tell from the truth: the tag's exact words
    with its whole stored context on both sides (what the tag's text quote selector
    describes: a headline printed twice, one copy removed), or the same words of an
    identical copy of the line the tag's text is on now."""
    start, end = tag
    prefix, suffix = context_of(old, start, end)
    if (
        new[placement.start : placement.end] == old[start:end]
        and new[max(0, placement.start - len(prefix)) : placement.start] == prefix
        and new[placement.end : placement.end + len(suffix)] == suffix
    ):
        return True
    return expected is not None and _line_of(new, *expected) == _line_of(
        new, placement.start, placement.end
    )


def _line_of(text: str, start: int, end: int) -> tuple[str, int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    return text[line_start:line_end], start - line_start, end - line_start


def _count(
    figures: Figures,
    old: str,
    new: str,
    tag: tuple[int, int],
    placement,
    expected,
    survived: bool,
    kinds,
) -> None:
    figures.survived += survived
    if placement.how == ORPHAN:
        figures.orphaned += 1
        return
    if placement.start is None:
        figures.lost += 1
        return
    if expected == (placement.start, placement.end):
        figures.exact += survived
        figures.corrected_in_place += not survived
        return
    if _indistinguishable(old, new, tag, expected, placement):
        figures.exact += survived
        figures.on_copy_of_gone += not survived
        figures.on_line_copy += 1
        return
    figures.wrong += 1
    if len(figures.wrong_examples) < 10:
        figures.wrong_examples.append((old[tag[0] : tag[1]][:60], expected, placement, kinds))


def main(argv=None) -> Figures:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=60, help="edited variants per text")
    parser.add_argument("--dir", type=Path, default=SAMPLES_DIR, help="folder of .txt articles")
    parser.add_argument("--seed", type=int, default=7, help="another seed, another corpus")
    args = parser.parse_args(argv)
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.dir.glob("*.txt"))]
    figures = run(texts, args.variants, args.seed)
    print(
        f"{len(texts)} texts from {args.dir}, {args.variants} edited variants each"
        f" (seed {args.seed})"
    )
    print("\n".join(figures.lines()))
    for example in figures.wrong_examples:
        print("wrong:", example)
    return figures


if __name__ == "__main__":
    main()
