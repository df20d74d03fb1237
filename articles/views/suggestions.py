"""Accepting and dismissing quote suggestions on the reading page.

Both are POSTs that work as plain forms (redirect back) and through htmx, answered like a
tag write (articles/views/tagging.py): the touched paragraphs, the legend, the notice, the
new tag's list entry and the suggestion list, out of band. A suggestion someone already
decided gets a 409 with the page's current state and says who decided it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles.models import QuoteSuggestion
from articles.quotes import suggestion_store
from articles.views.tagging import _error, _respond, _respond_write, write_with_its_answer


def _already(request: HttpRequest, stale: suggestion_store.AlreadyDecided) -> HttpResponse:
    suggestion = stale.suggestion
    who = suggestion.decided_by.get_username() if suggestion.decided_by else "?"
    if suggestion.state == QuoteSuggestion.State.ACCEPTED:
        message = _("قبل %(who)s هذا الاقتراح من قبل؛ الوسم موجود ولم يُنشأ وسم ثانٍ.")
    else:
        message = _("استبعد %(who)s هذا الاقتراح من قبل.")
    notice = _error(message % {"who": who})
    return _respond(request, suggestion.article, status=409, notice=notice)


# Accepting creates a tag, so it takes the permission to add one; so does dismissing,
# the other half of the same editorial decision. Reviewers only see suggestions.
@require_POST
@permission_required("articles.add_tag", raise_exception=True)
@write_with_its_answer
def accept_suggestion(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    try:
        suggestion, tag, created = suggestion_store.accept(suggestion_id, request.user)
    except QuoteSuggestion.DoesNotExist:
        raise Http404 from None
    except suggestion_store.AlreadyDecided as stale:
        return _already(request, stale)
    notice = {"message": _("قُبل الاقتراح وأصبح وسم اقتباس."), "level": "ok", "focus": tag.pk}
    return _respond_write(
        request,
        suggestion.article,
        spans=[(tag.start, tag.end)],
        notice=notice,
        item=tag if created else None,  # a hand-made tag of that passage is listed already
        anchor=f"#tag-{tag.pk}",
    )


@require_POST
@permission_required("articles.add_tag", raise_exception=True)
@write_with_its_answer
def dismiss_suggestion(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    try:
        suggestion = suggestion_store.dismiss(suggestion_id, request.user)
    except QuoteSuggestion.DoesNotExist:
        raise Http404 from None
    except suggestion_store.AlreadyDecided as stale:
        return _already(request, stale)
    notice = {"message": _("استُبعد الاقتراح؛ لن يُقترح ثانية."), "level": "ok"}
    return _respond_write(
        request,
        suggestion.article,
        spans=[(suggestion.start, suggestion.end)],
        notice=notice,
        anchor="#suggestions",
    )
