"""Working as a team: blind layers, assignments, agreement, adjudication."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import tagging
from articles.models import (
    Adjudication,
    AdjudicationDecision,
    Assignment,
    Guideline,
    Tag,
    WorkItem,
)
from articles.roles import ADMINS, EDITORS, REVIEWERS
from articles.team import adjudicating, guidelines
from articles.team.distribution import distribute
from tests.conftest import make_article, make_user
from tests.test_api import token_client

# Each editor writes a word no other layer holds, so a leak shows as that word on a page.
BODY = "قال الوزير إن الحكومة ستخفض الضرائب. وأضاف أن الميزانية متوازنة."


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def team(db):
    admin = make_user("team-admin", ADMINS)
    first = make_user("first", EDITORS)
    second = make_user("second", EDITORS)
    reviewer = make_user("checker", REVIEWERS)
    article = make_article(BODY, title="مقال التكليف")
    assignment = Assignment.objects.create(
        name="تجربة", mode="independent", editors_per_article=2, created_by=admin
    )
    for editor in (first, second):
        WorkItem.objects.create(assignment=assignment, article=article, editor=editor)
    return {
        "admin": admin,
        "first": first,
        "second": second,
        "reviewer": reviewer,
        "article": article,
        "assignment": assignment,
    }


def _decision(assignment, article, choice: str, index: int = 0) -> dict[str, str]:
    """The form a button of the adjudication page posts, for its `index`-th open item."""
    board = adjudicating.board(assignment, article)
    assert board is not None
    item = board.items[index]
    return {"item": item.token, "state": item.state, "choice": choice}


def _tag(client: Client, article, start: int, end: int, kind: str = "claim"):
    data = {"kind": kind, "start": start, "end": end, "exact": article.body[start:end]}
    return client.post(reverse("tag_passage", args=[article.pk]), data)


def test_distribution_is_balanced_and_pairs_rotate():
    plan = distribute(list(range(6)), [1, 2, 3], 2)
    loads = [sum(editor in group for group in plan.values()) for editor in (1, 2, 3)]
    assert loads == [4, 4, 4]
    # Three possible pairs over six articles: each pair meets twice, none always.
    assert sorted(plan.values()).count((1, 2)) == 2
    assert len(set(plan.values())) == 3


def test_an_editor_tags_into_their_own_layer(team):
    article = team["article"]
    start = BODY.index("الحكومة")
    assert _tag(_client(team["first"]), article, start, start + len("الحكومة")).status_code == 302
    tag = Tag.all_layers.get()
    assert tag.annotator == team["first"]
    assert not Tag.objects.exists()  # the final layer stays empty


def test_an_editor_never_sees_another_editors_layer(team):
    article = team["article"]
    start = BODY.index("الضرائب")
    secret = "الضرائب"
    tagging.create_tag(
        article=article,
        user=team["first"],
        kind="quote",
        start=start,
        end=start + len(secret),
        speaker="متحدث سري",
        note="ملاحظة سرية",
        annotator_id=team["first"].pk,
    )
    layer_tag = Tag.all_layers.get()
    second = _client(team["second"])
    outsider = _client(make_user("outsider", EDITORS))
    pages = [
        reverse("read_article", args=[article.pk]),
        reverse("tag_list") + "?q=" + secret,
        reverse("tag_list"),
        reverse("speaker_list"),
        reverse("claim_groups"),
        reverse("overview"),
        reverse("tag_history", args=[layer_tag.pk]),
    ]
    for client in (second, outsider):
        for url in pages:
            body = client.get(url).content.decode()
            assert "متحدث سري" not in body and "ملاحظة سرية" not in body, url
        panel = client.get(reverse("tag_panel", args=[article.pk]), HTTP_HX_REQUEST="true")
        assert "ملاحظة سرية" not in panel.content.decode()
        assert client.get(reverse("edit_tag", args=[layer_tag.pk])).status_code == 404
        assert (
            client.post(reverse("delete_tag", args=[layer_tag.pk]), {"version": 1}).status_code
            == 404
        )
    exporter = _client(team["reviewer"])
    export = exporter.get(reverse("download_tags") + "?format=csv")
    assert "متحدث سري" not in b"".join(export.streaming_content).decode()
    # The reading page of its own editor shows it.
    own = _client(team["first"]).get(reverse("read_article", args=[article.pk]))
    assert "ملاحظة سرية" in own.content.decode()


def test_the_api_never_shows_another_editors_layer_and_writes_to_the_callers(team):
    article = team["article"]
    start = BODY.index("الضرائب")
    end = start + len("الضرائب")
    layer_tag = tagging.create_tag(
        article=article, user=team["first"], kind="quote", start=start, end=end,
        speaker="متحدث سري", note="ملاحظة سرية", annotator_id=team["first"].pk,
    )  # fmt: skip
    for user in (team["second"], make_user("api-outsider", EDITORS)):
        api = token_client(user)
        for url in (
            reverse("api:article_detail", args=[article.pk]),
            reverse("api:tag_list"),
            reverse("api:tag_list") + "?q=الضرائب",
            reverse("api:speaker_list"),
            reverse("api:claim_list"),
        ):
            body = api.get(url).content.decode()
            assert "ملاحظة سرية" not in body and "متحدث سري" not in body, url
        assert api.get(reverse("api:tag_detail", args=[layer_tag.pk])).status_code == 404
        assert api.get(reverse("api:tag_history", args=[layer_tag.pk])).status_code == 404
        edit = {"version": 1, "note": "تغيير"}
        patched = api.patch(
            reverse("api:tag_update", args=[layer_tag.pk]), edit, content_type="application/json"
        )
        assert patched.status_code == 404
        url = reverse("api:tag_delete", args=[layer_tag.pk]) + "?version=1"
        assert api.delete(url).status_code == 404
    assert Tag.all_layers.get(pk=layer_tag.pk).note == "ملاحظة سرية"
    # The second editor, tagging blind too, tags the same passage through the API: it goes
    # to their own layer (a duplicate is refused per layer, not across layers).
    second = token_client(team["second"])
    payload = {"article": article.pk, "kind": "quote", "start": start, "end": end}
    payload["exact"] = article.body[start:end]
    created = second.post(reverse("api:tag_create"), payload, content_type="application/json")
    assert created.status_code == 201, created.content
    assert Tag.all_layers.get(pk=created.json()["id"]).annotator == team["second"]
    assert not Tag.objects.exists()
    again = second.post(reverse("api:tag_create"), payload, content_type="application/json")
    assert again.status_code == 422
    # Their own layer is theirs to read and change through the API, the other's is not.
    mine = second.get(reverse("api:article_detail", args=[article.pk])).json()["tags"]
    assert [tag["id"] for tag in mine] == [created.json()["id"]]
    changed = second.patch(
        reverse("api:tag_update", args=[created.json()["id"]]),
        {"version": 1, "note": "ملاحظتي"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    # An editor tagging blind may not change the final layer through the API either.
    final = tagging.create_tag(article=article, user=team["admin"], kind="claim", start=0, end=3)
    url = reverse("api:tag_delete", args=[final.pk]) + "?version=1"
    assert second.delete(url).status_code == 403
    assert Tag.objects.filter(pk=final.pk).exists()
    # An adjudicating reviewer reads the layers.
    reviewer = token_client(team["reviewer"])
    assert reviewer.get(reverse("api:tag_detail", args=[layer_tag.pk])).status_code == 200


def test_two_blind_editors_may_tag_the_same_passage(team):
    article = team["article"]
    start = BODY.index("الحكومة")
    end = start + len("الحكومة")
    for editor in (team["first"], team["second"]):
        assert _tag(_client(editor), article, start, end).status_code == 302
    assert Tag.all_layers.filter(start=start, end=end).count() == 2
    # A second time in one's own layer is still refused.
    assert _tag(_client(team["first"]), article, start, end).status_code == 422
    assert Tag.all_layers.filter(start=start, end=end).count() == 2


def test_a_reviewer_switches_layers(team):
    article = team["article"]
    tagging.create_tag(
        article=article, user=team["first"], kind="claim", start=0, end=3,
        note="طبقة الأول", annotator_id=team["first"].pk,
    )  # fmt: skip
    reviewer = _client(team["reviewer"])
    url = reverse("read_article", args=[article.pk])
    assert "طبقة الأول" not in reviewer.get(url).content.decode()
    assert "طبقة الأول" in reviewer.get(f"{url}?layer={team['first'].pk}").content.decode()
    # An editor asking for another layer gets their own.
    second = _client(team["second"])
    assert "طبقة الأول" not in second.get(f"{url}?layer={team['first'].pk}").content.decode()


def test_admin_creates_a_balanced_independent_assignment(team):
    other = make_article("نص ثان للتكليف.")
    admin = _client(team["admin"])
    data = {
        "name": "تكليف جديد",
        "mode": "independent",
        "editors_per_article": 2,
        "articles": f"{team['article'].pk}, {other.pk}",
        "editors": [team["first"].pk, team["second"].pk],
    }
    response = admin.post(reverse("assignment_list"), data)
    assert response.status_code == 302
    made = Assignment.objects.get(name="تكليف جديد")
    assert made.items.filter(editor=team["first"]).count() == 2
    assert made.items.filter(editor=team["second"]).count() == 2
    bad = admin.post(reverse("assignment_list"), {**data, "editors_per_article": 1})
    assert bad.status_code == 422
    assert "الوسم المستقل يحتاج محررَين لكل مقال." in bad.content.decode()


def test_my_work_marks_done_and_reopens_until_adjudicated(team):
    first = _client(team["first"])
    item = WorkItem.objects.get(editor=team["first"])
    assert "للعمل" in first.get(reverse("my_work")).content.decode()
    assert first.post(reverse("mark_done", args=[item.pk])).status_code == 302
    item.refresh_from_db()
    assert item.done_at is not None
    # Not someone else's item.
    second_item = WorkItem.objects.get(editor=team["second"])
    assert first.post(reverse("mark_done", args=[second_item.pk])).status_code == 404
    first.post(reverse("reopen_item", args=[item.pk]))
    item.refresh_from_db()
    assert item.done_at is None
    Adjudication.objects.create(
        assignment=team["assignment"], article=team["article"], adjudicated_by=team["reviewer"]
    )
    assert first.post(reverse("reopen_item", args=[item.pk])).status_code == 409


def test_agreement_and_adjudication_end_to_end(team):
    article = team["article"]
    first, second = team["first"], team["second"]
    gov = BODY.index("الحكومة")
    budget = BODY.index("الميزانية")
    # A: «الحكومة» claim and «الميزانية متوازنة» claim.
    # B: «إن الحكومة» claim (a boundary-only difference) and nothing on the budget.
    for user, start, end in (
        (first, gov, gov + len("الحكومة")),
        (first, budget, budget + len("الميزانية متوازنة")),
        (second, gov - 3, gov + len("الحكومة")),
    ):
        tagging.create_tag(
            article=article, user=user, kind="claim", start=start, end=end, annotator_id=user.pk
        )
    reviewer = _client(team["reviewer"])
    page = reviewer.get(reverse("agreement", args=[team["assignment"].pk])).content.decode()
    # Exact: 0 matched, 2 only A, 1 only B → F1 0. Overlap: «الحكومة» (7) is inside
    # «إن الحكومة» (10), shared 7 ≥ half of each → 1 matched: F1 = 2·1/(2·1+1+0) = 0.667.
    # Arabic-tolerant: «إن الحكومة» keeps «إن» (a word, not a proclitic) → no match, 0.
    assert "0.667" in page
    response = reviewer.get(reverse("agreement_csv", args=[team["assignment"].pk]))
    csv_text = b"".join(response.streaming_content).decode()
    assert csv_text.splitlines()[1].startswith("all,all,1,0.000,0.667,0.000")
    url = reverse("adjudicate_article", args=[team["assignment"].pk, article.pk])
    listing = reviewer.get(url).content.decode()
    # The boundary-only disagreement comes first.
    assert listing.index("خلاف حدود") < listing.index("عند محرر واحد")
    assignment = team["assignment"]
    assert reviewer.post(url, _decision(assignment, article, "1")).status_code == 302
    assert reviewer.post(url, _decision(assignment, article, "neither")).status_code == 302
    final = list(Tag.objects.values_list("start", "end"))
    assert final == [(gov, gov + len("الحكومة"))]
    decisions = list(AdjudicationDecision.objects.order_by("id").values_list("choice", "agreed_by"))
    assert decisions == [("take", ["first"]), ("neither", ["first"])]


def test_guidelines_are_versioned_and_rendered_safely(team):
    admin = _client(team["admin"])
    url = reverse("guideline_page", args=["claim"])
    body = (
        "## الادعاء\n\nقول يمكن التحقق منه. <script>alert(1)</script> [رابط](javascript:alert(1))"
    )
    assert admin.post(url, {"body": body}).status_code == 302
    assert admin.post(url, {"body": "نسخة ثانية **مهمة**"}).status_code == 302
    editor = _client(team["first"])
    page = editor.get(url).content.decode()
    assert "<strong>مهمة</strong>" in page and "النسخة 2" in page
    old = editor.get(url + "?version=1").content.decode()
    assert "<h2>الادعاء</h2>" in old
    assert "<script>alert(1)</script>" not in old and "javascript:" not in old
    assert editor.post(url, {"body": "تخريب"}).status_code == 403
    assert editor.get(reverse("guideline_page", args=["nonsense"])).status_code == 404
    assert editor.get(url + "?version=9").status_code == 404
    assert admin.post(url, {"body": ""}).status_code == 422
    agreement = _client(team["reviewer"]).get(reverse("agreement", args=[team["assignment"].pk]))
    assert "claim v2" in agreement.content.decode()


def test_the_overview_shows_assignment_progress(team):
    WorkItem.objects.filter(editor=team["first"]).update(done_at="2026-01-01T00:00Z")
    page = _client(team["second"]).get(reverse("overview")).content.decode()
    assert "تجربة" in page and "<bdi>1/2</bdi>" in page


def test_articles_by_filter_and_distribution_by_hand(team):
    other = make_article("خبر عن الحديقة الجديدة.", title="الحديقة")
    admin = _client(team["admin"])
    data = {
        "name": "باليد",
        "mode": "independent",
        "editors_per_article": 2,
        "article_filter": "/articles/?q=الحديقة",
        "editors": [team["first"].pk, team["second"].pk, team["admin"].pk],
        "plan": f"{team['article'].pk}: first، team-admin",
    }
    assert admin.post(reverse("assignment_list"), data).status_code == 302
    made = Assignment.objects.get(name="باليد")
    by_article = {
        article: sorted(
            made.items.filter(article=article).values_list("editor__username", flat=True)
        )
        for article in (team["article"], other)
    }
    assert by_article[team["article"]] == ["first", "team-admin"]
    assert len(by_article[other]) == 2  # found by the filter, distributed automatically
    bad = admin.post(reverse("assignment_list"), {**data, "name": "خطأ", "plan": "12: nobody"})
    assert bad.status_code == 422
    assert "السطر 1" in bad.content.decode()
    assert not Assignment.objects.filter(name="خطأ").exists()


def test_an_assignment_can_accept_adjudicated_tags_at_once(team):
    Assignment.objects.filter(pk=team["assignment"].pk).update(accept_adjudicated=True)
    article = team["article"]
    tagging.create_tag(
        article=article, user=team["first"], kind="claim", start=0, end=3,
        annotator_id=team["first"].pk,
    )  # fmt: skip
    url = reverse("adjudicate_article", args=[team["assignment"].pk, article.pk])
    data = _decision(team["assignment"], article, "1")
    assert _client(team["reviewer"]).post(url, data).status_code == 302
    final = Tag.objects.get()
    assert final.review_state == "accepted" and final.reviewed_by == team["reviewer"]


def test_live_updates_do_not_tell_of_another_editors_layer(team):
    article = team["article"]
    tagging.create_tag(
        article=article, user=team["first"], kind="quote", start=0, end=3,
        note="طبقة سرية", annotator_id=team["first"].pk,
    )  # fmt: skip
    url = reverse("article_changes", args=[article.pk]) + "?since=0-0"
    for user in (team["second"], make_user("bystander", EDITORS)):
        response = _client(user).get(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        body = response.content.decode()
        assert "first" not in body and "طبقة سرية" not in body
    # A change in the final layer is still told.
    tagging.create_tag(
        article=make_article("نص آخر."), user=team["first"], kind="claim", start=0, end=2
    )
    other = Tag.objects.get()
    url = reverse("article_changes", args=[other.article_id]) + "?since=0-0"
    assert "first" in _client(team["second"]).get(url, HTTP_HX_REQUEST="true").content.decode()


def test_take_both_keeps_a_span_the_final_layer_holds_once(team):
    article = team["article"]
    gov = BODY.index("الحكومة")
    end = gov + len("الحكومة")
    # A and B cut the same claim differently; the final layer already holds A's cut.
    tagging.create_tag(
        article=article, user=team["first"], kind="claim", start=gov, end=end,
        annotator_id=team["first"].pk,
    )  # fmt: skip
    tagging.create_tag(
        article=article, user=team["second"], kind="claim", start=gov - 3, end=end,
        annotator_id=team["second"].pk,
    )  # fmt: skip
    tagging.create_tag(article=article, user=team["reviewer"], kind="claim", start=gov, end=end)
    reviewer = _client(team["reviewer"])
    url = reverse("adjudicate_article", args=[team["assignment"].pk, article.pk])
    data = _decision(team["assignment"], article, "all")
    response = reviewer.post(url, data, follow=True)
    assert response.status_code == 200
    assert "في الطبقة النهائية من قبل" in response.content.decode()
    final = sorted(Tag.objects.filter(article=article).values_list("start", "end"))
    assert final == [(gov - 3, end), (gov, end)]
    assert AdjudicationDecision.objects.get().agreed_by == ["first", "second"]


def test_agreement_names_the_guideline_version_in_force_when_work_was_done(team):
    guidelines.save_version(kind="claim", body="أولى", user=team["admin"])
    done = timezone.now()
    WorkItem.objects.filter(assignment=team["assignment"]).update(done_at=done)
    later = guidelines.save_version(kind="claim", body="ثانية", user=team["admin"])
    Guideline.objects.filter(pk=later.pk).update(created_at=done + timedelta(minutes=5))
    reviewer = _client(team["reviewer"])
    page = reviewer.get(reverse("agreement", args=[team["assignment"].pk])).content.decode()
    assert "claim v1<" in page and "claim v2" not in page
    response = reviewer.get(reverse("agreement_csv", args=[team["assignment"].pk]))
    csv_text = b"".join(response.streaming_content).decode()
    assert "claim:v1" in csv_text and "v2" not in csv_text
    # One editor reopens and finishes after the new version: both versions are named.
    first_item = WorkItem.objects.get(assignment=team["assignment"], editor=team["first"])
    WorkItem.objects.filter(pk=first_item.pk).update(done_at=done + timedelta(minutes=10))
    page = reviewer.get(reverse("agreement", args=[team["assignment"].pk])).content.decode()
    assert "claim v1, v2" in page


def test_the_reading_page_query_count_does_not_grow_with_layers(team):
    article = team["article"]
    url = reverse("read_article", args=[article.pk])
    reviewer, first = _client(team["reviewer"]), _client(team["first"])

    def counts() -> tuple[int, int, int]:
        result = []
        first_layer = f"{url}?layer={team['first'].pk}"
        for client, address in ((reviewer, url), (reviewer, first_layer), (first, url)):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(address).status_code == 200
            result.append(len(queries))
        return result[0], result[1], result[2]

    counts()  # the first request of a session fills per-process caches
    before = counts()
    third = make_user("third", EDITORS)
    WorkItem.objects.create(assignment=team["assignment"], article=article, editor=third)
    for editor in (team["first"], team["second"], third):
        for start in range(0, 30, 3):
            tagging.create_tag(
                article=article, user=editor, kind="claim", start=start, end=start + 2,
                annotator_id=editor.pk,
            )  # fmt: skip
    assert counts() == before


def _three_layers(team):
    """A third editor joins the article; each editor's claims on it, by word."""
    third = make_user("third", EDITORS)
    WorkItem.objects.create(assignment=team["assignment"], article=team["article"], editor=third)
    gov, tax = BODY.index("الحكومة"), BODY.index("الضرائب")
    budget = BODY.index("الميزانية")
    spans = {
        # All three on «الحكومة»; first and second agree, third cuts it with «إن».
        team["first"]: [(gov, gov + len("الحكومة"))],
        team["second"]: [(gov, gov + len("الحكومة"))],
        third: [(gov - 3, gov + len("الحكومة")), (budget, budget + len("الميزانية"))],
    }
    spans[team["first"]].append((tax, tax + len("الضرائب")))
    for editor, editor_spans in spans.items():
        for start, end in editor_spans:
            tagging.create_tag(
                article=team["article"], user=editor, kind="claim", start=start, end=end,
                annotator_id=editor.pk,
            )  # fmt: skip
    return third


