from __future__ import annotations

import re
from types import SimpleNamespace

from articles.reading.highlights import kind_combo, paragraph_spans, render_paragraphs


def _tag(tag_id: int, start: int, end: int, kind: str = "claim"):
    return SimpleNamespace(id=tag_id, start=start, end=end, kind=kind)


def _text(html: str) -> str:
    """The text a browser shows (tags removed, entities undone)."""
    plain = re.sub(r"<[^>]+>", "", html)
    return (
        plain.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
    )


BODY = "السطر الأول فيه Aurus 2024.\n\nالسطر الثاني «اقتباس» 🤔 هنا.\n   \nالثالث"


def test_paragraphs_are_non_blank_lines_with_their_offsets():
    spans = paragraph_spans(BODY)
    assert [BODY[a:b] for a, b in spans] == [
        "السطر الأول فيه Aurus 2024.",
        "السطر الثاني «اقتباس» 🤔 هنا.",
        "الثالث",
    ]


def test_paragraph_text_is_exactly_the_body_slice_with_tags():
    tags = [_tag(1, 2, 40), _tag(2, 10, 15, "quote"), _tag(3, 30, 33, "background")]
    for paragraph in render_paragraphs(BODY, tags):
        assert _text(paragraph.html) == BODY[paragraph.start : paragraph.end]


def test_a_tag_across_paragraphs_is_highlighted_in_each():
    paragraphs = render_paragraphs(BODY, [_tag(7, 5, 40)])
    assert 'data-tags="7"' in paragraphs[0].html
    assert 'data-tags="7"' in paragraphs[1].html
    assert "data-tags" not in paragraphs[2].html


def test_overlapping_tags_give_segments_covered_by_both():
    html = render_paragraphs(BODY, [_tag(1, 0, 10), _tag(2, 5, 20, "quote")])[0].html
    assert 'data-tags="1"' in html
    assert 'data-tags="1 2"' in html and kind_combo(["claim", "quote"]) in html
    assert 'data-tags="2"' in html


def test_the_same_kind_nested_is_marked_deep():
    html = render_paragraphs(BODY, [_tag(1, 0, 20), _tag(2, 5, 10)])[0].html
    assert 'class="hl kc-claim deep" data-tags="1 2"' in html


def test_markup_in_the_text_is_escaped():
    body = '<script>alert(1)</script> و <img src=x onerror="x()">'
    html = render_paragraphs(body, [_tag(1, 0, 8)])[0].html
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert _text(html) == body


def test_kind_combo_is_in_table_order():
    assert kind_combo(["background", "claim"]) == "kc-claim-background"
