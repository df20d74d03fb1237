"""The benchmark database's contents, generated inside PostgreSQL in a few statements.

Bodies are built from the sample articles' paragraphs (4 to 10 per article, chosen by a
hash of the article number, so a size is always the same data); tags are spans of those
bodies with their exact text, prefix and suffix cut out by SQL `substr` (code points,
like Python's offsets). Everything goes through plain INSERT … SELECT, so the generated
search columns are computed by PostgreSQL exactly as on every other write path, and no
row goes through the ORM.

`grow(articles, tags)` adds rows until the database holds that many, so the growth
figures can be taken at increasing sizes on one database.
"""

from __future__ import annotations

import time

from bench.common import SAMPLES

USERS = 10  # bench-editor-0 … 9 create the tags
SOURCES = 20


def sample_paragraphs() -> list[str]:
    from articles.text.cleaning import clean

    found = []
    for path in SAMPLES:
        body = clean(path.read_text(encoding="utf-8")).body
        found += [p.strip() for p in body.split("\n") if len(p.split()) >= 8]
    return found


def prepare() -> list[int]:
    """Users, sources and the paragraph table the generator draws from; the user ids."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from articles.models import Source
    from articles.roles import EDITORS
    from tests.conftest import make_user

    users = list(
        get_user_model()
        .objects.filter(username__startswith="bench-editor-")
        .values_list("id", flat=True)
    )
    if not users:
        users = [make_user(f"bench-editor-{i}", EDITORS).pk for i in range(USERS)]
        Source.objects.bulk_create(Source(name=f"مصدر {i}") for i in range(SOURCES))
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_paragraph (i integer PRIMARY KEY, text text)"
        )
        cursor.execute("TRUNCATE bench_paragraph")
        with cursor.cursor.copy("COPY bench_paragraph (i, text) FROM STDIN") as copy:
            for i, text in enumerate(sample_paragraphs()):
                copy.write_row((i, text))
    return users


ARTICLES_SQL = """
INSERT INTO articles_article (title, body, body_sha256, source_id, original_filename,
    published_on, imported_by_id, imported_at, raw_text, removed_lines, detected_encoding,
    shingle_sketch, indexed_at)
SELECT left(b.body, 80), b.body, md5(b.body) || md5(g::text),
       (%(source_ids)s::bigint[])[1 + g %% %(sources)s],
       'bench_' || g || '.txt', date '2023-01-01' + g %% 700, %(user)s,
       timestamptz '2024-06-19 10:00+03' + g * interval '1 minute', '', '[]', '', '[]',
       now()
FROM generate_series(%(first)s, %(last)s) AS g
CROSS JOIN LATERAL (
    SELECT 'خبر رقم ' || g || ' لعام '
           || (ARRAY['٢٠٢٤', '2024', '۲۰۲۳', '2025'])[1 + g %% 4]
           || E'\\n' || string_agg(p.text, E'\\n' ORDER BY k) AS body
    FROM generate_series(1, 4 + g %% 7) AS k
    JOIN bench_paragraph p
      ON p.i = (hashint4(g * 97 + k) & 2147483647) %% (SELECT count(*) FROM bench_paragraph)
) AS b
"""

# Spans of 20 to 180 characters at hashed positions; one in three a quote, half of those
# with a speaker; a tenth with a note; review states mixed.
TAGS_SQL = """
INSERT INTO articles_tag (article_id, kind, start, "end", exact, prefix, suffix, note,
    speaker, created_by_id, updated_by_id, created_at, updated_at, version, review_state,
    review_comment, check_worthy, verification, evidence)
SELECT a.id, (ARRAY['claim', 'quote', 'background'])[1 + h %% 3], s.start, s.stop,
       substr(a.body, s.start + 1, s.stop - s.start),
       substr(a.body, greatest(0, s.start - 32) + 1, s.start - greatest(0, s.start - 32)),
       substr(a.body, s.stop + 1, 32),
       CASE WHEN h %% 10 = 0 THEN 'تحقق من الرقم' ELSE '' END,
       CASE WHEN h %% 3 = 1 AND h %% 2 = 1
            THEN (ARRAY['بوتين', 'جون كيربي', 'ستولتنبرغ', 'الوزارة'])[1 + h %% 4]
            ELSE '' END,
       u.id, u.id,
       timestamptz '2024-06-19 12:00+03' + h %% 100000 * interval '1 minute',
       timestamptz '2024-06-19 12:00+03' + h %% 100000 * interval '1 minute',
       1, (ARRAY['pending', 'accepted', 'rejected'])[1 + h %% 3], '',
       '', CASE WHEN h %% 3 = 0 THEN 'unverified' ELSE '' END, ''
