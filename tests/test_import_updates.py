"""A newer version of a story already imported from the same outlet: the import holds the
file and offers "update that article" or "import as a new article"; nothing is applied
before an Admin chooses, and a stale or repeated decision is refused.

Pages are written for the test: one invented outlet, "صوت الوادي".
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import revisions
from articles.importing.pipeline import IMPORTED, SIMILAR, Importer
from articles.jobs.tasks import drop_held_files_older_than
from articles.models import Article, ArticleRevision, ImportBatch, ImportItem, Tag
from articles.roles import EDITORS
from tests.conftest import make_tag, make_user, run_jobs

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("job_queue")]

STORY = (
    "أعلنت بلدية المدينة صباح اليوم إغلاق الطريق الساحلي أمام السيارات لمدة أسبوعين، "
    "بسبب أعمال صيانة الجسر القديم الذي تضرر في العاصفة الأخيرة.\n\n"
    "وقال مدير الأشغال إن الفرق ستعمل ليلاً ونهاراً لإنهاء الصيانة قبل بداية العام الدراسي، "
    "وإن الحافلات ستنقل الطلاب عبر الطريق الجبلي طوال فترة الإغلاق.\n\n"
    "ودعت البلدية السكان إلى التحلي بالصبر واستخدام النقل العام قدر الإمكان."
)
QUOTE = "الفرق ستعمل ليلاً ونهاراً لإنهاء الصيانة"
NEWER = STORY.replace(
    "قدر الإمكان.", "قدر الإمكان.\n\nوفي المساء أعلنت البلدية أن الإغلاق سيبدأ يوم الأحد."
)


def page(story: str, outlet: str = "صوت الوادي") -> bytes:
    return "\n\n".join(["إغلاق الطريق الساحلي لأسبوعين", story, f"المصدر: {outlet}"]).encode()


def _upload(client: Client, name: str, data: bytes) -> ImportBatch:
    files = [SimpleUploadedFile(name, data, content_type="text/plain")]
    response = client.post(reverse("import_files"), {"files": files})
    assert response.status_code == 302
    run_jobs()
    return ImportBatch.objects.latest("id")


def _decide(client: Client, item: ImportItem, choice: str, version: int = 1):
    url = reverse("decide_similar", args=[item.pk])
    return client.post(url, {"choice": choice, "version": version})


@pytest.fixture
def first(admin_user) -> Article:
    """The story as first imported, with a quote tagged by an editor."""
    article = Importer(user=admin_user).import_bytes("first.txt", page(STORY)).article
    assert article is not None and article.source.name == "صوت الوادي"
    start = article.body.index(QUOTE)
    make_tag(article, start, start + len(QUOTE), user=make_user("tagger", EDITORS), kind="quote")
    return article


def test_a_newer_version_from_the_same_outlet_waits_for_the_admins_choice(admin_client_, first):
    batch = _upload(admin_client_, "newer.txt", page(NEWER))
    item = batch.items.get()
    # Held, not imported: no second article, the bytes kept, the article it resembles named.
    assert item.status == SIMILAR and item.article_id == first.pk
    assert bytes(item.held_data) == page(NEWER)
    assert Article.objects.count() == 1
    html = admin_client_.get(batch.get_absolute_url()).content.decode()
    assert first.get_absolute_url() in html and first.title in html
    assert reverse("decide_similar", args=[item.pk]) in html
    assert 'value="update"' in html and 'value="new"' in html
    assert "csrfmiddlewaretoken" in html


def test_update_that_article_makes_a_new_version_and_carries_the_tags(admin_client_, first):
    item = _upload(admin_client_, "newer.txt", page(NEWER)).items.get()
    assert _decide(admin_client_, item, "update").status_code == 302
    first.refresh_from_db()
    assert first.body_version == 2 and "سيبدأ يوم الأحد" in first.body
    revision = first.revisions.get(number=2)
    assert revision.kind == ArticleRevision.Kind.UPDATE and "newer.txt" in revision.reason
    tag = Tag.objects.get(article=first)
    assert not tag.orphaned and first.body[tag.start : tag.end] == QUOTE
    assert tag.body_version == 2
    item.refresh_from_db()
    assert item.status == ImportItem.Status.UPDATED and item.held_data is None
    assert Article.objects.count() == 1
    html = admin_client_.get(item.batch.get_absolute_url()).content.decode()
    assert reverse("article_revisions", args=[first.pk]) in html


def test_import_as_new_makes_a_second_article_flagged_as_a_near_copy(admin_client_, first):
    item = _upload(admin_client_, "newer.txt", page(NEWER)).items.get()
    assert _decide(admin_client_, item, "new").status_code == 302
    item.refresh_from_db()
    assert item.status == IMPORTED and item.held_data is None
    assert item.article_id != first.pk and item.article.near_duplicate_of_id == first.pk
    first.refresh_from_db()
    assert first.body_version == 1


def test_a_second_decision_is_refused_and_changes_nothing(admin_client_, first):
    item = _upload(admin_client_, "newer.txt", page(NEWER)).items.get()
    url = reverse("decide_similar", args=[item.pk])
    assert admin_client_.post(url, {"choice": "new", "version": 1}).status_code == 302
    articles = Article.objects.count()
    # Another tab still showing the two buttons: its "update" is refused with the reason.
    response = admin_client_.post(url, {"choice": "update", "version": 1})
    assert response.status_code == 409
    assert "قُرّر أمر هذا الملف من قبل" in response.content.decode()
    first.refresh_from_db()
    assert first.body_version == 1 and Article.objects.count() == articles


def test_an_update_decided_on_a_text_corrected_since_is_refused(admin_client_, first, admin_user):
    item = _upload(admin_client_, "newer.txt", page(NEWER)).items.get()
    corrected = first.body.replace("العاصفة الأخيرة", "العاصفة الثلجية الأخيرة")
    revisions.apply_new_body(first, corrected, admin_user, "تصحيح", from_version=1)
    response = admin_client_.post(
        reverse("decide_similar", args=[item.pk]), {"choice": "update", "version": 1}
    )
    assert response.status_code == 409
    assert "تغيّر نص المقال المشابه" in response.content.decode()
    first.refresh_from_db()
    item.refresh_from_db()
    assert first.body == corrected and first.body_version == 2
    assert item.status == SIMILAR and item.held_data is not None  # still to decide


def test_a_near_copy_from_another_outlet_is_imported_and_flagged_as_before(admin_client_, first):
    item = _upload(admin_client_, "wire.txt", page(NEWER, outlet="أنباء الساحل")).items.get()
    assert item.status == IMPORTED and item.held_data is None
    assert item.article.near_duplicate_of_id == first.pk


def _held_near_copies(count: int) -> tuple[list[str], int]:
    """Statuses and query count of one import call of `count` newer versions of the story."""
    endings = ["وفي المساء أعلنت البلدية موعد الإغلاق.", "وقال السكان إنهم ينتظرون الجسر.",
               "وأكد المحافظ أن الطريق سيفتح قبل العيد."]  # fmt: skip
    files = [
        (f"newer{n}.txt", page(STORY.replace("قدر الإمكان.", f"قدر الإمكان.\n\n{ending}")))
        for n, ending in enumerate(endings[:count])
    ]
    with CaptureQueriesContext(connection) as queries:
        results = Importer(hold_similar=True).import_many(files)
    return [result.status for result in results], len(queries.captured_queries)


def test_near_copies_of_saved_articles_are_looked_up_in_one_query(first):
    one_status, one = _held_near_copies(1)
    statuses, three = _held_near_copies(3)
    assert one_status == [SIMILAR] and statuses == [SIMILAR] * 3
    assert three == one  # not one query per near copy


def test_only_admins_decide_and_only_by_post_with_csrf(
    first, editor_client, reviewer_client, admin_user
):
    batch = ImportBatch.objects.create(created_by=admin_user)
    item = ImportItem.objects.create(
        batch=batch,
        position=0,
        filename="newer.txt",
        status=SIMILAR,
        article=first,
        encoding="utf-8",
        held_data=page(NEWER),
    )
    url = reverse("decide_similar", args=[item.pk])
    data = {"choice": "update", "version": 1}
    assert editor_client.post(url, data).status_code == 403
    assert reviewer_client.post(url, data).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    assert strict.post(url, data).status_code == 403  # no CSRF token
    assert strict.get(url).status_code == 405
    assert strict.post(url, {"choice": "keep", "version": 1}).status_code == 403  # CSRF first
    admin = Client()
    admin.force_login(admin_user)
    assert admin.post(url, {"choice": "keep", "version": 1}).status_code == 400
    item.refresh_from_db()
    first.refresh_from_db()
    assert item.status == SIMILAR and first.body_version == 1


def test_the_command_line_holds_the_file_on_its_batch(first, tmp_path, capsys):
    (tmp_path / "newer.txt").write_bytes(page(NEWER))
    call_command("import_articles", str(tmp_path), "--no-progress")
    printed = capsys.readouterr().out
    assert f"≈ #{first.pk} (same outlet)" in printed
    assert "0 imported, 0 duplicates, 0 rejected, 1 waiting for a decision" in printed
    item = ImportItem.objects.get(filename="newer.txt")
    assert item.status == SIMILAR and bytes(item.held_data) == page(NEWER)
    assert Article.objects.count() == 1


def test_undecided_files_are_dropped_after_the_retention_time(admin_client_, first):
    item = _upload(admin_client_, "newer.txt", page(NEWER)).items.get()
    ImportBatch.objects.filter(pk=item.batch_id).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    assert drop_held_files_older_than(days=30) == 1
    item.refresh_from_db()
    assert item.status == ImportItem.Status.REJECTED and item.held_data is None
    assert "لم يُقرَّر خلال 30 يوماً" in item.reason


def test_an_update_makes_the_newer_file_the_raw_text_and_keeps_the_first_on_its_version(
    admin_client_, first, admin_user
):
    first_file = first.raw_text
    item = _upload(admin_client_, "newer.txt", page(NEWER)).items.get()
    assert _decide(admin_client_, item, "update").status_code == 302
    first.refresh_from_db()
    # The raw page shows the file the current text was cleaned from, and says so.
    assert first.raw_text == page(NEWER).decode() and first.original_filename == "newer.txt"
    raw = admin_client_.get(reverse("raw_article", args=[first.pk])).content.decode()
    assert "وفي المساء أعلنت البلدية" in raw and "newer.txt" in raw
    assert "من هذا الملف نُظّفت النسخة 2 من النص" in raw
    # Its removed lines are the newer file's: every line kept is in the body, in order.
    removed = {n for e in first.removed_lines for n in range(e["first"], e["last"] + 1)}
    kept = [
        line
        for number, line in enumerate(first.raw_text.split("\n"), start=1)
        if number not in removed and line.strip()
    ]
    assert "\n\n".join(kept) == first.body
    # The first file stays on version 1, reachable from the raw page and the versions page.
    file_url = reverse("revision_file", args=[first.pk, 1])
    assert file_url in raw
    assert (
        file_url
        in admin_client_.get(reverse("article_revisions", args=[first.pk])).content.decode()
    )
    response = admin_client_.get(file_url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert b"".join(response).decode() == first_file
    assert first.revisions.get(number=1).filename == "first.txt"
    assert first.revisions.get(number=2).raw_text == first.raw_text

    # A correction typed on the page keeps the file, and the raw page says the text moved on.
    corrected = first.body.replace("يوم الأحد", "يوم الاثنين")
    revisions.apply_new_body(first, corrected, admin_user, "اليوم الصحيح", from_version=2)
    first.refresh_from_db()
    assert first.raw_text == page(NEWER).decode()
    raw = admin_client_.get(reverse("raw_article", args=[first.pk])).content.decode()
    assert "من هذا الملف نُظّفت النسخة 2 من النص" in raw
    assert "تغيّر النص بعدها: النسخة الحالية 3" in raw
    # A typed version has no file of its own.
    assert admin_client_.get(reverse("revision_file", args=[first.pk, 3])).status_code == 404


def test_cleaning_the_outlet_again_leaves_an_updated_article_as_it_is(admin_client_, admin_user):
    from articles.importing.outlet_memory import reclean_outlet

    article = Importer(user=admin_user).import_bytes("first.txt", page(STORY)).article
    assert article is not None
    item = _upload(admin_client_, "newer.txt", page(NEWER)).items.get()
    assert _decide(admin_client_, item, "update").status_code == 302
    article.refresh_from_db()
    updated = article.body
    assert article.body_version == 2 and not article.tags.exists()

    outcome = reclean_outlet(article.source)
    article.refresh_from_db()
    # Neither the first file's text back, nor a text that none of its versions holds.
    assert outcome.recleaned == 0
    assert article.body == updated == article.revisions.get(number=2).body
