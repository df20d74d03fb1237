"""The REST API at /api/v1/ (django-ninja): who may call it, how errors look, and its URLs.

A call is authenticated by a personal token (`Authorization: Bearer nd_…`, made on the
profile page) or by the browser session (then Django's CSRF check applies to writes, as
on the pages). Either way it acts as that user, with that user's role: every endpoint
checks the same permission as the page that does the same thing. Calls are counted per
token (or per user) in the database cache; over `API_RATE_LIMIT` the answer is 429.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import RedirectView
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AuthRateThrottle

from articles.api import tokens
from articles.models import ApiToken


class ApiRequest(HttpRequest):
    """A request as the endpoints see it: authentication has set a signed-in user."""

    user: User


def _check_role(request: HttpRequest, permission: str | None) -> None:
    # Raised inside authentication, so a caller without the role hears 403 before its
    # request body is even parsed.
    if permission and not request.user.has_perm(permission):
        raise PermissionDenied


class TokenAuth(HttpBearer):
    def __init__(self, permission: str | None = None):
        super().__init__()
        self.permission = permission

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = tokens.token_for(token)
        if found is None:
            return None
        request.user = found.user  # the token acts as its user, with the user's role
        _check_role(request, self.permission)
        return found


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser (the docs page's "Try it out"); ninja checks CSRF on writes."""

    def __init__(self, permission: str | None = None):
        super().__init__()
        self.permission = permission

    def authenticate(self, request: HttpRequest, key: str | None):
        user = super().authenticate(request, key)
        if user is not None:
            _check_role(request, self.permission)
        return user


def role(permission: str) -> list:
    """The `auth` of an endpoint that needs `permission`, as its page does: 401 without
    credentials, 403 with credentials of a user whose role lacks it."""
    return [TokenAuth(permission), BrowserSessionAuth(permission)]


class PerTokenThrottle(AuthRateThrottle):
    """ninja's per-credential throttle, its rate read from the settings at each call (so a
    deployment, or a test, can change it without a restart of the module)."""

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class InvalidInput(Exception):
    """A form refused the input, with each field's errors in Arabic as on the pages: 422
    for a request body, 400 for query parameters (as the pages' filters answer)."""

    def __init__(self, errors: dict[str, list[str]], *, status: int = 422):
        super().__init__("invalid input")
        self.errors = errors
        self.status = status


api = NinjaAPI(
    title="Newsdesk API",
    version="1",
    description="Articles, tags, review, export sets, claims and speakers. See docs/api.md.",
    urls_namespace="api",
    auth=[TokenAuth(), BrowserSessionAuth()],
    throttle=[PerTokenThrottle()],
    docs_url="/docs",
    openapi_url="/v1/openapi.json",
    docs_decorator=require_GET,
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, _error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": _("ليست لديك صلاحية لهذا.")}, status=403)


@api.exception_handler(InvalidInput)
def _invalid(request: HttpRequest, error: InvalidInput) -> HttpResponse:
    answer = {"detail": _("مدخلات غير صالحة."), "errors": error.errors}
    return api.create_response(request, answer, status=error.status)


def form_errors(form) -> dict[str, list[str]]:
    return {
        field: [str(message) for message in messages] for field, messages in form.errors.items()
    }


def urls() -> tuple[list, str, str]:
    """The API's URL patterns. Its endpoints answer 401 themselves, so the site's login wall
    (LoginRequiredMiddleware) steps aside for them; the docs stay behind it."""
    from articles.api import endpoints  # noqa: F401 (registers the routes on `api`)

    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        assert isinstance(pattern, URLPattern)  # ninja makes plain paths, no includes
        if pattern.name == "api-root":
            # ninja's root answers 404 naming the docs; /api/ leads to them instead.
            pattern.callback = require_GET(RedirectView.as_view(pattern_name="api:openapi-view"))
        if pattern.name not in ("openapi-json", "openapi-view"):
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    return patterns, app_name, namespace
