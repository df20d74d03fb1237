"""Scores the clean-up (title, outlet, date, furniture, story) against a gold file.

The gold format is a JSON list of pages: `file`, `title` (or null), `story_first` and
`story_last` (exact substrings of the first and last story sentences), `junk` (whole
furniture lines), `junk_inline` (furniture glued onto a story line), `outlet` and `date`
(or null when the page does not print them). Pure Python on the cleaner, no database:
every page is cleaned on its own, as the first import from its outlet would be.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from articles.text import cleaning


def _norm(text: str | None) -> str:
    """Whitespace-normalised, hashtags unwrapped as the cleaner does, for comparisons."""
    text = cleaning.strip_invisible(text or "")
    text = cleaning.HASHTAG_RE.sub(lambda m: m.group(1).replace("_", " "), text)
    return " ".join(text.split())


@dataclass
class PageScore:
    name: str
    title: bool | None = None  # None: the page prints no headline
    outlet: bool | None = None
    date: bool | None = None
    date_where_none: bool = False  # a date was picked on a page that prints none
    furniture_left: list[str] = field(default_factory=list)
    story_cut: list[str] = field(default_factory=list)
    got_title: str = ""
    got_outlet: str = ""
    got_date: datetime.date | None = None


@dataclass
class ImportTotals:
    pages: int = 0
    titled: int = 0
    title_right: int = 0
    with_outlet: int = 0
    outlet_right: int = 0
    dated: int = 0
    date_right: int = 0
    date_where_none: int = 0
    furniture_pages: int = 0
    cut_pages: int = 0

    def add(self, page: PageScore) -> None:
        self.pages += 1
        for name in ("title", "outlet", "date"):
            value = getattr(page, name)
            if value is not None:
                count = {"title": "titled", "outlet": "with_outlet", "date": "dated"}[name]
                setattr(self, count, getattr(self, count) + 1)
                setattr(self, f"{name}_right", getattr(self, f"{name}_right") + int(value))
        self.date_where_none += int(page.date_where_none)
        self.furniture_pages += int(bool(page.furniture_left))
        self.cut_pages += int(bool(page.story_cut))


def score_page(name: str, raw: str, gold: dict, cleaned: cleaning.Cleaned) -> PageScore:
    page = PageScore(name, got_title=cleaned.title, got_outlet=cleaned.outlet)
    page.got_date = cleaned.published_on
    title = _norm(gold.get("title"))
    if gold.get("title"):
        page.title = _norm(cleaned.title) == _norm(re.sub(r"^#+\s*", "", title))
    if gold.get("outlet"):
        page.outlet = _norm(cleaned.outlet) == _norm(gold["outlet"])
    if gold.get("date"):
        page.date = cleaned.published_on == datetime.date.fromisoformat(gold["date"])
    else:
        page.date_where_none = cleaned.published_on is not None
    body = _norm(cleaned.body)
    lines = [_norm(line) for line in cleaned.body.split("\n") if line.strip()]
    for junk in gold.get("junk", []):
        if _norm(junk) in lines:
            page.furniture_left.append(junk)
    for junk in gold.get("junk_inline", []):
        if _norm(junk) in body:
            page.furniture_left.append(f"(glued) {junk}")
    first, last = _norm(gold["story_first"]), _norm(gold["story_last"])
    if first not in body:
        page.story_cut.append(f"(start) {gold['story_first']}")
    if last not in body:
        page.story_cut.append(f"(end) {gold['story_last']}")
    if first in body:
        before = body[: body.index(first)].strip()
        headline = _norm(cleaned.title)
        if before.startswith(headline):
            before = before[len(headline) :].strip()
        if before and "(glued) " not in " ".join(page.furniture_left):
            page.furniture_left.append(f"(before story) {before[:60]}")
    if last in body:
        after = body[body.rindex(last) + len(last) :].strip()
        if after and not any(_norm(j) == after for j in gold.get("junk", [])):
            page.furniture_left.append(f"(after story) {after[:60]}")
    if title and sum(1 for line in lines if line == title) > 1:
        page.furniture_left.append(f"(headline twice) {title[:60]}")
    page.story_cut += _story_lines_lost(raw, gold, body)
    return page


def _story_lines_lost(raw: str, gold: dict, body: str) -> list[str]:
    """Every non-furniture line between the story's first and last words must be kept."""
    start = raw.find(gold["story_first"])
    end = raw.find(gold["story_last"], max(start, 0))
    if start < 0 or end < 0:
        return []
    junk = {_norm(j) for j in gold.get("junk", [])} | {_norm(gold.get("title"))}
    lost = []
    for line in raw[start : end + len(gold["story_last"])].split("\n"):
        text = line
        for glued in gold.get("junk_inline", []):
            text = text.replace(glued, " ")
        text = _norm(text)
        if text and text not in junk and text not in body:
            lost.append(text[:60])
    return lost


def evaluate(
    directory: Path, gold_path: Path | None = None
) -> tuple[list[PageScore], ImportTotals]:
    gold_path = gold_path or directory / "expected.json"
    pages = json.loads(gold_path.read_text(encoding="utf-8"))
    scores, totals = [], ImportTotals()
    for gold in pages:
        raw = cleaning.normalise((directory / gold["file"]).read_text(encoding="utf-8"))
        page = score_page(gold["file"], raw, gold, cleaning.clean(raw))
        scores.append(page)
        totals.add(page)
    return scores, totals
