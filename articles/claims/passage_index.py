"""Similar passages in other articles, fast on many articles.

Every sentence of every article is a `Passage` row holding the 32-bit hashes of its
similarity features (`articles.text.similarity.features`: folded tokens + bigrams). To find the
passages like a claim:

1. hash the claim's features and look up their document frequency (`FeatureCount`);
2. probe the GIN index with the claim's *rarest* features only (`features && probe`): the
   common ones (روسيا، بوتين…) would make the posting lists long and carry no signal;
3. order those candidates in SQL by the IDF weight of the features they share, keep 200;
4. re-rank the 200 in Python with the IDF-weighted cosine of `articles/text/similarity.py`.

Passages are written by the indexing job after import (articles/jobs/indexing.py), by
`manage.py index_passages` for articles restored by other means, and again by the indexing job
after a new version of a text (its old passages go in the transaction that makes it).
docs/claims.md has the measurements and the query plan.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

from articles.models import CLAIM, Article, FeatureCount, Passage, Tag
from articles.text.similarity import features, split_sentences

CANDIDATES = 200  # rows re-ranked in Python
PROBE_FEATURES = 12  # at most this many rare features go into the `&&` probe
COMMON_SHARE = 0.02  # a feature in more than 2 % of passages is too common to probe with
MIN_COMMON_DF = 50  # …but on a small corpus anything this rare may probe
MIN_SCORE = 0.05
TOTAL = 0  # FeatureCount row holding the number of passages


def feature_hash(feature: str) -> int:
    """A stable signed 32-bit hash (Python's `hash` changes between processes); never 0."""
    value = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=4).digest(), "big")
    value = value - (1 << 32) if value >= 1 << 31 else value
    return value or 1


def hashes(text: str) -> list[int]:
    return sorted({feature_hash(f) for f in features(text)})


def passages_of(article: Article) -> list[Passage]:
    body = article.body
    found = []
    for start, end in split_sentences(body):
        feats = hashes(body[start:end])
        if feats:
            found.append(Passage(article=article, start=start, end=end, features=feats))
    return found


def index_articles(articles: Iterable[Article]) -> int:
    """Store the passages of new articles and add their features to the counts. Returns
    the number of passages. Two queries (more only past 2,000 passages or 5,000
    distinct features)."""
    rows: list[Passage] = []
    for article in articles:
        rows += passages_of(article)
    if not rows:
        return 0
    counts: dict[int, int] = {}
    for row in rows:
        for h in row.features:
            counts[h] = counts.get(h, 0) + 1
    counts[TOTAL] = len(rows)
    Passage.objects.bulk_create(rows, batch_size=2000)
    add_counts(counts)
    return len(rows)


def drop_passages(articles: list[Article]) -> int:
    """Remove the passages of articles whose text changed, taking their features off the
    counts; the caller adds the new ones (now, or through an indexing job)."""
    old = Passage.objects.filter(article__in=articles)
    counts: dict[int, int] = {}
    n = 0
    for hashes_of_passage in old.values_list("features", flat=True):
        n += 1
        for h in hashes_of_passage:
            counts[h] = counts.get(h, 0) + 1
    if n:
        counts[TOTAL] = n
        items = sorted(counts.items())  # the lock order of add_counts
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE articles_featurecount AS f SET df = GREATEST(f.df - d.n, 0) "
                "FROM unnest(%s::int[], %s::int[]) AS d(hash, n) WHERE f.hash = d.hash",
                [[h for h, _n in items], [c for _h, c in items]],
            )
        old.delete()
    return n


def add_counts(counts: dict[int, int]) -> None:
    """Upsert document frequencies, in hash order so that concurrent imports lock the rows
    in the same order (no deadlock)."""
    items = sorted(counts.items())
    with connection.cursor() as cursor:
        for i in range(0, len(items), 5000):
            chunk = items[i : i + 5000]
            cursor.execute(
                "INSERT INTO articles_featurecount (hash, df) "
                "SELECT * FROM unnest(%s::int[], %s::int[]) "
                "ON CONFLICT (hash) DO UPDATE SET df = articles_featurecount.df + EXCLUDED.df",
                [[h for h, _n in chunk], [n for _h, n in chunk]],
            )


