"""A user's own settings: the interface language."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from articles.forms import ProfileForm
from articles.models import Profile
from articles.views.request import HtmxHttpRequest


def remember_language(response: HttpResponse, language: str) -> None:
    """Keep the user's language in the cookie LocaleMiddleware reads on every request, so
    choosing it costs no query per page."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@require_http_methods(["GET", "POST"])
def edit_profile(request: HtmxHttpRequest) -> HttpResponse:
    """Every signed-in user has one (LoginRequiredMiddleware); no role needed."""
    profile = Profile.objects.filter(user=request.user).first()
    if profile is None:
        # The first visit shows the language the page is in now (the browser's choice).
        profile = Profile(user=request.user, language=translation.get_language())
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile = form.save()
        translation.activate(profile.language)
        messages.success(request, _("حُفظت لغة الواجهة."))
        response = redirect("edit_profile")
        remember_language(response, profile.language)
        return response
    return render(request, "articles/profile/edit_profile.html", {"form": form})
