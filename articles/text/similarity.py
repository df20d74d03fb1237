"""Claims across outlets: rank passages of other articles by similarity to a given passage.

Pure functions, no Django. Text is folded (alef forms, ى/ي, ة/ه, harakat, digits), split into
word tokens, light prefixes stripped (و ف ب ل ك + ال), stop words dropped; a passage's
features are its token set plus adjacent-token bigrams ("shingles"). Two passages score by the
IDF-weighted cosine of their feature sets, IDF taken over the candidate pool so that words every
article shares (روسيا، كوريا الشمالية) count for little. docs/claims.md has the database plan.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from articles.text.arabic import fold_arabic

__all__ = ["Passage", "Match", "tokens", "features", "split_sentences", "rank_similar"]

_TOKEN_RE = re.compile(r"[^\W_]+")
_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "لل", "ال")
# Function words that carry no claim content (folded spelling).
STOP_WORDS = frozenset(
    fold_arabic(w)
    for w in str.split(
        "في فى من إلى الى على عن مع أن إن أنه إنه أنها التي الذي الذى التى هذا هذه ذلك تلك "
        "كان كانت قد لا لم لن ما ثم أو أي بين بعد قبل حتى كل منذ عند إذا هو هي هم وقد كما "
        "فيما أيضا يوم قال وقال وأضاف أكد"
    )
)


def _strip(token: str) -> str:
    for p in _PREFIXES:
        if token.startswith(p) and len(token) - len(p) >= 2:
            return token[len(p) :]
    if token[0] in "وفبل" and len(token) >= 5:
        return token[1:]
    return token


def tokens(text: str) -> list[str]:
    """Folded, prefix-stripped content tokens of `text`."""
    out = []
    for raw in _TOKEN_RE.findall(fold_arabic(text)):
        if raw in STOP_WORDS:
            continue
        token = _strip(raw)
        if token and token not in STOP_WORDS:
            out.append(token)
    return out


def features(text: str) -> frozenset[str]:
    """Token set plus adjacent-token bigrams: the fingerprint stored per passage."""
    toks = tokens(text)
    return frozenset(toks) | frozenset(f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False))


@dataclass(frozen=True)
class Passage:
    key: object  # e.g. (article_id, start, end)
    text: str


@dataclass(frozen=True)
class Match:
    passage: Passage
    score: float


def split_sentences(body: str) -> list[tuple[int, int]]:
    """Code-point spans of sentences (split at . ؟ ! and line breaks), spaces trimmed."""
    spans = []
    for m in re.finditer(r"[^.؟!?\n]+[.؟!?]*", body):
        start, end = m.start(), m.end()
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        if end - start > 1:
            spans.append((start, end))
    return spans


def idf_weights(pool: Iterable[frozenset[str]]) -> tuple[Counter, int]:
    df: Counter = Counter()
    n = 0
    for feats in pool:
        df.update(feats)
        n += 1
    return df, n


def _weight(feature: str, df: Counter, n: int) -> float:
    return math.log((n + 1) / (df.get(feature, 0) + 1)) + 1.0


def score(query: frozenset[str], other: frozenset[str], df: Counter, n: int) -> float:
    """IDF-weighted cosine of two binary feature sets (0 … 1)."""
    if not query or not other:
        return 0.0
    shared = sum(_weight(f, df, n) ** 2 for f in query & other)
    if not shared:
        return 0.0
    qn = math.sqrt(sum(_weight(f, df, n) ** 2 for f in query))
    on = math.sqrt(sum(_weight(f, df, n) ** 2 for f in other))
    return shared / (qn * on)


def rank_similar(text: str, candidates: list[Passage], limit: int = 10) -> list[Match]:
    """Candidates ranked by similarity to `text`, best first; zero scores left out."""
    query = features(text)
    feats = [features(c.text) for c in candidates]
    df, n = idf_weights(feats)
    scored = [Match(c, score(query, f, df, n)) for c, f in zip(candidates, feats, strict=True)]
    scored = [m for m in scored if m.score > 0]
    scored.sort(key=lambda m: m.score, reverse=True)
    return scored[:limit]
