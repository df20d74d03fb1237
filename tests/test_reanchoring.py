"""Re-anchoring text logic (articles/text/reanchoring.py), and its figures on a generated
corpus of realistic edits over the samples, with the truth known for every tag."""

from __future__ import annotations

from articles.text.reanchoring import (
    CORRECTED,
    FOUND,
    KEPT,
    ORPHAN,
    REFOLDED,
    Anchor,
    Reanchorer,
    context_of,
)
from bench import revision_corpus
from tests.conftest import SAMPLE_FILES

OLD = "أعلن الوزير خطة جديدة للنقل.\n\nوقال إن القطار السريع يصل المدينة في الربيع.\n\nانتهى."


def _anchor(text: str, passage: str) -> Anchor:
    start = text.index(passage)
    end = start + len(passage)
    return Anchor(start, end, passage, *context_of(text, start, end))


def _place(new: str, passage: str):
    placement = Reanchorer(OLD, new).place(_anchor(OLD, passage))
    text = new[placement.start : placement.end] if placement.placed else None
    return placement.how, text


def test_unchanged_text_moves_exactly():
    new = "عاجل: تحديث.\n\n" + OLD
    how, text = _place(new, "القطار السريع")
    assert (how, text) == (KEPT, "القطار السريع")
    placement = Reanchorer(OLD, new).place(_anchor(OLD, "القطار السريع"))
    assert placement.start == new.index("القطار السريع")


def test_diacritics_and_hamza_forms_are_folded():
    new = OLD.replace("القطار السريع", "القِطار السَّريع")
    assert _place(new, "القطار السريع") == (REFOLDED, "القِطار السَّريع")


def test_a_fixed_typo_inside_keeps_the_boundaries():
    old_typo = OLD.replace("يصل المدينة", "يصل المدينه")
    placement = Reanchorer(old_typo, OLD.replace("يصل", "سيصل")).place(
        _anchor(old_typo, "القطار السريع يصل المدينه في الربيع")
    )
    assert placement.how == CORRECTED


def test_a_moved_paragraph_is_found_by_text_and_context():
    first, second, third = OLD.split("\n\n")
    new = "\n\n".join([second, first, third])
    how, text = _place(new, "القطار السريع يصل المدينة")
    assert text == "القطار السريع يصل المدينة"
    assert how in (KEPT, FOUND)


def test_deleted_or_rewritten_text_is_orphaned():
    assert (
        _place(OLD.replace("وقال إن القطار السريع يصل المدينة في الربيع.\n\n", ""), "القطار")[0]
        == ORPHAN
    )
    rewritten = OLD.replace("القطار السريع يصل المدينة في الربيع", "الحافلات ستعمل ليلاً")
    assert _place(rewritten, "القطار السريع")[0] == ORPHAN


def test_never_placed_on_text_that_differs_after_folding():
    new = OLD.replace("خطة جديدة", "فكرة قديمة")
    how, text = _place(new, "خطة جديدة للنقل")
    assert (how, text) == (ORPHAN, None)


def test_generated_corpus_none_wrong_none_lost():
    texts = [path.read_text(encoding="utf-8") for path in SAMPLE_FILES]
    figures = revision_corpus.run(texts, variants=25)
    assert figures.tags > 3000
    assert {"typo", "insert", "delete", "move", "rewrite", "diacritics", "furniture"} <= set(
        figures.by_edit
    )
    assert figures.wrong == 0, figures.wrong_examples
    assert figures.lost == 0
    placed_right = figures.exact + figures.corrected_in_place + figures.on_copy_of_gone
    assert placed_right + figures.orphaned == figures.tags
    assert figures.exact_share >= 0.98
    assert figures.orphaned > 0  # the edits did destroy some tagged text


