"""The newsroom overview: counts, tagging activity, most quoted speakers."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from articles.overview import figures
from articles.views.request import HtmxHttpRequest
from newsdesk.replica import reads_from_replica


@require_GET
@permission_required("articles.view_tag", raise_exception=True)
@reads_from_replica
def overview(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "articles/overview/overview.html", figures())
