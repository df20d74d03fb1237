from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from django.urls import reverse

from articles import exporting, reviewing
from articles.models import Tag, TagSet
from tests.conftest import make_article, make_source, make_tag, sample_text


@pytest.fixture
def tags(db, editor, reviewer):
    article = make_article(
        sample_text(0), title="مقال", source=make_source(), published_on=date(2024, 6, 19)
    )
    quote = make_tag(article, 0, 10, user=editor, kind="quote")
    claim = make_tag(article, 20, 40, user=editor, kind="claim")
    other = make_tag(article, 50, 60, user=editor, kind="quote")
    reviewing.accept(tag_id=quote.pk, version=1, reviewer=reviewer)
    reviewing.accept(tag_id=claim.pk, version=1, reviewer=reviewer)
    return quote, claim, other


def test_export_page_counts_and_previews(reviewer_client, tags):
    response = reviewer_client.get(reverse("export_page"), {"kind": "quote", "state": "accepted"})
    assert response.status_code == 200
    assert response.context["count"] == 1
    assert [t.pk for t in response.context["preview"]] == [tags[0].pk]


def test_export_page_htmx_returns_the_preview(reviewer_client, tags):
    response = reviewer_client.get(
        reverse("export_page"),
        {"kind": "claim"},
        headers={"HX-Request": "true", "HX-Target": "preview"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="preview" id="preview"')
    assert 'id="match-count">1<' in html


def test_export_page_rejects_unknown_filter_values(reviewer_client, tags):
    assert reviewer_client.get(reverse("export_page"), {"state": "x"}).status_code == 400
    bad = reviewer_client.get(reverse("download_tags"), {"kind": "created_by__password"})
    assert bad.status_code == 400
    assert reviewer_client.get(reverse("download_tags"), {"format": "../../etc"}).status_code == 400


@pytest.mark.parametrize(
    "url",
    ["export_page", "download_tags", "export_format_doc"],
)
def test_editors_and_strangers_cannot_export(client, editor, stranger, tags, url):
    client.force_login(editor)
    assert client.get(reverse(url)).status_code == 403
    client.force_login(stranger)
    assert client.get(reverse(url)).status_code == 403
    client.logout()
    assert client.get(reverse(url)).status_code == 302


def test_editor_cannot_use_sets(client, editor, reviewer, tags):
    tagset = TagSet.objects.create(name="س", owner=reviewer, filters={})
    client.force_login(editor)
    assert client.post(reverse("save_tag_set"), {"name": "x"}).status_code == 403
    assert client.get(reverse("download_set", args=[tagset.pk])).status_code == 403
    assert client.post(reverse("freeze_set", args=[tagset.pk])).status_code == 403


def test_admin_exports(admin_client_, tags):
    assert admin_client_.get(reverse("download_tags")).status_code == 200


def test_save_a_live_set_and_download_current_rows(reviewer_client, reviewer, editor, tags):
    response = reviewer_client.post(
        reverse("save_tag_set"),
        {"name": "اقتباسات مقبولة", "kind": "quote", "state": "accepted", "evil": "1"},
    )
    assert response.status_code == 302
    tagset = TagSet.objects.get()
    assert tagset.owner == reviewer
    assert tagset.filters == {"kind": ["quote"], "state": ["accepted"]}
    # Later another quote is accepted: a live set gives the current rows.
    reviewing.accept(tag_id=tags[2].pk, version=1, reviewer=reviewer)
    response = reviewer_client.get(reverse("download_set", args=[tagset.pk]), {"format": "jsonl"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert sorted(json.loads(line)["tag_id"] for line in lines) == [tags[0].pk, tags[2].pk]
    tagset.refresh_from_db()
    assert tagset.last_exported_at is not None
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "%D8%A7%D9%82%D8%AA%D8%A8%D8%A7%D8%B3%D8%A7%D8%AA" in disposition  # اقتباسات
    assert disposition.endswith(".jsonl")


def test_a_frozen_set_keeps_its_list(reviewer_client, reviewer, tags):
    tagset = TagSet.objects.create(name="ثابتة", owner=reviewer, filters={"state": ["accepted"]})
    assert reviewer_client.post(reverse("freeze_set", args=[tagset.pk])).status_code == 302
    tagset.refresh_from_db()
    assert tagset.frozen and set(tagset.tags.values_list("pk", flat=True)) == {
        tags[0].pk,
        tags[1].pk,
    }
    reviewing.accept(tag_id=tags[2].pk, version=1, reviewer=reviewer)
    response = reviewer_client.get(reverse("download_set", args=[tagset.pk]), {"format": "jsonl"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2


def test_only_owner_or_admin_freezes(client, reviewer, admin_user, tags):
    from tests.conftest import make_user

    other = make_user("reviewer2", "Reviewers")
    tagset = TagSet.objects.create(name="لي", owner=reviewer, filters={})
    client.force_login(other)
    assert client.post(reverse("freeze_set", args=[tagset.pk])).status_code == 403
    client.force_login(admin_user)
    assert client.post(reverse("freeze_set", args=[tagset.pk])).status_code == 302


def test_sets_list_shows_owner_size_and_last_export(
    reviewer_client, reviewer, tags, django_assert_max_num_queries
):
    for i in range(8):
        TagSet.objects.create(name=f"مجموعة {i}", owner=reviewer, filters={"kind": ["quote"]})
    frozen = TagSet.objects.create(name="مجمّدة", owner=reviewer, frozen=True)
    frozen.tags.set([tags[1]])
    exporting.store_frozen_rows(frozen, Tag.objects.filter(pk=tags[1].pk))
    with django_assert_max_num_queries(14):
        response = reviewer_client.get(reverse("export_page"))
    sizes = {s.name: s.size for s in response.context["tagsets"]}
    assert sizes["مجموعة 0"] == 2 and sizes["مجمّدة"] == 1
    assert "reviewer1" in response.content.decode()


def test_query_count_does_not_depend_on_rows(
    reviewer_client, editor, tags, django_assert_num_queries
):
    article = tags[0].article
    for fmt in ("jsonl", "jsonld", "xlsx"):
        counts = []
        for extra in (0, 30):
            for i in range(extra):
                make_tag(article, 100 + i, 110 + i, user=editor)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                response = reviewer_client.get(reverse("download_tags"), {"format": fmt})
                content = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
            assert content
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1], fmt


def test_xlsx_is_right_to_left_with_strings_only(reviewer_client, editor, tags):
    make_tag(tags[0].article, 200, 210, user=editor, note="=1+2", speaker="-قال")
    response = reviewer_client.get(reverse("download_tags"), {"format": "xlsx"})
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as xlsx:
        sheet = xlsx.read("xl/worksheets/sheet1.xml").decode()
    assert 'rightToLeft="1"' in sheet
    assert "<f>" not in sheet
    assert 't="n"' not in sheet and "<v>" not in sheet  # no numbers, only inline strings
    assert "=1+2" in sheet and "-قال" in sheet
    assert response["Content-Disposition"].endswith(".xlsx")


def test_jsonld_web_annotations(reviewer_client, tags):
    response = reviewer_client.get(reverse("download_tags"), {"format": "jsonld"})
    doc = json.loads(b"".join(response.streaming_content))
    assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert doc["type"] == "AnnotationCollection"
    items = doc["first"]["items"]
    assert len(items) == 3
    first = items[0]
    assert first["type"] == "Annotation"
    position, quote = first["target"]["selector"]
    assert position == {"type": "TextPositionSelector", "start": 0, "end": 10}
    assert quote["type"] == "TextQuoteSelector" and quote["exact"] == tags[0].exact
    assert first["target"]["source"].endswith(f"/articles/{tags[0].article_id}/")


def test_export_format_doc_is_served(reviewer_client):
    response = reviewer_client.get(reverse("export_format_doc"))
    assert response.status_code == 200 and "recover" in response.content.decode()
