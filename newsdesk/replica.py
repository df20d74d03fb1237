"""Reads that may go to a read replica: search, exports and the overview.

With DATABASE_REPLICA_URL set, settings add a `replica` alias and this router. A view marked
`@reads_from_replica` sends its reads there, unless the request has written (every write goes to
the primary, and the rest of that request stays on it) or the user wrote within
REPLICA_PIN_SECONDS (a session timestamp), so whoever just tagged sees their own tag in search
and exports despite replication lag. Everything else reads from the primary.
"""

from __future__ import annotations

import contextvars
import functools
import time
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY = "default"
# Session key: when this user last sent a write (POST, PUT, PATCH, DELETE).
LAST_WRITE_KEY = "last_write_at"

P = ParamSpec("P")
R = TypeVar("R")

# Per request (and per thread/task): may this request's reads use the replica?
_replica_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "replica_allowed", default=False
)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def recently_wrote(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    last_write = session.get(LAST_WRITE_KEY) if session is not None else None
    return last_write is not None and time.time() - last_write < settings.REPLICA_PIN_SECONDS


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    """Let this view's reads use the replica, if there is one and the user has not just written."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        request = args[0]
        assert isinstance(request, HttpRequest)
        # Not reset on return: a streamed export reads its rows after the view returns, and
        # RememberWritesMiddleware clears the flag at the start of the next request.
        _replica_allowed.set(replica_configured() and not recently_wrote(request))
        return view(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Reads of marked views to the replica; all writes, and reads after a write, to the primary."""

    def db_for_read(self, _model: type, **hints: Any) -> str:
        # The flag outlives its request in this thread (a streamed export reads after the view
        # returns): asking again whether a replica is configured keeps code that runs later in
        # the thread, outside a request, off an alias that has gone.
        return REPLICA if _replica_allowed.get() and replica_configured() else PRIMARY

    def db_for_write(self, _model: type, **hints: Any) -> str:
        _replica_allowed.set(False)  # read-your-writes for the rest of the request
        return PRIMARY

    def allow_relation(self, _obj1: Any, _obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, _app_label: str, **hints: Any) -> bool:
        return db == PRIMARY  # the replica gets its schema by replication


class RememberWritesMiddleware:
    """Stamp the session when a user writes, so their next reads stay on the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _replica_allowed.set(False)  # this thread's previous request may have allowed it
        response = self.get_response(request)
        user = getattr(request, "user", None)
        wrote = request.method not in ("GET", "HEAD", "OPTIONS")
        if wrote and replica_configured() and user is not None and user.is_authenticated:
            request.session[LAST_WRITE_KEY] = time.time()
        return response
