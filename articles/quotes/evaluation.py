"""Scores quote suggestions against a gold set: the samples' tests/data/gold_quotes.json, or a
page gold file (a list of pages with `quotes` and `reported`, like the real-pages set).

Matching criterion (docs/quote-suggestions.md): a suggestion and a gold quote match when
their overlap covers at least half of each (overlap >= 0.5 x gold length and >= 0.5 x
suggestion length); each gold quote is matched at most once. Pure Python, no Django.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from articles.text import cleaning
from articles.text.quote_rules import speakers_match, suggest_quotes

MIN_SHARE = 0.5


@dataclass
class Score:
    name: str
    gold: int = 0
    suggested: int = 0
    found: int = 0  # true positives
    speaker_right: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    wrong_speakers: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.found / self.suggested if self.suggested else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.found if self.found else 0.0

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.suggested += other.suggested
        self.found += other.found
        self.speaker_right += other.speaker_right


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score_text(
    name: str,
    body: str,
    gold: list[dict],
    *,
    missing_ok: bool = False,
    kind: str = "",
    headline: str = "",
) -> Score:
    """`missing_ok`: a gold passage the text lacks (cut by the clean-up) counts as a miss.
    `kind` ("direct" or "reported"): only suggestions of that kind are scored."""
    score = Score(name, gold=len(gold))
    spans = []
    for item in gold:
        start = body.find(item["exact"])
        if start < 0 and not missing_ok:
            raise ValueError(f"{name}: gold passage not in text: {item['exact'][:40]}")
        spans.append((start, start + len(item["exact"])) if start >= 0 else (-1, -1))
    suggestions = [s for s in suggest_quotes(body, headline=headline) if not kind or s.kind == kind]
    score.suggested = len(suggestions)
    matched: set[int] = set()
    for s in suggestions:
        best, best_overlap = None, 0
        for i, g in enumerate(spans):
            if i in matched:
                continue
            ov = _overlap((s.start, s.end), g)
            shared = ov >= MIN_SHARE * (g[1] - g[0]) and ov >= MIN_SHARE * (s.end - s.start)
            if shared and ov > best_overlap:
                best, best_overlap = i, ov
        if best is None:
            score.false_alarms.append(f"[{s.rule}] {body[s.start : s.end][:70]}")
            continue
        matched.add(best)
        score.found += 1
        item = gold[best]
        if _speaker_right(s.speaker, item):
            score.speaker_right += 1
        else:
            score.wrong_speakers.append(f"{s.speaker or '—'} ≠ {item['speaker']} [{s.rule}]")
    for i, item in enumerate(gold):
        if i not in matched:
            score.misses.append(f"[{item['kind']}] {item['exact'][:70]}")
    return score


def _speaker_right(suggested: str, item: dict) -> bool:
    if item["speaker"] is None:  # the writer quotes himself: no speaker is right
        return not suggested.strip()
    return speakers_match(suggested, item["speaker"], item.get("speaker_aliases", []))


def page_gold(page: dict, kinds: tuple[str, ...] = ("quotes", "reported")) -> list[dict]:
    """A page's `quotes` and `reported` in the samples' item format."""
    kind_names = {"quotes": "direct", "reported": "reported"}
    return [
        {
            "exact": item["passage"],
            "speaker": item["speaker"],
            "speaker_aliases": item.get("aliases", []),
            "kind": kind_names[kind],
        }
        for kind in kinds
        for item in page.get(kind, [])
    ]


def evaluate_pages(
    gold_path: Path, *, clean: bool = True, kinds: tuple[str, ...] = ("quotes", "reported")
) -> tuple[list[Score], Score]:
    """Suggestions on each page of a page gold file (files next to it), scored against its
    quotes and reported speech. With `clean`, on the body the importer keeps, as an editor
    sees it; otherwise on the raw file."""
    pages = json.loads(gold_path.read_text(encoding="utf-8"))
    per_page = []
    total = Score("overall")
    for page in pages:
        raw = (gold_path.parent / page["file"]).read_text(encoding="utf-8")
        raw = cleaning.normalise(raw)
        cleaned = cleaning.clean(raw)
        body, headline = (cleaned.body, cleaned.title) if clean else (raw, "")
        kind = "" if len(kinds) > 1 else {"quotes": "direct", "reported": "reported"}[kinds[0]]
        gold = page_gold(page, kinds)
        score = score_text(page["file"], body, gold, missing_ok=True, kind=kind, headline=headline)
        per_page.append(score)
        total.add(score)
    return per_page, total


def evaluate(samples_dir: Path, gold_path: Path) -> tuple[list[Score], Score]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    per_sample = []
    total = Score("overall")
    for name, items in sorted(gold.items()):
        body = (samples_dir / name).read_text(encoding="utf-8")
        score = score_text(name, body, items)
        per_sample.append(score)
        total.add(score)
    return per_sample, total
