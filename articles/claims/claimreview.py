"""schema.org ClaimReview for claim groups: the newsroom's verdict on one claim, with every
article (across outlets) that carried it.

One document per group whose claims have a verdict. The group's verdict is the one most
of its judged claims carry (claims still "unverified" do not vote; a tie goes to the
claim edited last). Verdicts map to a 1–5 scale (`RATINGS`), the Arabic label goes in
`alternateName`. See docs/api.md: this is an interchange format (search engines no longer
show ClaimReview results; the Fact Check Tools API still reads it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from articles.models import ClaimGroup, Tag, Verification

SCHEMA_CONTEXT = "https://schema.org"
WORST, BEST = 1, 5
# Newsdesk verdict → ratingValue on WORST..BEST. "unverified" has none: no review yet.
RATINGS = {
    Verification.FALSE: 1,
    Verification.MISLEADING: 2,
    Verification.UNPROVEN: 3,
    Verification.TRUE: 5,
}


def _members() -> QuerySet[Tag]:
    return (
        Tag.objects.select_related("article__source")
        .defer("article__body", "article__raw_text", "article__shingle_sketch")
        .defer("article__search_stem", "article__search_exact", "article__search_title")
        .defer("search_stem", "search_exact")
        .order_by("article__published_on", "article__imported_at", "start", "id")
    )


def groups_with_members(groups: QuerySet[ClaimGroup]) -> QuerySet[ClaimGroup]:
    """Groups with their claims loaded, earliest appearance first: two queries in all."""
    return groups.prefetch_related(Prefetch("claims", queryset=_members()))


def verdict(claims: Iterable[Tag]) -> Verification | None:
    """The verdict most judged claims carry; a tie goes to the claim edited last."""
    judged = [claim for claim in claims if claim.verification in RATINGS]
    if not judged:
        return None
    votes = Counter(claim.verification for claim in judged)
    latest = {claim.verification: claim.updated_at for claim in sorted(judged, key=_edited)}
    best = max(votes, key=lambda value: (votes[value], latest[value]))
    return Verification(best)


def _edited(claim: Tag):
    return claim.updated_at


def _appearance(claim: Tag, absolute: Callable[[str], str]) -> dict:
    article = claim.article
    work: dict = {
        "@type": "NewsArticle",
        "url": absolute(article.get_absolute_url()),
        "headline": article.title,
    }
    if article.published_on:
        work["datePublished"] = article.published_on.isoformat()
    if article.source:
        publisher = {"@type": "Organization", "name": article.source.name}
        if article.source.site:
            publisher["url"] = article.source.site
        work["publisher"] = publisher
    return work


def claim_review(group: ClaimGroup, absolute: Callable[[str], str]) -> dict | None:
    """The ClaimReview of a group loaded by `groups_with_members`; None without a verdict.
    `absolute` turns a path into a full URL (request.build_absolute_uri)."""
    members = list(group.claims.all())  # prefetched, in `_members` order
    found = verdict(members)
    if found is None:
        return None
    first = members[0]
    appearances = [_appearance(claim, absolute) for claim in members]
    claim: dict = {
        "@type": "Claim",
        "appearance": appearances,
        "firstAppearance": appearances[0],
    }
    speaker = next((member.speaker for member in members if member.speaker), "")
    if speaker:
        claim["author"] = {"@type": "Person", "name": speaker}
    if first.article.published_on:
        claim["datePublished"] = first.article.published_on.isoformat()
    judged_on = max(member.updated_at for member in members if member.verification == found)
    author: dict = {"@type": "Organization", "name": settings.NEWSROOM_NAME}
    if settings.NEWSROOM_URL:
        author["url"] = settings.NEWSROOM_URL
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "url": absolute(group.get_absolute_url()),
        "name": group.label,
        "claimReviewed": first.exact,
        "itemReviewed": claim,
        "author": author,
        "datePublished": judged_on.date().isoformat(),
        "inLanguage": "ar",
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATINGS[found],
            "worstRating": WORST,
            "bestRating": BEST,
            "alternateName": str(found.label),
        },
    }


def claim_reviews(groups: QuerySet[ClaimGroup], absolute: Callable[[str], str]) -> list[dict]:
    """ClaimReviews of the groups that have a verdict, in the order given."""
    reviews = (claim_review(group, absolute) for group in groups_with_members(groups))
    return [review for review in reviews if review is not None]


def filtered_reviews(data: dict, absolute: Callable[[str], str]) -> list[dict]:
    """ClaimReviews for cleaned `ClaimReviewFilterForm` data: groups by id, by an outlet
    that carried them, by verdict; newest group first."""
    groups = ClaimGroup.objects.order_by("-created_at", "-id")
    if data.get("claim_group"):
        groups = groups.filter(pk__in=[group.pk for group in data["claim_group"]])
    if data.get("source"):
        groups = groups.filter(claims__article__source__in=data["source"]).distinct()
    reviews = claim_reviews(groups, absolute)
    if data.get("verification"):
        wanted = {RATINGS[Verification(value)] for value in data["verification"]}
        reviews = [review for review in reviews if review["reviewRating"]["ratingValue"] in wanted]
    return reviews
