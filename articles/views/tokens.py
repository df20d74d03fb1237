"""The profile page's API tokens: each user makes and revokes their own."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from articles.api import tokens
from articles.forms import ApiTokenForm, RevokeTokenForm
from articles.models import ApiToken
from articles.roles import role_of
from articles.views.request import HtmxHttpRequest

# The new secret waits in the (server-side) session for the one page that shows it: a
# redirect after the POST, so reloading that page cannot make a second token.
NEW_SECRET = "new_api_token"


@require_http_methods(["GET", "POST"])
def api_tokens(request: HtmxHttpRequest) -> HttpResponse:
    """List the user's tokens; POST makes one, whose secret the next page shows once."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        expires_on = form.cleaned_data["expires_on"]
        expires_at = (
            timezone.make_aware(datetime.combine(expires_on, time.min)) if expires_on else None
        )
        _token, secret = tokens.create_token(
            user=request.user, name=form.cleaned_data["name"], expires_at=expires_at
        )
        request.session[NEW_SECRET] = secret
        return redirect("api_tokens")
    secret = request.session.pop(NEW_SECRET, "")
    context = {
        "form": form,
        "secret": secret,
        "tokens": ApiToken.objects.filter(user=request.user),
        "role": role_of(request.user),
        "now": timezone.now(),
    }
    status = 422 if form.errors else 200
    # Like every signed-in answer, private and no-store (newsdesk/middleware.py): the
    # secret never sits in a cache.
    return render(request, "articles/api/tokens.html", context, status=status)


@require_POST
def revoke_api_token(request: HtmxHttpRequest) -> HttpResponse:
    form = RevokeTokenForm(request.POST)
    if form.is_valid():
        # Only the user's own tokens: anyone else's id is a 404.
        token = get_object_or_404(ApiToken, pk=form.cleaned_data["token"], user=request.user)
        tokens.revoke(token)
        messages.success(request, _("أُلغي المفتاح «%(name)s».") % {"name": token.name})
    return redirect("api_tokens")
