"""Project-wide middleware: one log line per request, and a clear 503 when the database is away."""

from __future__ import annotations

import json
import logging
import sys
import time

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views import defaults

request_log = logging.getLogger("newsdesk.requests")
# Django wraps the driver's errors, except where psycopg raises outside its wrapper (closing
# a server-side cursor whose connection was cut: psycopg.errors.AdminShutdown).
DATABASE_LOST = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


class RequestLogMiddleware:
    """Logs method, path, status, duration and user as one JSON object per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_log.info(
            json.dumps(
                {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": user.pk if user is not None and user.is_authenticated else None,
                    "htmx": bool(getattr(request, "htmx", False)),
                },
                ensure_ascii=False,
            )
        )
        return response


class PrivateCacheMiddleware:
    """Pages and downloads for a logged-in user are theirs alone: no shared cache (a proxy)
    may keep them, and the browser does not store them on disk (shared newsroom PCs).
    Not stored also means Back/Forward fetches a page again, with the tags just made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection into a 503 page instead of a traceback.

    Django reconnects by itself on the next request (CONN_HEALTH_CHECKS), so the app
    recovers when PostgreSQL is back without a restart. The failed request's transaction
    never committed, so nothing is half-written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_LOST):
            return None
        return unavailable(request, exception)


def unavailable(request, exception) -> HttpResponse:  # noqa: ARG001 (handler signature)
    logging.getLogger("newsdesk").warning("database unavailable: %s", exception)
    # No request context: its processors (user, messages) would ask the lost database.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "10"
    return response


def server_error(request) -> HttpResponse:
    """handler500. A database lost before the view runs (loading the session, the user,
    in a middleware) never reaches `process_exception` above; Django answers such
    exceptions here, while it is handling them, so the 503 page is given for them too."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_LOST):
        return unavailable(request, exception)
    return defaults.server_error(request)
