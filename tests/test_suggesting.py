"""Quote suggestions: which passages the rules propose, with which speaker."""

from __future__ import annotations

from articles.text.quote_rules import fold_speaker, speakers_match, suggest_quotes


def passages(body):
    return [(body[s.start : s.end], s.speaker, s.rule) for s in suggest_quotes(body)]


def test_it_suggests_a_quote_in_arabic_quotation_marks_after_a_verb_and_colon():
    body = "وقالت الوزارة: «سنرد بصرامة على أي عمل يهدد أمننا»."
    assert passages(body) == [("سنرد بصرامة على أي عمل يهدد أمننا", "الوزارة", "verb_colon")]


def test_it_handles_curly_ascii_and_mismatched_quotation_marks():
    for body in (
        "وقال بوتين إن “الاتفاقية تنص على المساعدة المتبادلة”.",
        'وقال بوتين إن "الاتفاقية تنص على المساعدة المتبادلة".',
        "وقال بوتين إن “الاتفاقية تنص على المساعدة المتبادلة“.",
    ):
        # the words in marks are the speaker's own: a direct quote, not reported speech
        assert passages(body) == [("الاتفاقية تنص على المساعدة المتبادلة", "بوتين", "verb_quote")]


def test_offsets_are_code_points_into_the_body():
    body = "عنوان\n\nوقال جون كيربي، المتحدث باسم البيت الأبيض، إن الاتفاق علامة على يأس روسيا."
    [s] = suggest_quotes(body)
    assert body[s.start : s.end] == "الاتفاق علامة على يأس روسيا"
    assert s.speaker == "جون كيربي"


def test_the_speaker_is_cut_at_a_comma_or_a_preposition():
    body = 'وقال تشيونغ سيونغ تشانغ من معهد سيجونغ في سول "خلال الحرب الباردة كانت الأمور مختلفة".'
    assert passages(body)[0][1] == "تشيونغ سيونغ تشانغ"


def test_an_anaphoric_verb_carries_the_last_named_speaker_forward():
    body = (
        "قال الدكتور عمرو الديب إن بوتين يتجه شرقا بحرية نسبية.\n\n"
        "وأضاف أن لكوريا الشمالية توجهات خاصة في علاقاتها."
    )
    found = suggest_quotes(body)
    assert [s.speaker for s in found] == ["الدكتور عمرو الديب", "الدكتور عمرو الديب"]
    assert "مأخوذ من إسناد سابق" in found[1].explanation


def test_a_participle_adds_a_second_quote_for_the_same_speaker():
    body = "وأضاف بوتين أن هؤلاء “يبذلون قصارى جهدهم”، موضحاً أنهم أثاروا هذا الصراع منذ سنوات."
    assert passages(body) == [
        ("هؤلاء “يبذلون قصارى جهدهم”", "بوتين", "verb_that"),
        ("أثاروا هذا الصراع منذ سنوات", "بوتين", "participle"),
    ]


def test_a_verb_needs_a_word_boundary():
    body = "قرارات مجلس الأمن التابع للأمم المتحدة أن العقوبات باقية في مكانها."
    assert suggest_quotes(body) == []


def test_short_scare_quotes_and_titles_are_skipped():
    body = "وفي مقال لصحيفة “نودون سينمون” الكورية، زيارة وصفت بأنها “تاريخية” ضد “العدوان”."
    assert suggest_quotes(body) == []


def test_a_verb_attributes_a_short_quoted_description():
    body = "ووصفها بوتين بأنها “وثيقة اختراق” تعكس رغبة البلدين."
    assert passages(body) == [("وثيقة اختراق", "بوتين", "describe_as")]


def test_harakat_and_prefixes_on_the_verb_still_match():
    body = "وإزاء ذلك، شدّد الرئيس الروسي على أن محاولات الغرب “باءت بالفشل” تماما."
    assert passages(body)[0][1] == "الرئيس الروسي"


def test_every_suggestion_explains_its_rule_in_arabic():
    body = "وأعلن الزعيم كيم جونج أون، أن العلاقات مع روسيا ارتقت إلى مستوى التحالف."
    [s] = suggest_quotes(body)
    assert s.rule == "verb_that"
    assert "أعلن" in s.explanation and "كيم جونج أون" in s.explanation


def test_fold_speaker_groups_spellings_of_one_name():
    assert fold_speaker("كيم جونغ أون") == fold_speaker("كيم جونج أون")
    assert fold_speaker("الرئيس فلاديمير بوتين") == fold_speaker("فلاديمير بوتين")
    assert fold_speaker("الدكتور عمرو الديب") == fold_speaker("عمرو الديب")
    assert fold_speaker("الرئيس") == ""
    assert fold_speaker("كيم جونغ أون") != fold_speaker("كيم جونغ إيل")


def test_speakers_match_on_part_of_a_name_but_not_on_another_person():
    assert speakers_match("بوتين", "فلاديمير بوتين")
    assert speakers_match("الرئيس الروسي فلاديمير بوتين", "فلاديمير بوتين")
    assert speakers_match("الوزارة", "وزارة الخارجية الكورية الجنوبية", ["الوزارة"])
    assert not speakers_match("كيم", "فلاديمير بوتين")
    assert not speakers_match("", "فلاديمير بوتين")
