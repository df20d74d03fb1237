"""Webhooks: signed, refused inside the network, recorded with the write, retried."""

from __future__ import annotations

import http.server
import json
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import tagging
from articles.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from articles.webhooks import addresses, delivery, signing
from tests.conftest import make_article, make_user, make_webhook_endpoint, run_jobs

SECRET = "a-shared-secret"


class Receiver:
    """A webhook receiver on loopback answering `status` to every POST."""

    def __init__(self, status: int = 200) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        received = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers), body))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"<b>answer</b>")

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def failing_receiver():
    server = Receiver(status=500)
    yield server
    server.close()


def endpoint_for(url: str, **fields) -> WebhookEndpoint:
    return make_webhook_endpoint(
        url=url,
        secret=SECRET,
        events=[WebhookEndpoint.Event.TAG_CREATED],
        allow_private_address=True,
        **fields,
    )


def test_signature_verifies_and_rejects_tampering_and_old_timestamps():
    body = b'{"event": "tag.created"}'
    now = int(time.time())
    header = signing.signature_header(SECRET, now, body)
    assert header.startswith(f"t={now},v1=")
    assert signing.verify(SECRET, header, body, now=now)
    assert not signing.verify("another-secret", header, body, now=now)
    assert not signing.verify(SECRET, header, body + b" ", now=now)
    assert not signing.verify(SECRET, header, body, now=now + 3600)
    assert not signing.verify(SECRET, "v1=abc", body, now=now)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://localhost:8000/hook",
        "http://224.0.0.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ],
)
def test_addresses_inside_the_network_are_refused(url):
    with pytest.raises(ValidationError):
        addresses.checked_address(url, allow_private=False)


def test_an_admin_may_allow_a_private_address():
    assert addresses.checked_address("http://localhost:8000/h", allow_private=True)[2] in (
        "127.0.0.1",
        "::1",
    )


def test_only_http_and_https_are_accepted():
    for url in ("ftp://93.184.215.14/x", "file:///etc/passwd", "gopher://93.184.215.14/"):
        with pytest.raises(ValidationError):
            addresses.checked_address(url, allow_private=True)
    assert addresses.checked_address("https://93.184.215.14/x", allow_private=False) == (
        "93.184.215.14",
        443,
        "93.184.215.14",
    )


def test_retries_back_off_exponentially():
    assert [delivery.retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


@pytest.mark.django_db
def test_a_rolled_back_write_sends_nothing():
    endpoint_for("http://127.0.0.1:9/hook")
    user = make_user("writer")
    article = make_article()
    with pytest.raises(RuntimeError), transaction.atomic():
        tagging.create_tag(article=article, user=user, kind="claim", start=0, end=3)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the rest of the write failed")
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.django_db
def test_disabled_endpoints_and_other_events_record_nothing():
    endpoint_for("http://127.0.0.1:9/hook", enabled=False)
    make_webhook_endpoint(
        url="http://127.0.0.1:9/other", secret=SECRET, events=[WebhookEndpoint.Event.TAG_DELETED]
    )
    tagging.create_tag(
        article=make_article(), user=make_user("writer"), kind="claim", start=0, end=3
    )
    assert WebhookDelivery.objects.count() == 0


def test_a_created_tag_reaches_the_receiver_signed(job_queue, receiver):
    endpoint_for(receiver.url)
    user = make_user("writer")
    tag = tagging.create_tag(article=make_article(), user=user, kind="claim", start=0, end=3)
    run_jobs()
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert signing.verify(SECRET, headers["Newsdesk-Signature"], body, now=int(time.time()))
    sent = WebhookDelivery.objects.get()
    assert headers["Newsdesk-Event-Id"] == str(sent.event_id)
    assert f'"tag_id": {tag.pk}' in body.decode()
    assert sent.delivered_at is not None
    assert list(sent.attempt_log.values_list("status_code", flat=True)) == [200]


def test_a_failing_receiver_is_retried_with_backoff_and_every_attempt_logged(
    job_queue, failing_receiver
):
    endpoint_for(failing_receiver.url)
    tagging.create_tag(
        article=make_article(), user=make_user("writer"), kind="claim", start=0, end=3
    )
    run_jobs()  # the first try; the retry is scheduled for later
    sent = WebhookDelivery.objects.get()
    assert sent.attempts == 1 and sent.delivered_at is None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(epoch FROM scheduled_at - now()) FROM procrastinate_jobs"
            " WHERE task_name LIKE %s AND status = 'todo'",
            ["%deliver_webhook"],
        )
        (waits,) = zip(*cursor.fetchall(), strict=True)
    assert len(waits) == 1 and 20 < waits[0] <= 30
    waited = []
    for _ in range(delivery.MAX_ATTEMPTS - 1):  # the scheduled retries, run now
        before = WebhookDelivery.objects.get()
        if before.next_attempt_at:
            waited.append(
                round((before.next_attempt_at - before.attempt_log.last().at).total_seconds())
            )
        delivery.deliver(sent.pk)
    sent.refresh_from_db()
    assert waited == [30, 60, 120, 240, 480]
    assert sent.gave_up and sent.next_attempt_at is None
    assert len(failing_receiver.requests) == delivery.MAX_ATTEMPTS
    attempts = WebhookAttempt.objects.filter(delivery=sent)
    assert [a.status_code for a in attempts] == [500] * delivery.MAX_ATTEMPTS
    assert attempts[0].response_excerpt == "<b>answer</b>"


