"""The profile page's API tokens: each user makes and revokes their own."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from articles.api import tokens
from articles.forms import ApiTokenForm, RevokeTokenForm
from articles.models import ApiToken
from articles.roles import role_of


@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens; POST makes one and shows its secret this once."""
    form = ApiTokenForm(request.POST or None)
    secret = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            expires_on = form.cleaned_data["expires_on"]
            expires_at = (
                timezone.make_aware(datetime.combine(expires_on, time.min)) if expires_on else None
            )
            _token, secret = tokens.create_token(
                user=request.user, name=form.cleaned_data["name"], expires_at=expires_at
            )
            form = ApiTokenForm()
        else:
            status = 422
    context = {
        "form": form,
        "secret": secret,
        "tokens": ApiToken.objects.filter(user=request.user),
        "role": role_of(request.user),
        "now": timezone.now(),
    }
    response = render(request, "articles/api/tokens.html", context, status=status)
    if secret:
        response["Cache-Control"] = "no-store"  # the secret must not sit in a cache
    return response


@require_POST
def revoke_api_token(request: HttpRequest) -> HttpResponse:
    form = RevokeTokenForm(request.POST)
    if form.is_valid():
        # Only the user's own tokens: anyone else's id is a 404.
        token = get_object_or_404(ApiToken, pk=form.cleaned_data["token"], user=request.user)
        tokens.revoke(token)
        messages.success(request, _("أُلغي المفتاح «%(name)s».") % {"name": token.name})
    return redirect("api_tokens")
