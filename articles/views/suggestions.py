"""Accepting and dismissing quote suggestions on the reading page.

Both are POSTs that work as plain forms (redirect back) and through htmx, answered like a
tag write (articles/views/responses.py): the touched paragraphs, the legend, the notice, the
new tag's list entry and the suggestion list, out of band. A suggestion someone already
decided gets a 409 with the page's current state and says who decided it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles.models import Article, QuoteSuggestion
from articles.quotes import suggestion_store
from articles.team import layers
from articles.views.request import HtmxHttpRequest
from articles.views.responses import (
    Notice,
    TagChange,
    after_write,
    page_or_fragment,
    write_with_its_answer,
)


def _already(request: HtmxHttpRequest, stale: suggestion_store.AlreadyDecided) -> HttpResponse:
    suggestion = stale.suggestion
    who = suggestion.decided_by.get_username() if suggestion.decided_by else "?"
    if suggestion.state == QuoteSuggestion.State.ACCEPTED:
        message = _("قبل %(who)s هذا الاقتراح من قبل؛ الوسم موجود ولم يُنشأ وسم ثانٍ.")
    else:
        message = _("استبعد %(who)s هذا الاقتراح من قبل.")
    notice = Notice.error(message % {"who": who})
    return page_or_fragment(request, suggestion.article, status=409, notice=notice)


def _refuse_while_tagging_blind(request: HtmxHttpRequest, suggestion_id: int) -> None:
    """Suggestions and their decisions are shared by everyone; an editor tagging blind
    neither sees nor decides them, so one layer's choices never show in another's."""
    article_id = QuoteSuggestion.objects.filter(pk=suggestion_id).values("article_id")
    article = Article.objects.filter(pk__in=article_id).first()
    if article is None or layers.writing_layer(request.user, article) is not None:
        raise Http404


# Accepting creates a tag, so it takes the permission to add one; so does dismissing,
# the other half of the same editorial decision. Reviewers only see suggestions.
@require_POST
@permission_required("articles.add_tag", raise_exception=True)
@write_with_its_answer
def accept_suggestion(request: HtmxHttpRequest, suggestion_id: int) -> HttpResponse:
    _refuse_while_tagging_blind(request, suggestion_id)
    try:
        suggestion, tag, created = suggestion_store.accept(suggestion_id, request.user)
    except QuoteSuggestion.DoesNotExist:
        raise Http404 from None
    except suggestion_store.AlreadyDecided as stale:
        return _already(request, stale)
    change = TagChange(
        spans=[(tag.start, tag.end)],
        item=tag if created else None,  # a hand-made tag of that passage is listed already
        anchor=f"#tag-{tag.pk}",
    )
    notice = Notice(_("قُبل الاقتراح وأصبح وسم اقتباس."), focus=tag.pk)
    return after_write(request, suggestion.article, change, notice)


@require_POST
@permission_required("articles.add_tag", raise_exception=True)
@write_with_its_answer
def dismiss_suggestion(request: HtmxHttpRequest, suggestion_id: int) -> HttpResponse:
    _refuse_while_tagging_blind(request, suggestion_id)
    try:
        suggestion = suggestion_store.dismiss(suggestion_id, request.user)
    except QuoteSuggestion.DoesNotExist:
        raise Http404 from None
    except suggestion_store.AlreadyDecided as stale:
        return _already(request, stale)
    change = TagChange(spans=[(suggestion.start, suggestion.end)], anchor="#suggestions")
    notice = Notice(_("استُبعد الاقتراح؛ لن يُقترح ثانية."))
    return after_write(request, suggestion.article, change, notice)
