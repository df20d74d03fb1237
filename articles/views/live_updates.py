"""Live updates of the reading page: what others changed since the page was drawn."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from articles.forms import LiveCursorForm
from articles.reading import live
from articles.views.reading import get_article_for_user, reading_context
from articles.views.request import HtmxHttpRequest
from articles.views.responses import PAGE, Notice


@require_GET
@permission_required("articles.view_article", raise_exception=True)
def article_changes(request: HtmxHttpRequest, article_id: int) -> HttpResponse:
    """Polled by the open reading page: 204 while nothing changed (one query); after a
    change by someone else, the highlights and the side list again, with who changed what.
    The page's own changes only move its cursor on. A new version of the text, by anyone,
    sends the new text."""
    if not request.htmx:
        return redirect("read_article", article_id)
    form = LiveCursorForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(str(error) for error in form.errors["since"]))
    since = live.Cursor.parse(form.cleaned_data["since"])
    now = live.current_cursor(article_id)
    if now is None:
        raise Http404
    if now == since:
        return HttpResponse(status=204)
    changes = live.others_changes(article_id, since, request.user)
    if now.text_changed_since(since):
        changes = live.text_changes(article_id, since) + changes
    if not changes:
        context = {"article_id": article_id, "cursor": now, "oob": True}
        context["poll_seconds"] = live.POLL_SECONDS
        return render(request, f"{PAGE}#live-updates", context)
    article = get_article_for_user(request, article_id)
    notice = Notice(" · ".join(changes), level="live")
    context = reading_context(
        request, article, notice=notice, oob=True, cursor=now, live_update=True
    )
    return render(request, f"{PAGE}#live-update", context)
