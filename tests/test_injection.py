"""Untrusted text on every page: hostile payloads in every attacker-controlled field, and
every page that shows them checked to render them inert (issue 7, point 2).

The pages are parsed with `html.parser`, so the checks look at real elements and
attributes, not at substrings: no `<script>` carrying a payload, no `on…` event-handler
attribute, no `javascript:` URL in an href/src/action, no rendered template syntax, and
bidi controls only inside an element that isolates them. Each visit must also SHOW a
payload as text (escaped, then decoded by the parser), so a page that stopped showing
the hostile data cannot pass by accident.

Like the permission matrix, the URLconf is walked: every URL name a GET reaches must be
in SWEEP (how to visit it) or in NO_USER_TEXT (why it shows none). Adding a page is one
row in one of those tables (plus, for a new URL parameter, one object in `hostile`).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from articles import revisions, tagging
from articles.api import tokens
from articles.exporting import FORMULA_TRIGGERS
from articles.jobs import tasks
from articles.models import (
    Article,
    Assignment,
    ClaimGroup,
    ImportBatch,
    ImportItem,
    OutletRule,
    PreparedExport,
    Tag,
    TagSet,
    WebhookAttempt,
    WebhookDelivery,
    WorkItem,
)
from articles.quotes.speakers import speaker_key
from articles.roles import ADMINS, EDITORS, REVIEWERS
from articles.team import guidelines
from tests.conftest import (
    make_article,
    make_prepared_export,
    make_source,
    make_user,
    make_webhook_endpoint,
)
from tests.test_permission_matrix import MATRIX, _walk

# --- The payloads -----------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{ request }}{% debug %}"
JS_URL = "javascript:alert(1)"
BIDI = "\u202e\u2066\u2067\u2068\u2069"  # RLO and the four isolates, unbalanced on purpose
FORMULA = '=HYPERLINK("http://evil.example","x")'
HOSTILE = f"{SCRIPT} {IMG} {TEMPLATE} {JS_URL} {BIDI}"
# A file name loses everything up to its last slash (it is display text, never a path).
HOSTILE_FILENAME = f'"><img src=x onerror=alert(1)><svg onload=alert(1)>{TEMPLATE} {BIDI}.txt'
# The search highlighter is run on a query that matches inside the payloads.
QUERY = "alert"
SPEAKER = f"@{IMG}{BIDI}"
SPEAKER_NAME = f"الوزير {SCRIPT} {IMG}{BIDI}"
ARABIC = (
    "قال المتحدث باسم الوزارة إن الاجتماع سيعقد غداً في العاصمة بحضور الوفود.",
    "وأضاف أن المفاوضات بين الطرفين استمرت ساعات طويلة دون التوصل إلى اتفاق نهائي.",
    "وأكد مصدر مطلع أن الحكومة تدرس عدة مقترحات لمعالجة الأزمة الاقتصادية الراهنة.",
    "وأشار التقرير إلى ارتفاع أسعار المواد الغذائية في الأسواق المحلية خلال الشهر الماضي.",
    "ومن المتوقع أن تصدر اللجنة بيانها الختامي مساء الخميس المقبل بعد انتهاء المشاورات.",
)

# What a payload looks like once it has been escaped and decoded back by the parser:
# each visit must show one of these as text.
SHOWN = (SCRIPT, IMG.strip('">'), "<svg onload=alert(1)>", "{{ request }}")
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Elements that end a bidi paragraph or isolate their content: an override inside one
# cannot reorder text outside it.
ISOLATING = {
    "bdi", "p", "div", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt",
    "pre", "blockquote", "title", "option", "textarea", "summary", "section", "article",
    "caption", "label", "legend", "body", "html", "nav", "header", "footer", "main", "form",
    "ol", "ul", "table", "tr", "aside", "details", "fieldset",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}
# What `{{ request }}` or `{% debug %}` look like when a template renders them.
RENDERED_TEMPLATE = ("WSGIRequest", "<WSGIRequest", "sql_queries", "'csrf_token'")


# --- What to visit ------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    role: str  # who can see the page
    queries: tuple[str, ...] = ("",)  # each is fetched, e.g. "?q=alert" for the highlighter
    htmx_target: str = ""  # also fetch each query as this htmx fragment (HX-Target)
    plain: bool = True  # False: the view answers htmx only (a plain GET is redirected)


SEARCH = ("", f"?q={QUERY}")
SWEEP: dict[str, Visit] = {
    "login": Visit("anonymous", (f"?next={JS_URL}", "?next=%22%3E%3Cscript%3Ealert(1)")),
    "admin_login": Visit("anonymous", (f"?next={JS_URL}", "?next=%22%3E%3Cscript%3Ealert(1)")),
    "article_list": Visit(EDITORS, (*SEARCH, "?q=%22onerror%22"), htmx_target="results"),
    "read_article": Visit(EDITORS),
    "edit_profile": Visit(EDITORS),
    "tag_list": Visit(EDITORS, (*SEARCH, "?" + urlencode({"speaker": SPEAKER})), "results"),
    "overview": Visit(EDITORS),
    "import_files": Visit(ADMINS),
    "import_batch": Visit(ADMINS),
    "pick_encoding": Visit(ADMINS, ("", "?encoding=cp1256")),
    "raw_article": Visit(ADMINS),
    "outlet_rules": Visit(ADMINS),
    "tag_panel": Visit(EDITORS, htmx_target="tag-panel", plain=False),
    # As the reviewer: the editor who made the hostile tags is "someone else" in the notice.
    "article_changes": Visit(REVIEWERS, ("?since=0-0",), htmx_target="live-updates", plain=False),
    "edit_tag": Visit(EDITORS),
    "tag_history": Visit(EDITORS),
    "review_queue": Visit(
        REVIEWERS, ("", f"?q={QUERY}", "?state=pending&state=accepted&state=rejected"), "queue"
    ),
    "export_page": Visit(REVIEWERS, SEARCH, htmx_target="preview"),
    "download_tags": Visit(REVIEWERS, ("?format=csv", "?format=csv-plain", "?format=jsonl")),
    "download_set": Visit(REVIEWERS, ("?format=csv", "?format=jsonld")),
    "prepared_exports": Visit(REVIEWERS),
    "prepared_export_progress": Visit(REVIEWERS),  # a failed one: its error is shown
    "download_prepared_export": Visit(REVIEWERS),
    "speaker_list": Visit(EDITORS),
    "speaker_detail": Visit(EDITORS),
    "claim_panel": Visit(EDITORS, htmx_target="claim-panel", plain=False),
    "claim_groups": Visit(EDITORS),
    "claim_group": Visit(EDITORS),
    "correct_article": Visit(ADMINS),
    "article_revisions": Visit(EDITORS, ("", "?old=1&new=2")),
    "revision_text": Visit(EDITORS),
    "revision_file": Visit(ADMINS),
    "article_orphans": Visit(EDITORS),
    "orphan_queue": Visit(EDITORS),
    "my_work": Visit(EDITORS),
    "assignment_list": Visit(REVIEWERS),
    "assignment_detail": Visit(REVIEWERS),
    "agreement": Visit(REVIEWERS),
    "agreement_csv": Visit(REVIEWERS),
    "layers_csv": Visit(REVIEWERS),
    "adjudicate_article": Visit(REVIEWERS),
    # The reviewer's own span: the form prefilled from each editor's hostile tag.
    "adjudication_edit": Visit(REVIEWERS, ("", "?candidate=2"), htmx_target="editor-1"),
    "guideline_page": Visit(EDITORS, ("", "?version=1")),
    "claim_review_file": Visit(EDITORS),
    "claim_reviews_file": Visit(EDITORS, ("", "?verification=false")),
    "api_tokens": Visit(EDITORS),
    "webhook_list": Visit(ADMINS),
    "webhook_deliveries": Visit(ADMINS),
    # The REST API answers JSON: checked as data (see JSON_ANSWERS), not as pages.
    "api:article_list": Visit(EDITORS, SEARCH),
    "api:article_detail": Visit(EDITORS),
    "api:tag_list": Visit(EDITORS, (*SEARCH, "?" + urlencode({"speaker": SPEAKER}))),
    "api:tag_create": Visit(EDITORS),
    "api:tag_detail": Visit(EDITORS),
    "api:tag_update": Visit(EDITORS),
    "api:tag_delete": Visit(EDITORS),
    "api:tag_history": Visit(EDITORS),
    "api:set_list": Visit(REVIEWERS),
    "api:set_create": Visit(REVIEWERS),
    "api:set_export": Visit(REVIEWERS, ("?format=csv", "?format=jsonl")),
    "api:claim_list": Visit(EDITORS),
    "api:claim_reviews": Visit(EDITORS),
    "api:claim_detail": Visit(EDITORS),
    "api:claim_review": Visit(EDITORS),
    "api:speaker_list": Visit(EDITORS),
    "api:speaker_quotes": Visit(EDITORS),
}
# GET-able URL names that show no user-supplied text, and why.
NO_USER_TEXT: dict[str, str] = {
    "home": "a redirect to the article list",
    "healthz": "a fixed status document",
    "kinds_css": "a stylesheet built from the fixed kinds table",
    "favicon": "a redirect to the site's icon",
    "export_format_doc": "docs/export-format.md served as text/plain",
    "batch_progress": "a batch's counts by status, numbers only",
    "api:api-root": "a redirect to the API's docs",
    "api:openapi-view": "the API's docs page: Swagger UI over the fixed OpenAPI document",
    "api:openapi-json": "the OpenAPI document, built from the code",
}
# Views that answer a GET with a file, not a page: checked as downloads.
DOWNLOADS = {
    "download_tags",
    "download_set",
    "download_prepared_export",
    "revision_text",
    "revision_file",
    "agreement_csv",
    "layers_csv",
    "api:set_export",
}
# Views that answer JSON (the API, ClaimReview files): the payloads must come back as data.
JSON_ANSWERS = {name for name in SWEEP if name.startswith("api:")} - DOWNLOADS
JSON_ANSWERS |= {"claim_review_file", "claim_reviews_file"}
# URL parameter -> key of the `hostile` objects, where it is not the parameter's own name.
SPECIAL_OBJECTS = {
    ("pick_encoding", "item_id"): "unsure_item_id",
    ("claim_panel", "tag_id"): "claim_tag_id",
    ("adjudicate_article", "article_id"): "blind_article_id",
    ("adjudication_edit", "article_id"): "blind_article_id",
    ("download_prepared_export", "export_id"): "ready_export_id",
}


def _get_able() -> dict[str, object]:
    """Every URL name that answers GET, per the permission matrix (which covers them all)."""
    return {
        name: pattern
        for name, pattern in _walk(get_resolver().url_patterns)
        if MATRIX[name].get is not None
    }


def test_every_get_url_is_swept_or_excused():
    names = set(_get_able())
    missing = sorted(names - set(SWEEP) - set(NO_USER_TEXT))
    assert not missing, f"GET URLs neither swept nor listed in NO_USER_TEXT: {missing}"
    stale = sorted((set(SWEEP) | set(NO_USER_TEXT)) - names)
    assert not stale, f"injection-sweep entries for URLs that no longer take GET: {stale}"
    assert not set(SWEEP) & set(NO_USER_TEXT)


# --- Hostile data, entered through the real paths where there is one ------------------------


def _hostile_body(n: int) -> str:
    return "\n".join(
        [
            f"الخبر رقم {n}: {SCRIPT} {ARABIC[0]}",
            f"{IMG} {ARABIC[1]}",
            f"{TEMPLATE} {ARABIC[2]}",
            f"{JS_URL} {BIDI}{ARABIC[3]}",
            f"{FORMULA} {ARABIC[4]}",
        ]
    )


@pytest.fixture
def hostile(db):
    User = get_user_model()
    # Usernames are shown everywhere; the admin's form forbids these, the model does not.
    evil_editor = make_user(f"ed{SCRIPT}{BIDI}", EDITORS)
    evil_reviewer = make_user(f"rv{IMG}", REVIEWERS)
    evil_admin = make_user(f"ad{TEMPLATE}", ADMINS, is_superuser=True)
    assert User.objects.filter(username__contains="<script>").exists()

    source = make_source(f"{HOSTILE} مصدر")
    article = make_article(
        _hostile_body(0),
        title=f"{SCRIPT}{IMG} {TEMPLATE} {JS_URL}{BIDI} {QUERY}",
        source=source,
        original_filename=HOSTILE_FILENAME,
        raw_text=_hostile_body(0),
    )
    body = article.body
    tags = []
    for kind, needle in (("claim", SCRIPT), ("quote", IMG), ("background", TEMPLATE)):
        start = body.index(needle)
        tags.append(
            tagging.create_tag(
                article=article,
                user=evil_editor,
                kind=kind,
                start=start - 5,
                end=start + len(needle),
                note=f"{FORMULA} {HOSTILE}",
                speaker=SPEAKER,
            )
        )
    Tag.objects.filter(pk=tags[1].pk).update(
        review_state="rejected", reviewed_by=evil_reviewer, review_comment=f"-{HOSTILE}"
    )
    # A deleted tag: its snapshot is shown on the reading page and in its history.
    start = body.index(JS_URL)
    gone = tagging.create_tag(
        article=article, user=evil_editor, kind="claim", start=start, end=start + len(JS_URL)
    )
    tagging.delete_tag(tag=gone, version=gone.version, user=evil_editor)

    # The real import path: an upload with a hostile file name, and one inside a zip.
    importer = Client()
    importer.force_login(evil_admin)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(f"in-zip{HOSTILE_FILENAME}", _hostile_body(2).encode())
    response = importer.post(
        reverse("import_files"),
        {
            "files": [
                SimpleUploadedFile(HOSTILE_FILENAME, _hostile_body(1).encode()),
                SimpleUploadedFile("hostile.zip", archive.getvalue()),
            ]
        },
    )
    assert response.status_code == 302, response.content[:500]
    # What a worker does with the stored files (the job's own code, in this transaction).
    tasks.import_batch(batch_id=ImportBatch.objects.latest("id").pk)
    item = ImportItem.objects.filter(filename__contains="onerror").earliest("id")
    assert item.status == ImportItem.Status.IMPORTED, item.reason
    imported = item.article
    assert "<script>" in imported.body and "onerror" in imported.original_filename
    # A file waiting for its encoding to be picked: the preview shows its decoded text.
    unsure = ImportItem.objects.create(
        batch=item.batch,
        position=99,
        filename=HOSTILE_FILENAME,
        status=ImportItem.Status.UNSURE,
        encoding="cp1256",
        held_data=_hostile_body(3).encode("cp1256", errors="ignore"),
    )
    # A file held as a newer version of the hostile article: the batch page names that
    # article and offers to update it.
    ImportItem.objects.create(
        batch=item.batch,
        position=100,
        filename=HOSTILE_FILENAME,
        status=ImportItem.Status.SIMILAR,
        encoding="utf-8",
        article=imported,
        reason=HOSTILE,
        held_data=_hostile_body(4).encode(),
    )
    tag_set = TagSet.objects.create(name=f"{HOSTILE} مجموعة", owner=evil_reviewer)
    # The set's W3C file, built as a worker builds it, and an export that failed saying why.
    ready = make_prepared_export(tag_set, "jsonld")
    failed = PreparedExport.objects.create(
        requested_by=evil_reviewer,
        format="xlsx",
        name=HOSTILE,
        status=PreparedExport.Status.FAILED,
        error=f"OSError: {HOSTILE}",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    # A claim group and claim status: the label and the evidence are free text.
    group = ClaimGroup.objects.create(label=f"{HOSTILE} ادعاء", created_by=evil_editor)
    Tag.objects.filter(pk=tags[0].pk).update(
        claim_group=group,
        check_worthy="yes",
        evidence=f"{JS_URL}\n{HOSTILE}\n{FORMULA}",
        verification="false",  # a verdict: the group has a ClaimReview
    )
    # An API token's name is free text on the tokens page.
    tokens.create_token(user=evil_editor, name=f"{SCRIPT} {IMG}")
    # A quoted speaker whose name carries the payloads, for the speaker pages.
    start = body.index(ARABIC[1][:10])
    tagging.create_tag(
        article=article,
        user=evil_editor,
        kind="quote",
        start=start,
        end=start + 10,
        speaker=SPEAKER_NAME,
        note=HOSTILE,
    )
    # A rule an Admin taught the outlet: the line and the Admin's name are shown.
    OutletRule.objects.create(
        source=source, kind="furniture", key="x", text=f"{HOSTILE} سطر", added_by=evil_admin
    )
    # A correction with a hostile reason whose new text drops a tagged line: the versions,
    # the diff and the orphans queue show them.
    dropped = f"{FORMULA} {ARABIC[4]}"
    start = article.body.index(ARABIC[4])
    tagging.create_tag(
        article=article, user=evil_editor, kind="claim", start=start, end=start + 20, note=HOSTILE
    )
    revisions.apply_new_body(
        article,
        article.body.replace(dropped, f"{HOSTILE} {ARABIC[0]}"),
        evil_admin,
        f"{HOSTILE} سبب",
    )
    assert Tag.objects.filter(article=article, orphaned=True).exists()
    # An independent assignment on the imported article: two hostile editors tag it blind.
    other_editor = make_user(f"ed2{IMG}", EDITORS)
    assignment = Assignment.objects.create(
        name=f"{HOSTILE} تكليف", mode="independent", created_by=evil_admin
    )
    start = imported.body.index("<script>")
    for editor in (evil_editor, other_editor):
        WorkItem.objects.create(assignment=assignment, article=imported, editor=editor)
        tagging.create_tag(
            article=imported,
            user=editor,
            kind="claim",
            start=start,
            end=start + len(SCRIPT) + (3 if editor == other_editor else 0),
            note=f"{FORMULA} {HOSTILE}",
            speaker=SPEAKER,
            annotator_id=editor.pk,
        )
    # Guidelines whose Markdown carries raw HTML, a javascript: link and a template tag.
    guidelines.save_version(
        kind="",
        body=f"# {HOSTILE}\n\n[link]({JS_URL}) {SCRIPT} {IMG} {TEMPLATE}",
        user=evil_admin,
    )
    # A receiver that answered with markup: the delivery log shows it as text.
    endpoint = make_webhook_endpoint(
        url=f"https://93.184.215.14/{SCRIPT}", secret="s", events=["tag.created"]
    )
    sent = WebhookDelivery.objects.create(
        endpoint=endpoint, event_id=uuid.uuid4(), event=SCRIPT, body=HOSTILE
    )
    WebhookAttempt.objects.create(
        delivery=sent, status_code=500, response_excerpt=f"{HOSTILE}{IMG}", error=SCRIPT
    )
    return {
        "number": 1,
        "endpoint_id": endpoint.pk,
        "kind": "general",
        "assignment_id": assignment.pk,
        "blind_article_id": imported.pk,
        "key": speaker_key(SPEAKER_NAME),
        "source_id": source.pk,
        "users": {EDITORS: evil_editor, REVIEWERS: evil_reviewer, ADMINS: evil_admin},
        "article_id": article.pk,
        "tag_id": tags[1].pk,
        "claim_tag_id": tags[0].pk,
        "group_id": group.pk,
        "batch_id": item.batch_id,
        "unsure_item_id": unsure.pk,
        "set_id": tag_set.pk,
        "export_id": failed.pk,
        "ready_export_id": ready.pk,
    }


def _client(hostile, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(hostile["users"][role])
    return client


def _url(name: str, pattern, objects: dict) -> str:
    keys = {p: SPECIAL_OBJECTS.get((name, p), p) for p in pattern.pattern.converters}
    unknown = [key for key in keys.values() if key not in objects]
    assert not unknown, f"{name}: add a hostile object for URL parameter(s) {unknown}"
    return reverse(name, kwargs={p: objects[key] for p, key in keys.items()})


# --- The checks -------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Walks the page as a browser would tokenize it; collects what makes a payload live."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._check_element(tag, attrs)
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self._check_element(tag, attrs)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data):
        self.text.append(data)
        inside = self.stack[-1][0] if self.stack else ""
        if inside == "script" and (QUERY in data or "onerror" in data):
            self.problems.append(f"payload inside a <script>: {data[:80]!r}")
        if BIDI_CONTROLS & set(data) and not any(
            tag in ISOLATING or "dir" in attrs for tag, attrs in self.stack
        ):
            path = " > ".join(tag for tag, _attrs in self.stack)
            self.problems.append(f"bidi control outside an isolating element: {path}")

    def _check_element(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event-handler attribute <{tag} {name}={value[:40]!r}>")
            squashed = "".join(ch for ch in value if ch > " ").lower()
            if name in URL_ATTRIBUTES and squashed.startswith(("javascript:", "data:text/html")):
                self.problems.append(f"script URL <{tag} {name}={value[:40]!r}>")
        if tag == "script" and not dict(attrs).get("src"):
            kind = dict(attrs).get("type", "")
            if kind != "application/json":  # json_script is the one inline script allowed
                self.problems.append("an inline <script> element")
        if tag in {"iframe", "object", "embed"} or (tag == "img" and dict(attrs).get("src") == "x"):
            self.problems.append(f"an injected <{tag}> element")


def _check_html(label: str, html: str, *, must_show: bool = True) -> list[str]:
    page = _Page()
    page.feed(html)
    page.close()
    problems = [f"{label}: {problem}" for problem in page.problems]
    for rendered in RENDERED_TEMPLATE:
        if rendered in html:
            problems.append(f"{label}: template syntax was rendered ({rendered!r} in the page)")
    text = "".join(page.text)
    if must_show and not any(shown in text for shown in SHOWN):
        problems.append(f"{label}: shows no payload as text (is the hostile data reached?)")
    return problems


def _check_download(label: str, response) -> list[str]:
    problems = []
    content_type = response.get("Content-Type", "")
    if "html" in content_type or "xml" in content_type:
        problems.append(f"{label}: served as {content_type}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{label}: no X-Content-Type-Options: nosniff")
    disposition = response.get("Content-Disposition", "")
    if not disposition.startswith("attachment") or BIDI_CONTROLS & set(disposition):
        problems.append(f"{label}: Content-Disposition {disposition!r}")
    if any(ch in disposition for ch in "<>"):
        problems.append(f"{label}: markup in the file name {disposition!r}")
    data = b"".join(response.streaming_content).decode("utf-8-sig")
    if "csv" in content_type:
        rows = list(csv.reader(io.StringIO(data)))
        cells = [cell for row in rows[1:] for cell in row]
        if not any("<script>" in cell for cell in cells):
            problems.append(f"{label}: the hostile rows are missing")
        for cell in cells:
            if cell[:1] in FORMULA_TRIGGERS:
                problems.append(f"{label}: cell starts like a formula: {cell[:40]!r}")
    elif "<script>" not in data:
        problems.append(f"{label}: the hostile rows are missing")
    return problems


def _check_json(label: str, response) -> list[str]:
    """JSON is inert when it is served as JSON, never sniffed as HTML, and the payloads
    come back as the data they are."""
    problems = []
    content_type = response.get("Content-Type", "")
    if not content_type.startswith(("application/json", "application/ld+json")):
        problems.append(f"{label}: served as {content_type}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{label}: no X-Content-Type-Options: nosniff")
    data = json.dumps(json.loads(response.content), ensure_ascii=False)
    if not any(shown in data for shown in (SCRIPT, IMG, "{{ request }}")):
        problems.append(f"{label}: shows no payload (is the hostile data reached?)")
    return problems


def test_every_page_renders_hostile_text_inert(hostile):
    failures = []
    for name, pattern in _get_able().items():
        if name not in SWEEP:
            continue
        visit = SWEEP[name]
        client = _client(hostile, visit.role)
        url = _url(name, pattern, hostile)
        for query in visit.queries:
            fetches = [({}, url + query)] if visit.plain else []
            if visit.htmx_target:
                headers = {"HX-Request": "true", "HX-Target": visit.htmx_target}
                fetches.append((headers, url + query))
            for headers, target in fetches:
                label = f"GET {target} as {visit.role}" + (" (htmx)" if headers else "")
                response = client.get(target, headers=headers)
                if response.status_code != 200:
                    failures.append(f"{label}: status {response.status_code}")
                    continue
                if name in DOWNLOADS:
                    failures += _check_download(label, response)
                    continue
                if name in JSON_ANSWERS:
                    failures += _check_json(label, response)
                    continue
                assert response["Content-Type"].startswith("text/html"), label
                # The login pages show no stored text, only what the request carried.
                must_show = name not in ("login", "admin_login")
                failures += _check_html(label, response.content.decode(), must_show=must_show)
    assert not failures, "\n".join(failures)


def test_the_highlighter_marks_inside_escaped_payloads(hostile):
    """`?q=alert` matches inside the payloads: the hit is marked, its neighbours escaped."""
    client = _client(hostile, EDITORS)
    for name in ("article_list", "tag_list"):
        html = client.get(reverse(name) + f"?q={QUERY}").content.decode()
        assert f'<mark class="hit">{QUERY}</mark>' in html, name
        assert "&lt;script&gt;" in html, name
        assert "<script>" + f'<mark class="hit">{QUERY}' not in html, name


def _admin_urls() -> list[str]:
    """The changelist (with a search) and a change page of every model in the admin."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        urls.append(changelist)
        if model_admin.search_fields:
            urls.append(f"{changelist}?q={QUERY}")
        first = model.objects.order_by("-pk").first()
        if first is not None:
            urls.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
            urls.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[first.pk])
            )
    return urls


