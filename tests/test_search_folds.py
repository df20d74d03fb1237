"""Every spelling variant the README says search ignores gives the same results, in the
article list and the tag list alike, whichever of the two spellings is typed or stored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_article, make_tag

# (one spelling, another spelling of the same word) for each fold the README lists.
VARIANT_PAIRS = {
    "ta marbuta / ha": ("المدينة", "المدينه"),
    "ta marbuta / ha, bare": ("حكومة", "حكومه"),
    "ta marbuta / ha, after a preposition": ("بالحكومة", "بالحكومه"),
    "alef maqsura / ya": ("مستشفى", "مستشفي"),
    "alef maqsura / ya, verb": ("مضى", "مضي"),
    "alef maqsura / ya, with the article": ("المستشفى", "المستشفي"),
    "hamza on alef / bare alef": ("أكد", "اكد"),
    "hamza below alef / bare alef": ("إعلان", "اعلان"),
    "madda / bare alef": ("آلاف", "الاف"),
    "hamza on waw / on ya": ("مسؤول", "مسئول"),
    "hamza after a joined waw": ("وأضاف", "واضاف"),
    "diacritics": ("الحُكُومَةُ", "الحكومة"),
    "tatweel": ("الرئيـــس", "الرئيس"),
    "alef wasla": ("ٱلاتفاق", "الاتفاق"),
    "digits": ("٢٠٢٤", "2024"),
}
# What the README's stemming claims: attached prefixes and sound plurals of a word.
STEM_PAIRS = {
    "attached article and conjunction": ("والمسؤول", "مسؤول"),
    "sound plural": ("المسؤولون", "مسؤول"),
}


def _listed(client, url_name: str, query: str) -> list[int]:
    response = client.get(reverse(url_name), {"q": query})
    assert response.status_code == 200
    return sorted(item.pk for item in response.context["page"].object_list)


@pytest.fixture
def stored_spellings(editor):
    """Each spelling of each pair once: in a title, in a body, and in a tagged passage."""
    words = {word for pair in [*VARIANT_PAIRS.values(), *STEM_PAIRS.values()] for word in pair}
    for word in sorted(words):
        make_article(f"عنوان فيه {word}\nنص عادي.", title=f"عنوان فيه {word}")
        body = f"مقدمة قصيرة.\nجملة تقول {word} في وسطها."
        article = make_article(body, title="مقال بلا كلمة البحث")
        start = body.index("جملة")
        make_tag(article, start, len(body), user=editor)


@pytest.mark.parametrize("pair", [*VARIANT_PAIRS, *STEM_PAIRS])
def test_both_spellings_find_the_same_articles_and_tags(editor_client, stored_spellings, pair):
    one, other = {**VARIANT_PAIRS, **STEM_PAIRS}[pair]
    for url_name in ("article_list", "tag_list"):
        found_one = _listed(editor_client, url_name, one)
        found_other = _listed(editor_client, url_name, other)
        assert found_one == found_other, f"{url_name}: {one} ≠ {other}"
        # Titles, bodies and passages with either spelling: at least both stored pairs.
        assert len(found_one) >= (4 if url_name == "article_list" else 2), url_name
