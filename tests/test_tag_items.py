"""The side list's entries (articles/reading/side_list.py) and the cached article body
(articles/reading/body_cache.py): same markup for every path, everything escaped, never stale."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils.html import escape as django_escape

from articles.reading import body_cache
from articles.reading.highlights import render_paragraphs
from articles.reading.side_list import (
    ItemContext,
    render_snapshot,
    render_tag_item,
    render_tag_summary,
)
from tests.conftest import make_article, make_tag, sample_text

HTMX = {"HTTP_HX_REQUEST": "true"}
HOSTILE = "<script>alert('x')</script> & \"quoted\" {{ 7|add:1 }}"


def _tag(**fields):
    values = {
        "id": 7,
        "kind": "quote",
        "start": 3,
        "end": 9,
        "exact": "نص الوسم",
        "speaker": "",
        "note": "",
        "review_state": "pending",
        "review_comment": "",
        "created_by": SimpleNamespace(get_username=lambda: "editor1"),
    }
    return SimpleNamespace(**(values | fields))


def test_stdlib_escape_is_what_django_escape_does():
    for text in (HOSTILE, "ن & ي", "'\"<>", ""):
        assert html.escape(text) == str(django_escape(text))


def test_an_entry_has_the_ids_data_and_links_the_scripts_use(db):
    item = render_tag_item(_tag(), ItemContext.build(can_edit=True))
    assert item.strip().startswith(
        '<li class="tag-item" id="tag-7" data-tag="7" data-start="3" data-end="9" tabindex="0">'
    )
    edit, history = reverse("edit_tag", args=[7]), reverse("tag_history", args=[7])
    assert f'<a class="edit" href="{edit}" hx-get="{edit}" hx-target="#tag-7"' in item
    assert (
        f'<a class="history" href="{history}" hx-get="{history}" hx-target="#tag-history"' in item
    )
    assert '<span class="kind-label k-quote">اقتباس</span>' in item
    assert '<p class="tag-review s-pending">بانتظار المراجعة</p>' in item


def test_without_edit_rights_no_edit_link_nor_keyboard_focus(db):
    item = render_tag_item(_tag(), ItemContext.build(can_edit=False))
    assert 'class="edit"' not in item and "tabindex" not in item
    assert 'class="history"' in item


def test_every_user_field_is_escaped(db):
    tag = _tag(
        exact=HOSTILE,
        speaker=HOSTILE,
        note=HOSTILE,
        review_comment=HOSTILE,
        created_by=SimpleNamespace(get_username=lambda: HOSTILE),
    )
    item = render_tag_item(tag, ItemContext.build(can_edit=True))
    assert "<script>" not in item and '"quoted"' not in item
    assert item.count(html.escape(HOSTILE)) == 5


def test_long_passages_are_cut_like_truncatechars(db):
    item = render_tag_item(_tag(exact="ن" * 200), ItemContext.build(can_edit=False))
    assert f'<q class="passage" lang="ar" dir="rtl">{"ن" * 139}…</q>' in item


def test_page_and_htmx_write_send_the_same_entry(editor_client, editor):
    article = make_article(sample_text(0))
    make_tag(article, 10, 30, user=editor, note="<b>أولى</b>")
    data = {"kind": "claim", "start": 40, "end": 60, "exact": article.body[40:60]}
    written = editor_client.post(reverse("tag_passage", args=[article.pk]), data, **HTMX)
    assert written.status_code == 200
    new = article.tags.latest("id")
    fragment = written.content.decode()
    start = fragment.index(f'<li class="tag-item" id="tag-{new.pk}"')
    entry = fragment[start : fragment.index("</li>", start) + 5]
    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert entry in page
    assert "&lt;b&gt;أولى&lt;/b&gt;" in page and "<b>أولى" not in page


def test_an_entry_being_edited_keeps_its_place_among_the_rendered_ones(editor_client, editor):
    article = make_article(sample_text(0))
    tags = [make_tag(article, s, s + 8, user=editor) for s in (10, 40, 70)]
    response = editor_client.get(reverse("edit_tag", args=[tags[1].pk]))
    page = response.content.decode()
    positions = [page.index(f'id="tag-{tag.pk}"') for tag in tags]
    assert positions == sorted(positions)
    assert f'<li class="tag-item editing" id="tag-{tags[1].pk}"' in page
    assert page.count('class="tag-item"') == 2


@pytest.fixture
def fresh_cache():
    body_cache.clear()
    yield
    body_cache.clear()


def test_cached_body_follows_every_change(editor_client, editor, fresh_cache):
    article = make_article(sample_text(1))
    tag = make_tag(article, 10, 30, user=editor)
    url = article.get_absolute_url()

    def marks():
        """The tags highlighted in the body."""
        page = editor_client.get(url).content.decode()
        return {int(i) for ids in re.findall(r'data-tags="([^"]+)"', page) for i in ids.split()}

    assert marks() == {tag.pk} and marks() == {tag.pk}  # the second from the cache
    other = make_tag(article, 50, 60, user=editor, kind="quote")
    assert marks() == {tag.pk, other.pk}
    tag.kind, tag.verification = "background", ""  # claim status belongs to claims only
    tag.save()
    page = editor_client.get(url).content.decode()
    assert "kc-background" in page and "kc-claim" not in page
    tag.delete()
    assert marks() == {other.pk}


def test_cache_returns_what_render_paragraphs_would(fresh_cache):
    body = "سطر أول فيه كلام.\nسطر ثانٍ."
    tags = [SimpleNamespace(id=1, kind="claim", start=0, end=7)]
    first = body_cache.paragraphs(body, tags)
    assert body_cache.paragraphs(body, tags) is first
    assert first == render_paragraphs(body, tags)
    moved = [SimpleNamespace(id=1, kind="claim", start=2, end=7)]
    assert body_cache.paragraphs(body, moved) == render_paragraphs(body, moved)


def test_cache_is_bounded(fresh_cache, monkeypatch):
    monkeypatch.setattr(body_cache, "MAX_ENTRIES", 3)
    for i in range(10):
        body_cache.paragraphs(f"نص {i}", [])
    assert len(body_cache._entries) == 3


def test_a_history_snapshot_and_a_conflict_summary_draw_the_tag_like_the_list(db):
    context = ItemContext.build(can_edit=False)
    snapshot = {
        "kind": "claim",
        "start": 3,
        "end": 9,
        "exact": HOSTILE,
        "speaker": HOSTILE,
        "note": "",
        "verification": "false",
        "check_worthy": "yes",
        "evidence": HOSTILE,
        "claim_group_id": 12,
    }
    html_out = render_snapshot(snapshot, context)
    escaped_once = html.escape(HOSTILE)
    assert f'<q class="passage" lang="ar" dir="rtl">{escaped_once}</q>' in html_out
    assert f'<span class="evidence" dir="auto">{escaped_once}</span>' in html_out
    assert "<script>" not in html_out and "&amp;lt;" not in html_out
    assert '<span class="offsets">[3–9]</span>' in html_out
    assert "يستحق التحقق" in html_out and "مجموعة الادعاء #12" in html_out
    tag = _tag(kind="claim", exact=HOSTILE, speaker=HOSTILE, verification="", claim_group_id=None)
    item, summary = render_tag_item(tag, context), render_tag_summary(tag, context)
    for part in summary.split("\n"):
        assert part in item  # the same kind, passage and speaker markup as the side list
