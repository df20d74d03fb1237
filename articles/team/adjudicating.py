"""Settling two editors' blind layers of one article into its final layer.

Items come in the order a reviewer wants them: disagreements first, the boundary-only ones
(same kind, overlapping by half: the editors saw the same thing and cut it differently)
grouped before the spans only one editor tagged; exact agreements last. Each decision
writes the chosen span(s) to the final layer (to the review queue, or accepted at once if the
assignment says so) and records which editors had them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from articles import reviewing, tagging
from articles.models import Adjudication, AdjudicationDecision, Article, Assignment, Tag
from articles.text.agreement import Span, match_spans, overlaps_half

BOUNDARY, ONE_SIDED, AGREED = "boundary", "one-sided", "agreed"
ORDER = {BOUNDARY: 0, ONE_SIDED: 1, AGREED: 2}


@dataclass(frozen=True)
class Decided:
    decision: AdjudicationDecision
    already_final: list[Tag]  # chosen spans the final layer held already: not written twice


@dataclass(frozen=True)
class Item:
    group: str
    a: Tag | None
    b: Tag | None

    @property
    def first(self) -> Tag:
        """The tag the item is known by: editor A's, or B's when only B has one."""
        tag = self.a or self.b
        assert tag is not None, "an item always holds at least one tag"
        return tag

    @property
    def key(self) -> tuple[str, int, int]:
        """The span a decision on this item is recorded under."""
        return (self.first.kind, self.first.start, self.first.end)


def _span(tag: Tag) -> Span:
    return Span(tag.start, tag.end, tag.kind, tag.speaker)


def items(tags_a: list[Tag], tags_b: list[Tag]) -> list[Item]:
    """Pair the two layers' tags: exact matches, then half-overlaps, then the rest."""
    by_span_a = {_span(t): t for t in tags_a}
    by_span_b = {_span(t): t for t in tags_b}
    result: list[Item] = []
    left_a, left_b = list(by_span_a), list(by_span_b)
    for group, same in (
        (AGREED, lambda x, y: (x.start, x.end) == (y.start, y.end)),
        (BOUNDARY, overlaps_half),
    ):
        pairs = match_spans(left_a, left_b, same)
        for x, y in pairs:
            result.append(Item(group, by_span_a[x], by_span_b[y]))
            left_a.remove(x)
            left_b.remove(y)
    result += [Item(ONE_SIDED, by_span_a[x], None) for x in left_a]
    result += [Item(ONE_SIDED, None, by_span_b[y]) for y in left_b]
    return sorted(result, key=lambda i: (ORDER[i.group], i.first.start))


def decided_keys(assignment: Assignment, article: Article) -> set[tuple[str, int, int]]:
    return set(
        AdjudicationDecision.objects.filter(
            adjudication__assignment=assignment, adjudication__article=article
        ).values_list("kind", "start", "end")
    )


def decide(
    *, assignment: Assignment, article: Article, item: Item, choice: str, names: tuple, user
) -> Decided:
    """Write the chosen span(s) to the final layer and record the decision, atomically.
    `names` are the usernames of editors A and B. A span the final layer already holds
    (the same kind and boundaries taken twice, or taken earlier) is kept once, not refused."""
    offered = {"a": [item.a], "b": [item.b], "both": [item.a, item.b], "neither": []}[choice]
    taken = [tag for tag in offered if tag is not None]
    if choice in ("a", "b") and not taken:
        raise ValueError("that editor has no span here")
    if item.group == AGREED and choice == "both":
        taken = [item.first]  # the same span twice would be one tag written twice
    had = {tag.pk for tag in taken} if taken else {t.pk for t in (item.a, item.b) if t}
    agreed_by = [
        name
        for name, tag in zip(names, (item.a, item.b), strict=True)
        if tag is not None and (tag.pk in had or any(_span(tag) == _span(other) for other in taken))
    ]
    with transaction.atomic():
        adjudication, _created = Adjudication.objects.get_or_create(
            assignment=assignment, article=article, defaults={"adjudicated_by": user}
        )
        already_final: list[Tag] = []
        to_write: dict[tuple[str, int, int], Tag] = {}
        for tag in taken:
            to_write.setdefault((tag.kind, tag.start, tag.end), tag)
        in_final = set(
            Tag.objects.filter(article=article)
            .filter(start__in=[start for _kind, start, _end in to_write])
            .values_list("kind", "start", "end")
        )
        for span_key, tag in to_write.items():
            if span_key in in_final:
                already_final.append(tag)
                continue
            final = tagging.create_tag(
                article=article,
                user=user,
                kind=tag.kind,
                start=tag.start,
                end=tag.end,
                note=tag.note,
                speaker=tag.speaker,
            )
            if assignment.accept_adjudicated:
                reviewing.accept(tag_id=final.pk, version=final.version, reviewer=user)
        kind, start, end = item.key
        decision = AdjudicationDecision.objects.create(
            adjudication=adjudication,
            choice=choice,
            kind=kind,
            start=start,
            end=end,
            agreed_by=agreed_by,
        )
    return Decided(decision, already_final)
