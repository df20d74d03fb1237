"""A frozen set is a published dataset: its downloads never change after freezing."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse

from articles import reviewing, tagging
from articles.models import Tag, TagSet
from tests.conftest import make_article, make_source, make_tag, sample_text

pytestmark = pytest.mark.django_db
FORMATS = ["csv", "csv-plain", "jsonl", "jsonld", "xlsx"]


def _download(client, tagset: TagSet, fmt: str) -> bytes:
    response = client.get(reverse("download_set", args=[tagset.pk]), {"format": fmt})
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.getvalue()


def _xlsx_cells(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as xlsx:
        return xlsx.read("xl/worksheets/sheet1.xml").decode()


@pytest.fixture
def frozen_set(reviewer_client, reviewer, editor):
    article = make_article(
        sample_text(0), title="مقال", source=make_source(), published_on=date(2024, 6, 19)
    )
    for start in (0, 20, 50):
        make_tag(article, start, start + 10, user=editor, kind="quote", note=f"=ملاحظة {start}")
    tagset = TagSet.objects.create(name="منشورة", owner=reviewer, filters={"kind": ["quote"]})
    assert reviewer_client.post(reverse("freeze_set", args=[tagset.pk])).status_code == 302
    tagset.refresh_from_db()
    return tagset


def test_a_frozen_set_download_does_not_change_when_its_tags_change(
    reviewer_client, editor, reviewer, frozen_set
):
    before = {fmt: _download(reviewer_client, frozen_set, fmt) for fmt in FORMATS}
    first, second, third = Tag.objects.order_by("id")
    tagging.update_tag(
        tag=first, version=first.version, user=editor, kind="claim", note="بعد", speaker=""
    )
    reviewing.accept(tag_id=second.pk, version=second.version, reviewer=reviewer)
    tagging.delete_tag(tag=third, version=third.version, user=editor)
    after_edits = {fmt: _download(reviewer_client, frozen_set, fmt) for fmt in FORMATS}
    tagging.restore_tag(tag_id=third.pk, user=editor)
    after_restore = {fmt: _download(reviewer_client, frozen_set, fmt) for fmt in FORMATS}
    for fmt in FORMATS:
        if fmt == "xlsx":  # the zip container carries its own write time; compare the cells
            assert _xlsx_cells(after_edits[fmt]) == _xlsx_cells(before[fmt])
            assert _xlsx_cells(after_restore[fmt]) == _xlsx_cells(before[fmt])
        else:
            assert after_edits[fmt] == before[fmt], fmt
            assert after_restore[fmt] == before[fmt], fmt
    assert before["jsonl"].count(b"\n") == 3


def test_a_frozen_set_downloads_what_the_live_filter_gave_when_it_was_frozen(
    reviewer_client, reviewer, frozen_set
):
    live = TagSet.objects.create(name="حية", owner=reviewer, filters={"kind": ["quote"]})
    for fmt in ["csv", "csv-plain", "jsonl"]:
        assert _download(reviewer_client, frozen_set, fmt) == _download(reviewer_client, live, fmt)


def test_the_export_page_says_a_frozen_set_never_changes(reviewer_client, frozen_set):
    reviewer_client.get(reverse("export_page"))  # shows and drops the "frozen" message
    page = reviewer_client.get(reverse("export_page")).content.decode()
    assert "لقطة ثابتة: ملفاتها لن تتغير" in page


@pytest.mark.django_db(transaction=True)
def test_a_set_frozen_before_snapshots_existed_gets_its_rows_from_the_migration():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from articles.models import FrozenRow

    before = [("articles", "0011_outlet_memory_learned_rules_and_split_files")]
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()  # the rows wait for the schema the code reads
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    user = old_apps.get_model("auth", "User").objects.create(username="old-reviewer")
    article = old_apps.get_model("articles", "Article").objects.create(
        title="t", body=sample_text(1), body_sha256="b" * 64
    )
    tag = old_apps.get_model("articles", "Tag").objects.create(
        article=article, kind="quote", start=0, end=4, exact=sample_text(1)[:4],
        created_by=user, updated_by=user,
    )  # fmt: skip
    tagset = old_apps.get_model("articles", "TagSet").objects.create(
        name="قديمة", owner=user, frozen=True
    )
    tagset.tags.set([tag])
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    try:
        row = FrozenRow.objects.get(tagset_id=tagset.pk).row
        assert (row["tag_id"], row["passage"], row["editor"]) == (tag.pk, tag.exact, "old-reviewer")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