def test_the_admin_renders_hostile_text_inert(hostile):
    client = _client(hostile, ADMINS)
    failures = []
    for url in _admin_urls():
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"GET {url}: status {response.status_code}")
            continue
        # Every model page shows hostile text except those whose rows hold none (groups).
        shows = not url.startswith(("/admin/auth/group/", "/admin/sessions/"))
        failures += _check_html(f"GET {url}", response.content.decode(), must_show=shows)
    assert not failures, "\n".join(failures)


def test_the_admin_covers_the_models_that_hold_user_text():
    registered = set(admin.site._registry)
    assert {Article, Tag, get_user_model()} <= registered


def test_the_checks_catch_live_payloads():
    """The checker itself: unescaped payloads are caught, escaped ones pass."""
    assert _check_html("raw", f"<p>{SCRIPT}</p>")
    assert _check_html("raw", f"<p>{IMG}</p>")
    assert _check_html("raw", f'<a href=" {JS_URL}">x</a>')
    assert _check_html("raw", f"<span>{BIDI}</span>", must_show=False)
    assert _check_html("raw", "<p>&lt;WSGIRequest: GET '/'&gt;</p>", must_show=False)
    escaped = "<p>&lt;script&gt;alert(1)&lt;/script&gt; <bdi>\u202e</bdi></p>"
    assert not _check_html("escaped", escaped)


