"""Who may do what, for every URL of the project, checked against the live URLconf.

The URLconf is walked (not a hand-kept list of URLs), so a new endpoint without an entry in
MATRIX fails `test_every_url_has_a_matrix_entry`. Each entry says which roles may GET and POST;
everyone else must be sent to login (anonymous) or refused with 403, and a method the view
does not take must be refused with 405.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from articles import tagging
from articles.models import (
    ArticleRevision,
    Assignment,
    ClaimGroup,
    ImportBatch,
    ImportItem,
    OutletRule,
    PreparedExport,
    PreparedExportChunk,
    QuoteSuggestion,
    SuggestionRun,
    Tag,
    TagSet,
    WorkItem,
)
from articles.quotes.speakers import speaker_key
from articles.quotes.suggestion_store import RULES_VERSION
from articles.roles import ADMINS, EDITORS, REVIEWERS
from tests.conftest import make_article, make_source, make_user, make_webhook_endpoint

ANONYMOUS, NO_ROLE = "anonymous", "no role"
ROLES = (ANONYMOUS, NO_ROLE, EDITORS, REVIEWERS, ADMINS)
PUBLIC = frozenset(ROLES)
SIGNED_IN = frozenset({NO_ROLE, EDITORS, REVIEWERS, ADMINS})
READERS = frozenset({EDITORS, REVIEWERS, ADMINS})
WRITERS = frozenset({EDITORS, ADMINS})
CHECKERS = frozenset({REVIEWERS, ADMINS})
ONLY_ADMINS = frozenset({ADMINS})
NOBODY = frozenset()


@dataclass(frozen=True)
class Rule:
    get: frozenset | None  # roles allowed; None: the view does not take this method
    post: frozenset | None
    # Walked for the REST API's URLs only (the pages take GET and POST alone).
    patch: frozenset | None = None
    delete: frozenset | None = None


API = "api:"  # the REST API's URL names (articles/api/): it answers 401 where a page says login


MATRIX: dict[str, Rule] = {
    "home": Rule(get=SIGNED_IN, post=SIGNED_IN),  # a redirect to the list, for any method
    "login": Rule(get=PUBLIC, post=PUBLIC),
    "admin_login": Rule(get=PUBLIC, post=PUBLIC),
    "logout": Rule(get=None, post=PUBLIC),
    "edit_profile": Rule(get=SIGNED_IN, post=SIGNED_IN),  # one's own language
    "healthz": Rule(get=PUBLIC, post=None),
    "kinds_css": Rule(get=PUBLIC, post=None),
    "favicon": Rule(get=PUBLIC, post=None),
    "article_list": Rule(get=READERS, post=None),
    "read_article": Rule(get=READERS, post=None),
    # Finding things (issue 6): every reader.
    "tag_list": Rule(get=READERS, post=None),
    "overview": Rule(get=READERS, post=None),
    # Import (issue 3): Admins only.
    "import_files": Rule(get=ONLY_ADMINS, post=ONLY_ADMINS),
    "import_batch": Rule(get=ONLY_ADMINS, post=None),
    "batch_progress": Rule(get=ONLY_ADMINS, post=None),
    "pick_encoding": Rule(get=ONLY_ADMINS, post=ONLY_ADMINS),
    # Update an article of the same outlet with a held file, or import it as new.
    "decide_similar": Rule(get=None, post=ONLY_ADMINS),
    "raw_article": Rule(get=ONLY_ADMINS, post=None),
    # What an outlet's clean-up learns: Admins only, like the rest of import.
    "correct_line": Rule(get=None, post=ONLY_ADMINS),
    "undo_line": Rule(get=None, post=ONLY_ADMINS),
    "outlet_rules": Rule(get=ONLY_ADMINS, post=None),
    "import_second_story": Rule(get=None, post=ONLY_ADMINS),
    "delete_outlet_rule": Rule(get=None, post=ONLY_ADMINS),
    # Tagging (issue 4): Editors and Admins write; every reader sees the panel and history.
    "tag_passage": Rule(get=None, post=WRITERS),
    "tag_panel": Rule(get=READERS, post=None),
    "article_changes": Rule(get=READERS, post=None),
    "edit_tag": Rule(get=WRITERS, post=None),
    "update_tag": Rule(get=None, post=WRITERS),
    "delete_tag": Rule(get=None, post=WRITERS),
    "restore_tag": Rule(get=None, post=WRITERS),
    "tag_history": Rule(get=READERS, post=None),
    # Review and export (issue 5): Reviewers and Admins.
    "review_queue": Rule(get=CHECKERS, post=None),
    "review_tag": Rule(get=None, post=CHECKERS),
    "export_page": Rule(get=CHECKERS, post=None),
    "export_format_doc": Rule(get=CHECKERS, post=None),
    "download_tags": Rule(get=CHECKERS, post=None),
    "save_tag_set": Rule(get=None, post=CHECKERS),
    "download_set": Rule(get=CHECKERS, post=None),
    # The set belongs to someone else: only an Admin may freeze it.
    "freeze_set": Rule(get=None, post=ONLY_ADMINS),
    # Prepared exports: the matrix's reviewer asked for the one walked; Admins see every one.
    "prepared_exports": Rule(get=CHECKERS, post=CHECKERS),
    "prepared_export_progress": Rule(get=CHECKERS, post=None),
    "retry_prepared_export": Rule(get=None, post=CHECKERS),
    "download_prepared_export": Rule(get=CHECKERS, post=None),
    # Quote suggestions and speakers (issue 9): every reader looks, writers decide and merge.
    "accept_suggestion": Rule(get=None, post=WRITERS),
    "dismiss_suggestion": Rule(get=None, post=WRITERS),
    "speaker_list": Rule(get=READERS, post=None),
    "speaker_detail": Rule(get=READERS, post=None),
    "merge_speakers": Rule(get=None, post=WRITERS),
    "unmerge_speaker": Rule(get=None, post=WRITERS),
    # Claims across outlets (issue 9): every reader looks, Editors and Admins write.
    "claim_panel": Rule(get=READERS, post=None),
    "link_claim": Rule(get=None, post=WRITERS),
    "unlink_claim": Rule(get=None, post=WRITERS),
    "claim_status": Rule(get=None, post=WRITERS),
    "claim_groups": Rule(get=READERS, post=None),
    "claim_group": Rule(get=READERS, post=None),
    "rename_claim_group": Rule(get=None, post=WRITERS),
    # Versions of the text: Admins correct; every reader sees versions, diffs and orphans;
    # Editors and Admins re-place or delete orphans.
    "correct_article": Rule(get=ONLY_ADMINS, post=ONLY_ADMINS),
    "article_revisions": Rule(get=READERS, post=None),
    "revision_text": Rule(get=READERS, post=None),
    "revision_file": Rule(get=ONLY_ADMINS, post=None),  # a file, as the raw page
    "article_orphans": Rule(get=READERS, post=None),
    "orphan_queue": Rule(get=READERS, post=None),
    "replace_tag": Rule(get=None, post=WRITERS),
    "delete_orphan": Rule(get=None, post=WRITERS),
    # Working as a team: editors see their work; reviewers and Admins follow assignments,
    # agreement and adjudicate; only Admins create assignments.
    "my_work": Rule(get=WRITERS, post=None),
    "mark_done": Rule(get=None, post=WRITERS),
    "reopen_item": Rule(get=None, post=WRITERS),
    "assignment_list": Rule(get=CHECKERS, post=ONLY_ADMINS),
    "assignment_detail": Rule(get=CHECKERS, post=None),
    "agreement": Rule(get=CHECKERS, post=None),
    "agreement_csv": Rule(get=CHECKERS, post=None),
    "layers_csv": Rule(get=CHECKERS, post=None),
    "adjudicate_article": Rule(get=CHECKERS, post=CHECKERS),
    "adjudication_edit": Rule(get=CHECKERS, post=CHECKERS),
    "guideline_page": Rule(get=READERS, post=ONLY_ADMINS),
    "claim_review_file": Rule(get=READERS, post=None),
    "claim_reviews_file": Rule(get=READERS, post=None),
    # API tokens: every signed-in user makes and revokes their own.
    "api_tokens": Rule(get=SIGNED_IN, post=SIGNED_IN),
    "revoke_api_token": Rule(get=None, post=SIGNED_IN),
    "webhook_list": Rule(get=ONLY_ADMINS, post=ONLY_ADMINS),
    "webhook_deliveries": Rule(get=ONLY_ADMINS, post=None),
    "toggle_webhook": Rule(get=None, post=ONLY_ADMINS),
    "rotate_webhook_secret": Rule(get=None, post=ONLY_ADMINS),
    "delete_webhook": Rule(get=None, post=ONLY_ADMINS),  # walked last: it removes the endpoint
    # The REST API: the same roles as the pages that do the same thing. Where two names
    # share a path (list and create), both carry the rule of the whole path.
    "api:api-root": Rule(get=PUBLIC, post=None),  # a redirect to the docs
    "api:openapi-json": Rule(get=SIGNED_IN, post=None),
    "api:openapi-view": Rule(get=SIGNED_IN, post=None),
    "api:article_list": Rule(get=READERS, post=None),
    "api:article_detail": Rule(get=READERS, post=None),
    "api:import_files": Rule(get=None, post=ONLY_ADMINS),
    "api:import_texts": Rule(get=None, post=ONLY_ADMINS),
    "api:tag_list": Rule(get=READERS, post=WRITERS),
    "api:tag_create": Rule(get=READERS, post=WRITERS),
    "api:tag_detail": Rule(get=READERS, post=None, patch=WRITERS, delete=WRITERS),
    "api:tag_update": Rule(get=READERS, post=None, patch=WRITERS, delete=WRITERS),
    "api:tag_delete": Rule(get=READERS, post=None, patch=WRITERS, delete=WRITERS),
    "api:tag_history": Rule(get=READERS, post=None),
    "api:tag_review": Rule(get=None, post=CHECKERS),
    "api:set_list": Rule(get=CHECKERS, post=CHECKERS),
    "api:set_create": Rule(get=CHECKERS, post=CHECKERS),
    "api:set_export": Rule(get=CHECKERS, post=None),
    "api:claim_list": Rule(get=READERS, post=None),
    "api:claim_reviews": Rule(get=READERS, post=None),
    "api:claim_detail": Rule(get=READERS, post=None),
    "api:claim_review": Rule(get=READERS, post=None),
    "api:speaker_list": Rule(get=READERS, post=None),
    "api:speaker_quotes": Rule(get=READERS, post=None),
}


def _walk(patterns, prefix=""):
    """(name, pattern) for every named URL outside the Django admin."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the admin checks is_staff itself; see test_the_admin_is_staff_only
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            yield from _walk(entry.url_patterns, prefix + namespace)
        elif isinstance(entry, URLPattern):
            yield (prefix + entry.name if entry.name else None), entry


