"""The quote-suggestion list rendered in Python (articles/reading/suggestion_list.py)."""

from __future__ import annotations

from html.parser import HTMLParser
from types import SimpleNamespace

from django.urls import reverse

from articles.reading.suggestion_list import render_suggestion_items

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def _suggestion(pk=7, **fields):
    values = {"exact": "نص الاقتباس", "speaker": "جون كيربي", "explanation": "قاعدة: قال"}
    values.update(fields)
    return SimpleNamespace(pk=pk, **values)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _parse(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def test_every_field_is_escaped():
    item = _suggestion(exact=HOSTILE, speaker=HOSTILE, explanation=HOSTILE)
    html = render_suggestion_items([item], can_tag=True, csrf_token='tok"en')
    tags = {tag for tag, _ in _parse(html)}
    assert "script" not in tags and "img" not in tags
    assert not any(name.startswith("on") for _, attrs in _parse(html) for name in attrs)
    assert "&lt;script&gt;" in html


def test_writers_get_both_forms_with_the_csrf_token():
    html = render_suggestion_items([_suggestion(pk=42)], can_tag=True, csrf_token="abc")
    forms = [attrs for tag, attrs in _parse(html) if tag == "form"]
    assert [f["hx-post"] for f in forms] == [
        reverse("accept_suggestion", args=[42]),
        reverse("dismiss_suggestion", args=[42]),
    ]
    tokens = [a["value"] for t, a in _parse(html) if a.get("name") == "csrfmiddlewaretoken"]
    assert tokens == ["abc", "abc"]
    entry = next(attrs for tag, attrs in _parse(html) if tag == "li")
    assert entry["tabindex"] == "0" and entry["aria-describedby"] == "sg-42-why"


def test_readers_see_the_list_without_actions():
    html = render_suggestion_items([_suggestion()], can_tag=False, csrf_token="abc")
    elements = _parse(html)
    assert not [tag for tag, _ in elements if tag in ("form", "button")]
    assert "tabindex" not in next(attrs for tag, attrs in elements if tag == "li")
    assert "جون كيربي" in html


def test_long_passages_are_cut_and_a_missing_speaker_is_said():
    html = render_suggestion_items(
        [_suggestion(exact="كلمة " * 100, speaker="")], can_tag=False, csrf_token=""
    )
    assert "…" in html and html.count("كلمة") < 30
    assert "المتحدث غير معروف" in html
