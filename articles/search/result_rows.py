"""The rows of the article list, the tag list and the review queue, built in Python in
one pass.

The template loop cost about a quarter of the article list's CPU and a third of the tag
list's (a few hundred variable lookups, filters and escapes per page); this builds the
same markup with string joins, every user field through `escape`, as the reading page's
side list does (articles/reading/side_list.py, whose helpers these share).
tests/test_result_rows.py renders the former template loops next to these functions and
checks that the HTML is the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from html import escape

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext

from articles.kinds import KINDS
from articles.models import ReviewState
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


REVIEW_TITLE_CHARS = 80  # the review queue's article title is cut here (truncatechars:80)


@dataclass
class ReviewRowWords:
    """What every row of the review queue shares, looked up once per page: translated
    labels, the decision URL's shape and the page's CSRF token."""

    csrf_token: str
    urls: dict[str, tuple[SafeString, SafeString]] = field(default_factory=dict)
    kind_labels: dict[str, SafeString] = field(default_factory=dict)
    state_labels: dict[str, SafeString] = field(default_factory=dict)
    words: dict[str, SafeString] = field(default_factory=dict)

    @classmethod
    def build(cls, request: HttpRequest) -> ReviewRowWords:
        return cls(
            csrf_token=escape(get_token(request)),
            urls={name: url_shape(name) for name in ("read_article", "review_tag")},
            kind_labels={kind.slug: escaped(kind.label) for kind in KINDS},
            state_labels={state.value: escaped(state.label) for state in ReviewState},
            words={
                "editor": escaped(gettext("المحرر:")),
                "speaker": escaped(gettext("المتحدث:")),
                "stale": escaped(
                    gettext("تغيّر هذا الوسم منذ فتح الصفحة؛ هذه نسخته الحالية. راجعه مجدداً.")
                ),
                "not_saved": escaped(gettext("تعذّر حفظ المراجعة.")),
                "comment": escaped(gettext("تعليق (اختياري)")),
                "comment_label": escaped(gettext("تعليق المراجع")),
                "accept": escaped(gettext("قبول")),
                "reject": escaped(gettext("رفض")),
                "reopen": escaped(gettext("إعادة إلى الانتظار")),
            },
        )

    def url(self, name: str, object_id: int) -> str:
        before, after = self.urls[name]
        return f"{before}{int(object_id)}{after}"


def render_review_rows(tags: Iterable, words: ReviewRowWords) -> SafeString:
    """The queue's rows, each as the page's loop placed it."""
    return SafeString("".join(f"\n        {render_review_row(tag, words)}\n      " for tag in tags))


def render_review_row(
    tag, words: ReviewRowWords, *, decided: bool = False, stale: bool = False, failed: bool = False
) -> SafeString:
    """One `<li>` of the review queue: the tag in context and its accept / reject form. The
    same for the page and for the answer to a decision (`decided`: it was saved; `stale`:
    someone changed the tag first; `failed`: the form was invalid)."""
    article, state, kind = tag.article, escape(tag.review_state), escape(tag.kind)
    read = f"{words.url('read_article', article.pk)}#tag-{int(tag.pk)}"
    decide = words.url("review_tag", tag.pk)
    decided_mark = ' data-decided="1"' if decided else ""
    w = words.words
    reviewer = ""
    if tag.reviewed_by:
        reviewer = f" · <bdi>{escape(tag.reviewed_by.get_username())}</bdi>"
    source = ""
    if article.source:
        source = f'<span class="muted"><bdi>{escape(article.source.name)}</bdi></span>'
    context = ""
    if tag.prefix:
        context += f'<span class="context">…{escape(tag.prefix)}</span>'
    context += f'<mark class="hl kc-{kind}">{escape(tag.exact)}</mark>'
    if tag.suffix:
        context += f'<span class="context">{escape(tag.suffix)}…</span>'
    speaker = note = alerts_stale = alerts_failed = reopen = ""
    if tag.speaker:
        speaker = f'<p class="muted">{w["speaker"]} <bdi>{escape(tag.speaker)}</bdi></p>'
    if tag.note:
        note = f'<p class="note" dir="auto">{escape(tag.note)}</p>'
    if stale:
        alerts_stale = f'<p class="error" role="alert">{w["stale"]}</p>'
    if failed:
        alerts_failed = f'<p class="error" role="alert">{w["not_saved"]}</p>'
    if tag.review_state != "pending":
        reopen = (
            '<button type="submit" name="state" value="pending" class="reopen">'
            f"{w['reopen']}</button>"
        )
    title = Truncator(article.title).chars(REVIEW_TITLE_CHARS)
    return SafeString(
        f'\n<li class="review-row state-{state}" id="review-{int(tag.pk)}"'
        f' data-tag="{int(tag.pk)}"{decided_mark} tabindex="-1">\n'
        '  <div class="review-meta">\n'
        f'    <span class="kind-label k-{kind}">'
        f"{words.kind_labels.get(tag.kind) or kind}</span>\n"
        f'    <a href="{read}"><bdi>{escape(title)}</bdi></a>\n'
        f"    {source}\n"
        f'    <span class="muted">{w["editor"]} <bdi>'
        f"{escape(tag.created_by.get_username())}</bdi></span>\n"
        f'    <span class="review-state s-{state}">'
        f"{words.state_labels.get(tag.review_state) or state}{reviewer}</span>\n"
        "  </div>\n"
        f'  <p class="in-context" lang="ar" dir="rtl">{context}</p>\n'
        f"  {speaker}\n  {note}\n  {alerts_stale}\n  {alerts_failed}\n"
        f'  <form class="review-actions" method="post" action="{decide}"\n'
        f'        hx-post="{decide}" hx-target="#review-{int(tag.pk)}" hx-swap="outerHTML"'
        ' hx-disabled-elt="find button">\n'
        '    <input type="hidden" name="csrfmiddlewaretoken"'
        f' value="{words.csrf_token}">\n'
        f'    <input type="hidden" name="version" value="{int(tag.version)}">\n'
        "    \n"
        '    <textarea name="comment" rows="1" dir="auto" maxlength="2000"\n'
        f'              placeholder="{w["comment"]}" aria-label="{w["comment_label"]}">'
        f"{escape(tag.review_comment)}</textarea>\n"
        '    <button type="submit" name="state" value="accepted" class="accept" data-key="a">'
        f"{w['accept']} <kbd>a</kbd></button>\n"
        '    <button type="submit" name="state" value="rejected" class="reject" data-key="r">'
        f"{w['reject']} <kbd>r</kbd></button>\n"
        f"    {reopen}\n"
        "  </form>\n"
        "</li>\n"
    )
