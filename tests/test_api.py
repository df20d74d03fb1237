"""The REST API (articles/api/): every route by role with a token, revoked and expired
tokens, the page's validation and conflicts, imports equal to the page's, sets and exports,
ClaimReview, the rate limit, the tokens page and the docs page."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from articles import tagging
from articles.api import tokens
from articles.claims import claimreview
from articles.models import (
    ApiToken,
    Article,
    ClaimGroup,
    ImportItem,
    Tag,
    TagEvent,
    TagSet,
)
from articles.roles import ADMINS, EDITORS, REVIEWERS
from tests.conftest import SAMPLE_FILES, make_article, make_source, make_user, run_jobs
from tests.test_permission_matrix import (  # noqa: F401 (the `objects` and `clients` fixtures)
    ANONYMOUS,
    API,
    MATRIX,
    NO_ROLE,
    ROLES,
    _expected,
    _url,
    _verdict,
    _walk,
    clients,
    objects,
)

BODY = "قال الوزير إن الحكومة سترفع الأجور في العام المقبل.\nوأضاف أن الميزانية تسمح بذلك."


def token_client(user) -> Client:
    _token, secret = tokens.create_token(user=user, name="اختبار")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _api_routes():
    return [
        (name, pattern)
        for name, pattern in _walk(get_resolver().url_patterns)
        if name.startswith(API)
    ]


# --- Every route, every role, bad tokens ---------------------------------------------------


def test_every_route_answers_each_role_with_a_token_as_the_matrix_says(objects):  # noqa: F811
    token_clients = {ANONYMOUS: Client()}
    for role in ROLES[1:]:
        user = make_user(f"api-{role}", None if role == NO_ROLE else role)
        token_clients[role] = token_client(user)
    failures = []
    for name, pattern in _api_routes():
        if name in ("api:openapi-json", "api:openapi-view"):
            continue  # the docs are pages behind the login, for people (see below)
        rule = MATRIX[name]
        url = _url(name, pattern, objects)
        for role in ROLES:
            for method, allowed in (
                ("GET", rule.get),
                ("POST", rule.post),
                ("PATCH", rule.patch),
                ("DELETE", rule.delete),
            ):
                verdict = _verdict(getattr(token_clients[role], method.lower())(url))
                if verdict not in _expected(allowed, role):
                    failures.append(f"{method} {url} as {role}: {verdict}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("how", ["revoked", "expired", "inactive user", "made up"])
def test_a_bad_token_gets_401_on_every_route(objects, how):  # noqa: F811
    admin = make_user("api-bad-token", ADMINS)
    token, secret = tokens.create_token(user=admin, name="x")
    if how == "revoked":
        tokens.revoke(token)
    elif how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif how == "inactive user":
        admin.is_active = False
        admin.save()
    else:
        secret = tokens.SECRET_PREFIX + "not-a-token"
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    failures = []
    for name, pattern in _api_routes():
        if name in ("api:api-root", "api:openapi-json", "api:openapi-view"):
            continue
        rule = MATRIX[name]
        url = _url(name, pattern, objects)
        for method, allowed in (("GET", rule.get), ("POST", rule.post), ("PATCH", rule.patch)):
            if allowed is None:
                continue
            status = getattr(client, method.lower())(url).status_code
            if status != 401:
                failures.append(f"{method} {url}: {status}")
    assert not failures, "\n".join(failures)


def test_a_token_is_stored_hashed_and_stamped_when_used(db):
    editor = make_user("hashed", EDITORS)
    token, secret = tokens.create_token(user=editor, name="جامع")
    assert secret.startswith("nd_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in (stored.key_sha256, stored.prefix) and stored.last_used_at is None
    assert stored.key_sha256 == tokens.digest(secret)
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get(reverse("api:article_list")).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_a_session_write_needs_the_csrf_token(db):
    editor = make_user("csrf-editor", EDITORS)
    article = make_article(BODY)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    payload = {"article": article.pk, "kind": "claim", "start": 0, "end": 3, "exact": BODY[:3]}
    response = client.post(reverse("api:tag_create"), payload, content_type="application/json")
    assert response.status_code == 403
    assert not Tag.objects.exists()
    # A token needs no CSRF token: it is not a cookie the browser sends by itself.
    response = token_client(editor).post(
        reverse("api:tag_create"), payload, content_type="application/json"
    )
    assert response.status_code == 201


def test_a_locked_out_login_does_not_block_the_users_token(db, settings):
    editor = make_user("locked-out", EDITORS)
    api = token_client(editor)
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post(reverse("login"), {"username": "locked-out", "password": "wrong"})
    refused = browser.post(reverse("login"), {"username": "locked-out", "password": "wrong"})
    assert refused.status_code == 429  # the login form is locked for this name
    assert api.get(reverse("api:tag_list")).status_code == 200  # the token still works


def test_the_rate_limit_counts_per_token(db, settings):
    settings.API_RATE_LIMIT = "3/m"
    editor = make_user("busy", EDITORS)
    first, second = token_client(editor), token_client(editor)
    answers = [first.get(reverse("api:article_list")) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert 0 < int(answers[-1]["Retry-After"]) <= 60
    assert second.get(reverse("api:article_list")).status_code == 200  # its own count


# --- Tags ---------------------------------------------------------------------------------


@pytest.fixture
def article(db):
    return make_article(BODY, source=make_source("مصدر أ"), published_on=date(2025, 3, 1))


def _create(client, article, **fields):
    start = BODY.index("الحكومة")
    payload = {
        "article": article.pk,
        "kind": "claim",
        "start": start,
        "end": start + len("الحكومة سترفع الأجور"),
        "exact": "الحكومة سترفع الأجور",
        **fields,
    }
    return client.post(reverse("api:tag_create"), payload, content_type="application/json")


def test_a_tag_made_through_the_api_is_in_the_history_as_via_api(article):
    editor = make_user("api-editor", EDITORS)
    response = _create(token_client(editor), article, note="ملاحظة")
    assert response.status_code == 201, response.content
    tag = response.json()
    assert tag["exact"] == "الحكومة سترفع الأجور" and tag["version"] == 1
    assert tag["created_by"] == "api-editor" and tag["note"] == "ملاحظة"
    event = TagEvent.objects.get(tag_id=tag["id"])
    assert (event.action, event.user, event.via) == ("created", editor, "api")
    # The history page says so too.
    page = Client()
    page.force_login(editor)
    html = page.get(reverse("tag_history", args=[tag["id"]])).content.decode()
    assert "عبر الواجهة البرمجية" in html


def test_a_mismatched_text_or_offset_is_refused_as_in_the_browser(article):
    client = token_client(make_user("careless", EDITORS))
    response = _create(client, article, exact="نص آخر تماماً")
    assert response.status_code == 422
    assert "لا يطابق" in json.dumps(response.json(), ensure_ascii=False)
    assert _create(client, article, end=10_000).status_code == 422
    assert _create(client, article, kind="rumour").status_code == 422
    assert not Tag.objects.exists()


def test_a_stale_update_gets_409_with_the_current_tag(article):
    first = make_user("first", EDITORS)
    second = make_user("second", EDITORS)
    tag = _create(token_client(first), article).json()
    url = reverse("api:tag_update", args=[tag["id"]])
    mine = token_client(first).patch(
        url, {"version": 1, "note": "أولاً"}, content_type="application/json"
    )
    assert mine.status_code == 200 and mine.json()["version"] == 2
    late = token_client(second).patch(
        url, {"version": 1, "note": "متأخر"}, content_type="application/json"
    )
    assert late.status_code == 409
    assert late.json()["current"]["note"] == "أولاً" and late.json()["current"]["version"] == 2
    assert Tag.objects.get(pk=tag["id"]).note == "أولاً"
    stale_delete = token_client(second).delete(url + "?version=1")
    assert stale_delete.status_code == 409 and Tag.objects.filter(pk=tag["id"]).exists()


def test_an_orphaned_tag_is_not_edited_through_the_api_before_it_is_re_placed(article):
    client = token_client(make_user("orphan-editor", EDITORS))
    tag = _create(client, article).json()
    # As a correction leaves it: its offsets count in the text before the correction.
    Tag.objects.filter(pk=tag["id"]).update(orphaned=True)
    url = reverse("api:tag_update", args=[tag["id"]])
    response = client.patch(url, {"version": 1, "note": "تعديل"}, content_type="application/json")
    assert response.status_code == 422
    assert "أعد وضعه" in json.dumps(response.json(), ensure_ascii=False)
    assert Tag.objects.get(pk=tag["id"]).note == ""


def test_an_update_moves_the_span_only_with_the_matching_text(article):
    client = token_client(make_user("mover", EDITORS))
    tag = _create(client, article).json()
    url = reverse("api:tag_update", args=[tag["id"]])
    start = BODY.index("الأجور")
    wrong = {"version": 1, "start": start, "end": start + 6, "exact": "خطأ"}
    assert client.patch(url, wrong, content_type="application/json").status_code == 422
    right = {"version": 1, "start": start, "end": start + 6, "exact": "الأجور", "kind": "quote"}
    moved = client.patch(url, right, content_type="application/json")
    assert moved.status_code == 200, moved.content
    assert (moved.json()["exact"], moved.json()["kind"]) == ("الأجور", "quote")


def test_delete_then_history_shows_every_write_via_api(article):
    client = token_client(make_user("cleaner", EDITORS))
    tag = _create(client, article).json()
    assert (
        client.delete(reverse("api:tag_delete", args=[tag["id"]]) + "?version=1").status_code == 204
    )
    assert not Tag.objects.filter(pk=tag["id"]).exists()
    history = client.get(reverse("api:tag_history", args=[tag["id"]])).json()
    assert [(e["action"], e["via"]) for e in history] == [("created", "api"), ("deleted", "api")]


def test_review_accepts_with_a_comment_and_refuses_a_stale_version(article):
    tag = _create(token_client(make_user("writer", EDITORS)), article).json()
    reviewer = token_client(make_user("checker", REVIEWERS))
    url = reverse("api:tag_review", args=[tag["id"]])
    accepted = reviewer.post(
        url,
        {"decision": "accepted", "version": 1, "comment": "موثق"},
        content_type="application/json",
    )
    assert accepted.status_code == 200
    assert (accepted.json()["review_state"], accepted.json()["review_comment"]) == (
        "accepted",
        "موثق",
    )
    stale = reviewer.post(
        url, {"decision": "rejected", "version": 7}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["current"]["review_state"] == "accepted"
    history = reviewer.get(reverse("api:tag_history", args=[tag["id"]])).json()
    assert [(e["action"], e["user"], e["via"]) for e in history] == [
        ("created", "writer", "api"),
        ("reviewed", "checker", "api"),
    ]
    assert history[1]["after"]["review_comment"] == "موثق"


def test_the_tag_list_takes_the_tag_filters(article):
    editor = make_user("lister", EDITORS)
    client = token_client(editor)
    _create(client, article)
    tagging.create_tag(article=article, user=editor, kind="background", start=0, end=3)
    claims = client.get(reverse("api:tag_list") + "?kind=claim").json()
    assert claims["count"] == 1 and claims["results"][0]["kind"] == "claim"
    both = client.get(reverse("api:tag_list") + "?kind=claim&kind=background").json()
    assert both["count"] == 2
    assert client.get(reverse("api:tag_list") + "?kind=rumour").status_code == 400


# --- Articles and import -----------------------------------------------------------------


def test_the_article_list_searches_arabic_like_the_page(article):
    make_article("خبر آخر عن الطقس.\nأمطار غزيرة.")
    client = token_client(make_user("reader", REVIEWERS))
    # Diacritics and another hamza spelling still find "الحكومة" / "الأجور".
    found = client.get(reverse("api:article_list") + "?q=الحُكومة الاجور").json()
    assert [a["id"] for a in found["results"]] == [article.pk]
    by_source = client.get(reverse("api:article_list") + f"?source={article.source_id}").json()
    assert by_source["count"] == 1
    detail = client.get(reverse("api:article_detail", args=[article.pk])).json()
    assert detail["body"] == BODY and detail["tags"] == []


def _page_import(admin, files) -> list[tuple]:
    page = Client()
    page.force_login(admin)
    response = page.post(reverse("import_files"), {"files": files})
    assert response.status_code == 302
    run_jobs()  # the page queues the import; a worker does it
    return _verdicts()


def _verdicts() -> list[tuple]:
    return [
        (
            item.filename,
            item.status,
            # A duplicate's reason names its original, by id or (when a worker imports both
            # in one commit) as an earlier file of the batch: the verdict is what must match.
            "" if item.status == ImportItem.Status.DUPLICATE else item.reason,
            item.article.title if item.article else None,
            item.article.body if item.article else None,
            item.article.source.name if item.article and item.article.source else None,
            item.article.published_on if item.article else None,
        )
        for item in ImportItem.objects.select_related("article__source").order_by(
            "batch", "position"
        )
    ]


def _files():
    return [
        SimpleUploadedFile(SAMPLE_FILES[0].name, SAMPLE_FILES[0].read_bytes()),
        SimpleUploadedFile(SAMPLE_FILES[1].name, SAMPLE_FILES[1].read_bytes()),
        SimpleUploadedFile("صورة.txt", b"\x89PNG\r\n\x1a\n" + bytes(200)),
        SimpleUploadedFile("نسخة.txt", SAMPLE_FILES[0].read_bytes()),
    ]


@pytest.mark.usefixtures("job_queue")
def test_an_api_import_gives_the_same_articles_and_verdicts_as_the_page(transactional_db):
    admin = make_user("importer", ADMINS)
    through_page = _page_import(admin, _files())
    assert [row[1] for row in through_page] == ["imported", "imported", "rejected", "duplicate"]
    Article.objects.all().delete()
    ImportItem.objects.all().delete()
    response = token_client(admin).post(reverse("api:import_files"), {"files": _files()})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert _verdicts() == through_page
    assert [f["status"] for f in answer["files"]] == [row[1] for row in through_page]
    assert answer["counts"]["imported"] == 2 and answer["files"][2]["reason"]
    assert (
        answer["files"][3]["article"] == answer["files"][0]["article"]
    )  # the duplicate's original


def test_a_zip_and_json_texts_import_in_one_call_each(db):
    admin = make_user("bulk", ADMINS)
    client = token_client(admin)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in SAMPLE_FILES[:3]:
            bundle.writestr(path.name, path.read_bytes())
    upload = SimpleUploadedFile("دفعة.zip", archive.getvalue())
    answer = client.post(reverse("api:import_files"), {"files": [upload]}).json()
    assert [f["status"] for f in answer["files"]] == ["imported"] * 3
    texts = {"texts": [{"name": "جديد.txt", "text": BODY}, {"name": "فارغ.txt", "text": ""}]}
    answer = client.post(reverse("api:import_texts"), texts, content_type="application/json").json()
    assert [f["status"] for f in answer["files"]] == ["imported", "rejected"]
    assert Article.objects.get(pk=answer["files"][0]["article"]).body.startswith("قال الوزير")


# --- Sets and exports --------------------------------------------------------------------


def test_a_set_made_from_filters_exports_in_every_format_streamed(article):
    editor = make_user("tagger", EDITORS)
    _create(token_client(editor), article)
    tagging.create_tag(article=article, user=editor, kind="background", start=0, end=3)
    client = token_client(make_user("exporter", REVIEWERS))
    made = client.post(
        reverse("api:set_create"),
        {"name": "ادعاءات", "filters": {"kind": ["claim"]}},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["size"] == 1 and TagSet.objects.get().filters == {"kind": ["claim"]}
    again = client.post(
        reverse("api:set_create"), {"name": "ادعاءات"}, content_type="application/json"
    )
    assert again.status_code == 409
    bad = client.post(
        reverse("api:set_create"),
        {"name": "أخرى", "filters": {"created_by__password": "x"}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert [s["name"] for s in client.get(reverse("api:set_list")).json()] == ["ادعاءات"]
    url = reverse("api:set_export", args=[made.json()["id"]])
    for fmt in ("csv", "csv-plain", "jsonl", "jsonld", "xlsx"):
        response = client.get(url + f"?format={fmt}")
        assert response.status_code == 200 and response.streaming, fmt
        data = b"".join(response.streaming_content)
        if fmt != "xlsx":
            assert "الحكومة سترفع الأجور".encode() in data, fmt
            assert "background" not in data.decode("utf-8-sig"), fmt


# --- ClaimReview -------------------------------------------------------------------------

# schema.org ClaimReview as read by the Fact Check Tools API: required properties, typed.
REQUIRED = {
    "@context": str,
    "@type": str,
    "url": str,
    "claimReviewed": str,
    "author": dict,
    "datePublished": str,
    "reviewRating": dict,
    "itemReviewed": dict,
}


def _valid_claim_review(document: dict) -> list[str]:
    problems = [
        f"{name}: missing or not {kind.__name__}"
        for name, kind in REQUIRED.items()
        if not isinstance(document.get(name), kind)
    ]
    if document.get("@type") != "ClaimReview" or document.get("@context") != "https://schema.org":
        problems.append("not a schema.org ClaimReview")
    rating = document.get("reviewRating", {})
    if rating.get("@type") != "Rating" or not isinstance(rating.get("alternateName"), str):
        problems.append("reviewRating without @type Rating and alternateName")
    values = [rating.get(k) for k in ("worstRating", "ratingValue", "bestRating")]
    if not all(isinstance(v, int) for v in values) or not values[0] <= values[1] <= values[2]:
        problems.append(f"rating out of its scale: {values}")
    author = document.get("author", {})
    if author.get("@type") != "Organization" or not author.get("name"):
        problems.append("author is not the newsroom")
    item = document.get("itemReviewed", {})
    if item.get("@type") != "Claim" or not item.get("appearance"):
        problems.append("itemReviewed is not a Claim with appearances")
    for work in [*item.get("appearance", []), item.get("firstAppearance", {})]:
        if not (isinstance(work.get("url"), str) and work.get("@type")):
            problems.append(f"appearance without @type and url: {work}")
    date.fromisoformat(document.get("datePublished", "2000-01-01"))
    return problems


@pytest.fixture
def claim_group(db):
    editor = make_user("claims-editor", EDITORS)
    group = ClaimGroup.objects.create(label="رفع الأجور", created_by=editor)
    outlets = ["مصدر أ", "مصدر ب", "مصدر ج"]
    for n, outlet in enumerate(outlets):
        article = make_article(
            BODY + f"\nفقرة {n}.", source=make_source(outlet), published_on=date(2025, 3, 1 + n)
        )
        tag = tagging.create_tag(
            article=article, user=editor, kind="claim", start=4, end=20, claim_group=group
        )
        Tag.objects.filter(pk=tag.pk).update(
            verification="false" if n < 2 else "unverified", speaker="الوزير" if n == 1 else ""
        )
    return group


def test_a_claim_group_exports_a_valid_claim_review_listing_every_outlet(claim_group, settings):
    settings.NEWSROOM_NAME = "غرفة الأخبار"
    client = token_client(make_user("fact-checker", REVIEWERS))
    response = client.get(reverse("api:claim_review", args=[claim_group.pk]))
    assert response.status_code == 200
    document = response.json()
    assert _valid_claim_review(document) == []
    publishers = [work["publisher"]["name"] for work in document["itemReviewed"]["appearance"]]
    assert publishers == ["مصدر أ", "مصدر ب", "مصدر ج"]
    assert document["itemReviewed"]["firstAppearance"]["datePublished"] == "2025-03-01"
    assert document["itemReviewed"]["author"] == {"@type": "Person", "name": "الوزير"}
    assert document["reviewRating"]["ratingValue"] == claimreview.RATINGS["false"] == 1
    assert document["reviewRating"]["alternateName"] == "خاطئ"
    assert document["author"]["name"] == "غرفة الأخبار"
    assert document["claimReviewed"] == BODY[4:20]


def test_a_group_without_a_verdict_has_no_claim_review(claim_group):
    Tag.objects.filter(claim_group=claim_group).update(verification="unverified")
    client = token_client(make_user("waiting", REVIEWERS))
    assert client.get(reverse("api:claim_review", args=[claim_group.pk])).status_code == 404
    assert client.get(reverse("api:claim_reviews")).json() == []


def test_the_verdict_is_the_majority_and_the_set_download_filters_by_it(claim_group):
    members = list(claim_group.claims.order_by("id"))
    Tag.objects.filter(pk=members[2].pk).update(verification="true")
    assert claimreview.verdict(claim_group.claims.all()) == "false"  # two false, one true
    page = Client()
    page.force_login(make_user("downloader", EDITORS))
    response = page.get(reverse("claim_reviews_file") + "?verification=false")
    assert response["Content-Type"].startswith("application/ld+json")
    assert "attachment" in response["Content-Disposition"]
    documents = json.loads(response.content)
    assert [d["name"] for d in documents] == ["رفع الأجور"]
    assert all(_valid_claim_review(d) == [] for d in documents)
    none = page.get(reverse("claim_reviews_file") + "?verification=true")
    assert json.loads(none.content) == []
    group_page = page.get(reverse("claim_group", args=[claim_group.pk])).content.decode()
    assert reverse("claim_review_file", args=[claim_group.pk]) in group_page


# --- The tokens page and the docs page ---------------------------------------------------


def test_the_tokens_page_shows_a_secret_once_and_revokes(db):
    editor = make_user("owner", EDITORS)
    page = Client()
    page.force_login(editor)
    made = page.post(reverse("api_tokens"), {"name": "أداة الجمع", "expires_on": ""}, follow=True)
    html = made.content.decode()
    secret = html.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("nd_") and "no-store" in made["Cache-Control"]
    assert secret not in page.get(reverse("api_tokens")).content.decode()
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get(reverse("api:tag_list")).status_code == 200
    token = ApiToken.objects.get(user=editor)
    # Someone else cannot revoke it.
    other = Client()
    other.force_login(make_user("other", EDITORS))
    assert other.post(reverse("revoke_api_token"), {"token": token.pk}).status_code == 404
    page.post(reverse("revoke_api_token"), {"token": token.pk})
    assert api.get(reverse("api:tag_list")).status_code == 401
    past = page.post(reverse("api_tokens"), {"name": "قديم", "expires_on": "2020-01-01"})
    assert past.status_code == 422 and ApiToken.objects.count() == 1


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline: list[str] = []
        self.sources: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.sources.append(attrs["src"])
            elif attrs.get("type") != "application/json":
                self.inline.append(tag)
        if tag == "style" or "style" in attrs:
            self.styles.append(tag)
        if tag == "link" and attrs.get("href", "").startswith("http"):
            self.sources.append(attrs["href"])


def test_the_docs_page_is_self_hosted_and_csp_clean(db):
    page = Client()
    page.force_login(make_user("docs-reader", EDITORS))
    response = page.get("/api/docs")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    parsed = _Scripts()
    parsed.feed(response.content.decode())
    assert parsed.inline == [] and parsed.styles == []
    assert parsed.sources and all(src.startswith("/static/ninja/") for src in parsed.sources)
    schema = page.get(reverse("api:openapi-json")).json()
    assert "/api/v1/tags/{tag_id}" in schema["paths"]
    names = [p["name"] for p in schema["paths"]["/api/v1/tags"]["get"]["parameters"]]
    assert {"kind", "state", "q", "speaker", "page"} <= set(names)
    assert Client().get("/api/docs").status_code == 302  # behind the login


def test_lists_take_a_constant_number_of_queries(article):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    editor = make_user("counter", EDITORS)
    client = token_client(editor)
    urls = [reverse(name) for name in ("api:tag_list", "api:article_list", "api:claim_list")]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    tagging.create_tag(article=article, user=editor, kind="claim", start=0, end=3)
    ClaimGroup.objects.create(label="أولى", created_by=editor)
    few = counts()
    for n in range(15):
        other = make_article(f"خبر رقم {n} عن الأجور.\nفقرة.")
        tagging.create_tag(article=other, user=editor, kind="claim", start=0, end=3)
        ClaimGroup.objects.create(label=f"مجموعة {n}", created_by=editor)
    assert counts() == few
