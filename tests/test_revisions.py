"""Versions of an article's text: corrections carry every tag, suggestion and passage over."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from articles import exporting, revisions
from articles.models import (
    ArticleRevision,
    Passage,
    QuoteSuggestion,
    ReviewState,
    Tag,
    TagEvent,
    TagSet,
    WebhookDelivery,
    WebhookEndpoint,
)
from articles.quotes import suggestion_store
from articles.text.quote_rules import Suggestion
from tests.conftest import make_article, make_tag, make_webhook_endpoint

BODY = (
    "قال الوزير إن الحكومة ستخفض الأسعار الشهر المقبل.\n\n"
    "وأضاف أن الخطة تشمل دعم المزارعين في الجنوب.\n\n"
    "ونفى المتحدث باسم المعارضة صحة هذه الأرقام كلها."
)


def _tag(article, text, user, **fields):
    start = article.body.index(text)
    return make_tag(article, start, start + len(text), user=user, **fields)


@pytest.fixture
def article(db):
    return make_article(BODY, title="الأسعار")


def test_a_paragraph_added_above_moves_every_tag_exactly(article, editor, admin_user):
    quote = _tag(article, "الحكومة ستخفض الأسعار", editor, kind="quote")
    claim = _tag(article, "دعم المزارعين في الجنوب", editor)
    new_body = "فقرة جديدة في الأعلى.\n\n" + BODY
    revision = revisions.apply_new_body(article, new_body, admin_user, "إضافة فقرة")

    quote.refresh_from_db()
    claim.refresh_from_db()
    shift = len("فقرة جديدة في الأعلى.\n\n")
    assert (quote.start, quote.exact) == (BODY.index("الحكومة") + shift, "الحكومة ستخفض الأسعار")
    assert new_body[claim.start : claim.end] == "دعم المزارعين في الجنوب"
    assert quote.body_version == claim.body_version == 2
    assert article.body_version == 2
    assert revision.outcome == {"shifted": 2}
    # Version 1 was kept, with who imported it.
    assert list(article.revisions.order_by("number").values_list("number", "kind")) == [
        (1, ArticleRevision.Kind.IMPORTED),
        (2, ArticleRevision.Kind.CORRECTION),
    ]
    assert article.revisions.get(number=1).body == BODY
    moved = TagEvent.objects.get(tag_id=quote.pk, action=TagEvent.Action.MOVED)
    assert (moved.before["start"], moved.before["body_version"]) == (BODY.index("الحكومة"), 1)
    assert moved.after["body_version"] == 2


def test_review_kept_when_text_unchanged_and_pending_when_corrected(
    article, editor, admin_user, reviewer
):
    same = _tag(article, "دعم المزارعين", editor)
    fixed = _tag(article, "ستخفض الأسعار الشهر المقبل", editor, kind="background")
    Tag.objects.filter(pk__in=[same.pk, fixed.pk]).update(
        review_state=ReviewState.ACCEPTED, reviewed_by=reviewer
    )
    new_body = BODY.replace("الشهر المقبل", "العام المقبل").replace("قال", "صرّح")
    revisions.apply_new_body(article, new_body, admin_user, "تصحيح")

    same.refresh_from_db()
    fixed.refresh_from_db()
    assert same.review_state == ReviewState.ACCEPTED
    assert fixed.exact == "ستخفض الأسعار العام المقبل"  # a word fixed inside: kept in place
    assert fixed.review_state == ReviewState.PENDING
    assert fixed.reviewed_by is None


def test_deleted_text_orphans_the_tag_and_keeps_its_old_text(article, editor, admin_user):
    gone = _tag(article, "صحة هذه الأرقام", editor)
    new_body = BODY.split("\n\n")[0] + "\n\n" + BODY.split("\n\n")[1]
    revision = revisions.apply_new_body(article, new_body, admin_user, "حذف الفقرة الأخيرة")

    gone.refresh_from_db()
    assert gone.orphaned
    assert gone.exact == "صحة هذه الأرقام"
    assert gone.body_version == 1  # its offsets still count in version 1
    assert article.revisions.get(number=1).body[gone.start : gone.end] == gone.exact
    assert revision.outcome == {"orphan": 1}
    assert TagEvent.objects.filter(tag_id=gone.pk, action=TagEvent.Action.ORPHANED).exists()
    # Never lost: the same number of tags before and after.
    assert Tag.objects.filter(article=article).count() == 1


def test_diacritics_added_inside_a_tag_keep_it_on_the_same_words(article, editor, admin_user):
    tag = _tag(article, "دعم المزارعين", editor)
    new_body = BODY.replace("دعم المزارعين", "دَعْم المُزارعين")
    revisions.apply_new_body(article, new_body, admin_user, "تشكيل")
    tag.refresh_from_db()
    assert tag.exact == "دَعْم المُزارعين"
    assert not tag.orphaned


def test_a_moved_paragraph_is_found_by_its_text(article, editor, admin_user):
    tag = _tag(article, "المتحدث باسم المعارضة", editor)
    first, second, third = BODY.split("\n\n")
    new_body = "\n\n".join([third, first, second])
    revisions.apply_new_body(article, new_body, admin_user, "ترتيب")
    tag.refresh_from_db()
    assert new_body[tag.start : tag.end] == "المتحدث باسم المعارضة"
    assert tag.start == new_body.index("المتحدث")


def test_a_repeated_phrase_is_never_taken_for_a_deleted_one(db, editor, admin_user):
    body = "رفع البنك الفائدة.\n\nقال المحلل إن رفع البنك الفائدة متوقع.\n\nوانتهى الاجتماع."
    article = make_article(body)
    tag = _tag(article, "رفع البنك الفائدة", editor)  # the first one, in the headline line
    new_body = body.replace("رفع البنك الفائدة.\n\n", "", 1)
    revisions.apply_new_body(article, new_body, admin_user, "حذف السطر الأول")
    tag.refresh_from_db()
    assert tag.orphaned


def test_a_stale_correction_writes_nothing(article, admin_user):
    revisions.apply_new_body(article, BODY + "\n\nتحديث.", admin_user, "تحديث")
    with pytest.raises(revisions.StaleBody):
        revisions.apply_new_body(article, BODY + "\n\nآخر.", admin_user, "آخر", from_version=1)
    article.refresh_from_db()
    assert article.body.endswith("تحديث.")
    assert article.revisions.count() == 2


def test_suggestions_passages_and_search_follow_the_new_text(db, editor, admin_user):
    body = 'قال الوزير: "سنخفض الأسعار قريباً". ثم غادر القاعة.\n\nفقرة أخرى عن الطقس.'
    article = make_article(body)
    quoted = body.index("سنخفض")
    end = body.index('".')
    # As the rules would suggest it (given here, so the test does not follow rule changes).
    found = [Suggestion(quoted, end, "الوزير", "quote_marks", "بين علامتي تنصيص")]
    suggestion_store.store_suggestions(article, found)
    dismissed = article.suggestions.first()
    assert dismissed is not None
    QuoteSuggestion.objects.filter(pk=dismissed.pk).update(state=QuoteSuggestion.State.DISMISSED)
    from articles.claims import passage_index

    passage_index.index_articles([article])
    new_body = "مقدمة قصيرة جديدة.\n\n" + body.replace("الطقس", "الأمطار الغزيرة")
    revisions.apply_new_body(article, new_body, admin_user, "تحديث")

    moved = QuoteSuggestion.objects.get(pk=dismissed.pk)
    assert moved.state == QuoteSuggestion.State.DISMISSED
    assert new_body[moved.start : moved.end] == moved.exact == dismissed.exact
    passages = Passage.objects.filter(article=article)
    # The old text's passages went with it; a job indexes the new text, as for an import.
    assert not passages.exists()
    from articles.jobs import indexing
    from articles.models import Article

    assert Article.objects.get(pk=article.pk).indexed_at is None
    assert indexing.index_articles([article.pk]) == 1  # what the job runs
    assert any("الأمطار" in new_body[p.start : p.end] for p in passages)
    from django.contrib.postgres.search import SearchQuery

    from articles.text.arabic import fold_full

    rain = SearchQuery(fold_full("الأمطار"), config="simple")
    assert Article.objects.filter(pk=article.pk, search_exact=rain).exists()


def test_exports_carry_the_body_version_and_w3c_selectors_match_it(article, editor, admin_user):
    kept = _tag(article, "دعم المزارعين", editor)
    gone = _tag(article, "صحة هذه الأرقام", editor)
    frozen = TagSet.objects.create(name="ثابتة", owner=admin_user)
    frozen.freeze()
    new_body = "سطر جديد.\n\n" + BODY.rsplit("\n\n", 1)[0]
    revisions.apply_new_body(article, new_body, admin_user, "تحديث")

    rows = {
        row["tag_id"]: row
        for row in exporting.rows(Tag.objects.all(), article_url_base="http://x/articles/")
    }
    assert rows[kept.pk]["body_version"] == 2
    assert rows[gone.pk]["body_version"] == 1
    texts = {1: BODY, 2: new_body}
    for row in rows.values():
        note = exporting.annotation(row)
        position, quote = note["target"]["selector"]
        text = texts[row["body_version"]]
        assert text[position["start"] : position["end"]] == quote["exact"]
        assert note["target"]["state"]["id"].endswith(f"/revisions/{row['body_version']}/text/")
    # The frozen set keeps its snapshot: the offsets of version 1, and says so.
    frozen_rows = {
        row["tag_id"]: row
        for row in exporting.frozen_rows(frozen, article_url_base="http://x/articles/")
    }
    assert set(frozen_rows) == {kept.pk, gone.pk}
    assert frozen_rows[kept.pk]["start"] == BODY.index("دعم المزارعين")
    assert frozen_rows[kept.pk]["body_version"] == 1
    assert rows[kept.pk]["start"] == new_body.index("دعم المزارعين")


def test_bad_input_is_refused_with_a_reason_and_loses_nothing(article, admin_user):
    from django.core.exceptions import ValidationError

    for body, reason in [("   ", "سبب"), (BODY, "سبب"), (BODY + " تعديل", "")]:
        with pytest.raises(ValidationError):
            revisions.apply_new_body(article, body, admin_user, reason)
    article.refresh_from_db()
    assert (article.body, article.body_version) == (BODY, 1)


# --- The pages ----------------------------------------------------------------------------


def test_admin_corrects_through_the_form_and_editors_may_not(client, article, editor, admin_user):
    _tag(article, "صحة هذه الأرقام", editor)
    url = reverse("correct_article", args=[article.pk])
    client.force_login(editor)
    assert client.get(url).status_code == 403
    client.force_login(admin_user)
    page = client.get(url)
    assert page.status_code == 200
    assert "الأرقام" in page.content.decode()
    new_body = BODY.rsplit("\n\n", 1)[0]
    response = client.post(url, {"body": new_body, "reason": "حذف فقرة", "version": 1})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body_version == 2
    # A second post from the same old version is a conflict, and writes nothing.
    stale = client.post(url, {"body": BODY, "reason": "قديم", "version": 1})
    assert stale.status_code == 409
    article.refresh_from_db()
    assert article.body_version == 2


def test_history_diff_and_orphan_queues(client, article, editor, admin_user):
    tag = _tag(article, "صحة هذه الأرقام", editor)
    moved = _tag(article, "دعم المزارعين", editor)
    revisions.apply_new_body(
        article, "عاجل.\n\n" + BODY.rsplit("\n\n", 1)[0], admin_user, "حذف فقرة"
    )
    client.force_login(editor)
    diff = client.get(reverse("article_revisions", args=[article.pk])).content.decode()
    assert "<ins>عاجل.</ins>" in diff
    assert "<del>ونفى المتحدث باسم المعارضة صحة هذه الأرقام كلها.</del>" in diff
    assert "حذف فقرة" in diff
    history = client.get(reverse("tag_history", args=[moved.pk])).content.decode()
    assert (
        f"نُقل من {BODY.index('دعم')}–{BODY.index('دعم') + len('دعم المزارعين')} في النسخة 1"
        in history
    )
    queue = client.get(reverse("orphan_queue")).content.decode()
    assert reverse("article_orphans", args=[article.pk]) in queue
    page = client.get(reverse("article_orphans", args=[article.pk])).content.decode()
    assert "صحة هذه الأرقام" in page
    # Re-place it on other words of the current text.
    body = Tag.objects.get(pk=tag.pk).article.body
    start = body.index("الخطة تشمل")
    response = client.post(
        reverse("replace_tag", args=[tag.pk]),
        {
            "start": start,
            "end": start + len("الخطة تشمل"),
            "exact": "الخطة تشمل",
            "version": tag.version + 1,
        },
    )
    assert response.status_code == 302
    tag.refresh_from_db()
    assert not tag.orphaned
    assert (tag.exact, tag.body_version) == ("الخطة تشمل", 2)
    assert TagEvent.objects.filter(tag_id=tag.pk, action=TagEvent.Action.REPLACED).exists()
    # The reading page shows it again; version texts are served as plain text.
    text = client.get(reverse("revision_text", args=[article.pk, 1])).getvalue().decode()
    assert text == BODY


def test_orphan_deleted_from_the_queue_and_a_wrong_selection_refused(
    client, article, editor, admin_user
):
    tag = _tag(article, "صحة هذه الأرقام", editor)
    revisions.apply_new_body(article, BODY.rsplit("\n\n", 1)[0], admin_user, "حذف")
    tag.refresh_from_db()
    client.force_login(editor)
    refused = client.post(
        reverse("replace_tag", args=[tag.pk]),
        {"start": 0, "end": 3, "exact": "شيء آخر", "version": tag.version},
    )
    assert refused.status_code == 302
    tag.refresh_from_db()
    assert tag.orphaned
    client.post(reverse("delete_orphan", args=[tag.pk]), {"version": tag.version})
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert TagEvent.objects.filter(tag_id=tag.pk, action=TagEvent.Action.DELETED).exists()


def test_reading_page_leaves_orphans_out_and_points_to_them(client, article, editor, admin_user):
    tag = _tag(article, "صحة هذه الأرقام", editor)
    revisions.apply_new_body(article, BODY.rsplit("\n\n", 1)[0], admin_user, "حذف")
    client.force_login(editor)
    page = client.get(reverse("read_article", args=[article.pk])).content.decode()
    assert f'data-tags="{tag.pk}"' not in page
    assert reverse("article_orphans", args=[article.pk]) in page
    exported = json.loads(json.dumps(list(exporting.rows(Tag.objects.all(), article_url_base="x"))))
    assert exported[0]["body_version"] == 1


def test_an_orphan_is_not_edited_in_place_before_it_is_re_placed(article, editor, admin_user):
    from django.core.exceptions import ValidationError

    from articles import tagging

    tag = _tag(article, "صحة هذه الأرقام", editor)
    revisions.apply_new_body(article, BODY.rsplit("\n\n", 1)[0], admin_user, "حذف")
    tag = Tag.objects.select_related("article").get(pk=tag.pk)
    with pytest.raises(ValidationError):
        tagging.update_tag(
            tag=tag, version=tag.version, user=editor, kind="claim", note="", speaker=""
        )
    assert Tag.objects.get(pk=tag.pk).version == tag.version


def test_successive_corrections_lose_no_tag_and_every_offset_matches_its_version(
    db, editor, admin_user
):
    import random

    from bench import revision_corpus
    from tests.conftest import sample_text

    text = sample_text(2)
    article = make_article(text)
    rng = random.Random(3)
    spans = revision_corpus._tagged_spans(text, rng, 60)
    for start, end in spans:
        make_tag(article, start, end, user=editor)
    for round_number in range(6):
        chars = [(c, i) for i, c in enumerate(article.body)]
        for kind in rng.sample(revision_corpus.EDITS, 2):
            chars = revision_corpus._edit(
                article.body,
                chars,
                kind,
                rng,
                [(t.start, t.end) for t in Tag.objects.filter(article=article).anchored()],
            )
        new_body = "".join(c for c, _o in chars)
        if new_body.strip() == article.body:
            continue
        revisions.apply_new_body(article, new_body, admin_user, f"جولة {round_number}")
        texts = dict(article.revisions.values_list("number", "body"))
        texts[article.body_version] = article.body
        tags = list(Tag.objects.filter(article=article))
        assert len(tags) == len(spans)  # none lost
        for tag in tags:
            version_text = texts[tag.body_version]
            assert version_text[tag.start : tag.end] == tag.exact
            assert tag.orphaned == (tag.body_version != article.body_version)
            if not tag.orphaned:
                assert version_text[: tag.start].endswith(tag.prefix)
                assert version_text[tag.end :].startswith(tag.suffix)
    outcomes = Counter()
    for outcome in article.revisions.values_list("outcome", flat=True):
        outcomes.update(outcome)
    assert outcomes["shifted"] and outcomes["orphan"], outcomes  # the edits did move and orphan


def test_the_review_queue_waits_for_an_orphan_to_be_re_placed(
    client, article, editor, admin_user, reviewer
):
    gone = _tag(article, "صحة هذه الأرقام", editor)
    _tag(article, "دعم المزارعين", editor)
    revisions.apply_new_body(article, BODY.rsplit("\n\n", 1)[0], admin_user, "حذف")
    client.force_login(reviewer)
    queue = client.get(reverse("review_queue")).content.decode()
    assert "دعم المزارعين" in queue
    assert "صحة هذه الأرقام" not in queue
    assert Tag.objects.get(pk=gone.pk).review_state == ReviewState.PENDING


def test_a_tag_made_on_the_text_as_it_was_before_a_correction_is_refused(
    article, editor, admin_user
):
    from django.core.exceptions import ValidationError

    from articles import tagging
    from articles.models import Article

    read_before = Article.objects.get(pk=article.pk)  # the page was opened before the correction
    revisions.apply_new_body(article, "سطر جديد.\n\n" + BODY, admin_user, "إضافة")
    start = BODY.index("دعم")
    with pytest.raises(ValidationError):
        tagging.create_tag(
            article=read_before, user=editor, kind="claim", start=start, end=start + 3
        )
    assert not Tag.objects.filter(article=article).exists()


def test_a_tag_deleted_before_a_correction_comes_back_as_an_orphan(article, editor, admin_user):
    from articles import tagging

    tag = _tag(article, "صحة هذه الأرقام", editor)
    tagging.delete_tag(tag=tag, version=tag.version, user=editor)
    revisions.apply_new_body(article, "سطر جديد.\n\n" + BODY, admin_user, "إضافة")
    restored = tagging.restore_tag(tag_id=tag.pk, user=editor)
    restored.refresh_from_db()
    assert restored.orphaned and restored.body_version == 1
    assert restored.exact == "صحة هذه الأرقام"
    assert BODY[restored.start : restored.end] == restored.exact


def test_a_correction_carries_blind_layers_and_keeps_them_blind(client, article, admin_user):
    from articles.models import Assignment, WorkItem
    from tests.conftest import EDITORS, make_user

    first, second = make_user("blind1", EDITORS), make_user("blind2", EDITORS)
    assignment = Assignment.objects.create(name="مستقل", mode="independent", created_by=admin_user)
    for editor in (first, second):
        WorkItem.objects.create(assignment=assignment, article=article, editor=editor)
    kept = _tag(article, "دعم المزارعين", first, annotator=first)
    gone = _tag(article, "صحة هذه الأرقام", second, annotator=second)
    new_body = "فقرة جديدة في الأعلى.\n\n" + BODY.rsplit("\n\n", 1)[0]
    revision = revisions.apply_new_body(article, new_body, admin_user, "فقرة وحذف")

    kept.refresh_from_db()
    gone.refresh_from_db()
    assert new_body[kept.start : kept.end] == "دعم المزارعين"
    assert kept.body_version == 2
    assert gone.orphaned and gone.body_version == 1
    assert revision.outcome == {"shifted": 1, "orphan": 1}
    # The second editor finds their orphan on the article's page; the first never sees it,
    # nor may re-place or delete it.
    client.force_login(second)
    page = client.get(reverse("article_orphans", args=[article.pk]))
    assert "صحة هذه الأرقام" in page.content.decode()
    client.force_login(first)
    page = client.get(reverse("article_orphans", args=[article.pk]))
    assert "صحة هذه الأرقام" not in page.content.decode()
    queue = client.get(reverse("orphan_queue"))
    assert article.title not in queue.content.decode()
    start = new_body.index("دعم")
    answer = client.post(
        reverse("replace_tag", args=[gone.pk]),
        {"start": start, "end": start + 3, "exact": "دعم", "version": gone.version},
    )
    assert answer.status_code == 404
    answer = client.post(reverse("delete_orphan", args=[gone.pk]), {"version": gone.version})
    assert answer.status_code == 404
    assert Tag.all_layers.filter(pk=gone.pk, orphaned=True).exists()


def _correction_capturing_queries(n_tags: int, admin_user, editor, *, listening: bool):
    """A correction of an article with `n_tags` tagged paragraphs: a paragraph added above
    moves every tag, the last paragraph rewritten orphans its tag."""
    says = "تقول" if listening else "تذكر"  # another text: the same one would be a duplicate
    paragraphs = [f"الفقرة رقم {n} {says} إن الحكومة قررت أمراً جديداً." for n in range(n_tags)]
    article = make_article("\n\n".join(paragraphs), title="فقرات")
    tags = [_tag(article, paragraph, editor) for paragraph in paragraphs]
    if listening:
        make_webhook_endpoint(
            url="http://127.0.0.1:9/hook",
            events=[WebhookEndpoint.Event.TAG_UPDATED],
            allow_private_address=True,
        )
    new_body = "\n\n".join(["فقرة جديدة في الأعلى.", *paragraphs[:-1], "نص آخر تماماً هنا."])
    with CaptureQueriesContext(connection) as queries:
        revisions.apply_new_body(article, new_body, admin_user, "تحديث")
    return tags, len(queries.captured_queries)


def test_a_correction_tells_webhooks_of_every_moved_and_orphaned_tag(db, editor, admin_user):
    tags, _ = _correction_capturing_queries(20, admin_user, editor, listening=True)
    deliveries = {
        body["data"]["tag_id"]: body
        for body in (json.loads(row.body) for row in WebhookDelivery.objects.all())
    }
    assert set(deliveries) == {tag.pk for tag in tags}
    assert {body["event"] for body in deliveries.values()} == {"tag.updated"}
    # The jobs that send them exist, one per delivery.
    assert ProcrastinateJob.objects.filter(task_name__endswith="deliver_webhook").count() == 20
    moved = Tag.objects.get(pk=tags[0].pk)
    data = deliveries[moved.pk]["data"]
    assert data["action"] == "moved" and data["user"] == admin_user.username
    assert (data["tag"]["start"], data["tag"]["end"]) == (moved.start, moved.end)
    assert data["tag"]["body_version"] == 2 and "orphaned" not in data["tag"]
    orphan = Tag.all_layers.get(pk=tags[-1].pk)
    assert orphan.orphaned
    data = deliveries[orphan.pk]["data"]
    assert data["action"] == "orphaned" and data["tag"]["orphaned"] is True
    # Its offsets and text are the old ones, into the version they belong to.
    assert (data["tag"]["start"], data["tag"]["body_version"]) == (tags[-1].start, 1)


def test_webhooks_of_a_correction_cost_the_same_queries_for_2_or_20_tags(db, editor, admin_user):
    _, two = _correction_capturing_queries(2, admin_user, editor, listening=True)
    _, twenty = _correction_capturing_queries(20, admin_user, editor, listening=True)
    WebhookEndpoint.objects.all().delete()
    _, unheard = _correction_capturing_queries(20, admin_user, editor, listening=False)
    assert two == twenty
    # No endpoint listening: not one query more than the history itself; listening: the
    # deliveries' jobs, deferred together.
    assert twenty == unheard + 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_imported_file_on_version_1():
    from django.db.migrations.executor import MigrationExecutor

    before = [("articles", "0024_import_offers_to_update_a_similar_article")]
    after = [("articles", "0025_revisions_keep_the_file_they_came_from")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    article = old_apps.get_model("articles", "Article").objects.create(
        title="t", body=BODY, body_sha256="b" * 64, raw_text="الملف\n" + BODY,
        original_filename="old.txt", body_version=2,
    )  # fmt: skip
    revision = old_apps.get_model("articles", "ArticleRevision")
    revision.objects.create(
        article=article, number=1, body=BODY, kind="imported", created_at="2026-01-01T00:00Z"
    )
    revision.objects.create(
        article=article, number=2, body=BODY + ".", kind="update", created_at="2026-01-02T00:00Z"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    kept = ArticleRevision.objects.filter(article_id=article.pk).order_by("number")
    # The article's raw text was the imported file; the update's file was never kept.
    assert list(kept.values_list("filename", "raw_text")) == [
        ("old.txt", "الملف\n" + BODY),
        ("", ""),
    ]
