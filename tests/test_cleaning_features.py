"""The clean-up on pages from outlets it has never seen: features, not site strings.

Every example here is written for the test (short invented Arabic news), one per pattern.
"""

from __future__ import annotations

import datetime

import pytest

from articles.text.cleaning import OutletMemory, clean, furniture_kind, line_key

STORY = (
    "أعلنت وزارة الزراعة اليوم عن خطة جديدة لدعم صغار المزارعين في المحافظات الشمالية، "
    "وتشمل الخطة قروضاً ميسرة وبذوراً محسنة وتدريباً على الري الحديث خلال الموسم المقبل."
)
SECOND = (
    "وقال مدير المشروع إن الخطة ستبدأ في الربيع المقبل وتستمر ثلاث سنوات على الأقل، "
    "مشيراً إلى أن التمويل مؤمن بالكامل من الموازنة العامة ومن شركاء دوليين."
)
HEADLINE = "خطة جديدة لدعم صغار المزارعين في الشمال"


def page(*lines: str) -> str:
    return "\n\n".join(lines)


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("https://example.org/status/123456789", "link"),
        (".player-box{width:100%;height:auto;margin:0}", "code"),
        ('var playerId = "v-991"; initPlayer(playerId, 3, 4, 5);', "code"),
        ('{"id": 12, "autoplay": true, "muted": false}', "code"),
        ("ع.م [/SIZE][/CENTER]", "code"),
        ("فيسبوك", "social"),
        ("تابعونا على جوجل نيوز", "social"),
        ("هذا المحتوى للمشتركين فقط", "paywall"),
        ("Read more", "latin"),
        ("الأحد 3 مارس 2024 الساعة 10:15 صباحاً", "dateline"),
        ("اقرأ أيضاً: الحكومة تعلن موعد الامتحانات", "read_also"),
    ],
)
def test_lines_that_are_furniture_wherever_they_stand(line, rule):
    assert furniture_kind(line) == rule


@pytest.mark.parametrize(
    "line",
    [
        STORY,
        "وقال الوزير: نحن مستعدون للحوار",
        "ارتفعت الأسعار 5% في مارس 2024 مقارنة بالعام الماضي",
    ],
)
def test_story_lines_are_not_furniture(line):
    assert furniture_kind(line) is None


def test_code_links_and_social_lines_inside_a_story_are_removed_and_the_story_kept():
    raw = page(
        HEADLINE,
        STORY,
        "https://example.org/status/123456789",
        '<div class="embed" data-id="77"></div>',
        SECOND,
        "واتساب",
    )
    cleaned = clean(raw)
    assert STORY in cleaned.body and SECOND in cleaned.body
    assert "example.org" not in cleaned.body and "embed" not in cleaned.body
    assert "واتساب" not in cleaned.body
    assert {"link", "code"} <= {r["rule"] for r in cleaned.removed_json}


def test_a_headline_printed_twice_is_the_title_and_printed_once():
    raw = page(
        "أخبار اليوم", "انقطاع المياه عن حي الزهور", "صورة", "انقطاع المياه عن حي الزهور", STORY
    )
    cleaned = clean(raw)
    assert cleaned.title == "انقطاع المياه عن حي الزهور"
    assert cleaned.body.count("انقطاع المياه عن حي الزهور") == 1


def test_an_image_caption_printed_twice_on_consecutive_lines_is_not_the_title():
    raw = page(HEADLINE, "مزارع في حقله\nمزارع في حقله", STORY)
    cleaned = clean(raw)
    assert cleaned.title == HEADLINE
    assert "مزارع في حقله" not in cleaned.body


def test_a_short_headline_beats_a_breadcrumb():
    raw = page("الرئيسية » أخبار محلية » زراعة ومياه", "موسم القمح يبدأ", STORY)
    cleaned = clean(raw)
    assert cleaned.title == "موسم القمح يبدأ"
    assert "الرئيسية" not in cleaned.body


def test_a_markdown_heading_mark_is_not_part_of_the_title():
    cleaned = clean(page("### " + HEADLINE, STORY))
    assert cleaned.title == HEADLINE and cleaned.body.startswith(HEADLINE + "\n")


def test_the_articles_own_date_beats_the_site_headers_today():
    raw = page(
        "الأحد 12 مايو 2024 - 4 ذو القعدة 1445 هـ",
        "رئيس التحرير: سالم الخطيب",
        HEADLINE,
        "نشر في 9 مايو 2024 الساعة 08:40",
        STORY,
    )
    assert clean(raw).published_on == datetime.date(2024, 5, 9)


def test_a_header_date_without_a_time_above_the_headline_is_not_the_articles_date():
    raw = page("الأحد 12 مايو 2024", HEADLINE, STORY)
    assert clean(raw).published_on is None


def test_a_capture_tools_date_prefix_is_the_date_and_is_cut_from_a_story_line():
    cleaned = clean(page("date 2024-02-03 " + STORY, SECOND))
    assert cleaned.published_on == datetime.date(2024, 2, 3)
    assert not cleaned.body.startswith("date")
    assert any(r.get("cut", "").startswith("date 2024-02-03") for r in cleaned.removed_json)


def test_a_credit_glued_to_the_first_sentence_is_cut_with_provenance_and_names_the_outlet():
    cleaned = clean(page(HEADLINE, "نبض الشمال - " + STORY, SECOND))
    assert "نبض الشمال" not in cleaned.body
    assert STORY in cleaned.body
    assert cleaned.outlet == "نبض الشمال"
    glued = [r for r in cleaned.removed_json if r["rule"] == "glued"]
    assert glued and glued[0]["cut"].startswith("نبض الشمال")


