"""Evidence of a claim as HTML: stored as text, never fetched; http(s) addresses become links."""

from __future__ import annotations

import re

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

# Only http(s), and no characters that could close the attribute or the tag.
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}،؛"


def render_evidence(text: str) -> SafeString:
    """Escape everything; wrap http(s) addresses in a link that leaks nothing to the
    target (rel noopener noreferrer nofollow). Other schemes stay plain text."""
    pieces, at = [], 0
    for match in _URL.finditer(text or ""):
        url = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(url)
        pieces.append(conditional_escape(text[at : match.start()]))
        pieces.append(
            format_html(
                '<a href="{}" rel="noopener noreferrer nofollow" target="_blank" dir="ltr">{}</a>',
                url,
                url,
            )
        )
        at = end
    pieces.append(conditional_escape((text or "")[at:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))
