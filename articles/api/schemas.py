"""What the API reads and answers, as typed schemas: the OpenAPI document is built from them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema

from articles.models import Article, Tag, TagEvent


class Error(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class TagOut(Schema):
    id: int
    article: int
    kind: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    note: str
    speaker: str
    version: int
    review_state: str
    review_comment: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    check_worthy: str
    verification: str
    evidence: str
    claim_group: int | None


class Conflict(Schema):
    detail: str
    current: TagOut | None


class TagIn(Schema):
    """A passage by code-point offsets, with the text found there as a check (as the page)."""

    article: int
    kind: str
    start: int
    end: int
    exact: str
    note: str = ""
    speaker: str = ""


class TagUpdate(Schema):
    """An edit from `version`; fields left out keep their value. New offsets need `exact`."""

    version: int
    kind: str | None = None
    note: str | None = None
    speaker: str | None = None
    start: int | None = None
    end: int | None = None
    exact: str | None = None


class ReviewIn(Schema):
    decision: Literal["accepted", "rejected", "pending"]
    version: int
    comment: str = ""


class TagEventOut(Schema):
    action: str
    user: str
    at: datetime
    via: str
    before: dict | None
    after: dict | None


class ArticleOut(Schema):
    id: int
    title: str
    source: str | None
    published_on: date | None
    imported_at: datetime
    original_filename: str
    url: str


class ArticleDetail(ArticleOut):
    body: str
    tags: list[TagOut]


class TextIn(Schema):
    name: str
    text: str


class TextsIn(Schema):
    texts: list[TextIn]


class ImportedFile(Schema):
    name: str
    status: str
    reason: str
    encoding: str
    article: int | None
    near_duplicate_of: int | None


class ImportOut(Schema):
    batch: int
    counts: dict[str, int]
    files: list[ImportedFile]


class TagSetOut(Schema):
    id: int
    name: str
    owner: str
    filters: dict[str, list[str]]
    frozen: bool
    size: int | None
    created_at: datetime


class TagSetIn(Schema):
    name: str
    filters: dict[str, list[str] | str] = {}


class ClaimGroupOut(Schema):
    id: int
    label: str
    created_at: datetime
    claims: int
    outlets: int


class ClaimGroupDetail(ClaimGroupOut):
    members: list[TagOut]


class SpeakerOut(Schema):
    key: str
    name: str
    spellings: list[str]
    quotes: int
    articles: int


def page_of(page, results: list) -> dict:
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": results,
    }


class Page(Schema):
    count: int
    page: int
    pages: int


class ArticlePage(Page):
    results: list[ArticleOut]


class TagPage(Page):
    results: list[TagOut]


class ClaimGroupPage(Page):
    results: list[ClaimGroupOut]


def tag_data(tag: Tag) -> dict:
    """A tag as the API shows it; `created_by` must be loaded (select_related)."""
    return {
        "id": tag.pk,
        "article": tag.article_id,
        "kind": tag.kind,
        "start": tag.start,
        "end": tag.end,
        "exact": tag.exact,
        "prefix": tag.prefix,
        "suffix": tag.suffix,
        "note": tag.note,
        "speaker": tag.speaker,
        "version": tag.version,
        "review_state": tag.review_state,
        "review_comment": tag.review_comment,
        "created_by": tag.created_by.get_username(),
        "created_at": tag.created_at,
        "updated_at": tag.updated_at,
        "check_worthy": tag.check_worthy,
        "verification": tag.verification,
        "evidence": tag.evidence,
        "claim_group": tag.claim_group_id,
    }


def article_data(article: Article) -> dict:
    return {
        "id": article.pk,
        "title": article.title,
        "source": article.source.name if article.source else None,
        "published_on": article.published_on,
        "imported_at": article.imported_at,
        "original_filename": article.original_filename,
        "url": article.get_absolute_url(),
    }


def event_data(event: TagEvent) -> dict:
    return {
        "action": event.action,
        "user": event.user.get_username(),
        "at": event.at,
        "via": event.via,
        "before": event.before,
        "after": event.after,
    }
