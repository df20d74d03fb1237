"""The rows of the article list and the tag list, built in Python in one pass.

The template loop cost about a quarter of the article list's CPU and a third of the tag
list's (a few hundred variable lookups, filters and escapes per page); this builds the
same markup with string joins, every user field through `escape`, as the reading page's
side list does (articles/reading/side_list.py, whose helpers these share).
tests/test_result_rows.py renders the former template loops next to these functions and
checks that the HTML is the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape

from django.utils.safestring import SafeString
from django.utils.text import Truncator

from articles.kinds import KINDS
from articles.reading.side_list import escaped, url_shape

TITLE_CHARS = 60  # the tag list's article title is cut here (truncatechars:60 before)


def marked(pieces: Iterable[tuple[str, bool]]) -> str:
    """(text, is_hit) pieces from `articles.search.query.highlight`, hits in <mark>."""
    return "".join(
        f'<mark class="hit">{escape(text)}</mark>' if hit else escape(text) for text, hit in pieces
    )


def iso_date(day: date | None) -> str:
    """Y-m-d, or a dash when there is none."""
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}" if day else "—"


def render_article_rows(articles: Iterable) -> SafeString:
    """The <tr> of each article: title (hits marked) and excerpt, source, date and tag
    counts by kind. Each article needs `title_pieces`, `excerpt` and `n_<kind>` (see
    articles/search/article_filter.py) and its source joined."""
    before, after = url_shape("read_article")
    rows = []
    for article in articles:
        excerpt = ""
        if article.excerpt:
            excerpt = f'<p class="excerpt" lang="ar" dir="rtl">{marked(article.excerpt)}</p>'
        source = article.source.name if article.source else ""
        counts = "".join(
            f'\n        <td class="num">{int(getattr(article, "n_" + kind.slug))}</td>'
            for kind in KINDS
        )
        url = f"{before}{int(article.pk)}{after}"
        rows.append(
            "\n      <tr>\n        <td>\n"
            f'          <a href="{url}">{marked(article.title_pieces)}</a>'
            f"\n          {excerpt}\n        </td>\n"
            f"        <td><bdi>{escape(source) or '—'}</bdi></td>\n"
            f'        <td class="num">{iso_date(article.published_on)}</td>{counts}'
            "\n      </tr>\n    "
        )
    return SafeString("".join(rows))


def render_tag_rows(tags: Iterable) -> SafeString:
    """The <tr> of each tag: kind, passage and note, speaker (hits marked), article and
    source, editor. Each tag needs `pieces`, `note_pieces` and `speaker_pieces` (see the
    tag list view) and its article, source and editor joined."""
    before, after = url_shape("read_article")
    kind_labels = {kind.slug: escaped(kind.label) for kind in KINDS}
    rows = []
    for tag in tags:
        note = ""
        if tag.note:
            note = f'<div class="hint" dir="auto">{marked(tag.note_pieces)}</div>'
        article = tag.article
        title = Truncator(article.title).chars(TITLE_CHARS)
        source = article.source.name if article.source else ""
        speaker = marked(tag.speaker_pieces) if tag.speaker_pieces else "—"
        rows.append(
            "\n      <tr>\n"
            f'        <td><span class="kind-label kc-{escape(tag.kind)}">'
            f"{kind_labels.get(tag.kind) or escape(tag.kind)}</span></td>\n"
            f'        <td class="passage" lang="ar" dir="rtl">{marked(tag.pieces)}\n'
            f"          {note}</td>\n"
            f"        <td><bdi>{speaker}</bdi></td>\n"
            f'        <td><a href="{before}{int(article.pk)}{after}#tag-{int(tag.pk)}">'
            f"{escape(title)}</a>\n"
            f'          <div class="hint"><bdi>{escape(source)}</bdi></div></td>\n'
            f"        <td><bdi>{escape(tag.created_by.get_username())}</bdi></td>\n"
            "      </tr>\n    "
        )
    return SafeString("".join(rows))
