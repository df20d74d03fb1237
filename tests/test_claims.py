"""Claims across outlets (issue 9): similar passages from the database, claim groups, status.

The acceptance test: a claim in one sample finds its counterpart in another sample among
the top three similar passages (through the Passage table and its GIN index), and linking
them makes one group, shown on both reading pages and in the CSV export.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from articles import tagging
from articles.claims import linking, passage_index
from articles.forms import TagFilterForm
from articles.models import ClaimGroup, FeatureCount, Passage, Tag, TagEvent
from articles.search.tag_filter import filter_tags
from articles.templatetags.claims import evidence_links
from tests.conftest import SAMPLE_FILES, import_and_index, make_article, make_tag


@pytest.fixture
def samples(db):
    """The five sample articles, imported and indexed (their passages), by file prefix."""
    articles = import_and_index(SAMPLE_FILES)
    return {path.name[:3]: article for path, article in zip(SAMPLE_FILES, articles, strict=True)}


def claim_in(article, phrase: str, user) -> Tag:
    start = article.body.index(phrase)
    return tagging.create_tag(
        article=article, user=user, kind="claim", start=start, end=start + len(phrase)
    )


CASES = [
    # Article 51 of the UN Charter: Sada Elbalad (000) → FT (001)
    ("000", "بما يتماشى مع المادة 51 من ميثاق الأمم المتحدة", "001", "المادة 51 من ميثاق"),
    # First visit in 24 years: FT (001) → The Hill (002)
    ("001", "وهي الأولى له إلى بيونغ يانغ منذ 24 عامًا", "002", "الأولى إلى بيونغ يانغ منذ 24"),
    # Kirby: "a sign of Russian desperation" (000) → Blinken: "Moscow is desperate" (002)
    (
        "000",
        "إن الإتفاق يمثل علامة على يأس روسيا في الوقت الذي تحتاج فيه إلى مساعدة خارجية",
        "002",
        "في حالة يأس",
    ),
]


def test_import_fills_passages_and_counts(samples):
    assert Passage.objects.filter(article=samples["000"]).count() > 10
    total = FeatureCount.objects.get(hash=passage_index.TOTAL).df
    assert total == Passage.objects.count()
    passage = Passage.objects.filter(article=samples["001"]).first()
    body = samples["001"].body
    assert passage.features == passage_index.hashes(body[passage.start : passage.end])


def test_rebuild_gives_the_same_passages(samples):
    before = sorted(Passage.objects.values_list("article_id", "start", "end", "features"))
    counts = dict(FeatureCount.objects.values_list("hash", "df"))
    passage_index.rebuild()
    assert sorted(Passage.objects.values_list("article_id", "start", "end", "features")) == before
    assert dict(FeatureCount.objects.values_list("hash", "df")) == counts


@pytest.mark.parametrize(("source", "claim", "other", "counterpart"), CASES)
def test_a_claim_finds_its_counterpart_in_another_sample_among_the_top_three(
    samples, editor, source, claim, other, counterpart
):
    tag = claim_in(samples[source], claim, editor)
    found = passage_index.similar_passages(tag.exact, exclude_article=tag.article_id, limit=3)
    assert all(item.article_id != tag.article_id for item in found)
    hits = [item for item in found if item.article_id == samples[other].pk]
    assert any(counterpart in item.text for item in hits), [i.text for i in found]
    best = found[0]
    assert best.text == samples_body(best) and best.title


def samples_body(item) -> str:
    from articles.models import Article

    return Article.objects.get(pk=item.article_id).body[item.start : item.end]


def test_linking_makes_one_group_seen_from_both_articles_and_in_the_csv(
    samples, editor, client, reviewer
):
    source, claim_text, other, counterpart = CASES[0]
    tag = claim_in(samples[source], claim_text, editor)
    client.force_login(editor)
    panel = client.get(reverse("claim_panel", args=[tag.pk]), HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    [item] = [
        i
        for i in passage_index.similar_passages(tag.exact, exclude_article=tag.article_id, limit=3)
        if counterpart in i.text
    ]
    assert f'value="{item.passage_id}"' in panel.content.decode()

    response = client.post(
        reverse("link_claim", args=[tag.pk]),
        {"passage": item.passage_id, "label": "المادة 51 من ميثاق الأمم المتحدة"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200, response.content.decode()[:500]

    group = ClaimGroup.objects.get()
    assert group.label == "المادة 51 من ميثاق الأمم المتحدة"
    tag.refresh_from_db()
    new = Tag.objects.get(article=samples[other], kind="claim")
    assert tag.claim_group == new.claim_group == group
    assert (new.start, new.end) == (item.start, item.end)
    assert new.created_by == editor
    # Made through the tagging path, already in the group: one "created" event.
    [event] = TagEvent.objects.filter(tag_id=new.pk)
    assert event.action == "created" and event.after["claim_group_id"] == group.pk

    group_url = reverse("claim_group", args=[group.pk])
    for article in (samples[source], samples[other]):
        page = client.get(article.get_absolute_url()).content.decode()
        assert f'href="{group_url}"' in page

    page = client.get(group_url).content.decode()
    assert "المادة 51 من ميثاق الأمم المتحدة" in page
    assert samples[source].get_absolute_url() in page and samples[other].get_absolute_url() in page

    client.force_login(reviewer)
    csv_text = client.get(reverse("download_tags"), {"format": "csv-plain"})
    rows = list(csv.DictReader(io.StringIO(b"".join(csv_text.streaming_content).decode())))
    linked = {row["tag_id"]: row for row in rows if row["claim_group_id"]}
    assert set(linked) == {str(tag.pk), str(new.pk)}
    assert {row["claim_group_label"] for row in linked.values()} == {group.label}
    assert {row["claim_group_id"] for row in linked.values()} == {str(group.pk)}


def test_linking_an_already_tagged_passage_reuses_its_claim(samples, editor):
    source, claim_text, other, counterpart = CASES[0]
    tag = claim_in(samples[source], claim_text, editor)
    there = claim_in(samples[other], counterpart, editor)
    item = next(
        i
        for i in passage_index.similar_passages(tag.exact, exclude_article=tag.article_id)
        if i.article_id == samples[other].pk and counterpart in i.text
    )
    assert item.claim == there
    linked = linking.link_passage(
        claim=tag, passage=Passage.objects.get(pk=item.passage_id), user=editor
    )
    assert linked.pk == there.pk
    assert Tag.objects.filter(article=samples[other], kind="claim").count() == 1
    group = ClaimGroup.objects.get()
    assert group.label  # the default, from the passage
    assert set(group.claims.values_list("pk", flat=True)) == {tag.pk, there.pk}


def test_linking_into_a_passage_of_another_group_merges_the_groups(samples, editor):
    a = claim_in(samples["000"], CASES[0][1], editor)
    b = claim_in(samples["001"], CASES[0][3], editor)
    c = claim_in(samples["002"], "الأولى إلى بيونغ يانغ منذ 24", editor)
    first = ClaimGroup.objects.create(label="أ", created_by=editor)
    second = ClaimGroup.objects.create(label="ب", created_by=editor)
    tagging.set_claim_group(tag=a, group=first, user=editor)
    tagging.set_claim_group(tag=c, group=second, user=editor)
    passage = Passage.objects.get(article=c.article, start__lte=c.start, end__gte=c.end)
    linking.link_passage(claim=a, passage=passage, user=editor)
    assert not ClaimGroup.objects.filter(pk=second.pk).exists()
    assert set(first.claims.values_list("pk", flat=True)) == {a.pk, c.pk}
    b.refresh_from_db()
    assert b.claim_group is None


# --- Claim status: claims only, validated, edited with optimistic locking. ---


def test_a_new_claim_starts_unverified_and_other_kinds_stay_empty(db, editor):
    article = make_article("نص فيه ادعاء واقتباس وخلفية.")
    claim = tagging.create_tag(article=article, user=editor, kind="claim", start=0, end=2)
    quote = tagging.create_tag(article=article, user=editor, kind="quote", start=3, end=8)
    assert claim.verification == "unverified"
    assert (quote.verification, quote.check_worthy, quote.evidence) == ("", "", "")


def test_status_fields_on_a_non_claim_are_refused(db, editor):
    article = make_article("نص فيه اقتباس.")
    with pytest.raises(ValidationError):
        make_tag(article, 0, 2, user=editor, kind="quote", verification="false")
    with pytest.raises(ValidationError):
        make_tag(article, 0, 2, user=editor, kind="background", evidence="http://x")
    # And by the database, whatever the path.
    quote = make_tag(article, 0, 2, user=editor, kind="quote")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.filter(pk=quote.pk).update(check_worthy="yes")
    claim = make_tag(article, 0, 2, user=editor, kind="claim")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.filter(pk=claim.pk).update(verification="maybe")


def test_status_edit_uses_the_version_and_turning_a_claim_into_a_quote_drops_it(db, editor):
    article = make_article("نص فيه ادعاء.")
    claim = tagging.create_tag(article=article, user=editor, kind="claim", start=0, end=2)
    saved = tagging.update_tag(
        tag=claim,
        version=1,
        user=editor,
        kind="claim",
        note="",
        speaker="",
        claim={"check_worthy": "yes", "verification": "false", "evidence": "مصدر"},
    )
    assert (saved.check_worthy, saved.verification, saved.evidence) == ("yes", "false", "مصدر")
    assert saved.version == 2
    with pytest.raises(tagging.StaleTag):
        tagging.update_tag(
            tag=claim, version=1, user=editor, kind="claim", note="", speaker="", claim={}
        )
    group = ClaimGroup.objects.create(label="م", created_by=editor)
    saved = tagging.set_claim_group(tag=saved, group=group, user=editor)
    quote = tagging.update_tag(tag=saved, version=2, user=editor, kind="quote", note="", speaker="")
    assert (quote.check_worthy, quote.verification, quote.evidence) == ("", "", "")
    assert quote.claim_group is None
    # The history keeps what was dropped, and a restore brings it back.
    event = TagEvent.objects.filter(tag_id=claim.pk, action="edited").order_by("id").last()
    assert event.before["verification"] == "false"
    assert event.before["claim_group_id"] == group.pk


def test_status_form_through_the_view(db, editor, client):
    article = make_article("نص فيه ادعاء.")
    claim = tagging.create_tag(article=article, user=editor, kind="claim", start=0, end=2)
    client.force_login(editor)
    url = reverse("claim_status", args=[claim.pk])
    data = {"check_worthy": "yes", "verification": "misleading", "evidence": "x", "version": 1}
    assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 200
    claim.refresh_from_db()
    assert claim.verification == "misleading"
    # The same form again, from the old version: a conflict, nothing saved.
    data["verification"] = "true"
    assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 409
    claim.refresh_from_db()
    assert claim.verification == "misleading"
    # A status outside the allow-list.
    data.update(verification="maybe", version=claim.version)
    assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 422


def test_the_claim_urls_refuse_non_claims(db, editor, client):
    article = make_article("نص فيه اقتباس.")
    quote = tagging.create_tag(article=article, user=editor, kind="quote", start=0, end=2)
    client.force_login(editor)
    assert client.get(reverse("claim_panel", args=[quote.pk])).status_code == 404
    data = {"verification": "true", "version": 1}
    assert client.post(reverse("claim_status", args=[quote.pk]), data).status_code == 404


# --- Permissions beyond the matrix: who may link, who may set a status. ---


def test_a_reviewer_sees_the_panel_but_cannot_link_or_set_a_status(
    samples, editor, client, reviewer
):
    tag = claim_in(samples["000"], CASES[0][1], editor)
    passage = Passage.objects.filter(article=samples["001"]).first()
    client.force_login(reviewer)
    panel = client.get(reverse("claim_panel", args=[tag.pk]), HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    html = panel.content.decode()
    assert 'name="passage"' not in html and "claim-status-form" not in html
    link = client.post(reverse("link_claim", args=[tag.pk]), {"passage": passage.pk})
    assert link.status_code == 403
    status = client.post(
        reverse("claim_status", args=[tag.pk]), {"verification": "true", "version": 1}
    )
    assert status.status_code == 403
    group = ClaimGroup.objects.create(label="م", created_by=editor)
    rename = client.post(reverse("rename_claim_group", args=[group.pk]), {"label": "x"})
    assert rename.status_code == 403
    assert not Tag.objects.filter(article=samples["001"]).exists()
    assert ClaimGroup.objects.get().label == "م"


def test_an_editor_cannot_link_a_passage_of_the_same_article(samples, editor, client):
    tag = claim_in(samples["000"], CASES[0][1], editor)
    own = Passage.objects.filter(article=samples["000"]).first()
    client.force_login(editor)
    response = client.post(
        reverse("link_claim", args=[tag.pk]), {"passage": own.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert not ClaimGroup.objects.exists()
    missing = client.post(
        reverse("link_claim", args=[tag.pk]), {"passage": 10**9}, HTTP_HX_REQUEST="true"
    )
    assert missing.status_code == 422


def test_an_editor_renames_a_group_inline(db, editor, client):
    group = ClaimGroup.objects.create(label="قديم", created_by=editor)
    client.force_login(editor)
    url = reverse("rename_claim_group", args=[group.pk])
    response = client.post(url, {"label": "  عنوان   جديد "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    group.refresh_from_db()
    assert group.label == "عنوان جديد"
    assert client.post(url, {"label": "   "}, HTTP_HX_REQUEST="true").status_code == 422


# --- Escaping: labels and evidence are user text. ---

NASTY = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'"


def test_labels_and_evidence_are_escaped(db, editor, client):
    article = make_article("نص فيه ادعاء واضح.")
    claim = tagging.create_tag(article=article, user=editor, kind="claim", start=0, end=2)
    group = ClaimGroup.objects.create(label=NASTY, created_by=editor)
    tagging.set_claim_group(tag=claim, group=group, user=editor)
    tagging.update_tag(
        tag=claim,
        version=1,
        user=editor,
        kind="claim",
        note="",
        speaker="",
        claim={"evidence": NASTY + " javascript:alert(3) https://example.org/a?b=1&c=<x>"},
    )
    client.force_login(editor)
    pages = [
        client.get(reverse("claim_group", args=[group.pk])),
        client.get(reverse("claim_groups")),
        client.get(reverse("claim_panel", args=[claim.pk]), HTTP_HX_REQUEST="true"),
    ]
    for response in pages:
        html = response.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert 'href="javascript:' not in html


def test_evidence_links_only_http_and_without_referrer():
    html = str(evidence_links("انظر https://example.org/x?a=1&b=2. و javascript:alert(1) <b>"))
    assert '<a href="https://example.org/x?a=1&amp;b=2" rel="noopener noreferrer nofollow"' in html
    assert "javascript:alert(1) &lt;b&gt;" in html
    assert html.count("<a ") == 1
    assert str(evidence_links('http://a.b/"onmouseover=x')).count('"onmouseover') == 0


# --- Filters: allow-listed claim status and group in the tag filter and the tag list. ---


@pytest.fixture
def statuses(db, editor):
    article = make_article("ادعاء أول. ادعاء ثان. اقتباس هنا.")
    group = ClaimGroup.objects.create(label="م", created_by=editor)
    first = make_tag(article, 0, 9, user=editor, check_worthy="yes", verification="false")
    first.claim_group = group
    first.save()
    second = make_tag(article, 10, 19, user=editor)
    quote = make_tag(article, 20, 26, user=editor, kind="quote")
    return first, second, quote, group


def test_tag_filter_form_filters_claim_status_and_group(statuses):
    first, second, quote, group = statuses

    def ids(data):
        form = TagFilterForm(data)
        assert form.is_valid(), form.errors
        return set(filter_tags(Tag.objects.all(), form.cleaned_data).values_list("pk", flat=True))

    assert ids({"verification": ["false"]}) == {first.pk}
    assert ids({"verification": ["unverified"]}) == {second.pk}
    assert ids({"check_worthy": ["yes"]}) == {first.pk}
    assert ids({"check_worthy": ["unset"]}) == {second.pk}
    assert ids({"claim_group": [str(group.pk)]}) == {first.pk}
    assert not TagFilterForm({"verification": ["maybe"]}).is_valid()
    assert not TagFilterForm({"check_worthy": ["1 OR 1=1"]}).is_valid()
    assert not TagFilterForm({"claim_group": ["x"]}).is_valid()


def test_tag_list_filters_claim_status_and_group(statuses, client, reviewer):
    first, second, quote, group = statuses
    client.force_login(reviewer)

    def shown(params):
        html = client.get(reverse("tag_list"), params).content.decode()
        return {t.pk for t in (first, second, quote) if f"#tag-{t.pk}" in html}

    assert shown({}) == {first.pk, second.pk, quote.pk}
    assert shown({"verification": "false"}) == {first.pk}
    assert shown({"check_worthy": "unset"}) == {second.pk}
    assert shown({"claim_group": group.pk}) == {first.pk}
    assert shown({"verification": "nonsense"}) == {first.pk, second.pk, quote.pk}


# --- Exports: the claim columns in every format. ---


def test_every_export_format_carries_claim_status_and_group(statuses, client, reviewer):
    import json
    import zipfile

    first, second, quote, group = statuses
    ClaimGroup.objects.filter(pk=group.pk).update(label="=HYPERLINK(1) مجموعة")
    Tag.objects.filter(pk=first.pk).update(evidence="-مصدر https://example.org")
    client.force_login(reviewer)
    url = reverse("download_tags")

    def body(fmt):
        return b"".join(client.get(url, {"format": fmt}).streaming_content)

    rows = {r["tag_id"]: r for r in csv.DictReader(io.StringIO(body("csv-plain").decode()))}
    assert rows[str(first.pk)]["claim_group_id"] == str(group.pk)
    assert rows[str(first.pk)]["claim_group_label"] == "'=HYPERLINK(1) مجموعة"  # neutralised
    assert rows[str(first.pk)]["evidence"] == "'-مصدر https://example.org"
    assert (rows[str(first.pk)]["verification"], rows[str(first.pk)]["check_worthy"]) == (
        "false",
        "yes",
    )
    assert rows[str(second.pk)]["verification"] == "unverified"
    assert rows[str(quote.pk)]["verification"] == rows[str(quote.pk)]["claim_group_id"] == ""

    lines = {r["tag_id"]: r for r in map(json.loads, body("jsonl").decode().splitlines())}
    assert lines[first.pk]["claim_group_id"] == group.pk
    assert lines[first.pk]["claim_group_label"] == "=HYPERLINK(1) مجموعة"  # exact in JSON
    assert lines[quote.pk]["claim_group_id"] is None

    items = json.loads(body("jsonld"))["first"]["items"]
    annotated = next(i for i in items if i["id"].endswith(f"#tag-{first.pk}"))
    linking = [b for b in annotated["body"] if b["purpose"] == "linking"]
    assert linking == [
        {
            "id": f"http://testserver/claims/{group.pk}/",
            "type": "TextualBody",
            "purpose": "linking",
            "value": "=HYPERLINK(1) مجموعة",
        }
    ]
    assert {"type": "TextualBody", "purpose": "assessing", "value": "verification: false; "
            "check-worthy: yes"} in annotated["body"]  # fmt: skip

    with zipfile.ZipFile(io.BytesIO(body("xlsx"))) as xlsx:
        sheet = xlsx.read("xl/worksheets/sheet1.xml").decode()
    assert "claim_group_label" in sheet and "=HYPERLINK(1) مجموعة" in sheet
    assert "None" not in sheet


def test_the_history_shows_group_and_status_changes(db, editor, client):
    article = make_article("نص فيه ادعاء.")
    claim = tagging.create_tag(article=article, user=editor, kind="claim", start=0, end=2)
    group = ClaimGroup.objects.create(label="م", created_by=editor)
    tagging.set_claim_group(tag=claim, group=group, user=editor)
    client.force_login(editor)
    html = client.get(reverse("tag_history", args=[claim.pk])).content.decode()
    assert f"مجموعة الادعاء #{group.pk}" in html
    assert "لم يُتحقق منه" in html


@pytest.mark.django_db(transaction=True)
def test_the_migration_indexes_articles_imported_before_it():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.conftest import sample_text

    before, after = [("articles", "0009_quote_suggestions")], [("articles", "0010_claims")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldArticle = old_apps.get_model("articles", "Article")
    OldTag = old_apps.get_model("articles", "Tag")
    article = OldArticle.objects.create(title="t", body=sample_text(1), body_sha256="a" * 64)
    user = old_apps.get_model("auth", "User").objects.create(username="old-editor")
    OldTag.objects.create(
        article=article, kind="claim", start=0, end=4, exact=sample_text(1)[:4],
        created_by=user, updated_by=user,
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    # Then every later migration: the models below (and later tests in this process)
    # need today's schema.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Passage.objects.filter(article_id=article.pk).count() > 10
    assert FeatureCount.objects.get(hash=passage_index.TOTAL).df == Passage.objects.count()
    assert Tag.objects.get(article_id=article.pk).verification == "unverified"