def test_a_place_then_outlet_credit_glued_with_a_colon_gives_the_outlet():
    cleaned = clean(page(HEADLINE, "عمّان: نبض الشمال- " + STORY, SECOND))
    assert cleaned.outlet == "نبض الشمال"
    assert "عمّان:" not in cleaned.body


def test_a_speaker_before_a_colon_is_not_a_glued_credit():
    line = "وقال الوزير: " + STORY
    cleaned = clean(page(HEADLINE, line, SECOND))
    assert line in cleaned.body


def test_a_blog_engines_footer_glued_to_the_last_sentence_is_cut():
    cleaned = clean(
        page(HEADLINE, STORY, SECOND + " The post Farm plan appeared first on Agri News.")
    )
    assert "appeared first" not in cleaned.body
    assert cleaned.body.endswith("شركاء دوليين.")


def test_the_source_credit_beats_a_byline_and_an_agency_dateline():
    raw = page(HEADLINE, "كتب: أحمد سالم", "القاهرة (أ ش أ)", STORY, SECOND, "المصدر: نبض الشمال")
    assert clean(raw).outlet == "نبض الشمال"


def test_a_place_slash_outlet_dateline_gives_the_outlet_but_an_agency_in_brackets_does_not():
    assert clean(page(HEADLINE, "عمّان / نبض الشمال", STORY, SECOND)).outlet == "نبض الشمال"
    assert clean(page(HEADLINE, "عمّان (أ ش أ)", STORY, SECOND)).outlet == ""


def test_a_run_of_tags_after_the_story_is_removed_but_one_cut_last_line_is_kept():
    tags = clean(page(HEADLINE, STORY, SECOND, "زراعة", "مياه", "الشمال"))
    assert "زراعة\n" not in tags.body + "\n" and not tags.body.endswith("الشمال")
    cut = clean(page(HEADLINE, STORY, SECOND, "وأضاف المدير أن المرحلة الأولى"))
    assert cut.body.endswith("وأضاف المدير أن المرحلة الأولى")


def test_a_hard_wrapped_paragraph_is_kept_whole():
    wrapped = (
        "قال مدير المستشفى الحكومي في المدينة الساحلية إن نسبة الإشغال في الأقسام الداخلية بلغت\n"
        "ثمانين في المئة خلال الأسبوع الماضي بسبب ارتفاع عدد المراجعين من القرى والبلدات\n"
        "المجاورة."
    )
    cleaned = clean(page(HEADLINE, wrapped, SECOND))
    assert "ثمانين في المئة خلال الأسبوع" in cleaned.body and "المجاورة." in cleaned.body


def test_an_outlets_memory_removes_its_furniture_and_keeps_what_an_admin_called_story():
    raw = page(HEADLINE, STORY, "مزارعون وأرقام", SECOND)
    assert "مزارعون وأرقام" in clean(raw).body
    memory = OutletMemory(furniture=frozenset({line_key("مزارعون وأرقام")}))
    learned = clean(raw, memory)
    assert "مزارعون وأرقام" not in learned.body
    assert any(r["rule"] == "learned" for r in learned.removed_json)
    story = OutletMemory(story=frozenset({line_key("فيسبوك")}))
    assert "فيسبوك" in clean(page(HEADLINE, STORY, "فيسبوك", SECOND), story).body


def test_a_second_full_article_after_read_also_is_offered_not_kept():
    other = "زراعة القمح تتوسع في الجنوب"
    paragraphs = [
        "توسعت زراعة القمح في المحافظات الجنوبية هذا العام بنسبة كبيرة مقارنة بالعام الماضي، "
        "بعد أن وزعت الوزارة بذوراً محسنة على المزارعين في القرى البعيدة عن المدن الكبيرة.",
        "وقال مسؤول في المديرية إن الإنتاج المتوقع يكفي حاجة المنطقة لستة أشهر على الأقل، "
        "وإن فائض الإنتاج سيباع إلى المطاحن الحكومية بأسعار مدعومة تشجيعاً للمزارعين.",
    ]
    raw = page(HEADLINE, STORY, SECOND, "اقرأ أيضاً", other, *paragraphs, "مقالات ذات صلة")
    cleaned = clean(raw)
    assert other not in cleaned.body and "توسعت زراعة القمح" not in cleaned.body
    first, last = cleaned.second_story
    lines = raw.split("\n")
    assert lines[first - 1] == other and lines[last - 1] == paragraphs[-1]
    assert clean(page(HEADLINE, STORY, SECOND, "اقرأ أيضاً", other)).second_story is None


def test_a_short_dated_story_sentence_between_paragraphs_does_not_move_the_story_start():
    raw = page(HEADLINE, STORY, "وعقد الاجتماع الأول في 3 يونيو 2024.", SECOND)
    cleaned = clean(raw)
    assert STORY in cleaned.body and "وعقد الاجتماع الأول" in cleaned.body


def test_a_place_or_agency_dateline_glued_to_the_story_is_cut_but_is_not_the_outlet():
    for dateline in ("غزة - ", "بيروت (رويترز) - "):
        cleaned = clean(page(HEADLINE, dateline + STORY, SECOND))
        assert cleaned.body.split("\n")[2] == STORY, dateline
        assert cleaned.outlet == "", dateline
