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


# --- Patterns from outlets the rules were not built on (self-written examples) -------------


def test_verbs_in_the_present_tense_feminine_and_other_verbs_of_saying():
    cases = {
        "وتؤكد الوزارة أن المدارس ستفتح أبوابها في موعدها المحدد.": "الوزارة",
        "ونفت الشركة أن تكون قد رفعت أسعار منتجاتها هذا الشهر.": "الشركة",
        "وغرد النائب سالم العلي: «لن نقبل بأي تأجيل للانتخابات البلدية»": "النائب سالم العلي",
        "وأردف المدرب أن الفريق يحتاج إلى وقت أطول للتأقلم مع الخطة.": "المدرب",
    }
    for body, speaker in cases.items():
        [(_passage, got, _rule)] = passages(body)
        assert got == speaker, body


def test_circumstantial_forms_add_a_statement_for_the_same_speaker():
    body = (
        "وقال مدير الميناء إن الحركة عادت إلى طبيعتها، مبيناً أن السفن المتأخرة "
        "ستفرغ حمولتها خلال يومين."
    )
    found = passages(body)
    assert found[-1] == ("السفن المتأخرة ستفرغ حمولتها خلال يومين", "مدير الميناء", "participle")


def test_a_colon_with_or_without_a_space_before_the_quotation_mark():
    for body in (
        'وقال المدير:"سنفتتح الفرع الجديد قريباً"',
        'وقال المدير: "سنفتتح الفرع الجديد قريباً"',
    ):
        assert passages(body) == [("سنفتتح الفرع الجديد قريباً", "المدير", "verb_colon")]


def test_a_title_followed_by_a_name_in_apposition_gives_the_name():
    body = "وقال الناطق باسم البلدية، سامي الأحمد، إن أعمال الصيانة ستنتهي الأسبوع المقبل."
    assert passages(body)[0][1] == "سامي الأحمد"
    body = "وقال سامي الأحمد، الناطق باسم البلدية، إن أعمال الصيانة ستنتهي الأسبوع المقبل."
    assert passages(body)[0][1] == "سامي الأحمد"


def test_a_newspaper_or_programme_name_in_quotes_is_not_a_quote_and_keeps_the_speaker():
    body = (
        "وقال الوزير لصحيفة «الأيام» إن الموازنة الجديدة تركز على التعليم والصحة. "
        "وأضاف في برنامج «صباح الخير» أن الحكومة لن ترفع الضرائب هذا العام."
    )
    found = passages(body)
    assert [speaker for _p, speaker, _r in found] == ["الوزير", "الوزير"]
    assert all("الأيام" not in passage and passage != "صباح الخير" for passage, _s, _r in found)


def test_other_quotation_marks_are_quotation_marks():
    for opening, closing in (("″", "″"), ("„", "“"), ("‟", "‟"), ("”", "”")):
        body = f"وقال الخبير: {opening}الأسعار ستنخفض مع بداية الصيف{closing}"
        assert passages(body) == [("الأسعار ستنخفض مع بداية الصيف", "الخبير", "verb_colon")], body


def test_a_quotation_nested_in_one_with_the_same_mark_stays_inside_it():
    body = 'وقال الرئيس: "هذا "القرار" نهائي ولا رجعة فيه أبداً"'
    assert passages(body) == [('هذا "القرار" نهائي ولا رجعة فيه أبداً', "الرئيس", "verb_colon")]


def test_two_quotations_joined_by_a_full_stop_without_a_space_stay_apart():
    body = "وقال المدير: “سنبدأ غداً في الصباح الباكر”.“ولن نتأخر عن الموعد المحدد أبداً”"
    found = [passage for passage, _s, _r in passages(body)]
    assert found == ["سنبدأ غداً في الصباح الباكر", "ولن نتأخر عن الموعد المحدد أبداً"]


def test_nothing_is_suggested_from_code_or_markup():
    body = 'var player = "قال"; init(player, {"id": "v-1", "n": 3}, 4, 5);'
    assert passages(body) == []


def test_reported_speech_is_its_own_kind_so_an_editor_can_tell_it_from_a_quote():
    body = "وأضاف الوزير أن الحكومة ستدعم المزارعين. وقال: «لن نتخلى عن أحد»."
    kinds = [(s.rule, s.kind) for s in suggest_quotes(body)]
    assert kinds == [("verb_that", "reported"), ("verb_colon", "direct")]


def test_a_speaker_named_after_the_quotation():
    body = "«الأسعار ستعود إلى مستواها الطبيعي قريباً»، يقول د. ماهر سليم، الخبير الاقتصادي."
    [(_passage, speaker, rule)] = passages(body)
    assert rule == "after_quote" and speakers_match(speaker, "ماهر سليم")


def test_a_headline_quote_is_left_to_the_story():
    body = "الوزير: «لا زيادة في الضرائب»\nوقال الوزير: «لا زيادة في الضرائب هذا العام»"
    found = suggest_quotes(body, headline="الوزير: «لا زيادة في الضرائب»")
    assert [body[s.start : s.end] for s in found] == ["لا زيادة في الضرائب هذا العام"]
