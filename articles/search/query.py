"""Search in Arabic: parse the query, match it against the generated search columns,
rank title matches first, and cut out the matching passage with the hits marked.

Each plain word matches if the stemmed `arabic` vector (over lightly folded text) OR the
exact-word `simple` vector (over fully folded text) has it; all words must match. A
"quoted phrase" matches only those words, in that order, in the exact-word vector.
The folds are computed here in Python; they agree with the SQL ones by test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

from articles.text.arabic import (
    WORD_RE,
    fold_full,
    fold_light,
    folded_with_offsets,
    spellings,
    strip_proclitic,
    word_key,
)

MAX_TERMS = 8  # longer queries are cut: each term is one more index scan
_QUOTED_RE = re.compile(r'"([^"]*)"|“([^”“]*)[”“]|«([^»]*)»')


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()  # each phrase as its fully folded words

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)


def parse_query(text: str) -> ParsedQuery:
    """Plain words and "quoted phrases" (straight, curly or «guillemet» quotes)."""
    phrases = []
    for match in _QUOTED_RE.finditer(text):
        words = tuple(WORD_RE.findall(fold_full(next(g for g in match.groups() if g is not None))))
        if words:
            phrases.append(words)
    rest = _QUOTED_RE.sub(" ", text)
    # A stray quote left over (an unclosed phrase) is just punctuation.
    words = tuple(w for w in rest.split() if WORD_RE.search(fold_full(w)))
    return ParsedQuery(words=words[:MAX_TERMS], phrases=tuple(phrases[: MAX_TERMS - len(words)]))


def _word_queries(word: str) -> tuple[SearchQuery, SearchQuery]:
    """The word in every spelling and with every proclitic that folds like it (see
    `spellings`), against the stemmed and the exact-word vectors."""
    forms = spellings(word)
    stemmed = [
        SearchQuery(fold_light(form), config="arabic", search_type="plain") for form in forms
    ]
    exact = [
        SearchQuery(key, config="simple", search_type="plain")
        for key in sorted({fold_full(form) for form in forms})
    ]
    return reduce(or_, stemmed), reduce(or_, exact)


def _phrase_query(phrase: tuple[str, ...]) -> SearchQuery:
    return SearchQuery(" ".join(phrase), config="simple", search_type="phrase")


def matches(parsed: ParsedQuery) -> Q:
    """The WHERE clause over `search_stem` / `search_exact` (Article and Tag alike)."""
    condition = Q()
    for word in parsed.words:
        stem, exact = _word_queries(word)
        condition &= Q(search_stem=stem) | Q(search_exact=exact)
    for phrase in parsed.phrases:
        condition &= Q(search_exact=_phrase_query(phrase))
    return condition


def _title_matches(parsed: ParsedQuery) -> Q:
    condition = Q()
    for word in parsed.words:
        stem, exact = _word_queries(word)
        condition &= Q(search_title=stem | exact)
    for phrase in parsed.phrases:
        condition &= Q(search_title=_phrase_query(phrase))
    return condition


def search_articles(queryset: QuerySet, parsed: ParsedQuery) -> TitleFirst | QuerySet:
    """Articles matching every term: those whose title matches first, each part newest first.

    Two queries rather than one ORDER BY over "title matches?": that sort would have to
    look at every match (90,000 rows for بوتين), while "newest first among matches" lets
    PostgreSQL walk the recency index and stop after one page.
    """
    if not parsed:
        return queryset
    in_title = _title_matches(parsed)
    found = queryset.filter(matches(parsed))
    return TitleFirst(
        found.filter(in_title).order_by("-imported_at", "-id"),
        found.exclude(in_title).order_by("-imported_at", "-id"),
    )


class TitleFirst:
    """A sliceable sequence for `Paginator`: the title matches, then the other matches.
    Counts stop at `cap` + 1 (nobody pages through 90,000 results; counting them all
    costs a scan of every match)."""

    cap = 1000

    def __init__(self, title_hits: QuerySet, others: QuerySet):
        self.title_hits, self.others = title_hits, others

    @cached_property
    def n_title_hits(self) -> int:
        return self.title_hits.order_by()[: self.cap + 1].count()

    @cached_property
    def _count(self) -> int:
        if self.n_title_hits > self.cap:
            return self.n_title_hits
        left = self.cap + 1 - self.n_title_hits
        return self.n_title_hits + self.others.order_by()[:left].count()

    def count(self) -> int:
        return self._count

    @property
    def capped(self) -> bool:
        return self._count > self.cap

    def __iter__(self):
        return iter(self[0 : self.count()])

    def __getitem__(self, page: slice) -> list:
        start, stop = page.start or 0, page.stop
        rows = []
        if start < self.n_title_hits:
            rows += [_flag(a, True) for a in self.title_hits[start : min(stop, self.n_title_hits)]]
        if stop > self.n_title_hits:
            start, stop = max(0, start - self.n_title_hits), stop - self.n_title_hits
            rows += [_flag(a, False) for a in self.others[start:stop]]
        return rows


def _flag(article, title_hit: bool):
    article.title_hit = title_hit
    return article


def search_tags(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
    """Tags whose passage, note or speaker match every term (order is left to the caller)."""
    if not parsed:
        return queryset
    return queryset.filter(matches(parsed))


# --- Highlighting ---------------------------------------------------------------------
# Works on the original text and returns plain (text, is_hit) pieces: the template
# escapes every piece and wraps hits in <mark>, so article text never becomes markup.


def _hit_spans(text: str, parsed: ParsedQuery) -> list[tuple[int, int]]:
    keys = {word_key(word) for word in parsed.words}
    keys.discard("")
    # A hit word contains its key: most titles and paragraphs contain none, and a
    # substring test is far cheaper than folding with offsets and splitting into words.
    folded_text = fold_full(text)
    keys = {key for key in keys if key in folded_text}
    if not keys and not parsed.phrases:
        return []
    folded, offsets = folded_with_offsets(text)
    spans = []
    for token in WORD_RE.finditer(folded):
        word = token.group()
        if not any(key in word for key in keys):
            continue
        bare = strip_proclitic(word)
        if any(word.startswith(key) or bare.startswith(key) for key in keys):
            spans.append((token.start(), token.end()))
    for phrase in parsed.phrases:
        pattern = r"(?<!\w)" + r"\W+".join(map(re.escape, phrase)) + r"(?!\w)"
        spans += [(m.start(), m.end()) for m in re.finditer(pattern, folded)]
    return sorted((offsets[start], offsets[end]) for start, end in spans)


def _pieces(text: str, spans: list[tuple[int, int]], start: int, end: int):
    pieces, position = [], start
    for hit_start, hit_end in spans:
        hit_start, hit_end = max(hit_start, position), min(hit_end, end)
        if hit_start >= hit_end:
            continue
        if hit_start > position:
            pieces.append((text[position:hit_start], False))
        pieces.append((text[hit_start:hit_end], True))
        position = hit_end
    if position < end:
        pieces.append((text[position:end], False))
    return pieces


def highlight(text: str, parsed: ParsedQuery) -> list[tuple[str, bool]]:
    """The whole text (a title, a passage) as pieces, hits marked."""
    spans = _hit_spans(text, parsed) if parsed else []
    return _pieces(text, spans, 0, len(text))


def excerpt(text: str, parsed: ParsedQuery, *, width: int = 240) -> list[tuple[str, bool]]:
    """About `width` characters of the first paragraph with a hit (or of the opening),
    around the first hit, cut on spaces, hits marked. Paragraphs after the first hit are
    never scanned, so long bodies cost little."""
    paragraphs = text.split("\n")
    paragraph, spans = paragraphs[0], []
    for candidate in paragraphs if parsed else ():
        spans = _hit_spans(candidate, parsed)
        if spans:
            paragraph = candidate
            break
    anchor = spans[0][0] if spans else 0
    start = max(0, anchor - width // 3)
    if start > 0:
        start = paragraph.find(" ", start) + 1 or start
        start = min(start, anchor)
    end = min(len(paragraph), start + width)
    if end < len(paragraph):
        space = paragraph.rfind(" ", start, end)
        end = space if space > anchor else end
    pieces = _pieces(paragraph, spans, start, end)
    if start > 0 or paragraph is not paragraphs[0]:
        pieces.insert(0, ("… ", False))
    if end < len(paragraph) or paragraph is not paragraphs[-1]:
        pieces.append((" …", False))
    return pieces


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` + 1 rows, for lists that can hold a million
    tags: an exact count would scan every match; "more than 1000" is as useful."""

    cap = TitleFirst.cap
    object_list: QuerySet

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap
