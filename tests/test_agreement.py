"""Agreement between two editors: every figure checked against arithmetic done by hand."""

from __future__ import annotations

import pytest

from articles.text.agreement import Span, character_alpha, compare, core_bounds

TEXT = "وقال الوزير: «والحكومة ستدعم المزارعين». وأضاف أن الأسعار سترتفع."


def span(phrase: str, kind: str, speaker: str = "") -> Span:
    start = TEXT.index(phrase)
    return Span(start, start + len(phrase), kind, speaker)


EDITOR_A = [
    span("«والحكومة ستدعم المزارعين»", "quote", "الوزير"),  # 26 characters
    span("الأسعار سترتفع", "claim"),  # 14 characters
    span("وقال الوزير", "background"),
]
EDITOR_B = [
    span("الحكومة ستدعم المزارعين", "quote", "الوزیر"),  # 23 characters; Persian ya
    span("وأضاف أن الأسعار سترتفع.", "claim"),  # 24 characters
]


def test_core_bounds_drop_quotation_marks_punctuation_and_proclitics():
    def core(phrase):
        start, end = core_bounds(TEXT, TEXT.index(phrase), TEXT.index(phrase) + len(phrase))
        return TEXT[start:end]

    assert core("«والحكومة ستدعم المزارعين»") == "حكومة ستدعم المزارعين"
    assert core("الحكومة ستدعم المزارعين") == "حكومة ستدعم المزارعين"
    assert core("وأضاف أن الأسعار سترتفع.") == "أضاف أن الأسعار سترتفع"
    # «أن» is too short to lose its first letter.
    assert core("أن الأسعار") == "أن الأسعار"


def test_span_f1_exact_overlap_and_arabic_tolerant_by_hand():
    report = compare(TEXT, EDITOR_A, EDITOR_B)
    # Exact: no pair has the same boundaries. F1 = 2·0 / (3 + 2) = 0.
    assert (report.exact.matched, report.exact.only_a, report.exact.only_b) == (0, 3, 2)
    assert report.exact.f1 == 0
    # Overlap: quote shares 23 characters (2·23 ≥ 26 and ≥ 23); claim shares 14
    # (2·14 ≥ 14 and ≥ 24). F1 = 2·2 / (3 + 2) = 0.8.
    assert (report.overlap.matched, report.overlap.only_a, report.overlap.only_b) == (2, 1, 0)
    assert report.overlap.f1 == pytest.approx(0.8)
    # Arabic-tolerant: both quotes trim to «حكومة ستدعم المزارعين»; the claims trim to
    # «أسعار سترتفع» and «أضاف أن الأسعار سترتفع», still different. F1 = 2·1 / 5 = 0.4.
    assert (report.tolerant.matched, report.tolerant.only_a, report.tolerant.only_b) == (1, 2, 1)
    assert report.tolerant.f1 == pytest.approx(0.4)
    # The one matched quote has the same speaker once folded (ی is ي).
    assert report.speaker_agreement == 1.0
    # Five spans lack an exact partner; four of them (two pairs) overlap a partner of the
    # same kind: boundary-only. The background span is a real difference.
    assert report.boundary_only_share == pytest.approx(4 / 5)
    assert 0 < report.alpha < 1


def test_krippendorff_alpha_at_the_character_level_by_hand():
    # Ten characters: A tags 0–4, B tags 0–5 (one claim each).
    # Coincidences: four units (1,1) give o11 = 8; one unit (0,1) gives o01 = o10 = 1;
    # five units (0,0) give o00 = 10. n1 = 9, n0 = 11, n = 20.
    # α = 1 − (n − 1)·(o01 + o10) / (2·n0·n1) = 1 − 19·2/198 = 80/99.
    alpha = character_alpha(10, [[Span(0, 4, "claim")], [Span(0, 5, "claim")]])
    assert alpha == pytest.approx(80 / 99)


def test_identical_work_agrees_fully_and_disjoint_work_does_not():
    same = compare(TEXT, EDITOR_A, EDITOR_A)
    assert same.exact.f1 == same.tolerant.f1 == same.alpha == 1.0
    assert same.boundary_only_share is None
    apart = compare(TEXT, EDITOR_A[2:], EDITOR_B[1:])
    assert apart.overlap.f1 == 0 and apart.alpha < 0.5