def test_adjudication_shows_and_takes_every_editors_layer(team):
    """Three editors: the third's spans are items and candidates like the others' (only
    two layers were read before, and the third editor's work was never shown)."""
    article, assignment = team["article"], team["assignment"]
    _three_layers(team)
    board = adjudicating.board(assignment, article)
    assert board is not None and board.names == ("first", "second", "third")
    shown = [
        (item.group, [(c.tag.exact, c.editors) for c in item.candidates], item.missing)
        for item in board.items
    ]
    assert shown == [
        # The boundary disagreement: two editors' cut against the third's, together.
        ("boundary", [("الحكومة", ("first", "second")), ("إن الحكومة", ("third",))], ()),
        ("one-sided", [("الضرائب", ("first",))], ("second", "third")),
        ("one-sided", [("الميزانية", ("third",))], ("first", "second")),
    ]
    reviewer = _client(team["reviewer"])
    url = reverse("adjudicate_article", args=[assignment.pk, article.pk])
    page = reviewer.get(url).content.decode()
    assert "إن الحكومة" in page and "الميزانية" in page and "<bdi>third</bdi>" in page
    # Take the third editor's cut of the government, then the budget only they tagged.
    assert reviewer.post(url, _decision(assignment, article, "2")).status_code == 302
    assert reviewer.post(url, _decision(assignment, article, "1", index=1)).status_code == 302
    assert reviewer.post(url, _decision(assignment, article, "neither")).status_code == 302
    final = sorted(Tag.objects.values_list("exact", flat=True))
    assert final == sorted(["إن الحكومة", "الميزانية"])
    decisions = list(AdjudicationDecision.objects.order_by("id").values_list("choice", "agreed_by"))
    assert decisions == [("take", ["third"]), ("take", ["third"]), ("neither", ["first"])]
    assert "حُسم كل شيء" in reviewer.get(url).content.decode()


