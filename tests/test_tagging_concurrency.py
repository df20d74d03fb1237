"""Real concurrent edits of one tag: each thread has its own client and database
connection, released together by a barrier. Exactly one save wins; the others get 409
with the current state, and nothing is lost silently."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles import tagging
from articles.models import Tag, TagEvent
from articles.roles import EDITORS
from tests.conftest import make_article, make_user, sample_text

EDITORS_AT_ONCE = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_one_wins_the_rest_get_409_with_the_current_state():
    article = make_article(sample_text(1), title="تزامن")
    users = [make_user(f"concurrent{i}", EDITORS) for i in range(EDITORS_AT_ONCE)]
    tag = tagging.create_tag(article=article, user=users[0], kind="claim", start=10, end=40)
    url = reverse("update_tag", args=[tag.pk])
    barrier = threading.Barrier(EDITORS_AT_ONCE)
    results: dict[int, tuple[int, str]] = {}

    def edit(i: int) -> None:
        try:
            client = Client()
            client.force_login(users[i])
            # Everyone opened the form at version 1 ...
            form = client.get(reverse("edit_tag", args=[tag.pk]), HTTP_HX_REQUEST="true")
            assert 'name="version" value="1"' in form.content.decode()
            barrier.wait(timeout=10)
            # ... and saves at the same moment.
            data = {"kind": "quote", "note": f"ملاحظة المحرر {i}", "speaker": "", "version": 1}
            response = client.post(url, data, HTTP_HX_REQUEST="true")
            results[i] = (response.status_code, response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(EDITORS_AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(status for status, _html in results.values())
    assert statuses == [200] + [409] * (EDITORS_AT_ONCE - 1)
    winner = next(i for i, (status, _html) in results.items() if status == 200)
    tag.refresh_from_db()
    assert tag.note == f"ملاحظة المحرر {winner}" and tag.version == 2
    for i, (status, html) in results.items():
        if status == 409:
            assert f"ملاحظة المحرر {winner}" in html  # the current state is shown
            assert f"ملاحظة المحرر {i}" in html  # and the loser's own change, to re-apply
            assert 'name="version" value="2"' in html
    # Exactly one edit recorded; its "before" is the state everyone started from.
    edits = TagEvent.objects.filter(tag_id=tag.pk, action="edited")
    assert edits.count() == 1 and edits.get().before["version"] == 1
    assert Tag.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_edit_and_delete_never_both_apply():
    article = make_article(sample_text(2), title="تزامن الحذف")
    alice, bob = make_user("alice", EDITORS), make_user("bob", EDITORS)
    tag = tagging.create_tag(article=article, user=alice, kind="claim", start=5, end=25)
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def run(name, action):
        try:
            fresh = Tag.objects.select_related("article").get(pk=tag.pk)
            barrier.wait(timeout=10)
            try:
                action(fresh)
                outcome[name] = "ok"
            except tagging.StaleTag:
                outcome[name] = "stale"
        finally:
            connection.close()

    def edit(fresh):
        tagging.update_tag(tag=fresh, version=1, user=alice, kind="quote", note="x", speaker="")

    def delete(fresh):
        tagging.delete_tag(tag=fresh, version=1, user=bob)

    threads = [
        threading.Thread(target=run, args=("edit", edit)),
        threading.Thread(target=run, args=("delete", delete)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome.values()) == ["ok", "stale"]
    if outcome["edit"] == "ok":
        assert Tag.objects.get(pk=tag.pk).note == "x"
    else:
        assert not Tag.objects.filter(pk=tag.pk).exists()