def test_the_admin_page_refuses_a_loopback_url_unless_allowed(admin_client_):
    from django.urls import reverse

    data = {"url": "http://127.0.0.1:8000/hook", "secret": SECRET, "events": ["tag.created"]}
    response = admin_client_.post(reverse("webhook_list"), data)
    assert response.status_code == 422
    assert "127.0.0.1" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    response = admin_client_.post(reverse("webhook_list"), {**data, "allow_private_address": "on"})
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.allow_private_address and endpoint.enabled
    admin_client_.post(reverse("toggle_webhook", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.enabled


def test_the_delivery_log_shows_each_attempt_escaped(admin_client_):
    import uuid

    from django.urls import reverse

    endpoint = endpoint_for("http://127.0.0.1:9/hook")
    sent = WebhookDelivery.objects.create(
        endpoint=endpoint, event_id=uuid.uuid4(), event="tag.created", body="{}", attempts=1
    )
    WebhookAttempt.objects.create(delivery=sent, status_code=503, response_excerpt="<i>busy</i>")
    page = admin_client_.get(reverse("webhook_deliveries", args=[endpoint.pk])).content.decode()
    assert "503" in page and "&lt;i&gt;busy&lt;/i&gt;" in page and "<i>busy" not in page


@pytest.mark.django_db
def test_a_finished_import_is_announced_once():
    from articles.jobs import tasks
    from articles.models import ImportBatch, ImportItem

    make_webhook_endpoint(url="http://127.0.0.1:9/h", secret=SECRET, events=["import.finished"])
    batch = ImportBatch.objects.create(created_by=make_user("importer"))
    item = ImportItem.objects.create(
        batch=batch, position=0, filename="a.txt", status=ImportItem.Status.PENDING
    )
    tasks.announce_finished(batch)  # a file still pending: not finished
    assert not WebhookDelivery.objects.exists()
    ImportItem.objects.filter(pk=item.pk).update(status=ImportItem.Status.IMPORTED)
    tasks.announce_finished(batch)
    tasks.announce_finished(batch)  # a second job ending the same batch
    sent = WebhookDelivery.objects.get()
    assert sent.event == "import.finished" and f'"batch_id": {batch.pk}' in sent.body


@pytest.mark.django_db
def test_an_exported_set_is_announced(client):
    from django.urls import reverse

    from articles.models import TagSet
    from articles.roles import REVIEWERS

    make_webhook_endpoint(url="http://127.0.0.1:9/h", secret=SECRET, events=["set.exported"])
    reviewer = make_user("exporter", REVIEWERS)
    tag_set = TagSet.objects.create(name="مجموعة", owner=reviewer)
    client.force_login(reviewer)
    response = client.get(reverse("download_set", args=[tag_set.pk]) + "?format=csv")
    assert response.status_code == 200
    sent = WebhookDelivery.objects.get()
    assert sent.event == "set.exported" and f'"set_id": {tag_set.pk}' in sent.body


@pytest.mark.django_db
def test_a_set_exported_through_the_api_is_announced_as_from_the_page():
    from django.urls import reverse

    from articles.api import tokens
    from articles.models import TagSet
    from articles.roles import REVIEWERS

    make_webhook_endpoint(url="http://127.0.0.1:9/h", secret=SECRET, events=["set.exported"])
    reviewer = make_user("exporter", REVIEWERS)
    tag_set = TagSet.objects.create(name="مجموعة", owner=reviewer)
    _token, secret = tokens.create_token(user=reviewer, name="export")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    response = client.get(reverse("api:set_export", args=[tag_set.pk]) + "?format=jsonl")
    assert response.status_code == 200
    sent = WebhookDelivery.objects.get()
    assert sent.event == "set.exported" and f'"set_id": {tag_set.pk}' in sent.body
    assert '"user": "exporter"' in sent.body
    tag_set.refresh_from_db()
    assert tag_set.last_exported_at is not None


def _create_tag_capturing_queries(article, user, start: int) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        tagging.create_tag(article=article, user=user, kind="claim", start=start, end=start + 3)
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.django_db
def test_a_tag_write_costs_no_query_for_webhooks_when_no_endpoint_listens():
    article = make_article()
    user = make_user("writer")
    # Endpoints that do not listen to this event change nothing either.
    endpoint_for("http://127.0.0.1:9/off", enabled=False)
    make_webhook_endpoint(
        url="http://127.0.0.1:9/other", secret=SECRET, events=[WebhookEndpoint.Event.TAG_DELETED]
    )
    without = _create_tag_capturing_queries(article, user, 0)
    # The endpoints are read inside the statement that stores the tag's history.
    reading_endpoints = [sql for sql in without if "articles_webhookendpoint" in sql]
    assert len(reading_endpoints) == 1 and "INSERT INTO" in reading_endpoints[0]
    assert "articles_tagevent" in reading_endpoints[0]
    assert not WebhookDelivery.objects.exists()

    endpoint_for("http://127.0.0.1:9/one")
    endpoint_for("http://127.0.0.1:9/two")
    with_two = _create_tag_capturing_queries(article, user, 4)
    # Only the jobs that send them are added: one per listening endpoint, in one query.
    assert len(with_two) == len(without) + 1
    sent = list(WebhookDelivery.objects.order_by("endpoint__url"))
    assert [delivery.endpoint.url for delivery in sent] == [
        "http://127.0.0.1:9/one",
        "http://127.0.0.1:9/two",
    ]
    assert sent[0].event_id != sent[1].event_id
    for delivery_row in sent:
        body = json.loads(delivery_row.body)
        assert body["id"] == str(delivery_row.event_id)
        assert body["event"] == "tag.created" and body["data"]["tag"]["start"] == 4


@pytest.mark.django_db
def test_a_tag_create_has_a_fixed_number_of_queries(django_assert_num_queries):
    article = make_article()
    user = make_user("writer")
    tagging.create_tag(article=article, user=user, kind="claim", start=0, end=3)  # warm up
    # savepoint, article lock, same-passage check, tag, text-version check, history
    # (+ deliveries), release
    with django_assert_num_queries(7):
        tagging.create_tag(article=article, user=user, kind="claim", start=4, end=7)
    endpoint_for("http://127.0.0.1:9/one")
    with django_assert_num_queries(8):  # and the jobs of the listening endpoints
        tagging.create_tag(article=article, user=user, kind="claim", start=8, end=11)