def test_a_copy_of_a_repeated_line_removed_orphans_instead_of_guessing():
    """A headline printed several times as furniture: one copy removed and the next line
    rewritten. The texts cannot tell which copy went, so a tag on a copy whose context
    changed is an orphan, never moved onto a neighbouring copy by the diff's choice."""
    line = "خطاب الرئيس أمام البرلمان"
    old = f"{line}\n\n{line}\nصورة\n\n{line}\n\n{line}\n\nقال الرئيس إن الموازنة ستقر قريباً."
    tagged = old.index(f"صورة\n\n{line}") + len("صورة\n\n")
    anchor = Anchor(tagged, tagged + 4, "خطاب", *context_of(old, tagged, tagged + 4))
    # The tagged copy and its line end are removed; a sentence is added below the next copy.
    new = old[:tagged] + old[tagged + len(line) + 1 :]
    new = new.replace("\n\nقال", "\n\nوأضاف مصدر أن الجلسة طويلة\nقال")
    placement = Reanchorer(old, new).place(anchor)
    assert placement.how == ORPHAN


def test_a_repeated_line_whose_copies_all_stay_keeps_its_tags():
    line = "خطاب الرئيس أمام البرلمان"
    old = f"{line}\n\n{line}\n\nقال الرئيس إن الموازنة ستقر قريباً."
    new = old.replace("قال الرئيس", "وقال رئيس الدولة")
    second = old.index(line, 1)
    anchor = Anchor(second, second + 4, "خطاب", *context_of(old, second, second + 4))
    placement = Reanchorer(old, new).place(anchor)
    assert (placement.how, placement.start) == (KEPT, new.index(line, 1))


def test_a_sentence_printed_twice_is_not_taken_for_the_deleted_copy():
    """A statement repeated at the end of a story: the first paragraph is removed and the
    hamza fixed in the repeat. The tag was on the removed copy; the repeat has the same text
    and context after folding, so nothing tells them apart: an orphan, not a guess."""
    said = "أكد أن الحكومة ستقرر بعد اجتماعها المطول اعلان الخطة الجديدة للنقل العام غداً"
    old = f"قال المتحدث {said}.\n\nوشهدت المدينة أمطاراً غزيرة.\n\nوكرر الوزير في الختام {said}."
    new = old.split("\n\n", 1)[1].replace("اعلان", "إعلان")
    placement = Reanchorer(old, new).place(_anchor(old, "اعلان الخطة"))
    assert placement.how == ORPHAN
    # The repeat's own tag is never put on the other copy either: at worst an orphan.
    last = old.rindex("اعلان الخطة")
    anchor = Anchor(last, last + 11, "اعلان الخطة", *context_of(old, last, last + 11))
    placement = Reanchorer(old, new).place(anchor)
    assert placement.how == ORPHAN or placement.start == new.rindex("إعلان الخطة")


def _placed_text(old: str, new: str, passage: str, occurrence: int = 0):
    start = -1
    for _ in range(occurrence + 1):
        start = old.index(passage, start + 1)
    end = start + len(passage)
    placement = Reanchorer(old, new).place(
        Anchor(start, end, passage, *context_of(old, start, end))
    )
    return placement.how, placement.start


def test_a_headline_moved_below_the_lead_keeps_its_whole_line_tag():
    """A tag over a whole short line has no context inside its paragraph: when the line
    moves, the line itself (the only one of its text in both versions) carries the tag."""
    head = "عنوان: افتتاح جسر جديد"
    lead = "افتتح الوزير اليوم جسراً يربط ضفتي النهر بعد عامين من العمل."
    rest = "وقال إن الجسر يختصر الطريق ساعة كاملة."
    old = f"{head}\n{lead}\n\n{rest}"
    new = f"{lead}\n{head}\n\n{rest}"
    assert _placed_text(old, new, head) == (KEPT, new.index(head))


