"""The read-replica router: search, exports and the overview read from `replica`, writes never do.

The replica here is a second connection (its own alias and session) to the test database,
standing in for a streaming replica; the test records which connection ran each query.
"""

from __future__ import annotations

import re

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsdesk.replica import REPLICA
from tests.conftest import make_article, make_tag

HTMX = {"HTTP_HX_REQUEST": "true"}
REPLICA_VIEWS = ["overview", "tag_list", "download_tags"]


@pytest.fixture
def replica(transactional_db):
    """A `replica` alias: committed rows (transactional_db) are visible to its connection."""
    connections.settings[REPLICA] = dict(connections.settings["default"])
    connection = connections[REPLICA]
    # pytest-django forbids connections it did not set up; this one is the test's own.
    for name in (
        "connect",
        "temporary_connection",
        "cursor",
        "chunked_cursor",
        "ensure_connection",
    ):
        vars(connection).pop(name, None)
    connection.connect()  # open, so the test's guard against unopened aliases lets it through
    yield connection
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def _tables(queries: CaptureQueriesContext) -> set[str]:
    return {
        name for q in queries.captured_queries for name in re.findall(r"\b(articles_\w+)", q["sql"])
    }


def _get(client, name: str):
    replica_connection = connections[REPLICA] if REPLICA in connections.settings else None
    stand_in = replica_connection or connections["default"]
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(stand_in) as replica_queries,
    ):
        # JSON lines: read through the ORM, so every query is recorded (CSV is one COPY).
        response = client.get(
            reverse(name), {"format": "jsonl"} if "download" in name else {}, **HTMX
        )
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, name
    return _tables(primary), _tables(replica_queries) if replica_connection else set()


@pytest.fixture
def tagged(admin_user):
    article = make_article()
    make_tag(article, 0, 4, user=admin_user)
    return article


@pytest.mark.parametrize("name", REPLICA_VIEWS)
def test_search_exports_and_overview_read_from_the_replica(replica, admin_client_, tagged, name):
    on_primary, on_replica = _get(admin_client_, name)
    assert on_replica
    assert not on_primary  # sessions and users only: no article data from the primary


def test_other_pages_read_from_the_primary(replica, admin_client_, tagged):
    with CaptureQueriesContext(connections[REPLICA]) as replica_queries:
        response = admin_client_.get(reverse("read_article", args=[tagged.pk]))
    assert response.status_code == 200
    assert replica_queries.captured_queries == []


def test_a_write_goes_to_the_primary_and_its_writer_reads_from_the_primary(
    replica, admin_client_, tagged, settings
):
    words = tagged.body.split()
    start = tagged.body.index(words[1])
    end = start + len(words[1])
    with CaptureQueriesContext(connections[REPLICA]) as during_write:
        response = admin_client_.post(
            reverse("tag_passage", args=[tagged.pk]),
            {"kind": "quote", "start": start, "end": end, "exact": words[1]},
            **HTMX,
        )
    assert response.status_code == 200
    assert during_write.captured_queries == []

    # Just wrote: the overview and exports read from the primary, which has the new tag.
    on_primary, on_replica = _get(admin_client_, "overview")
    assert "articles_tagtally" in on_primary  # the overview counts from the tag tallies
    assert not on_replica

    # Once the pin has passed, back to the replica.
    settings.REPLICA_PIN_SECONDS = 0
    on_primary, on_replica = _get(admin_client_, "overview")
    assert "articles_tagtally" in on_replica


def test_without_a_replica_everything_reads_from_the_primary(admin_client_, tagged):
    assert REPLICA not in connections.settings
    for name in REPLICA_VIEWS:
        on_primary, on_replica = _get(admin_client_, name)
        assert on_primary, name
