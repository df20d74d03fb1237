"""Time quote suggestion per sample and claim ranking over all sample sentences.

Run: .venv/bin/python bench/suggest.py   (target: < 50 ms per article for suggest_quotes)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.text.quote_rules import suggest_quotes  # noqa: E402
from articles.text.similarity import Passage, rank_similar, split_sentences  # noqa: E402

RUNS = 50


def timed(fn, *args) -> float:
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, max(times) * 1000


def main() -> None:
    samples = sorted((ROOT / "tests" / "data" / "samples").glob("*.txt"))
    for path in samples:
        body = path.read_text(encoding="utf-8")
        median, worst = timed(suggest_quotes, body)
        print(
            f"suggest_quotes {path.name} ({len(body)} chars): "
            f"median {median:.1f} ms, max {worst:.1f} ms"
        )
    pool = []
    for path in samples:
        body = path.read_text(encoding="utf-8")
        pool += [Passage((path.name, s, e), body[s:e]) for s, e in split_sentences(body)]
    median, worst = timed(rank_similar, "بما يتماشى مع المادة 51 من ميثاق الأمم المتحدة", pool)
    print(
        f"rank_similar over {len(pool)} sentences (pure Python, no index): "
        f"median {median:.1f} ms, max {worst:.1f} ms"
    )


if __name__ == "__main__":
    main()