def test_a_headline_and_its_breadcrumb_copy_swapped_each_tag_follows_its_line():
    """The headline printed after the breadcrumb and again alone; the plain copy moved
    to the top. The diff pairs the two copies of the same words; the lines tell them apart."""
    title = "أسعار القمح ترتفع للمرة الثالثة هذا الشهر"
    crumb = "الرئيسية / اقتصاد / "
    body = "ارتفعت أسعار القمح في الأسواق المحلية بنسبة خمسة في المئة."
    old = f"{crumb}{title}\n{title}\n\n{body}"
    new = f"{title}\n{crumb}{title}\n\n{body}"
    phrase = "ترتفع للمرة الثالثة"
    in_crumb_line = len(crumb) + title.index(phrase)
    assert _placed_text(old, new, phrase) == (KEPT, len(title) + 1 + in_crumb_line)
    assert _placed_text(old, new, phrase, occurrence=1) == (KEPT, title.index(phrase))


def test_a_removed_copy_at_the_top_of_the_text_still_counts_as_a_copy():
    """A masthead printed twice, the first at the very start of the text: a line break
    before the other copy says only "at the start of a line", which the first line is too.
    The second copy removed and a paragraph added above: which copy went is unknown."""
    masthead = "رئيس التحرير المسؤول"
    editor = "سعاد الخطيب"
    old = f"{masthead}\n{editor}\n{masthead}\n{editor}\n\nبدأ اليوم موسم قطف الزيتون في القرى."
    new = "أعلنت البلدية برنامج الاحتفالات بالموسم الجديد للزيتون هذا العام\n" + old.replace(
        f"{editor}\n{masthead}\n", f"{editor}\n", 1
    )
    how, _start = _placed_text(old, new, "التحرير المسؤول", occurrence=1)
    assert how == ORPHAN


def test_a_near_copy_of_the_tag_left_by_a_rewritten_sentence_is_not_a_correction():
    """The sentence is rewritten (its words reordered): a letter of the tag's first word and
    its end stay where they were, around other words. A correction needs the text around
    the tag to be there on both sides, as a fixed typo leaves it."""
    old = "جلس الوزير طويلاً مع السفير الذي لم يلتقه من قبل. ثم غادر القاعة مسرعاً إلى المطار."
    new = "وأضاف جلس الوزير لم طويلاً من الذي السفير يلتقه مع قبل. ثم غادر القاعة مسرعاً إلى المطار."
    assert _placed_text(old, new, "من قبل.")[0] == ORPHAN
    # A typo fixed inside the tag, its surroundings unchanged, is still a correction.
    fixed = old.replace("من قبل.", "مِن قبلُ.").replace("يلتقه", "يلتقِه")
    assert _placed_text(old, old.replace("من قبل", "من قبلها"), "من قبل.")[0] == CORRECTED
    assert _placed_text(old, fixed, "من قبل.")[0] == REFOLDED


def test_a_short_word_in_a_reordered_sentence_needs_context_on_both_sides():
    old = (
        "وصل الوفد في الصباح الباكر إلى العاصمة في زيارة رسمية تستمر يومين."
        "\n\nوكان في استقباله الوزير."
    )
    new = (
        "العاصمة في الصباح يومين. في وأضاف زيارة رسمية الوفد الباكر تستمر وصل إلى"
        "\n\nوكان في استقباله الوزير."
    )
    assert _placed_text(old, new, "في")[0] == ORPHAN
    # The same word with its sentence untouched keeps its place.
    added = "وصل الوفد في الصباح الباكر" + " جداً" + old[len("وصل الوفد في الصباح الباكر") :]
    assert _placed_text(old, added, "في") == (KEPT, added.index("في"))


