"""Admins register webhook endpoints, switch them on and off, and read their delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from articles.forms import WebhookEndpointForm
from articles.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from articles.views.request import HtmxHttpRequest
from articles.webhooks import secrets as webhook_secrets

MANAGE = "articles.change_webhookendpoint"  # Admins only (articles/roles.py)
LOG_LENGTH = 50
# A new or rotated secret waits in the (server-side) session for the one page that shows
# it, as a new API token does: a redirect after the POST, so a reload shows it no more.
NEW_SECRET = "new_webhook_secret"


def _show_once(request: HtmxHttpRequest, endpoint: WebhookEndpoint, secret: str) -> None:
    request.session[NEW_SECRET] = {"url": endpoint.url, "secret": secret}


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def webhook_list(request: HtmxHttpRequest) -> HttpResponse:
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint, secret = form.save_with_secret()
        _show_once(request, endpoint, secret)
        messages.success(request, _("سُجّل الخطاف %(url)s.") % {"url": endpoint.url})
        return redirect("webhook_list")
    context = {
        "form": form,
        "endpoints": WebhookEndpoint.objects.order_by("pk"),
        "new_secret": request.session.pop(NEW_SECRET, None),
    }
    status = 422 if form.errors else 200
    return render(request, "articles/webhooks/list.html", context, status=status)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def rotate_webhook_secret(request: HtmxHttpRequest, endpoint_id: int) -> HttpResponse:
    """A new random secret, shown once; the old one stops signing at once, retries too."""
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    secret = webhook_secrets.generate()
    endpoint.set_secret(secret)
    endpoint.save(update_fields=["encrypted_secret"])
    _show_once(request, endpoint, secret)
    return redirect("webhook_list")


@require_POST
@permission_required(MANAGE, raise_exception=True)
def toggle_webhook(request: HtmxHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    endpoint.enabled = not endpoint.enabled
    endpoint.save(update_fields=["enabled"])
    return redirect("webhook_list")


@require_POST
@permission_required(MANAGE, raise_exception=True)
def delete_webhook(request: HtmxHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    endpoint.delete()
    messages.success(request, _("حُذف الخطاف %(url)s.") % {"url": endpoint.url})
    return redirect("webhook_list")


@require_http_methods(["GET"])
@permission_required(MANAGE, raise_exception=True)
def webhook_deliveries(request: HtmxHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).prefetch_related(
        Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("at", "pk"))
    )[:LOG_LENGTH]
    context = {"endpoint": endpoint, "deliveries": deliveries}
    return render(request, "articles/webhooks/deliveries.html", context)
