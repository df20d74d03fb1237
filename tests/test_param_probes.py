"""Allow-list probes: every list, filter, sort and export endpoint ignores what it does not
know (issue 7, point 4).

A request such as `?sort=created_by__password` or `?created_by__email__startswith=a` must
change nothing and leak nothing: the answer is 200 (or 400 for a bad value of a known
parameter), never 500, it is the same page or file as without the probe (so no ordering
or filtering reveals a secret bit by bit), and no password hash ever appears.

The URLconf is walked: every URL name a GET reaches must be in LISTS (probed) or in
NOT_A_LIST (with the reason). The Django admin's changelists are probed too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import get_resolver, reverse

from articles import tagging
from articles.models import Assignment, ClaimGroup, Tag, TagSet, WorkItem
from articles.quotes.speakers import speaker_key
from articles.roles import ADMINS, EDITORS, REVIEWERS
from tests.conftest import (
    make_article,
    make_prepared_export,
    make_source,
    make_user,
    make_webhook_endpoint,
)
from tests.test_permission_matrix import MATRIX, _walk


@dataclass(frozen=True)
class Endpoint:
    role: str
    base: str = ""  # the query every probe is added to, e.g. "?format=csv"


LISTS: dict[str, Endpoint] = {
    "article_list": Endpoint(EDITORS),
    "tag_list": Endpoint(EDITORS),
    "overview": Endpoint(EDITORS),
    "import_files": Endpoint(ADMINS),
    "review_queue": Endpoint(REVIEWERS),
    "export_page": Endpoint(REVIEWERS),
    "download_tags": Endpoint(REVIEWERS, "?format=csv"),
    "download_set": Endpoint(REVIEWERS, "?format=jsonl"),
    "prepared_exports": Endpoint(REVIEWERS),
    "prepared_export_progress": Endpoint(REVIEWERS),
    "download_prepared_export": Endpoint(REVIEWERS),
    # One object's page, but it lists the object's parts: probe it as well.
    "read_article": Endpoint(EDITORS),
    "import_batch": Endpoint(ADMINS),
    "tag_history": Endpoint(EDITORS),
    "speaker_list": Endpoint(EDITORS),
    "speaker_detail": Endpoint(EDITORS),
    "claim_groups": Endpoint(EDITORS),
    "claim_group": Endpoint(EDITORS),
    "article_revisions": Endpoint(EDITORS),
    "article_orphans": Endpoint(EDITORS),
    "orphan_queue": Endpoint(EDITORS),
    "my_work": Endpoint(EDITORS),
    "assignment_list": Endpoint(REVIEWERS),
    "assignment_detail": Endpoint(REVIEWERS),
    "agreement": Endpoint(REVIEWERS),
    "agreement_csv": Endpoint(REVIEWERS),
    "layers_csv": Endpoint(REVIEWERS),
    "adjudicate_article": Endpoint(REVIEWERS),
    "adjudication_edit": Endpoint(REVIEWERS),
    "guideline_page": Endpoint(EDITORS),
    "claim_reviews_file": Endpoint(EDITORS),
    "api_tokens": Endpoint(EDITORS),
    "webhook_list": Endpoint(ADMINS),
    "webhook_deliveries": Endpoint(ADMINS),
    # The REST API's lists and filters, and the objects that list their parts.
    "api:article_list": Endpoint(EDITORS),
    "api:article_detail": Endpoint(EDITORS),
    "api:tag_list": Endpoint(EDITORS),
    "api:tag_create": Endpoint(EDITORS),
    "api:tag_history": Endpoint(EDITORS),
    "api:set_list": Endpoint(REVIEWERS),
    "api:set_create": Endpoint(REVIEWERS),
    "api:set_export": Endpoint(REVIEWERS, "?format=jsonl"),
    "api:claim_list": Endpoint(EDITORS),
    "api:claim_reviews": Endpoint(EDITORS),
    "api:claim_detail": Endpoint(EDITORS),
    "api:speaker_list": Endpoint(EDITORS),
    "api:speaker_quotes": Endpoint(EDITORS),
}
NOT_A_LIST: dict[str, str] = {
    "home": "a redirect",
    "login": "a form; its one parameter (next) is checked by Django's redirect guard",
    "admin_login": "the admin's login form; `next` goes through the same redirect guard",
    "edit_profile": "one's own settings form, no parameters",
    "healthz": "a fixed status document",
    "kinds_css": "a stylesheet from the fixed kinds table",
    "favicon": "a redirect to the site's icon",
    "export_format_doc": "a fixed document",
    "raw_article": "one article's file, no parameters",
    "outlet_rules": "one outlet's learned rules, no parameters",
    "tag_panel": "an htmx fragment of read_article (probed there)",
    "article_changes": "an htmx poll of read_article; its one parameter (since) is a RegexField",
    "edit_tag": "one tag's form, no parameters",
    "pick_encoding": "one file's preview; `encoding` is a ChoiceField",
    "claim_panel": "an htmx fragment of one claim; its one parameter (close) is a flag",
    "correct_article": "one article's correction form, no parameters",
    "revision_text": "one version's text as a file, no parameters",
    "revision_file": "the file one version was cleaned from, no parameters",
    "batch_progress": "a batch's counts; its one parameter (was) is compared to one word",
    "claim_review_file": "one group's ClaimReview, no parameters",
    "api:api-root": "a redirect to the docs",
    "api:openapi-view": "the docs page, no parameters",
    "api:openapi-json": "the fixed OpenAPI document",
    "api:tag_detail": "one tag, no parameters",
    "api:tag_update": "one tag (GET of the same path as api:tag_detail)",
    "api:tag_delete": "one tag (GET of the same path as api:tag_detail)",
    "api:claim_review": "one group's ClaimReview, no parameters",
}
SPECIAL_OBJECTS = {
    ("tag_history", "tag_id"): "tag_id",
    ("adjudicate_article", "article_id"): "blind_article_id",
    ("adjudication_edit", "article_id"): "blind_article_id",
}

# Each probe must leave the answer exactly as it was without it.
PROBES = [
    "sort=created_by__password",
    "order=-created_by__password",
    "ordering=created_by__password",
    "o=created_by__password",
    "order_by=-created_by__password",
    "created_by__email__startswith=a",
    "created_by__password__startswith=pbkdf2",
    "created_by__is_superuser=true",
    "owner__password__startswith=pbkdf2",
    "imported_by__password__regex=%5Epbkdf2",
    "article__in={other_article}",
    "pk__in={other_article}",
    "id__gt=0",
    "unknown=1",
    "sort=a&sort=b&sort=created_by__password",
    "_method=DELETE",
    "format__json=1",
]
# These may change the answer (they are known parameters given odd values), but must not
# break it: 200 or 400, never 500, and never a hash.
ODD_VALUES = [
    "page=99999999999999999999999",
    "page=-1",
    "page=%00",
    "q=" + "ا" * 5000,
    "q=" + "%22" * 3000,
    "q=&q=x&q=" + "y" * 300,
    "kind=claim&kind=claim&kind=nonsense",
    "state=accepted&state=%27%3B--",
    "article=99999999999999999999999",
    "article=1,2,3," + ",".join(str(n) for n in range(4, 3000)),
    "source=99999999999999999999999",
    "source=abc",
    "editor=-5",
    "imported_by=99999999999999999999999",
    "date_from=9999-99-99",
    "date_from=2025-02-30&date_to=1900-01-01",
    "format=../../etc/passwd",
    "speaker=" + "x" * 100000,
]


def _get_able() -> dict[str, object]:
    return {
        name: pattern
        for name, pattern in _walk(get_resolver().url_patterns)
        if MATRIX[name].get is not None
    }


def test_every_get_url_is_probed_or_excused():
    names = set(_get_able())
    missing = sorted(names - set(LISTS) - set(NOT_A_LIST))
    assert not missing, f"GET URLs neither probed (LISTS) nor excused (NOT_A_LIST): {missing}"
    stale = sorted((set(LISTS) | set(NOT_A_LIST)) - names)
    assert not stale, f"probe entries for URLs that no longer take GET: {stale}"


@pytest.fixture
def data(db):
    """Two editors whose e-mails and password hashes differ, so a probe that reached an
    ORM lookup or an ORDER BY would change the answer."""
    alice = make_user("alice", EDITORS, email="alice@example.org")
    zed = make_user("zed", EDITORS, email="zed@example.org")
    zed.set_password("another-password-entirely")
    zed.save()
    reviewer = make_user("probe-reviewer", REVIEWERS)
    boss = make_user("probe-admin", ADMINS, is_superuser=True)
    source = make_source("مصدر الاختبار")
    articles = [
        make_article(f"مقال رقم {n} عن الاجتماع.\nفقرة ثانية فيها تصريح الوزير {n}.", source=source)
        for n in range(3)
    ]
    tags = []
    for n, article in enumerate(articles):
        for user in (alice, zed, alice):
            tags.append(
                tagging.create_tag(
                    article=article,
                    user=user,
                    kind=("claim", "quote", "background")[n],
                    start=0,
                    end=4 + len(tags) % 3,
                    note=f"ملاحظة {user.username}",
                    speaker=f"المتحدث {user.username}",
                )
            )
    tagging.delete_tag(tag=tags[-1], version=tags[-1].version, user=alice)
    from articles.models import ImportBatch

    batch = ImportBatch.objects.create(created_by=boss)
    tag_set = TagSet.objects.create(name="مجموعة", owner=reviewer, filters={"kind": ["claim"]})
    prepared = make_prepared_export(tag_set, "xlsx")
    # Two claim groups by the two editors, so an ordering by creator would show.
    for n, user in enumerate((alice, zed)):
        group = ClaimGroup.objects.create(label=f"مجموعة {user.username}", created_by=user)
        Tag.objects.filter(pk=tags[n].pk).update(claim_group=group, verification="false")
    # Both editors tag one more article blind, in an independent assignment.
    assignment = Assignment.objects.create(name="تكليف", mode="independent", created_by=boss)
    blind = make_article("مقال يوسم وسماً مستقلاً عن الاجتماع.", source=source)
    for user in (alice, zed):
        WorkItem.objects.create(assignment=assignment, article=blind, editor=user)
        tagging.create_tag(
            article=blind, user=user, kind="claim", start=0, end=4, annotator_id=user.pk
        )
    endpoint = make_webhook_endpoint(
        url="https://93.184.215.14/hook", secret="s", events=["tag.created"]
    )
    return {
        "endpoint_id": endpoint.pk,
        "assignment_id": assignment.pk,
        "kind": "general",
        "blind_article_id": blind.pk,
        "users": {EDITORS: alice, REVIEWERS: reviewer, ADMINS: boss},
        "article_id": articles[0].pk,
        "other_article": articles[1].pk,
        "tag_id": tags[0].pk,
        "key": speaker_key("المتحدث alice"),
        "batch_id": batch.pk,
        "set_id": tag_set.pk,
        "export_id": prepared.pk,
        "group_id": group.pk,
        "hashes": [u.password for u in get_user_model().objects.all()],
    }


_TOKENS = re.compile(rb'(csrfmiddlewaretoken" value="|"x-csrftoken": ")[^"]+')


def _body(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return _TOKENS.sub(rb"\1", content)  # the masked CSRF token differs on every request


def _leaks(body: bytes, hashes: list[str]) -> list[str]:
    found = [h for h in hashes if h and h.encode() in body]
    if b"pbkdf2_sha256$" in body or b"argon2$" in body:
        found.append("a hash prefix")
    return found


def _url(name: str, pattern, data: dict) -> str:
    keys = {p: SPECIAL_OBJECTS.get((name, p), p) for p in pattern.pattern.converters}
    return reverse(name, kwargs={p: data[key] for p, key in keys.items()})


def _join(url: str, base: str, probe: str) -> str:
    return url + (base + "&" if base else "?") + probe


def test_probes_change_nothing_and_leak_nothing(data):
    failures = []
    for name, pattern in _get_able().items():
        if name not in LISTS:
            continue
        endpoint = LISTS[name]
        client = Client()
        client.force_login(data["users"][endpoint.role])
        url = _url(name, pattern, data)
        baseline = client.get(url + endpoint.base)
        assert baseline.status_code == 200, f"{name}: {baseline.status_code}"
        expected = _body(baseline)
        for htmx in (False, True):
            headers = {"HX-Request": "true"} if htmx else {}
            if htmx:
                expected = _body(client.get(url + endpoint.base, headers=headers))
            for probe in PROBES:
                target = _join(url, endpoint.base, probe.format(**data))
                response = client.get(target, headers=headers)
                label = f"GET {target}" + (" (htmx)" if htmx else "")
                if response.status_code != 200:
                    failures.append(f"{label}: status {response.status_code}")
                    continue
                body = _body(response)
                if body != expected:
                    failures.append(f"{label}: the answer changed")
                if leaks := _leaks(body, data["hashes"]):
                    failures.append(f"{label}: leaks {leaks}")
        for odd in ODD_VALUES:
            target = _join(url, endpoint.base, odd)
            response = client.get(target)
            if response.status_code not in (200, 400):
                failures.append(f"GET {target[:120]}: status {response.status_code}")
            elif leaks := _leaks(_body(response), data["hashes"]):
                failures.append(f"GET {target[:120]}: leaks {leaks}")
    assert not failures, "\n".join(failures)


def test_admin_changelists_refuse_lookups_outside_their_filters(data):
    """The admin allows only its list_filter lookups: anything else is refused or ignored."""
    client = Client()
    client.force_login(data["users"][ADMINS])
    failures = []
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        for probe in PROBES + ODD_VALUES:
            target = _join(url, "", probe.format(**data))
            response = client.get(target)
            # 302 to ?e=1 is the admin's "bad lookup" answer.
            if response.status_code not in (200, 302, 400):
                failures.append(f"GET {target[:120]}: status {response.status_code}")
                continue
            if leaks := _leaks(response.content, data["hashes"]):
                failures.append(f"GET {target[:120]}: leaks {leaks}")
    assert not failures, "\n".join(failures)