def test_a_headline_printed_three_times_one_copy_moved_is_never_put_on_another():
    """The breadcrumb line, then the headline twice; the last copy moved to the top. Every
    copy holds the same words with the same context inside the line, and the diff pairs
    them by position: a tag goes where its own copy went, or is orphaned, never to the
    breadcrumb line's copy, whose context is no better than the true place's."""
    title = "خبر عاجل: أسعار القمح ترتفع للمرة الثالثة هذا الشهر - الجفاف وراء الارتفاع!"
    crumb = "الرئيسية / اقتصاد / "
    body = "ارتفعت أسعار القمح في الأسواق المحلية بنسبة خمسة في المئة بحسب التجار."
    old = f"{crumb}{title}\n{title}\n\n{title}\n\n{body}"
    moved_last_to_top = f"{title}\n{title}\n\n{crumb}{title}\n\n{body}"
    swapped_first_two = f"{title}\n{crumb}{title}\n\n{title}\n\n{body}"
    phrase = "القمح ترتفع للمرة الثالثة"
    at_top = title.index(phrase)
    how, start = _placed_text(old, moved_last_to_top, phrase, occurrence=2)
    assert how == ORPHAN or start == at_top
    how, start = _placed_text(old, swapped_first_two, phrase, occurrence=1)
    assert how == ORPHAN or start == at_top


def test_the_same_words_on_another_line_are_not_taken_while_the_tags_line_is_still_whole():
    """The plain headline moved to the top, a line reusing the headline's words added below.
    The diff keeps the tag on the breadcrumb line's copy of the words; but the tag's own
    line is still whole elsewhere, so that pairing is in doubt: an orphan, not a guess."""
    title = "عاجل: أسعار القمح ترتفع للمرة الثالثة هذا الشهر - الجفاف وراء الارتفاع!"
    crumb = "الرئيسية / اقتصاد / "
    tail = (
        "نشر: محرر الاقتصاد 3 مارس 2025\n\n"
        "ارتفعت أسعار القمح في الأسواق المحلية بنسبة خمسة في المئة بحسب التجار.\n"
        "وقال تاجر في السوق إن الطلب يزداد قبل الأعياد كل عام."
    )
    old = f"{crumb}{title}\n{title}\n\n{title}\n\n{tail}"
    reused = (
        "في كل عاجل: ارتفعت - - / تاجر أسعار 2025 وراء ترتفع الأعياد / / عاجل: كل ترتفع عام. اقتصاد"
    )
    new = f"{title}\n{crumb}{title}\n\n{reused}\n{title}\n\n{tail}"
    how, start = _placed_text(old, new, "- الجفاف", occurrence=1)
    assert how == ORPHAN or start == title.index("- الجفاف")


def test_a_masthead_copy_removed_keeps_the_tag_on_the_copy_between_the_same_lines():
    """A masthead printed on two pages of a print edition, the first copy removed and a
    line added near the second: the second copy still stands between the same two lines,
    so its tag stays on it."""
    masthead = "رئيس التحرير: سامي الأحمد"
    old = (
        f"الصفحة الأولى\n{masthead}\nالعدد 512\n\nالشؤون المحلية\n{masthead}\n"
        "أخبار المدينة اليوم\n\nافتتحت البلدية حديقة جديدة."
    )
    new = old.replace(f"{masthead}\nالعدد", "العدد", 1).replace("اليوم\n\n", "اليوم\nصور\n\n")
    how, start = _placed_text(old, new, "سامي الأحمد", occurrence=1)
    assert (how, start) == (KEPT, new.index("سامي الأحمد"))


def test_a_typo_fixed_inside_a_quote_stays_when_both_neighbouring_paragraphs_change():
    """The text around the tag agrees up to its paragraph's ends: what lies beyond them
    (a paragraph added above, one removed below) is not the tag's own context."""
    old = (
        "اجتماع الحكومة\n\n"
        'قال الوزير: "سنخفظ الضرائب على المصانع الصغيرة".\n\n'
        "وأكد مصدر أن العجز تراجع.\n\nوتستمر المشاورات."
    )
    new = (
        old.replace("سنخفظ", "سنخفض")
        .replace("اجتماع الحكومة\n\n", "اجتماع الحكومة\n\nأعلنت الحكومة خطة جديدة.\n\n")
        .replace("وأكد مصدر أن العجز تراجع.\n\n", "")
    )
    how, start = _placed_text(old, new, "سنخفظ الضرائب على المصانع الصغيرة")
    assert (how, start) == (CORRECTED, new.index("سنخفض"))
