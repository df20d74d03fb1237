"""Uploads are read as a stream within one budget per request, and stored all or nothing."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection

from articles.models import Article, ImportBatch, ImportItem
from tests.conftest import make_zip, run_jobs, sample_text

pytestmark = pytest.mark.django_db
URL = "/imports/"
MB = 1024 * 1024


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def _corrupt_member(data: bytes, member: str) -> bytes:
    """The archive with the compressed stream of one member replaced by garbage."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    raw = bytearray(data)
    name_length = int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_length = int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    raw[start : start + 8] = b"\xff" * 8  # an invalid deflate block type
    return bytes(raw)


@pytest.mark.django_db(transaction=True)  # the worker sees only committed rows
def test_a_corrupt_member_is_one_rejected_row_and_the_rest_are_imported(admin_client_, job_queue):
    archive = make_zip(
        {
            "first.txt": sample_text(0).encode(),
            "broken.txt": sample_text(1).encode(),
            "last.txt": sample_text(2).encode(),
        }
    )
    response = admin_client_.post(
        URL, {"files": [_upload("mixed.zip", _corrupt_member(archive, "broken.txt"))]}
    )
    assert response.status_code == 302
    run_jobs()
    rows = list(ImportItem.objects.order_by("position").values_list("filename", "status", "reason"))
    assert [(name, status) for name, status, _reason in rows] == [
        ("first.txt", "imported"),
        ("broken.txt", "rejected"),
        ("last.txt", "imported"),
    ]
    assert "تعذّر فك ضغط" in rows[1][2]
    assert Article.objects.count() == 2


def test_the_decompressed_cap_is_per_request_not_per_archive(admin_client_, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1 * MB
    archives = [
        _upload(
            f"part{i}.zip", make_zip({f"f{i}.txt": (sample_text(i) * 200).encode()[: 300 * 1024]})
        )
        for i in range(4)
    ]
    admin_client_.post(URL, {"files": archives})
    rows = list(ImportItem.objects.order_by("position").values_list("held_data", "reason"))
    assert len(rows) == 4
    refused = [reason for _data, reason in rows if "ميغابايت بعد فك الضغط" in reason]
    assert refused, "every archive was read although together they exceed the cap"


def test_the_number_of_files_is_capped_per_request(admin_client_, settings):
    settings.IMPORT_MAX_UPLOAD_FILES = 5
    archives = [
        _upload(f"part{i}.zip", make_zip({f"f{i}-{j}.txt": b"x" for j in range(3)}))
        for i in range(3)
    ]
    admin_client_.post(URL, {"files": archives})
    reasons = list(ImportItem.objects.order_by("position").values_list("reason", flat=True))
    assert len(reasons) == 6
    assert "أكثر من 5 ملف" in reasons[-1]


def test_reading_an_upload_holds_one_file_in_memory_not_the_upload(settings):
    from articles.importing.uploads import iter_uploads

    settings.IMPORT_MAX_FILE_BYTES = 1 * MB
    settings.IMPORT_MAX_UPLOAD_BYTES = 20 * MB
    archives = [_upload(f"a{i}.zip", make_zip({f"m{i}.txt": bytes(MB)})) for i in range(20)]
    tracemalloc.start()
    try:
        count = sum(1 for _entry in iter_uploads(archives))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20
    assert peak < 4 * MB


def test_a_database_failure_mid_upload_leaves_no_empty_batch(admin_client_):
    def database_dies_after_the_files(execute, sql, params, many, context):
        # The files go in by COPY, then the job that imports them is queued: fail there.
        if "procrastinate" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    archive = make_zip({"a.txt": sample_text(0).encode(), "b.txt": sample_text(1).encode()})
    with connection.execute_wrapper(database_dies_after_the_files):
        response = admin_client_.post(URL, {"files": [_upload("two.zip", archive)]})
    assert response.status_code == 503
    assert ImportBatch.objects.count() == 0
    assert ImportItem.objects.count() == 0
