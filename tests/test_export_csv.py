"""The CSV round trip: what goes out comes back exactly, after the documented undo."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from articles import exporting
from tests.conftest import make_article, make_source, make_tag

TRICKY = [
    "بداية عادية، مع فاصلة, وأخرى",
    'قال "كفى" ثم صمت',
    "سطر أول\nسطر ثانٍ\r\nوثالث",
    '=HYPERLINK("http://x")',
    "+966 50 123",
    "-قال الوزير",
    "@SUM(1)",
    "'اقتباس يبدأ بفاصلة عليا",
    "\tتاب في البداية",
    "＝كامل العرض",
    "إيموجي 🇸🇦👍🏽 في النص",
    "نص مع \u202e عكس الاتجاه",
]


@pytest.fixture
def tagged(db, editor):
    body = "\n".join(f"مقدمة {i}: {text} خاتمة" for i, text in enumerate(TRICKY))
    article = make_article(body, title="-عنوان يبدأ بشرطة", source=make_source("=مصدر"))
    tags = []
    for text in TRICKY:
        start = body.index(text)
        tags.append(
            make_tag(
                article,
                start,
                start + len(text),
                user=editor,
                kind="quote",
                note=text,
                speaker="@متحدث",
            )
        )
    return article, tags


def _download(client, fmt="csv"):
    response = client.get(reverse("download_tags"), {"format": fmt})
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content)


def test_csv_round_trips_every_tricky_passage(reviewer_client, tagged):
    article, tags = tagged
    raw = _download(reviewer_client)
    assert raw.startswith(b"\xef\xbb\xbf")
    records = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [int(r["tag_id"]) for r in records] == [t.pk for t in tags]
    for record in records:
        start, end = int(record["start"]), int(record["end"])
        passage = exporting.recover(record["passage"])
        assert passage == article.body[start:end]
        assert exporting.recover(record["note"]) == passage
        assert (
            exporting.recover(record["context_before"]) == article.body[max(0, start - 32) : start]
        )
        assert exporting.recover(record["speaker"]) == "@متحدث"
        assert exporting.recover(record["title"]) == article.title
        assert exporting.recover(record["source"]) == "=مصدر"


def test_no_cell_starts_like_a_formula(reviewer_client, tagged):
    raw = _download(reviewer_client, "csv-plain")
    assert not raw.startswith(b"\xef\xbb\xbf")
    for record in csv.reader(io.StringIO(raw.decode(), newline="")):
        for cell in record:
            assert cell[:1] not in exporting.FORMULA_TRIGGERS, cell


def test_every_field_is_quoted(reviewer_client, tagged):
    raw = _download(reviewer_client, "csv-plain").decode()
    assert raw.split("\n")[0] == ",".join(f'"{name}"' for name in exporting.COLUMNS)
    # Take out every quoted field: only separators and record ends may remain.
    outside = re.sub(r'"(?:[^"]|"")*"', "", raw)
    assert set(outside) == {",", "\n"}
    assert outside.count("\n") == len(tagged[1]) + 1


def test_neutralise_and_recover_are_inverse():
    for text in [*TRICKY, "", "'", "''=", "عادي"]:
        assert exporting.recover(exporting.neutralise(text)) == text
    assert exporting.neutralise("-قال") == "'-قال"
    assert exporting.neutralise("قال") == "قال"


def test_python_and_sql_neutralisation_agree(reviewer_client, tagged):
    raw = _download(reviewer_client, "csv-plain")
    records = list(csv.DictReader(io.StringIO(raw.decode(), newline="")))
    for record, text in zip(records, TRICKY, strict=True):
        assert record["passage"] == exporting.neutralise(text)


def test_csv_dates_are_iso_8601_with_offset(reviewer_client, tagged):
    raw = _download(reviewer_client, "csv-plain")
    record = next(csv.DictReader(io.StringIO(raw.decode(), newline="")))
    assert record["created_at"].endswith("+00:00") and "T" in record["created_at"]
    tag = tagged[1][0]
    assert record["created_at"] == exporting._iso(tag.created_at)
