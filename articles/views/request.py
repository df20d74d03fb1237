"""The request as Newsdesk's views see it, for the type checker."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """django-htmx's `request.htmx`, and a signed-in user: LoginRequiredMiddleware sends
    every anonymous request to the login page before it reaches a view that needs one."""

    htmx: HtmxDetails
    user: User
