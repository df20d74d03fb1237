"""Speakers of quote tags, grouped across articles, and editors' merges of two spellings.

A speaker's key is `fold_speaker(Tag.speaker)` (articles/text/quote_rules.py): the Arabic fold of
search plus titles dropped and the letters foreign names vary in unified, so
«الرئيس فلاديمير بوتين» and «فلاديمير بوتين», «كيم جونغ أون» and «كيم جونج أون» are one key.
What the fold cannot know (ليف إريك إيسلي / ليف إيريك إيسلي, بلينكن / بلينكين) an editor
merges: a `SpeakerAlias` row maps one key to another, and deleting it undoes the merge.
Tags are never rewritten. Grouping takes a constant number of queries (aliases, then one
aggregate over quote tags); the keys are computed in Python per distinct spelling.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db import connection, transaction
from django.db.models import Count

from articles.models import QUOTE, SpeakerAlias, Tag
from articles.text.arabic import fold_arabic
from articles.text.quote_rules import TITLES, fold_speaker

MERGE_LOCK = 0x5E9A  # advisory lock id serialising merges
SIMILAR = 0.8  # SequenceMatcher ratio above which two keys are proposed for merging


def speaker_key(name: str) -> str:
    """The grouping key of a speaker name ("" for a blank one): fold_speaker, except for a
    title with only descriptions after it (الرئيس الروسي, السفير الروسي), which keeps its
    title: dropped, two different people would share the key "روسي". A name made only of
    titles (الرئيس) keeps its folded self rather than vanishing."""
    words = fold_arabic(name).replace("-", " ").split()
    key = fold_speaker(name)
    rest = [word for word in words if word not in TITLES]
    if not key or (len(rest) < len(words) and all(w.startswith("ال") for w in rest)):
        return " ".join(words)
    return key


@dataclass
class Speaker:
    key: str
    quotes: int = 0
    article_ids: set = field(default_factory=set)
    spellings: Counter = field(default_factory=Counter)
    keys: set = field(default_factory=set)  # its own key and the keys merged into it

    @property
    def name(self) -> str:
        """The most used spelling (of the canonical key's own ones, if it has any)."""
        own = [(n, s) for s, n in self.spellings.items() if speaker_key(s) == self.key]
        pool = own or [(n, s) for s, n in self.spellings.items()]
        return max(pool, key=lambda pair: (pair[0], pair[1]))[1] if pool else self.key

    @property
    def spelling_counts(self) -> list[tuple[str, int]]:
        return self.spellings.most_common()  # (a template would look up "most_common" as a key)

    @property
    def other_spellings(self) -> list[str]:
        name = self.name
        return [spelling for spelling, _n in self.spellings.most_common() if spelling != name]

    @property
    def articles(self) -> int:
        return len(self.article_ids)

    @property
    def merged(self) -> list[str]:
        return sorted(self.keys - {self.key})


def aliases() -> dict[str, str]:
    return dict(SpeakerAlias.objects.values_list("key", "canonical_key"))


def _quote_tags():
    return Tag.objects.filter(kind=QUOTE).exclude(speaker="")


def speaker_groups() -> dict[str, Speaker]:
    """Every speaker of a quote tag by canonical key, most quoted first. Two queries."""
    alias = aliases()
    groups: dict[str, Speaker] = {}
    rows = _quote_tags().values_list("speaker", "article_id").annotate(n=Count("id")).order_by()
    for speaker, article_id, n in rows:
        own = speaker_key(speaker)
        if not own:
            continue
        key = alias.get(own, own)
        group = groups.setdefault(key, Speaker(key=key))
        group.quotes += n
        group.article_ids.add(article_id)
        group.spellings[speaker] += n
        group.keys.add(own)
    for own, key in alias.items():
        if key in groups:
            groups[key].keys.add(own)
    ordered = sorted(groups.values(), key=lambda g: (-g.quotes, g.name))
    return {group.key: group for group in ordered}


def quotes_of(group: Speaker):
    """The quote tags of one speaker group, newest article first."""
    return (
        _quote_tags()
        .filter(speaker__in=list(group.spellings))
        .select_related("article", "article__source")
        # id last: two quotes starting at the same place must not swap between requests
        .order_by("-article__published_on", "-article_id", "start", "id")
    )


def merge_proposals(key: str, groups: dict[str, Speaker], limit: int = 8) -> list[Speaker]:
    """Other speakers that may be the same person: one key's words inside the other's
    (بوتين / فلاديمير بوتين) or spellings close enough (بلينكن / بلينكين)."""
    words = set(key.split())
    found = []
    for other in groups.values():
        if other.key == key:
            continue
        other_words = set(other.key.split())
        ratio = SequenceMatcher(None, key, other.key).ratio()
        if words <= other_words or other_words <= words or ratio >= SIMILAR:
            found.append((ratio, other))
    found.sort(key=lambda pair: (-pair[0], -pair[1].quotes))
    return [other for _ratio, other in found[:limit]]


class MergeRefused(Exception):
    pass


def merge(source: str, target: str, user) -> str:
    """Group `source` under `target` from now on; returns the canonical key they share.
    Keys already merged into `source` follow it, so there are never chains of aliases."""
    with transaction.atomic():
        # One merge at a time (a transaction-scoped advisory lock): two concurrent merges
        # could otherwise close a cycle of aliases.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [MERGE_LOCK])
        alias = aliases()
        source, target = alias.get(source, source), alias.get(target, target)
        if source == target:
            raise MergeRefused(source)
        SpeakerAlias.objects.filter(canonical_key=source).update(canonical_key=target)
        SpeakerAlias.objects.update_or_create(
            key=source, defaults={"canonical_key": target, "created_by": user}
        )
    return target


def unmerge(key: str) -> bool:
    """Undo the merge of `key` (it groups on its own again). False if it was not merged."""
    deleted, _detail = SpeakerAlias.objects.filter(key=key).delete()
    return bool(deleted)
