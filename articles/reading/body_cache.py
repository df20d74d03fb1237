"""Highlighted article bodies, kept in memory and keyed by everything they are drawn from.

`render_paragraphs` is about half the reading page's server time at hundreds of tags, and
its result depends only on the body, each tag's (id, kind, start, end), each quote
suggestion's (id, start, end, explanation) and the language (the marks' titles). Those
are all in the key, so an edit, a new tag, a decided suggestion or a deletion simply makes
a new key: nothing to invalidate, and never a stale body. The cache is per process (each
gunicorn worker warms its own) and holds the last `MAX_ENTRIES` bodies.

If `render_paragraphs` ever draws on something else, that must go into the key too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from django.utils.translation import get_language

from articles.reading.highlights import Paragraph, render_paragraphs

MAX_ENTRIES = 64  # a few hundred KB each at 500 tags: bounded to a few tens of MB

_entries: OrderedDict[tuple, list[Paragraph]] = OrderedDict()
_lock = threading.Lock()  # gunicorn's gthread workers share the cache between threads


def paragraphs(body: str, tags: Sequence, suggestions: Sequence = ()) -> list[Paragraph]:
    """`render_paragraphs(body, tags, suggestions)`, from the cache when nothing changed."""
    key = (
        body,  # the text itself, not an id: an edited body can never match an old entry
        get_language(),
        tuple((tag.id, tag.kind, tag.start, tag.end) for tag in tags),
        tuple((s.id, s.start, s.end, s.explanation) for s in suggestions),
    )
    with _lock:
        found = _entries.get(key)
        if found is not None:
            _entries.move_to_end(key)
            return found
    rendered = render_paragraphs(body, tags, suggestions)
    with _lock:
        _entries[key] = rendered
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return rendered


def clear() -> None:
    with _lock:
        _entries.clear()
