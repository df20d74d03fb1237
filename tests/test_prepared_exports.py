"""Prepared exports: big XLSX and W3C files built by a worker, stored in PostgreSQL and
downloaded when ready. Jobs run for real (transactional tests: the worker connects on its
own and sees only committed rows)."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import exporting
from articles.jobs import prepared_exports as preparing
from articles.jobs import tasks
from articles.models import (
    PreparedExport,
    PreparedExportChunk,
    Tag,
    TagSet,
    WebhookDelivery,
)
from articles.roles import REVIEWERS
from tests.conftest import (
    make_article,
    make_source,
    make_tag,
    make_user,
    make_webhook_endpoint,
    run_jobs,
    sample_text,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("job_queue")]

Status = PreparedExport.Status


@pytest.fixture
def tags(editor):
    """Five tags of the final layer (one of them a formula-looking note) and one of an
    editor's independent layer, which no export may contain."""
    article = make_article(
        sample_text(0), title="=مقال", source=make_source(), published_on=date(2024, 6, 19)
    )
    made = [make_tag(article, 10 * n, 10 * n + 8, user=editor, kind="quote") for n in range(4)]
    made.append(make_tag(article, 50, 58, user=editor, kind="claim", note="=HYPERLINK(1)"))
    make_tag(article, 60, 68, user=editor, note="طبقة مستقلة سرية", annotator=editor)
    return made


@pytest.fixture
def small_threshold(settings):
    settings.PREPARED_EXPORT_MIN_ROWS = 3


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _xlsx_parts(data: bytes) -> dict[str, bytes]:
    """The workbook's parts, but its creation time (docProps/core.xml), which differs
    between any two files written a second apart."""
    with zipfile.ZipFile(io.BytesIO(data)) as workbook:
        return {
            name: workbook.read(name) for name in workbook.namelist() if name != "docProps/core.xml"
        }


def _prepare(client, **data):
    return client.post(reverse("prepared_exports"), data)


def _frozen_set(reviewer) -> TagSet:
    tagset = TagSet.objects.create(name="منشورة", owner=reviewer, filters={"kind": ["quote"]})
    tagset.freeze()
    return tagset


@pytest.mark.parametrize(
    ("what", "fmt"),
    [("live set", "xlsx"), ("frozen set", "jsonld"), ("filter", "xlsx"), ("filter", "jsonld")],
)
def test_a_prepared_file_is_the_direct_download(
    reviewer_client, reviewer, tags, small_threshold, monkeypatch, what, fmt
):
    monkeypatch.setattr(preparing, "STORED_CHUNK_BYTES", 1024)  # several stored pieces
    if what == "filter":
        data = {"format": fmt, "kind": "quote"}
        direct = reverse("download_tags") + f"?kind=quote&format={fmt}"
    else:
        tagset = (
            _frozen_set(reviewer)
            if what == "frozen set"
            else TagSet.objects.create(name="حيّة", owner=reviewer, filters={})
        )
        data = {"format": fmt, "tagset": tagset.pk}
        direct = reverse("download_set", args=[tagset.pk]) + f"?format={fmt}"

    response = _prepare(reviewer_client, **data)
    assert response.status_code == 302 and response.url == reverse("prepared_exports")
    export = PreparedExport.objects.get()
    assert export.status == Status.QUEUED and export.requested_by == reviewer
    run_jobs()

    export.refresh_from_db()
    assert export.status == Status.READY, export.error
    assert export.rows_done == export.rows_total == (5 if what == "live set" else 4)
    assert export.chunks.count() > 1
    prepared = reviewer_client.get(reverse("download_prepared_export", args=[export.pk]))
    assert prepared.status_code == 200
    prepared_bytes = _body(prepared)
    assert int(prepared["Content-Length"]) == len(prepared_bytes) == export.size_bytes
    assert prepared["Content-Type"] == exporting.FORMATS[fmt][2]
    assert prepared["Content-Disposition"].startswith("attachment")
    direct_bytes = _body(reviewer_client.get(direct))
    if fmt == "xlsx":
        assert _xlsx_parts(prepared_bytes) == _xlsx_parts(direct_bytes)
        sheet = _xlsx_parts(prepared_bytes)["xl/worksheets/sheet1.xml"].decode()
        assert "<f>" not in sheet  # nothing became a formula
        assert "طبقة مستقلة سرية" not in sheet
    else:
        assert prepared_bytes == direct_bytes
        annotations = json.loads(prepared_bytes)["first"]["items"]
        assert len(annotations) == 4
        assert "طبقة مستقلة سرية" not in prepared_bytes.decode()


