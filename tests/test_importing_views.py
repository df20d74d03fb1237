"""The import pages: Admins only, one row per file, zips bounded, raw text escaped."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.importing.pipeline import Importer
from articles.importing.uploads import MAX_ZIP_ENTRIES
from articles.models import Article, ImportBatch, ImportItem
from tests.conftest import SAMPLE_FILES, make_zip, run_jobs, sample_text

# Uploads are imported by a worker, which sees only committed rows: transactional tests.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("job_queue")]
URL = "/imports/"


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("who", ["editor_client", "reviewer_client"])
def test_other_roles_get_403_on_the_page_and_every_endpoint(request, who):
    client = request.getfixturevalue(who)
    batch = ImportBatch.objects.create()
    article = Article.objects.create(title="t", body="نص")
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"files": [_upload("a.txt", b"x")]}).status_code == 403
    assert client.get(f"/imports/{batch.pk}/").status_code == 403
    assert client.get(f"/imports/{batch.pk}/progress/").status_code == 403
    assert client.get(f"/articles/{article.pk}/raw/").status_code == 403
    assert Article.objects.count() == 1


def test_a_stranger_gets_403(client, stranger):
    client.force_login(stranger)
    assert client.get(URL).status_code == 403


def test_admin_uploads_two_samples_and_a_bad_file_and_sees_three_rows(admin_client_):
    files = [
        _upload("one.txt", SAMPLE_FILES[0].read_bytes()),
        _upload("two.txt", sample_text(1).encode("cp1256")),
        _upload("bad.txt", b"\x89PNG\r\n\x1a\n" + bytes(64)),
    ]
    response = admin_client_.post(URL, {"files": files})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{batch.pk}/"
    # Stored, not imported: the upload returns at once, before any worker has run.
    assert list(batch.items.values_list("status", flat=True)) == ["pending"] * 3
    assert Article.objects.count() == 0
    run_jobs()
    response = admin_client_.get(response["Location"])
    assert batch.created_by.username == "admin1"
    assert list(batch.items.values_list("status", flat=True)) == [
        "imported",
        "imported",
        "rejected",
    ]
    content = response.content.decode()
    assert content.count('class="result-row') == 3
    assert "PNG" in content
    assert Article.objects.count() == 2


def test_the_batch_page_takes_a_constant_number_of_queries(
    admin_client_, django_assert_max_num_queries
):
    admin_client_.post(URL, {"files": [_upload(p.name, p.read_bytes()) for p in SAMPLE_FILES]})
    run_jobs()
    batch = ImportBatch.objects.get()
    with django_assert_max_num_queries(7):
        assert admin_client_.get(f"/imports/{batch.pk}/progress/").status_code == 200
    with django_assert_max_num_queries(8):
        assert admin_client_.get(f"/imports/{batch.pk}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert admin_client_.get(URL).status_code == 200


def test_an_oversize_upload_is_refused_without_reading_it(admin_client_, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1024
    admin_client_.post(URL, {"files": [_upload("big.txt", sample_text(0).encode())]})
    item = ImportItem.objects.get()
    assert item.status == "rejected"
    assert "1 كيلوبايت" in item.reason
    assert Article.objects.count() == 0


def test_a_zip_of_samples_imports_each_entry_and_never_uses_names_as_paths(admin_client_):
    data = make_zip(
        {
            "../../etc/evil.txt": sample_text(2).encode(),
            "folder/ok.txt": sample_text(3).encode(),
            "image.png": b"\x89PNG",
        }
    )
    admin_client_.post(URL, {"files": [_upload("batch.zip", data)]})
    run_jobs()
    items = list(ImportItem.objects.order_by("position"))
    assert [(i.filename, i.status) for i in items] == [
        ("evil.txt", "imported"),
        ("ok.txt", "imported"),
        ("image.png", "rejected"),
    ]


def test_a_zip_with_too_many_entries_is_refused(admin_client_):
    data = make_zip({f"f{i}.txt": b"x" for i in range(MAX_ZIP_ENTRIES + 1)})
    admin_client_.post(URL, {"files": [_upload("many.zip", data)]})
    item = ImportItem.objects.get()
    assert item.status == "rejected" and str(MAX_ZIP_ENTRIES) in item.reason


def test_a_zip_bomb_is_refused_quickly(admin_client_, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 3 * 1024 * 1024
    bomb = make_zip({f"z{i}.txt": bytes(2 * 1024 * 1024) for i in range(5)})  # tiny compressed
    assert len(bomb) < 100_000
    admin_client_.post(URL, {"files": [_upload("bomb.zip", bomb)]})
    reasons = list(ImportItem.objects.order_by("position").values_list("reason", flat=True))
    assert len(reasons) == 5
    assert all("3 ميغابايت" in reason for reason in reasons[1:])


def test_the_batch_page_polls_a_progress_fragment_until_the_workers_are_done(admin_client_):
    files = [_upload(p.name, p.read_bytes()) for p in SAMPLE_FILES]
    batch_url = admin_client_.post(URL, {"files": files})["Location"]
    page = admin_client_.get(batch_url).content.decode()
    progress = f"/imports/{ImportBatch.objects.get().pk}/progress/"
    assert f'hx-get="{progress}?was=pending"' in page  # polls while files wait
    waiting = admin_client_.get(progress, headers={"HX-Request": "true"}).content.decode()
    assert '<progress max="5" value="0">' in waiting
    run_jobs()  # nobody polled meanwhile: the worker imported them anyway
    done = admin_client_.get(progress + "?was=pending", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"  # the page reloads once to list every result
    page = admin_client_.get(batch_url).content.decode()
    assert "<progress" not in page and "hx-get" not in page  # done and indexed: no polling
    assert page.count("status-imported") == 5


def test_an_unsure_file_is_held_then_imported_with_the_picked_encoding(admin_client_):
    data = "قال الرئيس إن الاتفاق مهم".encode("cp1256")
    admin_client_.post(URL, {"files": [_upload("short.txt", data)]})
    run_jobs()
    item = ImportItem.objects.get()
    assert item.status == "unsure" and item.held_data
    assert Article.objects.count() == 0
    url = reverse("pick_encoding", args=[item.pk])
    page = admin_client_.get(url, {"encoding": "iso8859-6"}, headers={"HX-Request": "true"})
    assert 'id="preview"' in page.content.decode()
    assert admin_client_.get(url, {"encoding": "koi8-r"}).status_code == 200  # not allowed: ignored
    admin_client_.post(url, {"encoding": "cp1256"})
    item.refresh_from_db()
    assert item.status == "imported" and item.held_data is None
    assert item.article.body == "قال الرئيس إن الاتفاق مهم"


def test_the_raw_text_is_shown_escaped_with_removed_lines_marked(admin_client_):
    raw = sample_text(4).replace("عربي ودولي", "<script>alert(1)</script>\u202e")
    article = Importer().import_bytes("x.txt", raw.encode()).article
    response = admin_client_.get(f"/articles/{article.pk}/raw/")
    content = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "\u202e" not in content and "U+202E" in content
    assert 'data-rule="trailer"' in content
    assert 'data-rule="dateline"' in content


def test_the_batch_history_lists_command_line_and_web_batches(admin_client_):
    ImportBatch.objects.create(via="cli")
    response = admin_client_.get(URL)
    assert "سطر الأوامر" in response.content.decode()
