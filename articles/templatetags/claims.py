"""`|evidence_links`: a claim's evidence, its http(s) addresses as links
(articles/reading/evidence.py)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from articles.reading.evidence import render_evidence

register = template.Library()


@register.filter
def evidence_links(text: str) -> SafeString:
    return render_evidence(text)