def test_the_threshold_decides_between_downloading_now_and_preparing(
    reviewer_client, reviewer, tags, settings
):
    tagset = TagSet.objects.create(name="صغيرة", owner=reviewer, filters={})
    settings.PREPARED_EXPORT_MIN_ROWS = 6  # one more than there are
    page = reviewer_client.get(reverse("export_page")).content.decode()
    assert 'form="prepare-filter"' not in page and f'id="prepare-set-{tagset.pk}"' not in page
    assert f"{reverse('download_set', args=[tagset.pk])}?format=xlsx" in page
    response = _prepare(reviewer_client, format="xlsx", tagset=tagset.pk)
    assert response.status_code == 302
    assert response.url == reverse("download_set", args=[tagset.pk]) + "?format=xlsx"
    response = _prepare(reviewer_client, format="jsonld", kind="claim")
    assert response.url == reverse("download_tags") + "?kind=claim&format=jsonld"
    assert not PreparedExport.objects.exists()

    settings.PREPARED_EXPORT_MIN_ROWS = 5  # exactly as many
    page = reviewer_client.get(reverse("export_page")).content.decode()
    assert 'form="prepare-filter" name="format" value="xlsx"' in page
    assert 'form="prepare-filter" name="format" value="jsonld"' in page
    assert f'form="prepare-set-{tagset.pk}" name="format" value="xlsx"' in page
    # CSV and JSON Lines stream at once whatever the size.
    assert f"{reverse('download_set', args=[tagset.pk])}?format=csv" in page
    assert f"{reverse('download_set', args=[tagset.pk])}?format=jsonl" in page
    assert _prepare(reviewer_client, format="xlsx", tagset=tagset.pk).url == reverse(
        "prepared_exports"
    )
    assert PreparedExport.objects.get().rows_total == 5


def test_bad_requests_are_refused_with_a_reason(reviewer_client, tags, small_threshold):
    for data in (
        {"format": "csv"},  # streams directly, never prepared
        {"format": "xlsx", "tagset": 999999},
        {"format": "xlsx", "state": "nonsense"},
    ):
        response = _prepare(reviewer_client, **data)
        assert response.status_code == 400
        assert "طلب تصدير غير صالح" in response.content.decode()
    assert not PreparedExport.objects.exists()


def test_the_request_needs_the_csrf_token(reviewer, tags, small_threshold):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert _prepare(client, format="xlsx").status_code == 403
    assert not PreparedExport.objects.exists()


def test_progress_is_polled_until_the_download_link_appears(reviewer_client, tags, small_threshold):
    _prepare(reviewer_client, format="jsonld")
    export = PreparedExport.objects.get()
    progress = reverse("prepared_export_progress", args=[export.pk])
    listing = reviewer_client.get(reverse("prepared_exports")).content.decode()
    assert f'hx-get="{progress}"' in listing and "<progress" in listing

    row = reviewer_client.get(progress, headers={"HX-Request": "true"}).content.decode()
    assert row.lstrip().startswith(f'<tr id="prepared-{export.pk}"')
    assert f'hx-get="{progress}"' in row
    run_jobs()
    row = reviewer_client.get(progress, headers={"HX-Request": "true"}).content.decode()
    assert "hx-get" not in row
    assert reverse("download_prepared_export", args=[export.pk]) in row


def test_a_failed_job_shows_its_error_and_can_be_retried(
    reviewer_client, tags, small_threshold, monkeypatch
):
    def disk_full(records):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(exporting, "xlsx_file", disk_full)
        _prepare(reviewer_client, format="xlsx")
        run_jobs()
    export = PreparedExport.objects.get()
    assert export.status == Status.FAILED
    assert not export.chunks.exists()
    listing = reviewer_client.get(reverse("prepared_exports")).content.decode()
    assert "تعذّر إعداد الملف" in listing and "No space left on device" in listing
    download = reverse("download_prepared_export", args=[export.pk])
    assert reviewer_client.get(download).status_code == 409

    retry = reverse("retry_prepared_export", args=[export.pk])
    assert reviewer_client.post(retry).status_code == 302
    export.refresh_from_db()
    assert export.status == Status.QUEUED and export.error == ""
    run_jobs()
    export.refresh_from_db()
    assert export.status == Status.READY
    assert reviewer_client.get(download).status_code == 200