def test_take_all_writes_every_candidate_of_three_editors(team):
    article, assignment = team["article"], team["assignment"]
    _three_layers(team)
    reviewer = _client(team["reviewer"])
    url = reverse("adjudicate_article", args=[assignment.pk, article.pk])
    assert reviewer.post(url, _decision(assignment, article, "all")).status_code == 302
    assert sorted(Tag.objects.values_list("exact", flat=True)) == ["إن الحكومة", "الحكومة"]
    assert AdjudicationDecision.objects.get().agreed_by == ["first", "second", "third"]
    # "All" of a single candidate is not offered, and refused if posted.
    refused = reviewer.post(url, _decision(assignment, article, "all"))
    assert refused.status_code == 422 and Tag.objects.count() == 2


def test_agreement_compares_every_pair_of_three_editors(team):
    _three_layers(team)
    response = _client(team["reviewer"]).get(reverse("agreement_csv", args=[team["assignment"].pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_pair = {row[0]: row for row in rows[1:] if row[1] == "all"}
    assert set(by_pair) == {"all", "first / second", "first / third", "second / third"}
    # Exact F1 per pair. first: gov, tax; second: gov; third: «إن» gov, budget.
    # first/second: 1 matched, 1 only first → 2·1/(2+1) = 0.667.
    # first/third: 0 matched, 2 + 2 unmatched → 0. second/third: 0 matched, 1 + 2 → 0.
    # All pairs pooled: 1 matched, 1 + 4 + 3 = 8 unmatched → 2/(2+8) = 0.200.
    exact = {pair: row[3] for pair, row in by_pair.items()}
    assert exact == {
        "all": "0.200", "first / second": "0.667", "first / third": "0.000",
        "second / third": "0.000",
    }  # fmt: skip


def _edit_url(team) -> str:
    return reverse("adjudication_edit", args=[team["assignment"].pk, team["article"].pk])


def _editing_layers(team) -> tuple[int, int]:
    """Claims: first «الحكومة ستخفض الضرائب», second «ستخفض الضرائب» (a boundary item)."""
    gov = BODY.index("الحكومة")
    tax_end = BODY.index("الضرائب") + len("الضرائب")
    cut = BODY.index("ستخفض")
    for editor, kind, start, end in (
        (team["first"], "claim", gov, tax_end),
        (team["second"], "claim", cut, tax_end),
    ):
        tagging.create_tag(
            article=team["article"], user=editor, kind=kind, start=start, end=end,
            note=f"ملاحظة {editor.username}", annotator_id=editor.pk,
        )  # fmt: skip
    return gov, tax_end


def test_the_edit_form_is_prefilled_from_a_candidate(team):
    gov, _tax_end = _editing_layers(team)
    reviewer = _client(team["reviewer"])
    board = adjudicating.board(team["assignment"], team["article"])
    assert board is not None
    token = board.items[0].token
    # htmx: the form alone, prefilled from the first candidate (first's tag).
    fragment = reviewer.get(_edit_url(team), {"item": token}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<h1" not in html
    assert "ملاحظة first</textarea>" in html
    assert f'name="start" value="{gov}"' in html
    assert "<mark>الحكومة ستخفض الضرائب</mark>" in html
    # From the second candidate, and without htmx: the whole page with the form in it.
    page = reviewer.get(_edit_url(team), {"item": token, "candidate": 2}).content.decode()
    assert "<h1" in page and "ملاحظة second</textarea>" in page
    assert "<mark>ستخفض الضرائب</mark>" in page
    # No item named: the first open one.
    assert "<mark>الحكومة ستخفض الضرائب</mark>" in reviewer.get(_edit_url(team)).content.decode()
    assert reviewer.get(_edit_url(team), {"item": "x"}).status_code == 422
    assert reviewer.get(_edit_url(team), {"item": "claim:1:2"}).status_code == 409


def _edit_data(team, start: int, end: int, **changes) -> dict:
    board = adjudicating.board(team["assignment"], team["article"])
    assert board is not None
    item = board.items[0]
    data = {
        "item": item.token, "state": item.state, "kind": "claim", "start": start, "end": end,
        "exact": BODY[start:end], "note": "", "speaker": "",
    }  # fmt: skip
    return {**data, **changes}


def test_an_edited_span_is_the_decision(team):
    gov, tax_end = _editing_layers(team)
    reviewer = _client(team["reviewer"])
    # Moving a boundary by a word redraws the form and writes nothing.
    moved = reviewer.post(_edit_url(team), _edit_data(team, gov, tax_end, adjust="shrink_start"))
    assert moved.status_code == 200 and not Tag.objects.exists()
    assert "<mark>ستخفض الضرائب</mark>" in moved.content.decode()
    # The whole sentence as one quote with a speaker: neither editor drew that.
    data = _edit_data(team, gov, tax_end, kind="quote", speaker="الوزير", note="حسم المراجع")
    assert reviewer.post(_edit_url(team), data).status_code == 302
    final = Tag.objects.get()
    assert (final.kind, final.exact, final.speaker, final.note) == (
        "quote", "الحكومة ستخفض الضرائب", "الوزير", "حسم المراجع",
    )  # fmt: skip
    assert final.annotator_id is None and final.review_state == "pending"
    decision = AdjudicationDecision.objects.get()
    assert (decision.choice, decision.agreed_by) == ("edit", [])
    # The item is decided: the same form again (another tab) is refused as stale.
    again = reviewer.post(_edit_url(team), data)
    assert again.status_code == 409 and Tag.objects.count() == 1
    assert "حُسم هذا المقطع" in again.content.decode()


def test_an_edit_that_matches_an_editor_records_them(team):
    _gov, tax_end = _editing_layers(team)
    cut = BODY.index("ستخفض")
    reviewer = _client(team["reviewer"])
    data = _edit_data(team, cut, tax_end, note="صياغتي")
    assert reviewer.post(_edit_url(team), data, HTTP_HX_REQUEST="true")["HX-Redirect"]
    assert AdjudicationDecision.objects.get().agreed_by == ["second"]
    assert Tag.objects.get().note == "صياغتي"


def test_a_bad_or_stale_edit_writes_nothing_and_says_why(team):
    gov, tax_end = _editing_layers(team)
    reviewer = _client(team["reviewer"])
    # The selection does not match the body there.
    wrong = reviewer.post(_edit_url(team), _edit_data(team, gov, tax_end, exact="شيء آخر"))
    assert wrong.status_code == 422
    assert "النص المحدد لا يطابق نص المقال" in wrong.content.decode()
    beyond = reviewer.post(_edit_url(team), _edit_data(team, gov, 10_000, exact="x"))
    assert beyond.status_code == 422
    unreadable = reviewer.post(_edit_url(team), {**_edit_data(team, gov, tax_end), "start": "x"})
    assert unreadable.status_code == 422
    # An editor changed their tag after the form was drawn: refused, the form kept.
    data = _edit_data(team, gov, tax_end, note="لن يضيع")
    layer_tag = Tag.all_layers.get(annotator=team["second"])
    tagging.update_tag(
        tag=layer_tag, version=layer_tag.version, user=team["second"], kind="claim",
        note="تغيّرت", speaker="",
    )  # fmt: skip
    stale = reviewer.post(_edit_url(team), data, HTTP_HX_REQUEST="true")
    assert stale.status_code == 409
    assert "غيّر أحد المحررين وسومه" in stale.content.decode()
    assert "لن يضيع</textarea>" in stale.content.decode()
    # A take decision on the page drawn before the change is refused too.
    take = {"item": data["item"], "state": data["state"], "choice": "1"}
    url = reverse("adjudicate_article", args=[team["assignment"].pk, team["article"].pk])
    assert reviewer.post(url, take).status_code == 409
    assert not Tag.objects.exists() and not AdjudicationDecision.objects.exists()
    # Decided in another tab while the form was open: the form is sent to the list.
    fresh = _edit_data(team, gov, tax_end)
    assert reviewer.post(url, {**fresh, "choice": "neither"}).status_code == 302
    gone = reviewer.post(_edit_url(team), fresh, HTTP_HX_REQUEST="true")
    assert gone["HX-Redirect"] == url and not Tag.objects.exists()
    assert "حُسم هذا المقطع" in reviewer.get(url).content.decode()  # the message, once


def test_only_adjudicating_reviewers_edit_and_only_with_csrf(team):
    gov, tax_end = _editing_layers(team)
    data = _edit_data(team, gov, tax_end)
    for editor in (team["first"], team["second"]):
        client = _client(editor)
        assert client.get(_edit_url(team)).status_code == 403
        assert client.post(_edit_url(team), data).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(team["reviewer"])
    assert strict.post(_edit_url(team), data).status_code == 403
    assert not Tag.objects.exists()


def test_orphans_of_a_correction_wait_outside_adjudication_and_agreement(team):
    """A layer tag a correction left without a place counts in an older text: it is not a
    candidate (taking it would write its old offsets into the new text) nor a span."""
    _three_layers(team)
    orphan = Tag.all_layers.get(annotator__username="third", exact="الميزانية")
    Tag.all_layers.filter(pk=orphan.pk).update(orphaned=True)
    board = adjudicating.board(team["assignment"], team["article"])
    assert board is not None
    assert "الميزانية" not in [c.tag.exact for item in board.items for c in item.candidates]
    response = _client(team["reviewer"]).get(reverse("agreement_csv", args=[team["assignment"].pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    # first/third without the orphan: first gov, tax; third «إن» gov → 0 matched, 2 + 1.
    # Pooled: 1 matched (first/second), 1 + 3 + 2 = 6 unmatched → 2/(2+6) = 0.250.
    assert [row[3] for row in rows[1:] if row[:2] == ["all", "all"]] == ["0.250"]


@pytest.mark.django_db(transaction=True)
def test_decisions_recorded_per_editor_become_take_and_all():
    """Decisions from when adjudication read two editors ("a", "b", "both") keep their
    meaning: the editors are in `agreed_by`, the choice says what was done."""
    from django.db.migrations.executor import MigrationExecutor

    before = [("articles", "0022_prepared_exports")]
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(username="old-reviewer")
    article = old.get_model("articles", "Article").objects.create(
        title="t", body=BODY, body_sha256="c" * 64
    )
    assignment = old.get_model("articles", "Assignment").objects.create(
        name="قديم", mode="independent", created_by=user
    )
    adjudication = old.get_model("articles", "Adjudication").objects.create(
        assignment=assignment, article=article, adjudicated_by=user
    )
    for n, choice in enumerate(("a", "b", "both", "neither")):
        old.get_model("articles", "AdjudicationDecision").objects.create(
            adjudication=adjudication, choice=choice, kind="claim", start=n, end=n + 1
        )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    try:
        choices = list(
            AdjudicationDecision.objects.order_by("start").values_list("choice", flat=True)
        )
        assert choices == ["take", "take", "all", "neither"]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