def test_every_url_has_a_matrix_entry():
    walked = [name for name, _ in _walk(get_resolver().url_patterns)]
    assert None not in walked, "every URL pattern needs a name to be checked"
    missing = sorted(set(walked) - set(MATRIX))
    assert not missing, f"URLs without a permission-matrix entry: {missing}"
    stale = sorted(set(MATRIX) - set(walked))
    assert not stale, f"matrix entries for URLs that no longer exist: {stale}"


@pytest.fixture
def objects(db, clients):
    """One existing object for each kind of URL parameter."""
    editor = make_user("matrix-owner", EDITORS)
    article = make_article("نص المقال لاختبار الصلاحيات.")
    tag = tagging.create_tag(article=article, user=editor, kind="claim", start=0, end=2)
    gone = tagging.create_tag(article=article, user=editor, kind="quote", start=3, end=8)
    tagging.delete_tag(tag=gone, version=gone.version, user=editor)
    batch = ImportBatch.objects.create(created_by=editor)
    unsure = ImportItem.objects.create(
        batch=batch,
        position=0,
        filename="x.txt",
        status=ImportItem.Status.UNSURE,
        encoding="cp1256",
        held_data="نص قصير".encode("cp1256"),
    )
    tag_set = TagSet.objects.create(name="مجموعة", owner=make_user("set-owner", REVIEWERS))
    tagging.create_tag(
        article=article, user=editor, kind="quote", start=9, end=14, speaker="كيم جونغ أون"
    )
    suggestion = QuoteSuggestion.objects.create(
        article=article, start=3, end=14, exact=article.body[3:14], rule="quote_marks"
    )
    # As if the current rules made it: reading the article must not re-suggest it away.
    SuggestionRun.objects.create(article=article, version=RULES_VERSION)
    group = ClaimGroup.objects.create(label="مجموعة ادعاء", created_by=editor)
    tagging.set_claim_group(tag=tag, group=group, user=editor)
    # A verdict, so the group has a ClaimReview to download.
    Tag.objects.filter(pk=tag.pk).update(verification="false")
    # A second member, so that unlinking `tag` (walked before the group page) keeps the group.
    other = tagging.create_tag(article=article, user=editor, kind="claim", start=15, end=20)
    tagging.set_claim_group(tag=other, group=group, user=editor)
    source = make_source("مصدر الصلاحيات")
    make_article("سطر من الموقع\nنص مقال آخر من المصدر.", source=source)
    rule = OutletRule.objects.create(source=source, kind="furniture", key="سطر", text="سطر")
    orphan = tagging.create_tag(article=article, user=editor, kind="claim", start=21, end=25)
    Tag.objects.filter(pk=orphan.pk).update(orphaned=True)
    # The file version 1 was cleaned from, kept on it (a correction writes it).
    ArticleRevision.objects.create(
        article=article,
        number=1,
        body=article.body,
        kind=ArticleRevision.Kind.IMPORTED,
        raw_text="ملف\n" + article.body,
        created_at=timezone.now(),
    )
    # An independent assignment: the matrix's editor owns the work item it marks.
    assignment = Assignment.objects.create(name="تكليف", mode="independent", created_by=editor)
    matrix_editor = get_user_model().objects.get(username=f"matrix-{EDITORS}")
    # Its own article: on it the matrix's editor tags blind, so the shared tags above
    # would be out of their reach.
    blind = make_article("نص مقال يوسم وسماً مستقلاً.")
    work_item = WorkItem.objects.create(assignment=assignment, article=blind, editor=matrix_editor)
    WorkItem.objects.create(assignment=assignment, article=blind, editor=editor)

    Tag.objects.filter(pk=other.pk).update(verification="false")
    endpoint = make_webhook_endpoint(
        url="https://93.184.215.14/hook", secret="s", events=["tag.created"]
    )
    prepared = PreparedExport.objects.create(
        requested_by=get_user_model().objects.get(username=f"matrix-{REVIEWERS}"),
        format="jsonld",
        name="وسوم",
        status=PreparedExport.Status.READY,
        size_bytes=2,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    PreparedExportChunk.objects.create(export=prepared, number=0, data=b"{}")
    return {
        "export_id": prepared.pk,
        "endpoint_id": endpoint.pk,
        "number": 1,
        "source_id": source.pk,
        "rule_id": rule.pk,
        "work_item_id": work_item.pk,
        "kind": "general",
        "blind_article_id": blind.pk,
        "assignment_id": assignment.pk,
        "article_id": article.pk,
        "orphan_tag_id": orphan.pk,
        "tag_id": tag.pk,
        "deleted_tag_id": gone.pk,
        "batch_id": batch.pk,
        "item_id": unsure.pk,
        "set_id": tag_set.pk,
        "suggestion_id": suggestion.pk,
        "key": speaker_key("كيم جونغ أون"),
        "group_id": group.pk,
    }


@pytest.fixture
def clients(client, db):
    from django.test import Client

    made = {ANONYMOUS: client}
    for role in (NO_ROLE, EDITORS, REVIEWERS, ADMINS):
        other = Client()
        other.force_login(make_user(f"matrix-{role}", None if role == NO_ROLE else role))
        made[role] = other
    return made


# Where a URL needs a particular object rather than the usual one for its parameter.
SPECIAL_OBJECTS = {
    ("restore_tag", "tag_id"): "deleted_tag_id",
    ("delete_orphan", "tag_id"): "orphan_tag_id",
    ("adjudicate_article", "article_id"): "blind_article_id",
    ("adjudication_edit", "article_id"): "blind_article_id",
}


def _url(name: str, pattern: URLPattern, objects: dict) -> str:
    keys = {p: SPECIAL_OBJECTS.get((name, p), p) for p in pattern.pattern.converters}
    unknown = [key for key in keys.values() if key not in objects]
    assert not unknown, f"{name}: add an object for URL parameter(s) {unknown} to `objects`"
    return reverse(name, kwargs={p: objects[key] for p, key in keys.items()})


def _verdict(response) -> str:
    if response.status_code == 401:
        return "to login"  # the API's answer to a call without credentials
    if response.status_code == 404:
        return "not found"  # the fixture objects exist: a 404 means a wrong lookup
    if response.status_code == 405:
        return "method not allowed"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 302 and response.url.startswith(reverse("login")):
        return "to login"
    return "allowed"


def _expected(allowed: frozenset | None, role: str) -> set[str]:
    if allowed is None:  # anonymous users meet the login wall before the method check
        return {"method not allowed", "to login"} if role == ANONYMOUS else {"method not allowed"}
    if role in allowed:
        return {"allowed"}
    return {"to login"} if role == ANONYMOUS else {"forbidden"}


def test_every_role_gets_what_the_matrix_says(clients, objects):
    failures = []
    for name, pattern in _walk(get_resolver().url_patterns):
        rule = MATRIX[name]
        url = _url(name, pattern, objects)
        methods = [("GET", rule.get), ("POST", rule.post)]
        if name.startswith(API):
            methods += [("PATCH", rule.patch), ("DELETE", rule.delete)]
        for role in ROLES:
            for method, allowed in methods:
                if name == "logout" and method == "POST":
                    continue  # logging out would end the shared session mid-walk
                call = getattr(clients[role], method.lower())
                verdict = _verdict(call(url))
                if verdict not in _expected(allowed, role):
                    failures.append(f"{method} {url} as {role}: {verdict}")
    assert not failures, "\n".join(failures)


def test_the_admin_is_staff_only(clients):
    for role in (ANONYMOUS, NO_ROLE, EDITORS, REVIEWERS):
        response = clients[role].get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response.url, role
    assert clients[ADMINS].get("/admin/").status_code == 200


def test_logout_takes_post_only(clients):
    assert clients[EDITORS].get(reverse("logout")).status_code == 405
    assert clients[EDITORS].post(reverse("logout")).status_code == 302
