"""Quote suggestions stored per article, and an editor's accept or dismiss of each one.

The rules (articles/text/quote_rules.py) run in the job that indexes a new article
(articles/jobs/indexing.py), and again, on the reading page, only when the rules change
(their source hash is the version). Storing is
an idempotent upsert that never touches a decided row, and a new suggestion that overlaps a
decided one (by the gold-set criterion: half of each) is dropped, so a dismissed passage
does not come back even if changed rules now cut it a word longer.

An open suggestion that a quote tag already covers (same criterion) is hidden, not shown as
"already tagged": the editor has done that work, and if the tag is deleted the suggestion
shows again.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from articles import tagging
from articles.models import QUOTE, Article, QuoteSuggestion, SuggestionRun, Tag
from articles.text import quote_rules

OPEN = QuoteSuggestion.State.OPEN
ACCEPTED = QuoteSuggestion.State.ACCEPTED
DISMISSED = QuoteSuggestion.State.DISMISSED

# Any edit to the rules changes this, and the next reading of each article re-suggests.
RULES_VERSION = hashlib.sha256(Path(quote_rules.__file__).read_bytes()).hexdigest()[:16]


class AlreadyDecided(Exception):
    """Accept or dismiss of a suggestion that someone already decided."""

    def __init__(self, suggestion: QuoteSuggestion):
        super().__init__(suggestion.state)
        self.suggestion = suggestion


def half_overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """The gold-set match: the overlap covers at least half of each span."""
    overlap = min(a_end, b_end) - max(a_start, b_start)
    return overlap > 0 and 2 * overlap >= a_end - a_start and 2 * overlap >= b_end - b_start


def ensure_suggestions(article: Article) -> None:
    """Suggest for `article` unless the current rules already did. No query if the article
    was loaded with select_related("suggestion_run"), else one."""
    try:
        run = article.suggestion_run
    except SuggestionRun.DoesNotExist:
        run = None
    if run is None or run.version != RULES_VERSION:
        store_suggestions(article)


def store_suggestions(article: Article, found: list | None = None) -> None:
    """Upsert the rules' suggestions for `article`. Decided rows are never changed; open
    rows the rules no longer make are deleted; `found` overrides the rules (for tests)."""
    version = RULES_VERSION if found is None else "given"
    with transaction.atomic():
        # Two first readings at once: the second waits here, then finds the run done.
        # NO KEY UPDATE does not block tag inserts (their foreign key takes KEY SHARE).
        Article.objects.select_for_update(no_key=True).filter(pk=article.pk).first()
        if found is None:
            if SuggestionRun.objects.filter(article=article, version=version).exists():
                return
            found = quote_rules.suggest_quotes(article.body, headline=article.title)
        existing = {(row.start, row.end): row for row in article.suggestions.all()}
        decided = [row for row in existing.values() if row.state != OPEN]
        kept, new = set(), []
        for s in found:
            row = existing.get((s.start, s.end))
            if row is not None:
                kept.add(row.pk)
                fields = {"speaker": s.speaker[:200], "rule": s.rule[:32]}
                fields["explanation"] = s.explanation
                if row.state == OPEN and any(getattr(row, k) != v for k, v in fields.items()):
                    QuoteSuggestion.objects.filter(pk=row.pk).update(**fields)
                continue
            if any(half_overlap(s.start, s.end, d.start, d.end) for d in decided):
                continue
            new.append(
                QuoteSuggestion(
                    article=article,
                    start=s.start,
                    end=s.end,
                    exact=article.body[s.start : s.end],
                    speaker=s.speaker[:200],
                    rule=s.rule[:32],
                    explanation=s.explanation,
                )
            )
        stale = [row.pk for row in existing.values() if row.state == OPEN and row.pk not in kept]
        QuoteSuggestion.objects.filter(pk__in=stale).delete()
        QuoteSuggestion.objects.bulk_create(new, ignore_conflicts=True)
        run, _created = SuggestionRun.objects.update_or_create(
            article=article, defaults={"version": version}
        )
    article.suggestion_run = run


def for_page(article: Article, quote_spans: list[tuple[int, int]]) -> tuple[list, dict]:
    """The open suggestions to show, in reading order, less those a quote tag already
    covers; and the article's tally. One query."""
    rows = list(article.suggestions.order_by("start", "end"))
    visible = [
        row
        for row in rows
        if row.state == OPEN
        and not any(half_overlap(row.start, row.end, a, b) for a, b in quote_spans)
    ]
    return visible, _tally(Counter(row.state for row in rows))


def quote_spans(article: Article) -> list[tuple[int, int]]:
    return list(article.tags.anchored().filter(kind=QUOTE).values_list("start", "end"))


def tally(article: Article | None = None) -> dict[str, Any]:
    """How many suggestions are open, accepted and dismissed (one article, or all)."""
    rows = QuoteSuggestion.objects.all() if article is None else article.suggestions.all()
    return _tally(dict(rows.values_list("state").annotate(n=Count("id")).order_by()))


def _tally(counts: dict) -> dict[str, Any]:
    result: dict[str, Any] = {state: counts.get(state, 0) for state in (OPEN, ACCEPTED, DISMISSED)}
    decided = result[ACCEPTED] + result[DISMISSED]
    result["accept_rate"] = round(100 * result[ACCEPTED] / decided) if decided else None
    return result


def _locked(suggestion_id: int) -> QuoteSuggestion:
    """The row, locked until the transaction ends: concurrent decisions queue up here."""
    return (
        QuoteSuggestion.objects.select_for_update(of=("self",))
        .select_related("article", "decided_by")
        .get(pk=suggestion_id)
    )


def accept(suggestion_id: int, user) -> tuple[QuoteSuggestion, Tag, bool]:
    """Make the suggestion a quote tag by `user` (with its TagEvent), exactly once.
    Returns the suggestion, the tag and whether the tag is new."""
    with transaction.atomic():
        suggestion = _locked(suggestion_id)
        if suggestion.state != OPEN:
            raise AlreadyDecided(suggestion)
        article = suggestion.article
        # Someone tagged exactly this passage as a quote by hand meanwhile: link to it.
        tag = (
            article.tags.anchored()
            .filter(kind=QUOTE, start=suggestion.start, end=suggestion.end)
            .first()
        )
        created = tag is None
        if tag is None:
            tag = tagging.create_tag(
                article=article,
                user=user,
                kind=QUOTE,
                start=suggestion.start,
                end=suggestion.end,
                speaker=suggestion.speaker,
            )
        _decide(suggestion, ACCEPTED, user, tag=tag)
    return suggestion, tag, created


def dismiss(suggestion_id: int, user) -> QuoteSuggestion:
    with transaction.atomic():
        suggestion = _locked(suggestion_id)
        if suggestion.state != OPEN:
            raise AlreadyDecided(suggestion)
        _decide(suggestion, DISMISSED, user)
    return suggestion


def _decide(suggestion: QuoteSuggestion, state: str, user, tag: Tag | None = None) -> None:
    suggestion.state = state
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.tag = tag
    suggestion.save(update_fields=["state", "decided_by", "decided_at", "tag"])
