"""Recording events in the write's transaction, and sending them from a worker.

Retries follow our own schedule on the delivery row rather than Procrastinate's
RetryStrategy: the delivery log shows the next retry to Admins, which needs it in a
table we own, and a failed HTTP call is an expected outcome, not a crashed job."""

from __future__ import annotations

import datetime
import http.client
import json
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from articles.webhooks import addresses, secrets, signing

TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 6
FIRST_RETRY_SECONDS = 30
EXCERPT_CHARS = 500


def retry_delay(attempts: int) -> int:
    """Seconds before the next try after `attempts` failures: 30 s, 1 min, 2 min, 4 min…"""
    return FIRST_RETRY_SECONDS * 2 ** (attempts - 1)


def _deliveries_sql(events: list[tuple[str, dict]]) -> tuple[str, list]:
    """A WITH-clause that stores, for each `(event, data)`, one delivery per enabled
    endpoint wanting that event, in the statement it is put in front of (its ids come
    back as `deliveries`).

    Looking the endpoints up in the same statement as the write, instead of before it,
    costs a write nothing when no endpoint listens, and sees every endpoint any app
    server has added (no per-process copy to go stale). Each delivery has its own event
    id, made by the database, so each body is put together there."""
    created = timezone.now()
    # One document for every event (a correction may record hundreds): `json`, not
    # `jsonb`, so that each `data` comes back as the very text it was written as.
    wanted = json.dumps(
        [{"event": event, "data": data} for event, data in events],
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    )
    # The document is read once per endpoint that wants one of its events, and not at all
    # when none does (the usual case, where a correction's hundreds cost nothing here).
    sql = f"""
        listening AS MATERIALIZED (
            SELECT e.id AS endpoint_id, w.event, w.data, gen_random_uuid() AS event_id
            FROM {WebhookEndpoint._meta.db_table} AS e
            CROSS JOIN LATERAL json_to_recordset(%s::json) AS w(event varchar, data json)
            WHERE e.enabled AND e.events && %s::varchar[]
                AND e.events @> ARRAY[w.event]::varchar[]
        ),
        deliveries AS (
            INSERT INTO {WebhookDelivery._meta.db_table}
                (endpoint_id, event_id, event, body, created_at, attempts, gave_up)
            SELECT endpoint_id, event_id, event,
                '{{"id": "' || event_id || '", "event": ' || to_json(event)::text
                    || ', "created": ' || %s || ', "data": ' || data::text || '}}',
                %s, 0, false
            FROM listening
            RETURNING id
        )"""
    names = sorted({event for event, _data in events})
    return sql, [wanted, names, json.dumps(created, cls=DjangoJSONEncoder), created]


def _queue(delivery_ids: list[int]) -> None:
    from articles.jobs import queue

    queue.defer_webhooks(delivery_ids)


def record(event: str, data: dict) -> None:
    """Store one delivery per enabled endpoint that wants `event`, and queue it, in the
    caller's transaction: a rolled-back write leaves neither behind."""
    deliveries, params = _deliveries_sql([(event, data)])
    # No savepoint: inside the caller's transaction this costs no query.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(f"WITH {deliveries} SELECT id FROM deliveries", params)
        _queue([delivery_id for (delivery_id,) in cursor.fetchall()])


def insert_with_deliveries(obj: models.Model, event: str, data: dict) -> None:
    """Insert `obj` (a new row) and record `event` for the endpoints that want it, in one
    statement: a write no endpoint listens to costs no query more than the row itself."""
    meta = obj._meta
    fields = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
    insert = InsertQuery(type(obj))
    insert.insert_values(fields, [obj])
    [(insert_sql, insert_params)] = insert.get_compiler(connection=connection).as_sql()
    deliveries, params = _deliveries_sql([(event, data)])
    pk_column = connection.ops.quote_name(meta.pk.attname)
    sql = (
        f"WITH inserted AS ({insert_sql} RETURNING {pk_column}), {deliveries} "
        f"SELECT (SELECT {pk_column} FROM inserted), ARRAY(SELECT id FROM deliveries)"
    )
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(sql, [*insert_params, *params])
            obj.pk, delivery_ids = cursor.fetchone()
        obj._state.adding = False
        obj._state.db = connection.alias
        _queue(delivery_ids)


def write_with_deliveries(write_sql: str, write_params: list, events: list[tuple[str, dict]]):
    """Run `write_sql` (a data-modifying statement, for many rows at once) and record each
    `(event, data)` for the endpoints that want it, in one statement whatever the number of
    rows: a bulk write costs one query when no endpoint listens, two when some do (the
    deliveries' jobs are deferred together)."""
    deliveries, params = _deliveries_sql(events)
    sql = f"WITH written AS ({write_sql}), {deliveries} SELECT ARRAY(SELECT id FROM deliveries)"
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(sql, [*write_params, *params])
            (delivery_ids,) = cursor.fetchone()
        _queue(delivery_ids)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not to whatever the name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _post(endpoint: WebhookEndpoint, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """One POST, no redirects followed (http.client never follows them)."""
    host, port, address = addresses.checked_address(
        endpoint.url, allow_private=endpoint.allow_private_address
    )
    parts = urlsplit(endpoint.url)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address, TIMEOUT_SECONDS)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_CHARS * 4).decode("utf-8", "replace")[:EXCERPT_CHARS]
        return response.status, excerpt
    finally:
        connection.close()


def deliver(delivery_id: int) -> None:
    """Try one delivery once, log the attempt, and schedule the next one if it failed."""
    from articles.jobs import queue

    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.delivered_at or delivery.gave_up:
        return
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        return
    body = delivery.body.encode()
    timestamp = int(time.time())
    attempt = WebhookAttempt(delivery=delivery)
    try:
        secret = endpoint.signing_secret()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Newsdesk-Webhooks",
            signing.SIGNATURE_HEADER: signing.signature_header(secret, timestamp, body),
            signing.EVENT_ID_HEADER: str(delivery.event_id),
            signing.EVENT_HEADER: delivery.event,
        }
        attempt.status_code, attempt.response_excerpt = _post(endpoint, body, headers)
    except secrets.UnreadableSecret:
        # SECRET_KEY changed without the old one in SECRET_KEY_FALLBACKS (docs/deploy.md).
        attempt.error = _("تعذّر فك تشفير السر بمفاتيح الموقع: جدّده من صفحة الخطافات.")
    except ValidationError as error:
        attempt.error = " ".join(error.messages)
    except (OSError, http.client.HTTPException) as error:
        attempt.error = f"{type(error).__name__}: {error}"[:EXCERPT_CHARS]
    succeeded = attempt.status_code is not None and 200 <= attempt.status_code < 300
    with transaction.atomic():
        attempt.save()
        delivery.attempts += 1
        delivery.next_attempt_at = None
        if succeeded:
            delivery.delivered_at = timezone.now()
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.gave_up = True
        else:
            wait = retry_delay(delivery.attempts)
            delivery.next_attempt_at = timezone.now() + datetime.timedelta(seconds=wait)
            queue.defer_webhook(delivery.pk, in_seconds=wait)
        delivery.save(update_fields=["attempts", "next_attempt_at", "delivered_at", "gave_up"])
