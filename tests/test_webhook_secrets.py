"""Webhook secrets: encrypted at rest, shown once (at creation and on rotation), still signing."""

from __future__ import annotations

import time
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from articles.webhooks import delivery, secrets, signing
from tests.conftest import make_webhook_endpoint

TYPED = "typed-by-the-admin-1234"


def _stored_rows() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {WebhookEndpoint._meta.db_table}")
        return repr(cursor.fetchall())


def _waiting_delivery(endpoint: WebhookEndpoint) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event_id=uuid.uuid4(), event="tag.created", body="{}"
    )


def _register(client, **data) -> None:
    form = {"url": "http://127.0.0.1:9/hook", "events": ["tag.created"]}
    form["allow_private_address"] = "on"
    response = client.post(reverse("webhook_list"), {**form, **data})
    assert response.status_code == 302


def test_a_typed_secret_is_stored_encrypted_and_shown_once(admin_client_):
    _register(admin_client_, secret=TYPED)
    assert TYPED not in _stored_rows()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.signing_secret() == TYPED
    first = admin_client_.get(reverse("webhook_list")).content.decode()
    assert TYPED in first and 'id="new-webhook-secret"' in first
    again = admin_client_.get(reverse("webhook_list")).content.decode()
    assert TYPED not in again and "new-webhook-secret" not in again
    assert (
        TYPED
        not in admin_client_.get(reverse("webhook_deliveries", args=[endpoint.pk])).content.decode()
    )


def test_a_refused_form_does_not_put_the_typed_secret_back(admin_client_):
    data = {"url": "ftp://example.org/hook", "secret": TYPED, "events": ["tag.created"]}
    response = admin_client_.post(reverse("webhook_list"), data)
    assert response.status_code == 422
    assert TYPED not in response.content.decode()


def test_an_empty_secret_field_gets_a_strong_random_secret(admin_client_):
    _register(admin_client_, secret="")
    shown = admin_client_.get(reverse("webhook_list")).context["new_secret"]["secret"]
    assert len(shown) >= 40
    assert WebhookEndpoint.objects.get().signing_secret() == shown
    assert shown not in _stored_rows()


def test_rotating_shows_a_new_secret_once_and_signs_with_it(admin_client_, monkeypatch):
    endpoint = make_webhook_endpoint(
        url="http://127.0.0.1:9/hook", events=["tag.created"], secret=TYPED
    )
    response = admin_client_.post(reverse("rotate_webhook_secret", args=[endpoint.pk]))
    assert response.status_code == 302
    shown = admin_client_.get(reverse("webhook_list")).context["new_secret"]["secret"]
    assert (
        shown != TYPED and admin_client_.get(reverse("webhook_list")).context["new_secret"] is None
    )
    endpoint.refresh_from_db()
    assert endpoint.signing_secret() == shown

    sent_headers: list[dict] = []
    monkeypatch.setattr(
        delivery,
        "_post",
        lambda _endpoint, _body, headers: sent_headers.append(headers) or (200, ""),
    )
    row = _waiting_delivery(endpoint)
    delivery.deliver(row.pk)
    header = sent_headers[0][signing.SIGNATURE_HEADER]
    assert signing.verify(shown, header, b"{}", now=int(time.time()))
    assert not signing.verify(TYPED, header, b"{}", now=int(time.time()))


@pytest.mark.django_db
def test_secrets_survive_a_secret_key_rotation_only_with_the_old_key_as_fallback(settings):
    endpoint = make_webhook_endpoint(
        url="http://127.0.0.1:9/hook", events=["tag.created"], secret=TYPED
    )
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert endpoint.signing_secret() == TYPED
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(secrets.UnreadableSecret):
        endpoint.signing_secret()
    # The delivery fails with a reason an Admin can act on, and is retried later.
    row = _waiting_delivery(endpoint)
    delivery.deliver(row.pk)
    attempt = WebhookAttempt.objects.get(delivery=row)
    assert attempt.status_code is None and attempt.error
    row.refresh_from_db()
    assert row.attempts == 1 and row.next_attempt_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_clear_secrets_and_back():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    encrypting = next(key for key in graph.nodes if key[1].endswith("webhook_secrets_encrypted"))
    before = [parent.key for parent in graph.node_map[encrypting].parents]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldEndpoint = old_apps.get_model("articles", "WebhookEndpoint")
    old = OldEndpoint.objects.create(
        url="http://127.0.0.1:9/h", secret=TYPED, events=["tag.created"]
    )

    executor = MigrationExecutor(connection)
    executor.migrate([encrypting])
    assert TYPED not in _stored_rows()
    executor = MigrationExecutor(connection)
    executor.migrate(before)  # back again: the clear column, decrypted
    assert OldEndpoint.objects.get(pk=old.pk).secret == TYPED

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert WebhookEndpoint.objects.get(pk=old.pk).signing_secret() == TYPED
