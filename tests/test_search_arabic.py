"""Arabic folding for search: the Python functions, and their SQL twins agreeing with them."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Tag
from articles.text.arabic import fold_full, fold_light, folded_with_offsets, word_key
from tests.conftest import make_article, make_tag, sample_text

# Arabic letters, marks, tatweel, both digit sets, Latin, spaces and the invisibles.
arabic_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0x200B, max_codepoint=0x206F),
        st.sampled_from("abcXYZ 019 .،\n\ufeff\u00adÉ"),
    ),
    max_size=60,
)


@pytest.mark.parametrize(
    ("written", "searched"),
    [
        ("الاتِّفاقيَّة", "الاتفاقية"),  # tashkeel, shadda
        ("يهــمنا", "يهمنا"),  # tatweel, sample 004
        ("ٱلله", "الله"),  # alef wasla
        ("٢٠٢٤", "2024"),
        ("۲۰۲۴", "2024"),
        ("عقوباتٍ", "عقوبات"),  # tanwin, sample 003
        ("هٰذا", "هذا"),  # superscript alef
        ("NATO", "nato"),
        ("بو\u200fتين", "بوتين"),  # an RLM pasted inside a word
    ],
)
def test_light_fold_drops_marks_tatweel_invisibles_and_unifies_digits(written, searched):
    assert fold_light(written) == fold_light(searched) == searched


@pytest.mark.parametrize(
    ("written", "searched"),
    [
        ("أكد", "اكد"),  # hamza on alef
        ("إسرائيل", "اسراءيل"),  # and the stemmer gives اسراييل for both
        ("آليـــات", "اليات"),  # madda and tatweel
        ("أُنشئت", "انشءت"),  # sample 004
        ("الحكومة", "الحكومه"),
        ("كوريا الشمالية", "كوريا الشماليه"),
        ("على", "علي"),
        ("مستشفى", "مستشفي"),
        ("مسؤول", "مسءول"),
        ("مسئول", "مسءول"),
        ("الاتِّفاقيَّة", "الاتفاقيه"),
    ],
)
def test_full_fold_also_unifies_alef_forms_endings_and_hamza_seats(written, searched):
    assert fold_full(written) == fold_full(searched) == searched


def test_light_fold_keeps_what_the_stemmer_needs():
    # The stemmer normalises these itself after stripping prefixes (وأكد → اكد).
    assert fold_light("وأكد الحكومة على مسؤول") == "وأكد الحكومة على مسؤول"


def test_folds_leave_plain_sample_text_readable():
    text = sample_text(3)
    assert "بوتين" in fold_full(text)
    assert "اكد الرييس" not in fold_full(text)  # ئ becomes ء, not ي
    assert "اكد الرءيس الروسي" in fold_full(text)


@given(arabic_text)
def test_folds_are_idempotent(text):
    assert fold_light(fold_light(text)) == fold_light(text)
    assert fold_full(fold_full(text)) == fold_full(text)


@given(arabic_text)
def test_full_fold_is_light_fold_then_more(text):
    assert fold_full(fold_light(text)) == fold_full(text)


@given(arabic_text)
def test_folds_never_lengthen_text(text):
    assert len(fold_full(text)) <= len(fold_light(text)) <= len(text)


@given(arabic_text)
def test_offsets_map_folded_text_back_to_the_original(text):
    folded, offsets = folded_with_offsets(text)
    assert folded == fold_full(text)
    assert len(offsets) == len(folded) + 1
    assert offsets == sorted(set(offsets))
    for i, char in enumerate(folded):
        assert fold_full(text[offsets[i]]) == char


@given(arabic_text)
def test_words_keep_their_boundaries(text):
    # Folding never joins two words or splits one: spaces survive untouched.
    assert fold_full(text).count(" ") == text.count(" ")


def test_word_key_ignores_article_conjunction_and_plural():
    assert word_key("والعقوبات") == word_key("عقوبات") == "عقوب"
    assert word_key("الاتفاقية") == word_key("اتفاقيه") == "اتفاق"


# --- SQL twins -----------------------------------------------------------------------


def _sql_folds(text: str) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT newsdesk_fold_light(%s), newsdesk_fold_full(%s)", [text, text])
        return cursor.fetchone()


@pytest.mark.django_db
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=arabic_text)
def test_python_and_sql_folds_agree(text):
    text = text.replace("\x00", "")  # PostgreSQL text cannot hold NUL
    assert _sql_folds(text) == (fold_light(text), fold_full(text))


@pytest.mark.django_db
def test_python_and_sql_folds_agree_on_the_samples():
    for index in range(5):
        text = sample_text(index)
        assert _sql_folds(text) == (fold_light(text), fold_full(text))


@pytest.mark.django_db
def test_search_columns_follow_every_write_path(editor):
    article = make_article("نص أول", title="عنوان")
    assert "'عنوان':1" in str(Article.objects.values_list("search_exact", flat=True).get())
    Article.objects.filter(pk=article.pk).update(title="الاتِّفاقيَّة")
    assert "الاتفاقيه" in str(Article.objects.values_list("search_exact", flat=True).get())
    Article.objects.bulk_create([Article(title="آليـــات", body="٢٠٢٤", body_sha256="x" * 64)])
    vector = str(
        Article.objects.filter(title="آليـــات").values_list("search_exact", flat=True).get()
    )
    assert "'اليات'" in vector and "'2024'" in vector
    tag = make_tag(article, 0, 3, user=editor, speaker="بُوتين", note="ملاحظة")
    tag.speaker = "بوتين"
    tag.save()
    row = Tag.objects.values("speaker_key", "search_exact").get()
    assert row["speaker_key"] == "بوتين" and "'ملاحظه'" in str(row["search_exact"])
