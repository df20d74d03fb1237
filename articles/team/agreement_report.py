"""Agreement figures for an assignment, from the editors' blind layers.

The arithmetic is `articles/text/agreement.py`; this module only gathers spans. Several
articles are compared as one text laid end to end (spans shifted, a blank line between
articles), so pooled figures count every span once. Krippendorff's α is symmetric in its
coders, so the overall figure pools every pair's articles the same way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from django.utils import timezone

from articles.kinds import KINDS
from articles.models import Article, Assignment, Guideline, Tag, WorkItem
from articles.text.agreement import PairReport, Span, compare

SEPARATOR = "\n\n"


@dataclass(frozen=True)
class AgreementRow:
    pair: str  # "a / b", or "" for every pair together
    kind: str  # a kind slug, or "" for every kind
    articles: int
    report: PairReport


@dataclass(frozen=True)
class AssignmentAgreement:
    rows: list[AgreementRow]
    guideline_versions: dict[str, str]  # kind slug ("" general) → "v2", or "v2, v3"


def guideline_versions(done_times: list[datetime]) -> dict[str, str]:
    """The version of each guideline page in force when the editors marked their work done.

    Derived from timestamps, not stored: versions are never edited, only added, so the
    version in force at any moment is the newest one created by then, and this holds for
    work done before anyone thought to record it. Work not yet done is being done under
    the current version. Editors who finished at different times may have read different
    versions: all of them are named."""
    moments = sorted(done_times) or [timezone.now()]
    history: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for kind, version, created_at in Guideline.objects.values_list(
        "kind", "version", "created_at"
    ).order_by("kind", "version"):
        history[kind].append((created_at, version))
    versions: dict[str, str] = {}
    for kind, created in history.items():
        in_force = sorted(
            {
                max((v for at, v in created if at <= moment), default=created[0][1])
                for moment in moments
            }
        )
        versions[kind] = ", ".join(f"v{v}" for v in in_force)
    return versions


def _laid_end_to_end(segments: list[tuple[str, list[Span], list[Span]]]):
    text_parts, spans_a, spans_b, offset = [], [], [], 0
    for body, a, b in segments:
        text_parts.append(body)
        spans_a += [Span(s.start + offset, s.end + offset, s.kind, s.speaker) for s in a]
        spans_b += [Span(s.start + offset, s.end + offset, s.kind, s.speaker) for s in b]
        offset += len(body) + len(SEPARATOR)
    return SEPARATOR.join(text_parts), spans_a, spans_b


def _rows_for(pair: str, segments) -> list[AgreementRow]:
    text, spans_a, spans_b = _laid_end_to_end(segments)
    rows = [AgreementRow(pair, "", len(segments), compare(text, spans_a, spans_b))]
    for kind in KINDS:
        a = [s for s in spans_a if s.kind == kind.slug]
        b = [s for s in spans_b if s.kind == kind.slug]
        if a or b:
            rows.append(AgreementRow(pair, kind.slug, len(segments), compare(text, a, b)))
    return rows


def assignment_agreement(assignment: Assignment) -> AssignmentAgreement:
    """Every pair of editors over the articles they both tagged, then all pairs pooled.
    Three queries, whatever the size of the assignment."""
    editors_by_article: dict[int, list[tuple[int, str]]] = defaultdict(list)
    done_times: list[datetime] = []
    for article_id, editor_id, username, done_at in WorkItem.objects.filter(
        assignment=assignment
    ).values_list("article_id", "editor_id", "editor__username", "done_at"):
        editors_by_article[article_id].append((editor_id, username))
        if done_at is not None:
            done_times.append(done_at)
    spans: dict[tuple[int, int], list[Span]] = defaultdict(list)
    # Orphans of a correction count in an older text: left out until they are re-placed.
    for article_id, annotator_id, kind, start, end, speaker in Tag.all_layers.filter(
        article_id__in=editors_by_article, annotator__isnull=False, orphaned=False
    ).values_list("article_id", "annotator_id", "kind", "start", "end", "speaker"):
        spans[(article_id, annotator_id)].append(Span(start, end, kind, speaker))
    bodies = dict(Article.objects.filter(pk__in=editors_by_article).values_list("pk", "body"))
    by_pair: dict[str, list] = defaultdict(list)
    for article_id, editors in sorted(editors_by_article.items()):
        for (a_id, a_name), (b_id, b_name) in combinations(sorted(editors, key=lambda e: e[1]), 2):
            segment = (bodies[article_id], spans[(article_id, a_id)], spans[(article_id, b_id)])
            by_pair[f"{a_name} / {b_name}"].append(segment)
    rows: list[AgreementRow] = []
    if by_pair:
        rows += _rows_for("", [seg for segments in by_pair.values() for seg in segments])
    for pair, segments in sorted(by_pair.items()):
        rows += _rows_for(pair, segments)
    return AssignmentAgreement(rows=rows, guideline_versions=guideline_versions(done_times))