# --- What the code may not do at all ------------------------------------------------------------

APP_DIRS = ("articles", "newsdesk")
# Modules allowed to build markup themselves, and why each is safe.
MARKUP_BUILDERS = {
    "articles/reading/highlights.py": "escapes every piece of body text, then wraps it in <mark>",
    "articles/reading/evidence.py": "escapes the evidence; links only http(s) URLs",
    "articles/reading/side_list.py": "a tag's markup: every user field through html.escape",
    "articles/reading/suggestion_list.py": "the suggestion list: every field through html.escape",
    "articles/search/result_rows.py": "list rows: every user field through html.escape",
    "articles/search/filter_widgets.py": "filter widgets: Django's widget context, escaped",
    "articles/team/guidelines.py": "Markdown rendered, then cleaned by the nh3 sanitiser",
}


def _source_files(suffix: str):
    from django.conf import settings

    base = settings.BASE_DIR
    for folder in (*APP_DIRS, "templates"):
        for path in sorted((base / folder).rglob(f"*{suffix}")):
            if "migrations" not in path.parts:
                yield path.relative_to(base).as_posix(), path.read_text(encoding="utf-8")


def test_no_template_turns_escaping_off():
    offenders = [
        name
        for name, text in _source_files(".html")
        if "|safe" in text.replace(" ", "") or "autoescape off" in text
    ]
    assert not offenders, f"|safe or autoescape off in {offenders}: use json_script or escape"


def test_only_known_modules_build_markup():
    markers = ("mark_safe(", "SafeString(", "format_html(", "SafeData", "|safe")
    offenders = [
        name
        for name, text in _source_files(".py")
        if name not in MARKUP_BUILDERS and any(marker in text for marker in markers)
    ]
    assert not offenders, f"markup built outside MARKUP_BUILDERS: {offenders}"


# The one module that opens URLs (Admins' webhook endpoints): it connects only to an
# address articles/webhooks/addresses.py has just checked (test_webhooks.py).
OUTGOING_HTTP = {"articles/webhooks/delivery.py"}


def test_no_view_fetches_a_url():
    """No server-side request forgery: only webhook delivery opens a URL, a checked one."""
    clients = ("urllib.request", "urlopen", "import requests", "import httpx", "http.client")
    offenders = [
        name
        for name, text in _source_files(".py")
        if name not in OUTGOING_HTTP and any(client in text for client in clients)
    ]
    assert not offenders, f"outgoing HTTP in {offenders}"
    delivery = dict(_source_files(".py"))["articles/webhooks/delivery.py"]
    assert "addresses.checked_address(" in delivery
