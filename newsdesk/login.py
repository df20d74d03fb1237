"""The login view, with a throttle on repeated failures.

After LOGIN_MAX_FAILURES wrong passwords for one user name (from any address), or
LOGIN_MAX_FAILURES_PER_ADDRESS from one address (for any user names), further attempts are
refused with 429 for LOGIN_LOCKOUT_SECONDS without checking the password. Counts live in the
database-backed cache, so every app server behind a load balancer sees the same numbers.
A successful login clears the user name's count; Django rotates the session key on login.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.utils.translation import gettext as _


def _keys(request) -> tuple[str, str]:
    username = request.POST.get("username", "").strip().lower()[:150]
    address = request.META.get("REMOTE_ADDR", "unknown")
    return f"login-fail:user:{username}", f"login-fail:addr:{address}"


def _count_failure(key: str) -> None:
    if not cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


class ThrottledLoginView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        user_key, address_key = _keys(request)
        counts = cache.get_many([user_key, address_key])
        if (
            counts.get(user_key, 0) >= settings.LOGIN_MAX_FAILURES
            or counts.get(address_key, 0) >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS
        ):
            form = self.get_form()
            minutes = settings.LOGIN_LOCKOUT_SECONDS // 60
            message = _("محاولات دخول خاطئة كثيرة. حاول مجدداً بعد %(minutes)d دقيقة.")
            form.add_error(None, message % {"minutes": minutes})
            return self.render_to_response(self.get_context_data(form=form), status=429)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back: wrong credentials
            _count_failure(user_key)
            _count_failure(address_key)
        else:
            cache.delete(user_key)
        return response
