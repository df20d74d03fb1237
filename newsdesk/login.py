"""Login protection: django-axes counts failures; this module adapts it to Newsdesk.

django-axes sits in front of every `authenticate()` call (AUTHENTICATION_BACKENDS), so the
site's login form and the admin's are throttled alike. A lockout is per user name *and*
client address (settings.AXES_LOCKOUT_PARAMETERS): a burst of failures locks that pair,
never a whole office behind one address. What this module adds:

- the user name as the login form authenticates it (NFKC, stripped), so a fullwidth or
  otherwise compatible spelling counts against the same name;
- one attempt at a time per name and address (a PostgreSQL advisory lock held until the
  failure is recorded), so parallel requests cannot test more passwords than the limit;
- the lockout page: the login form with only "try again in N minutes", answered 429.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from axes.helpers import get_client_ip_address, get_cool_off
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from articles.models import Profile
from articles.views.profile import remember_language


def authenticated_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The name the login form passes to authenticate(): UsernameField's own cleaning."""
    if credentials and credentials.get("username") is not None:
        raw = credentials["username"]
    else:
        raw = request.POST.get("username", "")
    try:
        return (UsernameField().to_python(raw) or "")[:150]
    except forms.ValidationError:
        return ""


def _attempt_lock_key(request: HttpRequest) -> int:
    name = authenticated_username(request)
    address = get_client_ip_address(request) or ""
    digest = hashlib.sha256(f"login\0{name}\0{address}".encode("utf-8", "replace")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def one_attempt_at_a_time(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Serialise login POSTs for one name and address until each failure is counted.

    django-axes checks the count before the password and records a failure after it; without
    this, parallel requests all pass the check before any failure is written."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_attempt_lock_key(request)])
            return view(request, *args, **kwargs)

    return wrapper


def lockout_message() -> str:
    minutes = max(1, int(get_cool_off().total_seconds() // 60))
    return _("محاولات دخول خاطئة كثيرة. حاول مجدداً بعد %(minutes)d دقيقة.") % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None,  # noqa: ARG001 (django-axes passes them)
    credentials: dict | None,  # noqa: ARG001
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the same login page, with the lockout as its only error."""
    form = AuthenticationForm(request, initial={"username": authenticated_username(request)})
    form.errors[NON_FIELD_ERRORS] = form.error_class([lockout_message()])
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path == reverse("admin:login"):
        context = {**admin.site.each_context(request), "form": form, "title": _("Log in")}
        return render(request, "admin/login.html", context, status=status)
    return render(request, "registration/login.html", {"form": form}, status=status)


def with_saved_language(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """After a successful login, the interface language the user chose on their profile
    (kept in the language cookie), from the first page on."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        user = request.user
        if request.method != "POST" or response.status_code != 302:
            return response  # not a successful login
        if isinstance(user, User) and isinstance(response, HttpResponse):
            chosen = Profile.objects.filter(user=user).values_list("language", flat=True).first()
            if chosen:
                remember_language(response, chosen)
        return response

    return wrapper


site_login = with_saved_language(one_attempt_at_a_time(auth_views.LoginView.as_view()))
admin_login = with_saved_language(one_attempt_at_a_time(admin.site.login))
