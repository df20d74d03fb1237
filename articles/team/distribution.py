"""Handing articles to editors: each article to `per_article` editors, everyone about the
same number, and the same editors not always together. Pure: ids in, a plan out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations


def distribute(
    article_ids: Sequence[int], editor_ids: Sequence[int], per_article: int
) -> dict[int, tuple[int, ...]]:
    """Article id → the editors it goes to. Each article takes the group of editors with
    the lightest load so far; among equally light groups, the one that met least often."""
    if not 1 <= per_article <= len(editor_ids):
        raise ValueError("per_article must be between 1 and the number of editors")
    load: Counter[int] = Counter()
    met: Counter[tuple[int, ...]] = Counter()
    groups = list(combinations(sorted(editor_ids), per_article))
    plan = {}
    for article_id in article_ids:
        group = min(
            groups,
            key=lambda g: (max(load[e] for e in g), sum(load[e] for e in g), met[g]),
        )
        plan[article_id] = group
        met[group] += 1
        for editor in group:
            load[editor] += 1
    return plan
