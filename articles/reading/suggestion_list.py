"""The entries of the reading page's quote-suggestion list, rendered in Python in one pass.

Like the tag list (articles/reading/side_list.py): a template loop with two forms, four URLs and
four translations per entry cost about 1 ms each, most of the page at 0 tags for an
article with 35 suggestions. Every user-derived field goes through `html.escape`.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext

from articles.reading.side_list import escaped, url_shape

PASSAGE_CHARS = 110  # the passage is cut here, like truncatechars:110 did


def render_suggestion_items(suggestions, *, can_tag: bool, csrf_token: str) -> SafeString:
    """The `<li class="suggestion">` entries; the accept/dismiss forms only for writers."""
    words = {
        "speaker": escaped(gettext("المتحدث:")),
        "unknown": escaped(gettext("المتحدث غير معروف")),
        "why": escaped(gettext("لماذا اقتُرح؟")),
        "accept": escaped(gettext("قبول")),
        "accept_title": escaped(gettext("قبول: يصبح وسم اقتباس (Enter أو A)")),
        "dismiss": escaped(gettext("استبعاد")),
        "dismiss_title": escaped(gettext("استبعاد: لن يُقترح ثانية (D)")),
    }
    urls = {name: url_shape(name) for name in ("accept_suggestion", "dismiss_suggestion")}
    token = escape(csrf_token)
    focusable = ' tabindex="0"' if can_tag else ""  # writers move through them with keys
    entries = []
    for suggestion in suggestions:
        pk = int(suggestion.pk)
        explanation = escape(suggestion.explanation)
        exact = suggestion.exact
        if len(exact) > PASSAGE_CHARS:
            exact = Truncator(exact).chars(PASSAGE_CHARS)
        if suggestion.speaker:
            speaker = f"{words['speaker']} <bdi>{escape(suggestion.speaker)}</bdi>"
        else:
            speaker = words["unknown"]
        actions = ""
        if can_tag:
            forms = []
            for name, cls, label, title in (
                ("accept_suggestion", "accept", words["accept"], words["accept_title"]),
                ("dismiss_suggestion", "dismiss", words["dismiss"], words["dismiss_title"]),
            ):
                before, after = urls[name]
                url = f"{before}{pk}{after}"
                forms.append(
                    f'<form method="post" action="{url}" hx-post="{url}" hx-swap="none"'
                    f' hx-disabled-elt="find button">'
                    f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
                    f'<button type="submit" class="{cls}" title="{title}">{label}</button></form>'
                )
            actions = f'\n      <div class="actions">{"".join(forms)}</div>'
        entries.append(
            f'<li class="suggestion" id="sg-{pk}" data-suggestion="{pk}" title="{explanation}"'
            f' aria-describedby="sg-{pk}-why"{focusable}>'
            f'\n      <q class="passage" lang="ar" dir="rtl">{escape(exact)}</q>'
            f'\n      <span class="speaker">{speaker}</span>'
            f'\n      <details class="why"><summary>{words["why"]}</summary>'
            f'<p id="sg-{pk}-why">{explanation}</p></details>{actions}\n    </li>'
        )
    return SafeString("\n    ".join(entries))