FROM articles_article a
CROSS JOIN generate_series(1, %(per_article)s) AS k
CROSS JOIN LATERAL (SELECT hashint4((a.id * 1009 + k)::integer) & 2147483647 AS h) AS hashed
CROSS JOIN LATERAL (
    SELECT h %% greatest(1, length(a.body) - 200) AS start,
           least(length(a.body), h %% greatest(1, length(a.body) - 200) + 20 + h %% 160) AS stop
) AS s
JOIN LATERAL (
    SELECT id FROM auth_user WHERE username = 'bench-editor-' || (h %% %(users)s)
) AS u ON true
WHERE a.id > %(after)s AND a.original_filename LIKE 'bench_%%'
"""


def counts() -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM articles_article WHERE original_filename LIKE"
            " 'bench_%%'), (SELECT count(*) FROM articles_tag)"
        )
        return cursor.fetchone()


WORKERS = 2  # the generated search columns cost CPU in PostgreSQL: one statement per core


def _in_parallel(statements: list[tuple[str, dict | None]]) -> int:
    """Run the statements WORKERS at a time, each on its own connection; rows written."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def one(statement: tuple[str, dict | None]) -> int:
        sql, params = statement
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute(sql, params)
                return max(cursor.rowcount, 0)
        finally:
            connections["default"].close()

    with ThreadPoolExecutor(WORKERS) as pool:
        return sum(pool.map(one, statements))


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT"
            " EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        return cursor.fetchall()


def grow(articles: int, tags: int, log=print) -> dict:
    """Add generated articles (and `tags / articles` tags each) until there are
    `articles` generated articles. Returns what was added and how long it took."""
    from django.db import connection

    from articles.models import Source

    users = prepare()
    have_articles, have_tags = counts()
    if articles <= have_articles:
        return {"articles_added": 0, "tags_added": 0, "seconds": 0.0}
    per_article = max(0, round(tags / articles))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM articles_article")
        after = cursor.fetchone()[0]
    step = -(-(articles - have_articles) // WORKERS)
    ranges = [
        (first, min(articles, first + step - 1))
        for first in range(have_articles + 1, articles + 1, step)
    ]
    # Their ids, not a range from the smallest: imports leave gaps in the sequence.
    source_ids = list(
        Source.objects.filter(name__startswith="مصدر ").order_by("id").values_list("id", flat=True)
    )
    base = {"sources": len(source_ids), "source_ids": source_ids, "user": users[0]}
    added_articles = _in_parallel(
        [(ARTICLES_SQL, {**base, "first": first, "last": last}) for first, last in ranges]
    )
    # Filling a table more than doubles it: building its indexes afterwards is faster than
    # updating them row by row (GIN especially).
    expected_tags = added_articles * per_article
    rebuild = _secondary_indexes("articles_tag") if expected_tags > max(have_tags, 50_000) else []
    with connection.cursor() as cursor:
        for name, _definition in rebuild:
            cursor.execute(f'DROP INDEX "{name}"')
    sql = TAGS_SQL + " AND a.id %% %(workers)s = %(part)s"
    values = {"per_article": per_article, "after": after, "users": USERS, "workers": WORKERS}
    added_tags = _in_parallel([(sql, {**values, "part": part}) for part in range(WORKERS)])
    _in_parallel([(definition, None) for _name, definition in rebuild])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
        cursor.execute("ANALYZE articles_tag")
    seconds = time.perf_counter() - started
    log(f"  +{added_articles} articles, +{added_tags} tags in {seconds:.1f} s")
    return {"articles_added": added_articles, "tags_added": added_tags, "seconds": seconds}
