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
    assert figures.exact + figures.corrected_in_place + figures.orphaned == figures.tags
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