def recount() -> int:
    """Recompute the document frequencies from the passages there are (deleting an
    article drops its passages, not its counts); returns the number of passages."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Indexing jobs wait for this (their upsert needs the table), so none is lost.
        cursor.execute("LOCK TABLE articles_featurecount IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("DELETE FROM articles_featurecount")
        cursor.execute(
            "INSERT INTO articles_featurecount (hash, df) "
            "SELECT h, count(*) FROM articles_passage, unnest(features) AS h GROUP BY h"
        )
        cursor.execute(
            "INSERT INTO articles_featurecount (hash, df) "
            "SELECT %s, count(*) FROM articles_passage HAVING count(*) > 0",
            [TOTAL],
        )
        cursor.execute("SELECT count(*) FROM articles_passage")
        return cursor.fetchone()[0]


def rebuild(batch: int = 500) -> int:
    """Recompute every passage and count from the bodies (backfill, or after deletions)."""
    with transaction.atomic():
        Passage.objects.all().delete()
        FeatureCount.objects.all().delete()
        total = 0
        ids = list(Article.objects.order_by("id").values_list("id", flat=True))
        for i in range(0, len(ids), batch):
            chunk = Article.objects.filter(id__in=ids[i : i + batch]).only("id", "body")
            total += index_articles(chunk)
    return total


@dataclass
class Similar:
    passage_id: int
    article_id: int
    start: int
    end: int
    score: float
    text: str = ""
    title: str = ""
    source: str = ""
    published_on: date | None = None
    claim: Tag | None = None  # the claim tag already on this passage, if any


def _counts(feature_hashes: Iterable[int]) -> dict[int, int]:
    wanted = list(set(feature_hashes) | {TOTAL})
    with connection.cursor() as cursor:
        # A join on unnest, not `hash = ANY(…)`: with thousands of hashes the planner
        # would scan the whole table instead of probing the primary key for each.
        cursor.execute(
            "SELECT f.hash, f.df FROM unnest(%s::int[]) AS q(h) "
            "JOIN articles_featurecount f ON f.hash = q.h",
            [wanted],
        )
        return dict(cursor.fetchall())


def _weight(df: int, n: int) -> float:
    return math.log((n + 1) / (df + 1)) + 1.0


def similar_passages(text: str, *, exclude_article: int | None = None, limit: int = 10):
    """Passages of other articles most like `text`, best first, with article details and
    any claim tag already over them."""
    query = hashes(text)
    if not query:
        return []
    df = _counts(query)
    n = df.get(TOTAL, 0)
    if not n:
        return []
    too_common = max(COMMON_SHARE * n, MIN_COMMON_DF)
    known = sorted((df.get(h, 0), h) for h in query if df.get(h, 0))
    # A feature held by one passage only is most likely the claim's own sentence: it
    # cannot find anything elsewhere, so the rarest features held by two or more go first.
    useful = [h for count, h in known if 2 <= count <= too_common]
    probe = (useful or [h for count, h in known if count <= too_common])[:PROBE_FEATURES]
    if not probe:
        probe = [h for _count, h in known[:PROBE_FEATURES]]
    if not probe:
        return []
    weights = [_weight(df.get(h, 0), n) ** 2 for h in probe]
    with connection.cursor() as cursor:
        # Order by the summed weight of the shared probe features; the GIN index finds them.
        cursor.execute(
            """
            SELECT p.id, p.article_id, p.start, p."end", p.features
            FROM articles_passage p
            WHERE p.features && %(probe)s::int[] AND p.article_id <> %(article)s
            ORDER BY (
                SELECT sum(q.w) FROM unnest(%(probe)s::int[], %(weights)s::float8[]) AS q(h, w)
                WHERE q.h = ANY (p.features)
            ) DESC, p.id
            LIMIT %(limit)s
            """,
            {
                "probe": probe,
                "weights": weights,
                "article": exclude_article or 0,
                "limit": CANDIDATES,
            },
        )
        rows = cursor.fetchall()
    if not rows:
        return []
    df.update(_counts({h for row in rows for h in row[4]} - df.keys()))
    weight = {h: _weight(count, n) ** 2 for h, count in df.items()}
    unseen = _weight(0, n) ** 2
    query_set = set(query)
    q_norm = math.sqrt(sum(weight.get(h, unseen) for h in query_set))
    scored = []
    for pid, article_id, start, end, feats in rows:
        shared = query_set.intersection(feats)
        if not shared:
            continue
        dot = sum(weight.get(h, unseen) for h in shared)
        norm = math.sqrt(sum(weight.get(h, unseen) for h in feats))
        value = dot / (q_norm * norm)
        if value >= MIN_SCORE:
            scored.append(Similar(pid, article_id, start, end, value))
    scored.sort(key=lambda s: (-s.score, s.passage_id))
    best = scored[:limit]
    _attach_details(best)
    return best


def _attach_details(found: list[Similar]) -> None:
    """Text, article title, outlet and date, and an existing claim tag: two queries."""
    if not found:
        return
    with connection.cursor() as cursor:
        # substr counts characters (code points), as `start`/`end` do.
        cursor.execute(
            """
            SELECT p.id, substr(a.body, p.start + 1, p."end" - p.start), a.title, s.name,
                   a.published_on
            FROM articles_passage p JOIN articles_article a ON a.id = p.article_id
            LEFT JOIN articles_source s ON s.id = a.source_id
            WHERE p.id = ANY(%s)
            """,
            [[s.passage_id for s in found]],
        )
        details = {row[0]: row[1:] for row in cursor.fetchall()}
    for item in found:
        item.text, item.title, item.source, item.published_on = details[item.passage_id]
        item.source = item.source or ""
    claims = Tag.objects.filter(
        kind=CLAIM, article_id__in={s.article_id for s in found}
    ).select_related("claim_group")
    by_article: dict[int, list[Tag]] = {}
    for tag in claims:
        by_article.setdefault(tag.article_id, []).append(tag)
    for item in found:
        item.claim = claim_over(by_article.get(item.article_id, []), item.start, item.end)


def claim_over(claims: list[Tag], start: int, end: int) -> Tag | None:
    """The claim tag over a passage: the one overlapping it most, if that overlap is at
    least half of the shorter of the two (a claim is often one clause of a sentence)."""
    best, best_overlap = None, 0
    for tag in claims:
        overlap = min(tag.end, end) - max(tag.start, start)
        if overlap * 2 >= min(end - start, tag.end - tag.start) and overlap > best_overlap:
            best, best_overlap = tag, overlap
    return best