def test_expired_files_are_dropped_by_the_periodic_job(reviewer_client, tags, small_threshold):
    _prepare(reviewer_client, format="jsonld")
    _prepare(reviewer_client, format="xlsx")
    run_jobs()
    old, kept = PreparedExport.objects.order_by("pk")
    assert old.status == kept.status == Status.READY
    assert kept.expires_at - kept.finished_at == datetime.timedelta(days=3)
    PreparedExport.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    # Past its time, it is gone at once, before the clean-up runs.
    download = reverse("download_prepared_export", args=[old.pk])
    assert reviewer_client.get(download).status_code == 404
    listing = reviewer_client.get(reverse("prepared_exports")).content.decode()
    assert f'id="prepared-{old.pk}"' not in listing and f'id="prepared-{kept.pk}"' in listing

    tasks.drop_expired_prepared_exports(timestamp=0)

    assert list(PreparedExport.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not PreparedExportChunk.objects.filter(export_id=old.pk).exists()
    assert PreparedExportChunk.objects.filter(export_id=kept.pk).exists()


def test_only_the_requester_and_admins_reach_a_prepared_export(
    client, reviewer, editor, admin_user, stranger, tags, small_threshold
):
    client.force_login(reviewer)
    _prepare(client, format="xlsx")
    run_jobs()
    export = PreparedExport.objects.get()
    urls = [
        reverse("download_prepared_export", args=[export.pk]),
        reverse("prepared_export_progress", args=[export.pk]),
    ]
    retry = reverse("retry_prepared_export", args=[export.pk])
    for url in urls:
        assert client.get(url).status_code == 200

    client.force_login(make_user("reviewer2", REVIEWERS))
    for url in urls:
        assert client.get(url).status_code == 404  # another reviewer's file
    assert client.post(retry).status_code == 404
    listing = client.get(reverse("prepared_exports")).content.decode()
    assert f'id="prepared-{export.pk}"' not in listing

    for outsider in (editor, stranger):
        client.force_login(outsider)
        for url in [*urls, reverse("prepared_exports")]:
            assert client.get(url).status_code == 403
        assert client.post(retry).status_code == 403
        assert _prepare(client, format="xlsx").status_code == 403

    client.force_login(admin_user)
    for url in urls:
        assert client.get(url).status_code == 200

    client.logout()
    assert client.get(urls[0]).status_code == 302
    assert PreparedExport.objects.count() == 1


def test_a_prepared_set_export_is_announced_to_webhooks(reviewer_client, reviewer, tags, settings):
    settings.PREPARED_EXPORT_MIN_ROWS = 1
    make_webhook_endpoint(url="http://127.0.0.1:9/h", secret="s" * 32, events=["set.exported"])
    tagset = TagSet.objects.create(name="مجموعة", owner=reviewer, filters={})
    _prepare(reviewer_client, format="jsonld", tagset=tagset.pk)
    assert not WebhookDelivery.objects.exists()  # not before the file exists
    run_jobs()
    sent = json.loads(WebhookDelivery.objects.get().body)
    export = PreparedExport.objects.get()
    assert sent["event"] == "set.exported"
    assert sent["data"]["set_id"] == tagset.pk
    assert sent["data"]["prepared_export_id"] == export.pk
    assert sent["data"]["format"] == "jsonld"
    tagset.refresh_from_db()
    assert tagset.last_exported_at == export.finished_at
    assert Tag.objects.count() == 5


def test_a_job_cut_off_mid_file_starts_over_when_run_again(reviewer_client, tags, small_threshold):
    _prepare(reviewer_client, format="jsonld")
    export = PreparedExport.objects.get()
    # As a worker killed mid-way leaves it: running, with a piece of a file that is not it.
    PreparedExport.objects.filter(pk=export.pk).update(status=Status.RUNNING, size_bytes=7)
    PreparedExportChunk.objects.create(export=export, number=0, data=b"partial")

    run_jobs()  # the job still queued (as a stalled job put back on the queue would be)

    export.refresh_from_db()
    assert export.status == Status.READY
    prepared = _body(reviewer_client.get(reverse("download_prepared_export", args=[export.pk])))
    direct = _body(reviewer_client.get(reverse("download_tags") + "?format=jsonld"))
    assert prepared == direct and b"partial" not in prepared
    assert export.size_bytes == len(prepared)
