"""Settling the blind layers of every editor of one article into its final layer.

The editors' tags are gathered into items, one per passage: the distinct spans drawn over
it (candidates: kind, boundaries and speaker), each with the editors who drew it. Items
come in the order a reviewer wants them: disagreements first, the boundary-only ones (same
kind, overlapping by half: the editors saw the same thing and cut it differently) grouped
before those that differ only by the speaker, then the spans not every editor tagged;
agreements last. Each decision (take one candidate, take all, take neither, or an edited
span) writes to the final layer (to the review queue, or accepted at once if the assignment
says so) and records which editors had what was written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from articles import reviewing, tagging
from articles.models import Adjudication, AdjudicationDecision, Article, Assignment, Tag
from articles.reading.highlights import paragraph_spans
from articles.text.agreement import Span, overlaps_half

BOUNDARY, SPEAKER, ONE_SIDED, AGREED = "boundary", "speaker", "one-sided", "agreed"
ORDER = {BOUNDARY: 0, SPEAKER: 1, ONE_SIDED: 2, AGREED: 3}
Choice = AdjudicationDecision.Choice


class StaleItem(Exception):
    """The item was decided by someone else since the page was drawn."""


@dataclass(frozen=True)
class Candidate:
    """One span some editors drew, with their tags (one each, in editor order)."""

    span: Span
    editors: tuple[str, ...]
    tags: tuple[Tag, ...]

    @property
    def tag(self) -> Tag:
        """The tag it is shown and written from (its first editor's: the note is theirs)."""
        return self.tags[0]


@dataclass(frozen=True)
class Item:
    group: str
    key: tuple[str, int, int]  # the span the decision is recorded under
    candidates: tuple[Candidate, ...]
    missing: tuple[str, ...]  # editors who drew nothing here

    @property
    def token(self) -> str:
        """The key as it travels in a form: `kind:start:end`."""
        return ":".join(str(part) for part in self.key)

    @property
    def state(self) -> str:
        """What the item holds (tags and their versions): a decision made on a page drawn
        before an editor changed one of them is refused, not applied to something else."""
        return " ".join(f"{t.pk}.{t.version}" for c in self.candidates for t in c.tags)

    @property
    def takes_all(self) -> bool:
        """ "Take all" is offered where it writes more than one span."""
        return len({(c.span.kind, c.span.start, c.span.end) for c in self.candidates}) > 1

    @property
    def start(self) -> int:
        return min(c.span.start for c in self.candidates)

    @property
    def end(self) -> int:
        return max(c.span.end for c in self.candidates)


@dataclass(frozen=True)
class Decided:
    decision: AdjudicationDecision
    already_final: list[Tag]  # chosen spans the final layer held already: not written twice


@dataclass(frozen=True)
class Edited:
    """A span to write to the final layer, with its note: a candidate's, or the reviewer's
    own in place of every candidate."""

    span: Span
    note: str = ""


def _span(tag: Tag) -> Span:
    return Span(tag.start, tag.end, tag.kind, tag.speaker)


def items(layers: Sequence[tuple[str, Sequence[Tag]]]) -> list[Item]:
    """Every editor's tags (`layers`: username and tags, in a fixed editor order) as items.

    A span drawn by more editors anchors an item first, so an exact agreement is never split;
    another span joins an item when it has the anchor's kind, overlaps it by half, and
    comes from editors the item does not hold yet (each editor once per item, as the
    pairwise agreement figures match spans one to one)."""
    everyone = [name for name, _tags in layers]
    drawn: dict[Span, list[tuple[str, Tag]]] = {}
    for name, tags in layers:
        for tag in tags:
            drawn.setdefault(_span(tag), []).append((name, tag))
    anchors_first = sorted(drawn, key=lambda s: (-len(drawn[s]), s.start, s.end, s.kind, s.speaker))
    clusters: list[list[Span]] = []
    for span in anchors_first:
        names = {name for name, _tag in drawn[span]}
        for cluster in clusters:
            held = {name for member in cluster for name, _tag in drawn[member]}
            anchor = cluster[0]
            if anchor.kind == span.kind and overlaps_half(anchor, span) and not names & held:
                cluster.append(span)
                break
        else:
            clusters.append([span])
    result = []
    for cluster in clusters:
        candidates = sorted(
            (
                Candidate(
                    span=span,
                    editors=tuple(name for name, _tag in drawn[span]),
                    tags=tuple(tag for _name, tag in drawn[span]),
                )
                for span in cluster
            ),
            key=lambda c: (everyone.index(c.editors[0]), c.span.start, c.span.end),
        )
        held = {name for c in candidates for name in c.editors}
        anchor = cluster[0]
        result.append(
            Item(
                group=_group(candidates, len(everyone)),
                key=(anchor.kind, anchor.start, anchor.end),
                candidates=tuple(candidates),
                missing=tuple(name for name in everyone if name not in held),
            )
        )
    return sorted(result, key=lambda i: (ORDER[i.group], i.start, i.end))


def _group(candidates: list[Candidate], editors: int) -> str:
    if len(candidates) == 1:
        return AGREED if len(candidates[0].editors) == editors else ONE_SIDED
    if len({(c.span.start, c.span.end) for c in candidates}) == 1:
        return SPEAKER
    return BOUNDARY


@dataclass(frozen=True)
class Board:
    """An article's adjudication as the page shows it."""

    names: tuple[str, ...]  # the editors, in the order their candidates are listed
    items: list[Item]  # still to decide
    decided: int
    waiting: list[str]  # editors who have not marked the article done

    def find(self, token: str) -> Item | None:
        return next((item for item in self.items if item.token == token), None)


def board(assignment: Assignment, article: Article) -> Board | None:
    """Every editor's layer of the article, as items; None when fewer than two editors
    work on it. Three queries."""
    work = list(
        assignment.items.filter(article=article)
        .select_related("editor")
        .order_by("editor__username")
    )
    if len(work) < 2:
        return None
    layer: dict[int | None, list[Tag]] = {item.editor_id: [] for item in work}
    # Orphans of a correction point into an older text: they are re-placed first, elsewhere.
    tags = Tag.all_layers.filter(article=article, annotator__in=layer).anchored()
    for tag in tags.order_by("start"):
        layer[tag.annotator_id].append(tag)
    names = tuple(item.editor.get_username() for item in work)
    all_items = items(
        [(name, layer[item.editor_id]) for name, item in zip(names, work, strict=True)]
    )
    decided = decided_keys(assignment, article)
    open_items = [item for item in all_items if item.key not in decided]
    return Board(
        names=names,
        items=open_items,
        decided=len(all_items) - len(open_items),
        waiting=[name for name, item in zip(names, work, strict=True) if item.done_at is None],
    )


def decided_keys(assignment: Assignment, article: Article) -> set[tuple[str, int, int]]:
    return set(
        AdjudicationDecision.objects.filter(
            adjudication__assignment=assignment, adjudication__article=article
        ).values_list("kind", "start", "end")
    )


@dataclass(frozen=True)
class ContextParagraph:
    """A paragraph around an item, cut where the edited span starts and ends in it."""

    start: int
    before: str
    marked: str
    after: str


def context(body: str, item: Item, start: int, end: int) -> list[ContextParagraph]:
    """The paragraphs the item's candidates and the edited span touch, to select in."""
    low, high = min(item.start, start), max(item.end, end)
    shown = []
    for p_start, p_end in paragraph_spans(body):
        if p_end <= low or p_start >= high:
            continue
        cut_start = min(max(start, p_start), p_end)
        cut_end = max(min(end, p_end), cut_start)
        shown.append(
            ContextParagraph(
                start=p_start,
                before=body[p_start:cut_start],
                marked=body[cut_start:cut_end],
                after=body[cut_end:p_end],
            )
        )
    return shown


@dataclass(frozen=True)
class _Writing:
    spans: list[tuple[Edited, Tag | None]]  # each with the editor's tag it comes from
    agreed_by: list[str]


def _what_to_write(
    item: Item, choice: str, candidate: int | None, edited: Edited | None
) -> _Writing:
    if choice == Choice.TAKE:
        if candidate is None or not 1 <= candidate <= len(item.candidates):
            raise ValueError("no such candidate here")
        taken = [item.candidates[candidate - 1]]
    elif choice == Choice.ALL:
        if not item.takes_all:
            raise ValueError("nothing to take together here")
        taken = list(item.candidates)
    elif choice == Choice.NEITHER:
        # Recorded with everyone who had tagged the passage.
        return _Writing([], [name for c in item.candidates for name in c.editors])
    elif choice == Choice.EDIT:
        if edited is None:
            raise ValueError("an edit needs its span")
        agreed = [name for c in item.candidates if c.span == edited.span for name in c.editors]
        return _Writing([(edited, None)], agreed)
    else:
        raise ValueError(f"unknown choice {choice!r}")
    spans: list[tuple[Edited, Tag | None]] = [(Edited(c.span, c.tag.note), c.tag) for c in taken]
    return _Writing(spans, [name for c in taken for name in c.editors])


def decide(
    *,
    assignment: Assignment,
    article: Article,
    item: Item,
    choice: str,
    user,
    candidate: int | None = None,
    edited: Edited | None = None,
) -> Decided:
    """Write the chosen span(s) to the final layer and record the decision, atomically.

    `candidate` (from 1) is the one taken; `edited` the reviewer's own span. A taken span
    the final layer already holds (the same kind and boundaries) is kept once, not refused;
    an edited one is refused (ValidationError), so the reviewer's note is not dropped.
    Raises StaleItem when someone decided the item meanwhile."""
    writing = _what_to_write(item, choice, candidate, edited)
    editors_in_order = [name for c in item.candidates for name in c.editors]
    agreed_by = sorted(set(writing.agreed_by), key=editors_in_order.index)
    with transaction.atomic():
        adjudication, _created = Adjudication.objects.get_or_create(
            assignment=assignment, article=article, defaults={"adjudicated_by": user}
        )
        # One decision per item, whoever is deciding at the same moment.
        list(Adjudication.objects.select_for_update().filter(pk=adjudication.pk).values("pk"))
        kind, start, end = item.key
        if adjudication.decisions.filter(kind=kind, start=start, end=end).exists():
            raise StaleItem
        already_final: list[Tag] = []
        written: set[tuple[str, int, int]] = set()
        in_final = set(
            Tag.objects.filter(
                article=article, start__in=[edit.span.start for edit, _tag in writing.spans]
            ).values_list("kind", "start", "end")
        )
        for edit, source in writing.spans:
            span = edit.span
            span_key = (span.kind, span.start, span.end)
            if source is not None and (span_key in in_final or span_key in written):
                if span_key in in_final:
                    already_final.append(source)
                continue
            written.add(span_key)
            final = tagging.create_tag(
                article=article,
                user=user,
                kind=span.kind,
                start=span.start,
                end=span.end,
                note=edit.note,
                speaker=span.speaker,
            )
            if assignment.accept_adjudicated:
                reviewing.accept(tag_id=final.pk, version=final.version, reviewer=user)
        decision = AdjudicationDecision.objects.create(
            adjudication=adjudication,
            choice=choice,
            kind=kind,
            start=start,
            end=end,
            agreed_by=agreed_by,
        )
    return Decided(decision, already_final)
