from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article, Tag, body_sha256
from tests.conftest import make_article, make_tag


@pytest.fixture
def article(db):
    return make_article("قال الرئيس إن الاتفاق تاريخي.\nوأضاف أن 🤔 الزيارة مهمة.")


def _raw_tag(article, editor, **fields) -> Tag:
    values = {"kind": "claim", "start": 0, "end": 3, "exact": "قال"} | fields
    return Tag(article=article, created_by=editor, updated_by=editor, **values)


def test_it_stores_a_tag_with_code_point_offsets(article, editor):
    start = article.body.index("الزيارة")
    tag = make_tag(article, start, start + len("الزيارة"), user=editor, kind="quote")
    tag.refresh_from_db()
    assert tag.exact == "الزيارة"
    # The emoji before the passage is one code point: Python offsets, not UTF-16 units.
    assert article.body[tag.start : tag.end] == "الزيارة"
    assert tag.prefix.endswith("🤔 ")
    assert tag.version == 1


def test_database_rejects_an_unknown_kind(article, editor):
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_tag(article, editor, kind="rumour").save()


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 2)])
def test_database_rejects_start_not_before_end(article, editor, start, end):
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_tag(article, editor, start=start, end=end).save()


def test_validation_rejects_end_past_the_body(article, editor):
    tag = _raw_tag(article, editor, start=2, end=len(article.body) + 1, exact="x")
    with pytest.raises(ValidationError):
        tag.full_clean()


def test_validation_rejects_text_that_does_not_match_the_offsets(article, editor):
    tag = _raw_tag(article, editor, start=0, end=3, exact="ليس")
    with pytest.raises(ValidationError):
        tag.full_clean()


def test_tags_may_overlap(article, editor):
    make_tag(article, 0, 10, user=editor, kind="claim")
    make_tag(article, 4, 20, user=editor, kind="quote")
    make_tag(article, 4, 20, user=editor, kind="quote")
    assert article.tags.count() == 3


def test_the_same_body_cannot_be_stored_twice(db):
    make_article("نص واحد", title="أ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(body="نص واحد", title="ب")


def test_body_hash_is_sha256_of_utf8(article):
    assert article.body_sha256 == body_sha256(article.body)
    assert len(article.body_sha256) == 64
